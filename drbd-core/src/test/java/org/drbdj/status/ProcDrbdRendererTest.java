package org.drbdj.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.drbdj.state.ConnectionState;
import org.drbdj.state.ConnectionStats;
import org.drbdj.state.Congestion;
import org.drbdj.state.DeviceState;
import org.drbdj.state.DeviceStats;
import org.drbdj.state.DiskState;
import org.drbdj.state.PeerDeviceState;
import org.drbdj.state.PeerDeviceStats;
import org.drbdj.state.PeerState;
import org.drbdj.state.ReplicationState;
import org.drbdj.state.ResourceState;
import org.drbdj.state.ResyncProgress;
import org.drbdj.state.ResyncSuspension;
import org.drbdj.state.Role;
import org.drbdj.state.Suspension;
import org.drbdj.state.WireProtocol;
import org.drbdj.state.WriteOrdering;
import org.junit.jupiter.api.Test;

/**
 * Golden tests for {@code /proc/drbd}: expected text is taken from real DRBD 8.4 output (the SPEC's
 * runbook, the DRBD 8.4 User's Guide, a drbd-user mailing list post) and checked against the rules
 * of {@code drbd_proc.c}.
 */
class ProcDrbdRendererTest {
    private static final long S = 1_000_000_000L;

    /** The SPEC's sample after the initial sync (node1, minor 1, protocol C). */
    static ResourceState specSample() {
        DeviceState dev = DeviceState.created(0, 1).withDisk(DiskState.UP_TO_DATE)
                .withBackingDevice("/dev/vg/test", 20971520)
                .withStats(new DeviceStats(2L * 10266018, 2L * 299576, 78, 0, 0, 0));
        PeerDeviceState pd = PeerDeviceState.created(0).withReplication(ReplicationState.ESTABLISHED)
                .withPeerDisk(DiskState.UP_TO_DATE)
                .withStats(new PeerDeviceStats(2L * 8, 2L * 10557016, 0, 0, 0));
        PeerState peer = PeerState.created(1, "node2", WireProtocol.C, List.of(0), List.of())
                .withConnection(ConnectionState.CONNECTED).withPeerRole(Role.SECONDARY)
                .withStats(ConnectionStats.IDLE).withPeerDevice(pd);
        return ResourceState.created("test", 0).withRole(Role.PRIMARY).withWriteOrdering(WriteOrdering.FLUSH)
                .withDevice(dev).withPeer(peer);
    }

    @Test
    void specSampleDeviceLinesAreByteIdentical() {
        ResourceState r = specSample();
        assertThat(ProcDrbdRenderer.renderDevice(r, r.device(0))).isEqualTo(
                " 1: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r-----\n"
                + "    ns:10557016 nr:8 dw:299576 dr:10266018 al:78 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:0\n");
    }

    @Test
    void specSampleWholeFileHasTheKernelsBlankLineBeforeMinorOne() {
        // drbd_seq_show starts with prev_i = -1, so a first minor of 1 is a "gap": the kernel prints
        // an empty line there. The SPEC's copy of its output leaves that line out.
        ProcVersion v = new ProcVersion("8.4.11-1", 1, 86, 101,
                "GIT-hash: 66145a308421e9c124ec391a7848ac20203bb03c build by mockbuild@, 2018-11-03 01:26:55");
        assertThat(ProcDrbdRenderer.render(v, List.of(specSample()))).isEqualTo(
                "version: 8.4.11-1 (api:1/proto:86-101)\n"
                + "GIT-hash: 66145a308421e9c124ec391a7848ac20203bb03c build by mockbuild@, 2018-11-03 01:26:55\n"
                + "\n"
                + " 1: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r-----\n"
                + "    ns:10557016 nr:8 dw:299576 dr:10266018 al:78 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:0\n");
    }

    @Test
    void usersGuide84UpgradeExampleMinorZero() {
        // DRBD 8.4 User's Guide, administration.adoc ("cat /proc/drbd on bob should show 8.4.x").
        DeviceState dev = DeviceState.created(0, 0).withDisk(DiskState.UP_TO_DATE)
                .withStats(new DeviceStats(0, 24, 0, 0, 0, 0));
        PeerDeviceState pd = PeerDeviceState.created(0).withReplication(ReplicationState.ESTABLISHED)
                .withPeerDisk(DiskState.UP_TO_DATE).withStats(new PeerDeviceStats(24, 0, 0, 0, 0));
        PeerState peer = PeerState.created(0, "alice", WireProtocol.C, List.of(0), List.of())
                .withConnection(ConnectionState.CONNECTED).withPeerRole(Role.PRIMARY)
                .withStats(ConnectionStats.IDLE).withPeerDevice(pd);
        ResourceState r = ResourceState.created("r0", 1).withWriteOrdering(WriteOrdering.BARRIER)
                .withDevice(dev).withPeer(peer);
        ProcVersion v = new ProcVersion("8.4.1", 1, 86, 100,
                "GIT-hash: 91b4c048c1a0e06777b5f65d312b38d47abaea80 build by buildsystem@linbit, 2011-12-20 12:58:48");
        assertThat(ProcDrbdRenderer.render(v, List.of(r))).isEqualTo(
                "version: 8.4.1 (api:1/proto:86-100)\n"
                + "GIT-hash: 91b4c048c1a0e06777b5f65d312b38d47abaea80 build by buildsystem@linbit, 2011-12-20 12:58:48\n"
                + " 0: cs:Connected ro:Secondary/Primary ds:UpToDate/UpToDate C r-----\n"
                + "    ns:0 nr:12 dw:12 dr:0 al:0 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:b oos:0\n");
    }

    /**
     * A SyncTarget from the drbd-user list (2011-11): {@code [========>...........] sync'ed: 49.0%
     * (1039000/2031448)K} / {@code finish: 0:03:39 speed: 4,728 (6,616) want: 51,200 K/sec}. The inputs
     * are the kernel's: 507862 bits total, 259750 left, the 18 s mark 21276 bits ago, 150 s running.
     */
    static ResyncProgress mailingListProgress() {
        long now = 1000 * S;
        return new ResyncProgress(507862L * 8, 259750L * 8, 0, now - 150 * S, 0, now,
                now - 18 * S, (259750L + 21276) * 8, now - 3 * S, (259750L + 3000) * 8, 51200, 0, null);
    }

    @Test
    void syncProgressLinesMatchTheMailingListSample() {
        PeerDeviceState pd = PeerDeviceState.created(0).withReplication(ReplicationState.SYNC_TARGET)
                .withPeerDisk(DiskState.UP_TO_DATE)
                .withStats(new PeerDeviceStats(0, 0, 259750L * 8, 0, 0)).withResync(mailingListProgress());
        ResourceState r = connected(DiskState.INCONSISTENT, pd, Role.PRIMARY);
        assertThat(ProcDrbdRenderer.renderDevice(r, r.device(0))).isEqualTo(
                " 1: cs:SyncTarget ro:Secondary/Primary ds:Inconsistent/UpToDate C r-----\n"
                + "    ns:0 nr:0 dw:0 dr:0 al:0 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:1039000\n"
                + "\t[========>...........] sync'ed: 49.0% (1039000/2031448)K\n"
                + "\tfinish: 0:03:39 speed: 4,728 (6,616) want: 51,200 K/sec\n");
    }

    @Test
    void syncSourceHasNoWantAndVerifySaysVerified() {
        PeerDeviceState pd = PeerDeviceState.created(0).withReplication(ReplicationState.SYNC_SOURCE)
                .withPeerDisk(DiskState.INCONSISTENT).withResync(mailingListProgress());
        ResourceState r = connected(DiskState.UP_TO_DATE, pd, Role.SECONDARY);
        String out = ProcDrbdRenderer.renderDevice(r, r.device(0));
        assertThat(out).contains("\tfinish: 0:03:39 speed: 4,728 (6,616) K/sec\n").doesNotContain("want");

        ResourceState v = connected(DiskState.UP_TO_DATE, pd.withReplication(ReplicationState.VERIFY_T)
                .withPeerDisk(DiskState.UP_TO_DATE), Role.SECONDARY);
        assertThat(ProcDrbdRenderer.renderDevice(v, v.device(0)))
                .contains(" 1: cs:VerifyT ").contains("] verified: 49.0% (1039000/2031448)K\n").doesNotContain("want");
        ResourceState vs = connected(DiskState.UP_TO_DATE, pd.withReplication(ReplicationState.VERIFY_S)
                .withPeerDisk(DiskState.UP_TO_DATE), Role.SECONDARY);
        assertThat(ProcDrbdRenderer.renderDevice(vs, vs.device(0))).contains(" want: 51,200 K/sec\n");
    }

    @Test
    void progressBarEdgesLargeDevicesInMiBAndStalled() {
        long now = 5000 * S;
        // Nothing done yet, 8 GiB total (in MiB), no progress for 200 s: stalled.
        long totalSectors = 8L << 21;
        ResyncProgress p = new ResyncProgress(totalSectors, totalSectors, 0, now - 200 * S, 0, now,
                now - 200 * S, totalSectors, now - 1 * S, totalSectors, 1_234_567, 0, null);
        StringBuilder sb = new StringBuilder();
        ProcDrbdRenderer.renderProgress(sb, org.drbdj.state.Drbd84ConnectionState.SYNC_TARGET, p);
        // The kernel's "+1 against division by zero" makes a not-started 8 GiB resync 0.1% done;
        // x = 0 still prints the '>' and then 20 dots; no progress at all gives a huge finish time.
        assertThat(sb.toString()).isEqualTo(
                "\t[>....................] sync'ed:  0.1% (8192/8192)M\n"
                + "\tfinish: 1165:05:04 speed: 0 (0) want: 1,234,567 K/sec (stalled)\n");

        // All done: 20 chars of '=' and '>' and no dots.
        ResyncProgress done = new ResyncProgress(4096, 0, 0, now - 10 * S, 0, now, now - 10 * S, 4096,
                now, 0, 0, 0, null);
        sb.setLength(0);
        ProcDrbdRenderer.renderProgress(sb, org.drbdj.state.Drbd84ConnectionState.SYNC_SOURCE, done);
        assertThat(sb.toString()).startsWith("\t[===================>] sync'ed:100.0% (0/2048)K\n");
    }

    @Test
    void unconfiguredGapsStandAloneAndFlags() {
        ResourceState unconfigured = ResourceState.created("a", 0).withDevice(DeviceState.created(0, 0));
        ResourceState standAlone = ResourceState.created("b", 0).withRole(Role.PRIMARY)
                .withDevice(DeviceState.created(0, 3).withDisk(DiskState.UP_TO_DATE)
                        .withIoFlags(true, false, false, Congestion.BACKING))
                .withSuspension(new Suspension(true, false, false, false))
                .withPeer(PeerState.created(1, "peer", WireProtocol.A, List.of(0), List.of()));
        PeerDeviceState paused = PeerDeviceState.created(0).withReplication(ReplicationState.PAUSED_SYNC_S)
                .withPeerDisk(DiskState.INCONSISTENT).withResyncSuspended(new ResyncSuspension(true, true, true, false));
        ResourceState pausedRes = connected(DiskState.UP_TO_DATE, paused, Role.PRIMARY);
        pausedRes = pausedRes.withDevice(pausedRes.device(0)).withPeer(pausedRes.peer(1)
                .withProtocol(WireProtocol.B));
        // minor 1 from connected(); put it after 3 to check the ordering and gap rules
        ResourceState moved = new ResourceState("c", 0, Role.SECONDARY, Suspension.NONE, false, WriteOrdering.DRAIN,
                List.of(new DeviceState(0, 5, DiskState.UP_TO_DATE, false, null, 0, true, false, false, false,
                        false, false, Congestion.NONE, DeviceStats.ZERO)), pausedRes.peers());
        String out = ProcDrbdRenderer.render(ProcVersion.drbdj("0123abcd", "0.1.0", "build", "2026-11-25 20:00:00"),
                List.of(moved, standAlone, unconfigured));
        assertThat(out).isEqualTo(
                "version: 8.4.11-1 (api:1/proto:86-101)\n"
                + "GIT-hash: 0123abcd build by drbdj-0.1.0@build, 2026-11-25 20:00:00\n"
                + " 0: cs:Unconfigured\n"
                + "\n"
                + " 3: cs:StandAlone ro:Primary/Unknown ds:UpToDate/DUnknown   s---bs\n"
                + "    ns:0 nr:0 dw:0 dr:0 al:0 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:0\n"
                + "\n"
                + " 5: cs:PausedSyncS ro:Secondary/Primary ds:UpToDate/Inconsistent B rapu--\n"
                + "    ns:0 nr:0 dw:0 dr:0 al:0 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:d oos:0\n");
    }

    @Test
    void drbd84NamesAndCombinedStates() {
        PeerState p = PeerState.created(1, "x", WireProtocol.C, List.of(0), List.of())
                .withConnection(ConnectionState.CONNECTING);
        ResourceState r = ResourceState.created("r", 0)
                .withDevice(DeviceState.created(0, 0).withDisk(DiskState.DETACHING)).withPeer(p);
        assertThat(ProcDrbdRenderer.renderDevice(r, r.device(0)))
                .startsWith(" 0: cs:WFConnection ro:Secondary/Unknown ds:Failed/DUnknown C r-----\n");
        ResourceState handshake = r.withPeer(p.withConnection(ConnectionState.CONNECTED));
        assertThat(ProcDrbdRenderer.renderDevice(handshake, handshake.device(0))).startsWith(" 0: cs:WFReportParams ");
    }

    @Test
    void duplicateMinorsAreRejectedWithTheirNumber() {
        ResourceState a = ResourceState.created("a", 0).withDevice(DeviceState.created(0, 7));
        ResourceState b = ResourceState.created("b", 0).withDevice(DeviceState.created(0, 7));
        assertThatThrownBy(() -> ProcDrbdRenderer.render(ProcVersion.drbdj("x", "y", "z", "w"), List.of(a, b)))
                .hasMessageContaining("minor 7");
    }

    @Test
    void thousandsGroupingLikeTheKernel() {
        assertThat(CFormat.grouped(0)).isEqualTo("0");
        assertThat(CFormat.grouped(999)).isEqualTo("999");
        assertThat(CFormat.grouped(1000)).isEqualTo("1,000");
        assertThat(CFormat.grouped(6345)).isEqualTo("6,345");
        assertThat(CFormat.grouped(1_000_000)).isEqualTo("1,000,000");
        assertThat(CFormat.grouped(12_003_045)).isEqualTo("12,003,045");
    }

    /** Minor 1, volume 0, connected to node 1 with the given peer device. */
    static ResourceState connected(DiskState disk, PeerDeviceState pd, Role peerRole) {
        PeerState peer = PeerState.created(1, "node2", WireProtocol.C, List.of(0), List.of())
                .withConnection(ConnectionState.CONNECTED).withPeerRole(peerRole)
                .withStats(ConnectionStats.IDLE).withPeerDevice(pd);
        return ResourceState.created("test", 0).withDevice(DeviceState.created(0, 1).withDisk(disk)).withPeer(peer);
    }

    @Test
    void thisBuildsVersionLinesNameTheCommitItWasBuiltFrom() throws Exception {
        String rendered = ProcVersion.ofThisBuild().render();
        assertThat(rendered).startsWith("version: 8.4.11-1 (api:1/proto:86-101)\nGIT-hash: ")
                .matches("(?s).*build by drbdj-\\S+@\\S*, \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\n");
        java.nio.file.Path gitDir = java.nio.file.Path.of(System.getProperty("user.dir")).getParent().resolve(".git");
        if (java.nio.file.Files.exists(gitDir)) { // a build from a git checkout (CI clones one)
            org.drbdj.testing.ProcessRunner.Result head = org.drbdj.testing.ProcessRunner.run(
                    List.of("git", "-C", gitDir.getParent().toString(), "rev-parse", "HEAD"), 30);
            assertThat(rendered).contains("GIT-hash: " + head.stdout().strip());
        }
    }
}
