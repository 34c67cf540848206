package org.drbdj.device;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One attached {@code /dev/drbdN}. {@link #close()} tears it down in the reverse order of
 * attaching; it is idempotent and exhaustive (every step is tried even when an earlier one
 * failed, the first failure is thrown with the others suppressed).
 */
public interface AttachedDevice extends Closeable {
    int minor();

    DeviceStrategy strategy();

    /** {@code /dev/drbdN}, or empty for {@link DeviceStrategy#NONE}. */
    Optional<Path> devicePath();

    /** The major:minor of the device serving the node (a loop or nbd device), if any. */
    Optional<DeviceNumber> deviceNumber();

    /**
     * Sets the block layer's read-only flag ({@code BLKROSET}, as {@code blockdev --setro}),
     * so writes fail with EPERM and {@code mount} falls back to read-only. The daemon sets it on
     * demotion and clears it on promotion; it mirrors DRBD refusing writes while Secondary.
     */
    void setReadOnly(boolean readOnly) throws IOException;

    /**
     * Writes back the device's dirty cached pages and forgets its cache, so that nothing written
     * before is still on its way to the export after a role change, and later reads reach the
     * export instead of a cache a peer may have made stale. The daemon calls it while still
     * Primary, before demoting (dirty pages flushed after demotion would hit a Secondary).
     */
    void flushCaches() throws IOException;

    /**
     * True when the device is mounted (in this mount namespace or, through the kernel's exclusive
     * claim, in any), has holders, or is open with {@code O_EXCL}; DRBD then refuses {@code down}.
     */
    boolean isInUse() throws IOException;

    @Override
    void close() throws IOException;
}
