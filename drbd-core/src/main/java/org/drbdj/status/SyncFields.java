package org.drbdj.status;

import org.drbdj.state.DeviceState;
import org.drbdj.state.PeerDeviceState;
import org.drbdj.state.ReplicationState;
import org.drbdj.state.ResyncProgress;

/**
 * The resync numbers DRBD 9's tools derive from a peer device ({@code done:}, {@code dbdt1:},
 * {@code eta:}), computed the way drbdsetup does, shared by the status and events2 renderers.
 */
final class SyncFields {
    private static final double NS_PER_MS = 1_000_000.0;

    private SyncFields() {
    }

    /**
     * drbdsetup's {@code sync_details}: resync/verify totals are known and non-zero. The kernel
     * only reports them while something is left to do, so a finished run has none.
     */
    static boolean syncDetails(PeerDeviceState pd) {
        return pd.resync() != null && pd.resync().totalSectors() != 0 && pd.resync().leftSectors() != 0;
    }

    /** The rate controller's target as DRBD 9 reports it: only on SyncTarget and VerifyS, else 0. */
    static long wantKiBps(PeerDeviceState pd) {
        ReplicationState r = pd.replication();
        return r == ReplicationState.SYNC_TARGET || r == ReplicationState.VERIFY_S ? pd.resync().wantKiBps() : 0;
    }

    /** In a resync state but without progress numbers: {@code done:} is estimated from out-of-sync / size. */
    static boolean inResyncWithoutDetails(PeerDeviceState pd) {
        ReplicationState r = pd.replication();
        return pd.resync() == null && r.code() >= ReplicationState.SYNC_SOURCE.code()
                && r.code() <= ReplicationState.PAUSED_SYNC_T.code() && !r.isVerify();
    }

    static double done(PeerDeviceState pd, DeviceState device) {
        if (syncDetails(pd)) {
            ResyncProgress p = pd.resync();
            return 100.0 * (double) (p.totalSectors() - p.leftSectors()) / (double) p.totalSectors();
        }
        long size = device == null ? 0 : device.sizeSectors();
        return 100 * (1 - (double) pd.stats().outOfSyncSectors() / (double) size);
    }

    /** Sectors per millisecond over the recent-mark window, as {@code db1/dt1}. */
    static double recentDb(ResyncProgress p) {
        return (double) (p.recentMarkLeftSectors() - p.leftSectors());
    }

    static double recentDtMs(ResyncProgress p) {
        long ms = (long) ((p.sampledNs() - p.recentMarkNs()) / NS_PER_MS);
        return ms == 0 ? 1 : ms;
    }

    static double windowDb(ResyncProgress p) {
        return (double) (p.windowMarkLeftSectors() - p.leftSectors());
    }

    static double windowDtMs(ResyncProgress p) {
        long ms = (long) ((p.sampledNs() - p.windowMarkNs()) / NS_PER_MS);
        return ms == 0 ? 1 : ms;
    }

    static long elapsedMs(ResyncProgress p) {
        return (long) ((p.sampledNs() - p.startNs()) / NS_PER_MS);
    }

    static long pausedMs(ResyncProgress p) {
        return (long) (p.pausedNs() / NS_PER_MS);
    }

    /** {@code dbdt1:} in MiB/s. */
    static double dbdt1(ResyncProgress p) {
        return recentDb(p) / recentDtMs(p) * 1000.0 / 2048.0;
    }

    /** {@code eta:} in seconds (NaN when no progress), based on the recent window. */
    static double eta(ResyncProgress p) {
        double db = recentDb(p);
        return db > 0 ? recentDtMs(p) * 1e-3 * p.leftSectors() / db : Double.NaN;
    }
}
