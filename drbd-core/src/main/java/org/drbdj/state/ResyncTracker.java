package org.drbdj.state;

/**
 * Keeps the progress bookkeeping of one resync or online verify towards one peer, the way DRBD does
 * ({@code rs_total}, {@code rs_start}, {@code rs_paused} and the ring of 8 sync marks taken every
 * 3 s, {@code DRBD_SYNC_MARKS}/{@code DRBD_SYNC_MARK_STEP}), and produces {@link ResyncProgress}
 * snapshots for the status outputs. Time is passed in ({@code nowNs}) from the caller's clock.
 *
 * <p>Thread-safe: the resync engine updates it while status readers take snapshots.
 */
public final class ResyncTracker {
    /** Number of sync marks DRBD keeps. */
    public static final int MARKS = 8;
    /** Interval between sync marks (DRBD: 3 * HZ). */
    public static final long MARK_STEP_NS = 3_000_000_000L;

    private final long totalSectors;
    private final long startNs;
    private final ResyncProgress.VerifyRange verifyStart;
    private final long[] markNs = new long[MARKS];
    private final long[] markLeft = new long[MARKS];
    private int lastMark;
    private long leftSectors;
    private long failedSectors;
    private long sameCsumSectors;
    private long positionSector;
    private long skippedSectors;
    private long pausedNs;
    private long pausedSinceNs = -1;

    /**
     * Starts tracking a run.
     *
     * @param totalSectors amount to resync (the bitmap's out-of-sync amount) or to verify
     * @param nowNs        start time
     * @param verify       the verify range for an online verify, {@code null} for a resync
     */
    public ResyncTracker(long totalSectors, long nowNs, ResyncProgress.VerifyRange verify) {
        if (totalSectors < 0) {
            throw new IllegalArgumentException("totalSectors must not be negative, got " + totalSectors);
        }
        this.totalSectors = totalSectors;
        this.startNs = nowNs;
        this.verifyStart = verify;
        this.leftSectors = totalSectors;
        this.positionSector = verify == null ? 0 : verify.positionSector();
        resetMarks(nowNs);
    }

    /**
     * Records progress: the amount still to do, and advances the marks every {@link #MARK_STEP_NS}
     * ({@code drbd_advance_rs_marks}).
     */
    public synchronized void progress(long stillToDoSectors, long nowNs) {
        if (stillToDoSectors < 0) {
            throw new IllegalArgumentException("stillToDoSectors must not be negative, got " + stillToDoSectors);
        }
        leftSectors = stillToDoSectors;
        if (pausedSinceNs < 0 && nowNs - markNs[lastMark] >= MARK_STEP_NS) {
            int next = (lastMark + 1) % MARKS;
            markNs[next] = nowNs;
            markLeft[next] = stillToDoSectors;
            lastMark = next;
        }
    }

    /** Counts blocks that could not be resynced ({@code rs_failed}). */
    public synchronized void addFailed(long sectors) {
        failedSectors += sectors;
    }

    /** Counts blocks found in sync by checksum ({@code rs_same_csum}). */
    public synchronized void addSameCsum(long sectors) {
        sameCsumSectors += sectors;
    }

    /** Online verify: the current position and the unreadable amount skipped so far. */
    public synchronized void verifyPosition(long sector, long skipped) {
        positionSector = sector;
        skippedSectors = skipped;
    }

    /** The run was paused (pause-sync, dependency, peer); paused time does not count for speed. */
    public synchronized void pause(long nowNs) {
        if (pausedSinceNs < 0) {
            pausedSinceNs = nowNs;
        }
    }

    /** The run resumes; like DRBD, the marks restart now so the speed reflects the running time. */
    public synchronized void resume(long nowNs) {
        if (pausedSinceNs >= 0) {
            pausedNs += nowNs - pausedSinceNs;
            pausedSinceNs = -1;
            resetMarks(nowNs);
        }
    }

    /** True while paused. */
    public synchronized boolean isPaused() {
        return pausedSinceNs >= 0;
    }

    /**
     * A snapshot for the renderers.
     *
     * @param nowNs     the current time
     * @param wantKiBps the rate controller's current target
     */
    public synchronized ResyncProgress snapshot(long nowNs, long wantKiBps) {
        int window = (lastMark + 2) % MARKS;
        int recent = (lastMark + MARKS - 1) % MARKS;
        long paused = pausedNs + (pausedSinceNs >= 0 ? nowNs - pausedSinceNs : 0);
        ResyncProgress.VerifyRange v = verifyStart == null ? null
                : new ResyncProgress.VerifyRange(verifyStart.startSector(), verifyStart.stopSector(), positionSector,
                        skippedSectors);
        return new ResyncProgress(totalSectors, leftSectors, failedSectors, startNs, paused, nowNs,
                markNs[window], markLeft[window], markNs[recent], markLeft[recent], wantKiBps, sameCsumSectors, v);
    }

    private void resetMarks(long nowNs) {
        for (int i = 0; i < MARKS; i++) {
            markNs[i] = nowNs;
            markLeft[i] = leftSectors;
        }
        lastMark = 0;
    }
}
