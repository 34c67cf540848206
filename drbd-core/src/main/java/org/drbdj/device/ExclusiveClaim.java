package org.drbdj.device;

import java.io.IOException;
import java.nio.file.Path;
import org.drbdj.nativeio.Errno;
import org.drbdj.storage.BackingDevice;
import org.drbdj.storage.DeviceIoException;

/**
 * Whether the kernel holds an exclusive claim on a block device: a mounted file system, a swap
 * area, a device-mapper or md stack, or a program that opened it with {@code O_EXCL} (mkfs,
 * fsck). Found by opening it read-only with {@code O_EXCL}, which fails with EBUSY then. Unlike
 * {@code /proc/self/mountinfo} this also sees mounts in other mount namespaces.
 *
 * <p>For the microseconds of the probe we hold the claim ourselves, and an {@code O_EXCL} opener
 * racing with it would get EBUSY; so callers probe last, when every cheaper check says the
 * device is free (at a demotion, at {@code down}), never on every tick.
 */
final class ExclusiveClaim {
    private ExclusiveClaim() {
    }

    /**
     * @param blockNode a node of the device (the loop or nbd node, never the watched /dev/drbdN,
     *                  so that the probe is not reported as an open)
     */
    static boolean isClaimed(Path blockNode) throws IOException {
        try (BackingDevice probe = BackingDevice.open(blockNode, new BackingDevice.OpenOptions(true, false, true))) {
            return false;
        } catch (DeviceIoException e) {
            if (e.errno() == Errno.EBUSY) {
                return true;
            }
            throw e;
        }
    }
}
