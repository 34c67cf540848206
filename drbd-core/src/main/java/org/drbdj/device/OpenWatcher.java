package org.drbdj.device;

import java.io.Closeable;
import java.nio.file.Path;
import java.util.Set;

/**
 * Tells the daemon who opens {@code /dev/drbdN} for writing and when such a descriptor is
 * closed: the nearest we get to DRBD's {@code open()}/{@code release()} hooks on a borrowed block
 * device. Notification only: an open cannot be delayed or refused (fanotify has no permission
 * events for device nodes, see docs/devices.md), so the daemon promotes right after such an open
 * and the first write promotes anyway.
 */
public interface OpenWatcher extends Closeable {

    /** Receives the watcher's observations, on the watcher's thread; must not block. */
    interface Listener {
        /** Process {@code pid} has just opened {@code /dev/drbd<minor>} for writing. */
        void openedForWrite(int minor, long pid);

        /** A descriptor of {@code /dev/drbd<minor>} that was open for writing has been closed. */
        void closedAfterWrite(int minor);
    }

    /** False when opens cannot be observed on this host; {@link #reason()} says why. */
    boolean isAvailable();

    /** Why the watcher is unavailable, or how it works when it is. */
    String reason();

    /**
     * Starts watching the node of a minor, which is served by {@code device}.
     *
     * @throws java.io.IOException when the node cannot be watched (the daemon then runs without
     *         open tracking for it)
     */
    void watch(int minor, Path node, DeviceNumber device) throws java.io.IOException;

    /** Stops watching a minor (before its node is removed). Idempotent. */
    void unwatch(int minor);

    /**
     * The processes that opened the minor's node for writing and, checked now, still hold it open
     * for writing; those that no longer do are forgotten.
     */
    Set<Long> writers(int minor);

    /** Stops the watcher; idempotent. */
    @Override
    void close();

    /** A watcher that observes nothing, for hosts where opens cannot be watched. */
    static OpenWatcher unavailable(String reason) {
        return new OpenWatcher() {
            @Override
            public boolean isAvailable() {
                return false;
            }

            @Override
            public String reason() {
                return reason;
            }

            @Override
            public void watch(int minor, Path node, DeviceNumber device) {
                // Nothing to watch with: writes still promote, mounts and a quiet period demote.
            }

            @Override
            public void unwatch(int minor) {
                // Nothing was watched.
            }

            @Override
            public Set<Long> writers(int minor) {
                return Set.of();
            }

            @Override
            public void close() {
                // Nothing to stop.
            }
        };
    }
}
