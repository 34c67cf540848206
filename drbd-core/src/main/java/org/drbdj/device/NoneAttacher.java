package org.drbdj.device;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@link DeviceStrategy#NONE} strategy: no block device, clients use the NBD export on its
 * Unix socket directly (nbdinfo, nbdcopy, qemu, fio's nbd engine).
 */
public final class NoneAttacher implements DeviceAttacher {
    @Override
    public DeviceStrategy strategy() {
        return DeviceStrategy.NONE;
    }

    @Override
    public AttachedDevice attach(int minor, Path nbdSocket, String exportName, long sizeBytes) {
        DeviceNodes.checkMinor(minor);
        return new AttachedDevice() {
            @Override
            public int minor() {
                return minor;
            }

            @Override
            public DeviceStrategy strategy() {
                return DeviceStrategy.NONE;
            }

            @Override
            public Optional<Path> devicePath() {
                return Optional.empty();
            }

            @Override
            public Optional<DeviceNumber> deviceNumber() {
                return Optional.empty();
            }

            @Override
            public void setReadOnly(boolean readOnly) {
                // Nothing to flag: the export itself refuses I/O while Secondary.
            }

            @Override
            public void flushCaches() {
                // No kernel device, no cache.
            }

            @Override
            public boolean isInUse() {
                return false;
            }

            @Override
            public void close() {
                // Nothing was created.
            }
        };
    }

    @Override
    public void cleanStale(int minor) {
        DeviceNodes.checkMinor(minor);
    }
}
