package org.drbdj.state;

/**
 * Immutable snapshot of a running (or paused) resync or online verify towards one peer: everything
 * the progress lines of {@code /proc/drbd} and the {@code done:}/{@code dbdt1:}/{@code eta:} fields of
 * DRBD 9's status need. Amounts are 512-byte sectors; times are from the daemon's monotonic clock
 * in nanoseconds, so the renderer needs no clock of its own.
 *
 * <p>Like DRBD, speed is measured against "sync marks": the amount left at an earlier moment.
 * {@code windowMark*} is the mark DRBD 8.4's {@code /proc/drbd} uses (about 18 s old, its
 * {@code rs_mark_left[(rs_last_mark+2) % 8]}); {@code recentMark*} is the newest mark (DRBD 9's
 * {@code rs_db1_sectors/rs_dt1_ms}).
 *
 * @param totalSectors          amount to resync/verify in this run ({@code rs_total})
 * @param leftSectors           amount still to do: out-of-sync minus failed for a resync, {@code ov_left} for verify
 * @param failedSectors         blocks that failed to resync ({@code rs_failed})
 * @param startNs               when the run started
 * @param pausedNs              total time spent paused so far ({@code rs_paused})
 * @param sampledNs             when this snapshot was taken ("now" for the renderer)
 * @param windowMarkNs          time of the ~18 s mark
 * @param windowMarkLeftSectors amount left at the ~18 s mark
 * @param recentMarkNs          time of the most recent mark
 * @param recentMarkLeftSectors amount left at the most recent mark
 * @param wantKiBps             the rate controller's current target ({@code c_sync_rate}, {@code want:}), KiB/s
 */
public record ResyncProgress(long totalSectors, long leftSectors, long failedSectors,
                             long startNs, long pausedNs, long sampledNs,
                             long windowMarkNs, long windowMarkLeftSectors,
                             long recentMarkNs, long recentMarkLeftSectors,
                             long wantKiBps) {
    public ResyncProgress {
        DeviceStats.requireNonNegative("totalSectors", totalSectors);
        DeviceStats.requireNonNegative("leftSectors", leftSectors);
        DeviceStats.requireNonNegative("failedSectors", failedSectors);
        DeviceStats.requireNonNegative("pausedNs", pausedNs);
        DeviceStats.requireNonNegative("wantKiBps", wantKiBps);
        if (sampledNs - startNs < 0 || sampledNs - windowMarkNs < 0 || sampledNs - recentMarkNs < 0) {
            throw new IllegalArgumentException("sampledNs " + sampledNs + " is before startNs " + startNs
                    + " or a mark (" + windowMarkNs + ", " + recentMarkNs + ")");
        }
    }

    /** Percentage done as DRBD 9 prints it ({@code done:}): {@code 100 * (total - left) / total}. */
    public double percentDone() {
        return totalSectors == 0 ? 0.0 : 100.0 * (double) (totalSectors - leftSectors) / (double) totalSectors;
    }
}
