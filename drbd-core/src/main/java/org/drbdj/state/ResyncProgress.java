package org.drbdj.state;

/**
 * Immutable snapshot of a running (or paused) resync or online verify towards one peer: everything
 * the progress lines of {@code /proc/drbd} and the {@code done:}/{@code dbdt1:}/{@code eta:} fields of
 * DRBD 9's status need. Amounts are 512-byte sectors; times are from the daemon's monotonic clock
 * in nanoseconds, so the renderer needs no clock of its own.
 *
 * <p>Like DRBD, speed is measured against "sync marks": the amount left at an earlier moment.
 * DRBD keeps 8 marks, one every 3 s ({@link ResyncTracker} does the same). {@code windowMark*} is
 * the oldest, about 18-21 s old ({@code rs_mark_left[(rs_last_mark+2) % 8]}: {@code /proc/drbd}'s
 * speed and DRBD 9's {@code rs_db0/dt0}); {@code recentMark*} the one before the newest, 3-6 s old
 * ({@code (rs_last_mark+7) % 8}: DRBD 9's {@code rs_db1/dt1}, shown as {@code dbdt1:} and used for
 * {@code eta:}).
 *
 * @param totalSectors          amount to resync/verify in this run ({@code rs_total})
 * @param leftSectors           amount still to do: out-of-sync minus failed for a resync, {@code ov_left} for verify
 * @param failedSectors         blocks that failed to resync ({@code rs_failed})
 * @param startNs               when the run started
 * @param pausedNs              total time spent paused so far ({@code rs_paused})
 * @param sampledNs             when this snapshot was taken ("now" for the renderer)
 * @param windowMarkNs          time of the ~18 s mark
 * @param windowMarkLeftSectors amount left at the ~18 s mark
 * @param recentMarkNs          time of the 3-6 s old mark
 * @param recentMarkLeftSectors amount left at the 3-6 s old mark
 * @param wantKiBps             the rate controller's current target ({@code c_sync_rate}, {@code want:}), KiB/s
 * @param sameCsumSectors       resync data found already in sync by checksum ({@code rs_same_csum}, with {@code csums-alg})
 * @param verify                the verify range for an online verify, {@code null} for a resync
 */
public record ResyncProgress(long totalSectors, long leftSectors, long failedSectors,
                             long startNs, long pausedNs, long sampledNs,
                             long windowMarkNs, long windowMarkLeftSectors,
                             long recentMarkNs, long recentMarkLeftSectors,
                             long wantKiBps, long sameCsumSectors, VerifyRange verify) {
    public ResyncProgress {
        DeviceStats.requireNonNegative("totalSectors", totalSectors);
        DeviceStats.requireNonNegative("leftSectors", leftSectors);
        DeviceStats.requireNonNegative("failedSectors", failedSectors);
        DeviceStats.requireNonNegative("pausedNs", pausedNs);
        DeviceStats.requireNonNegative("wantKiBps", wantKiBps);
        DeviceStats.requireNonNegative("sameCsumSectors", sameCsumSectors);
        if (sampledNs - startNs < 0 || sampledNs - windowMarkNs < 0 || sampledNs - recentMarkNs < 0) {
            throw new IllegalArgumentException("sampledNs " + sampledNs + " is before startNs " + startNs
                    + " or a mark (" + windowMarkNs + ", " + recentMarkNs + ")");
        }
    }

    /**
     * Where an online verify runs ({@code drbdadm verify --start/--stop}).
     *
     * @param startSector    first sector ({@code ov_start_sector})
     * @param stopSector     last sector, or {@code Long.MAX_VALUE} for the end of the device ({@code ov_stop_sector})
     * @param positionSector current position ({@code ov_position})
     * @param skippedSectors sectors skipped because they could not be read ({@code ov_skipped})
     */
    public record VerifyRange(long startSector, long stopSector, long positionSector, long skippedSectors) {
    }

    /** Percentage done as DRBD 9 prints it ({@code done:}): {@code 100 * (total - left) / total}. */
    public double percentDone() {
        return totalSectors == 0 ? 0.0 : 100.0 * (double) (totalSectors - leftSectors) / (double) totalSectors;
    }
}
