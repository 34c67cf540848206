package org.drbdj.device;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Turns the NBD export of one minor into a block device node, the userspace counterpart of the
 * DRBD kernel module's {@code add_disk()} on {@code drbdsetup new-minor}. The daemon calls
 * {@link #attach} on {@code up} (once the export listens) and closes the result on {@code down}.
 */
public interface DeviceAttacher {
    /** Which strategy this attacher implements (never {@link DeviceStrategy#AUTO}). */
    DeviceStrategy strategy();

    /**
     * Attaches the export and creates {@code /dev/drbd<minor>}. On failure everything created
     * so far is torn down again before the exception propagates.
     *
     * @param minor the DRBD minor, 0..1048575
     * @param nbdSocket the Unix socket the export listens on
     * @param exportName the NBD export name (may be empty for the default export)
     * @param sizeBytes the usable size the export announces; the device must show exactly this
     */
    AttachedDevice attach(int minor, Path nbdSocket, String exportName, long sizeBytes) throws IOException;

    /**
     * Removes what a crashed daemon left behind for this minor (stale nodes, loop devices,
     * mounts, processes). {@link #attach} does this itself; the daemon may call it at start.
     */
    void cleanStale(int minor) throws IOException;
}
