package org.drbdj.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.drbdj.status.StatusOptions;
import org.drbdj.status.StatusRenderer;
import org.junit.jupiter.api.Test;

/** Sync marks and speeds with a hand-driven clock: a steady 10 MiB/s resync of 1 GiB. */
class ResyncTrackerTest {
    private static final long S = 1_000_000_000L;
    private static final long TOTAL = 2L * 1024 * 1024;       // 1 GiB in sectors
    private static final long PER_SECOND = 20480;              // 10 MiB in sectors

    static ResourceState syncSource(ResyncProgress p) {
        PeerState peer = PeerState.created(1, "bob", WireProtocol.C, List.of(0), List.of())
                .withConnection(ConnectionState.CONNECTED).withPeerRole(Role.SECONDARY);
        peer = peer.withPeerDevice(peer.peerDevice(0).withReplication(ReplicationState.SYNC_SOURCE)
                .withPeerDisk(DiskState.INCONSISTENT).withResync(p)
                .withStats(new PeerDeviceStats(0, 0, p.leftSectors(), 0, 0)));
        return ResourceState.created("r0", 0).withRole(Role.PRIMARY)
                .withDevice(DeviceState.created(0, 1).withDisk(DiskState.UP_TO_DATE).withBackingDevice("/dev/x", TOTAL))
                .withPeer(peer);
    }

    @Test
    void steadyRateGivesDrbdsNumbers() {
        ResyncTracker t = new ResyncTracker(TOTAL, 0, null);
        for (int sec = 1; sec <= 30; sec++) {
            t.progress(TOTAL - sec * PER_SECOND, sec * S);
        }
        ResyncProgress p = t.snapshot(30 * S, 0);
        assertThat(p.windowMarkNs()).isEqualTo(12 * S);   // the 18 s window
        assertThat(p.recentMarkNs()).isEqualTo(27 * S);   // the mark before the newest
        assertThat(p.leftSectors()).isEqualTo(TOTAL - 30 * PER_SECOND);

        ResourceState r = syncSource(p);
        String proc = org.drbdj.status.ProcDrbdRenderer.renderDevice(r, r.device(0));
        // 10 MiB/s = 10,240 KiB/s both over the window and since the start; 72.4 s left
        assertThat(proc).contains("\tfinish: 0:01:12 speed: 10,240 (10,240) K/sec\n");
        String status = StatusRenderer.resource(r, StatusOptions.DEFAULT.withStatistics(true).withVerbose(1));
        assertThat(status).contains(" dbdt1:10.00 eta:72");
        assertThat(status).contains("done:29.30");
    }

    @Test
    void pausedTimeDoesNotCountAndMarksRestart() {
        ResyncTracker t = new ResyncTracker(TOTAL, 0, null);
        for (int sec = 1; sec <= 30; sec++) {
            t.progress(TOTAL - sec * PER_SECOND, sec * S);
        }
        t.pause(30 * S);
        assertThat(t.isPaused()).isTrue();
        t.progress(TOTAL - 30 * PER_SECOND, 60 * S);      // no marks while paused
        assertThat(t.snapshot(60 * S, 0).pausedNs()).isEqualTo(30 * S);
        t.resume(90 * S);
        for (int sec = 91; sec <= 120; sec++) {
            t.progress(TOTAL - (sec - 60) * PER_SECOND, sec * S);
        }
        ResyncProgress p = t.snapshot(120 * S, 0);
        assertThat(p.pausedNs()).isEqualTo(60 * S);
        assertThat(p.windowMarkNs()).isEqualTo(102 * S);
        ResourceState r = syncSource(p);
        // 60 s of work in 120 s, 60 s paused: the average is still 10 MiB/s
        assertThat(org.drbdj.status.ProcDrbdRenderer.renderDevice(r, r.device(0)))
                .contains(" speed: 10,240 (10,240) K/sec\n");
    }

    @Test
    void verifyKeepsItsRangeAndCounters() {
        ResyncTracker t = new ResyncTracker(1000, 5 * S, new ResyncProgress.VerifyRange(0, Long.MAX_VALUE, 0, 0));
        t.verifyPosition(600, 8);
        t.addFailed(0);
        t.addSameCsum(0);
        t.progress(400, 8 * S);
        ResyncProgress p = t.snapshot(9 * S, 1000);
        assertThat(p.verify()).isEqualTo(new ResyncProgress.VerifyRange(0, Long.MAX_VALUE, 600, 8));
        assertThat(p.percentDone()).isEqualTo(60.0);
        assertThat(p.wantKiBps()).isEqualTo(1000);
    }
}
