package org.drbdj.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.drbdj.state.ConnectionState;
import org.drbdj.state.ConnectionStats;
import org.drbdj.state.DeviceState;
import org.drbdj.state.DeviceStats;
import org.drbdj.state.DiskState;
import org.drbdj.state.PathState;
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
 * {@code drbdadm status} golden tests. The plain examples are the DRBD 9 User's Guide's (their
 * kernels did not report {@code open:}, hence {@code reportOpen=false}); the verbose/statistics layout
 * is traced by hand through drbd-utils' wrap_printf rules and matches the User's Guide's
 * "drbdsetup status --verbose --statistics" line breaks.
 */
class StatusRendererTest {
    private static final StatusOptions GUIDE = StatusOptions.DEFAULT.withReportOpen(false);

    static PeerState peer(int nodeId, String name, ConnectionState cs, Role role, DiskState peerDisk) {
        PeerState p = PeerState.created(nodeId, name, WireProtocol.C, List.of(0), List.of()).withConnection(cs)
                .withPeerRole(role);
        if (cs == ConnectionState.CONNECTED) {
            p = p.withPeerDevice(p.peerDevice(0).withReplication(ReplicationState.ESTABLISHED).withPeerDisk(peerDisk));
        }
        return p;
    }

    static ResourceState resource(String name, int nodeId, DiskState disk, PeerState... peers) {
        ResourceState r = ResourceState.created(name, nodeId)
                .withDevice(DeviceState.created(0, 1).withDisk(disk).withBackingDevice("/dev/sdb", 2097152));
        for (PeerState p : peers) {
            r = r.withPeer(p);
        }
        return r;
    }

    @Test
    void referenceExampleWithAConnectingPeer() {
        ResourceState home = resource("home", 1, DiskState.UP_TO_DATE,
                peer(0, "nina", ConnectionState.CONNECTED, Role.SECONDARY, DiskState.UP_TO_DATE),
                peer(3, "nono", ConnectionState.CONNECTING, Role.UNKNOWN, null));
        assertThat(StatusRenderer.render(List.of(home), "home", GUIDE)).isEqualTo(Rendered.ok(
                "home role:Secondary\n"
                + "  disk:UpToDate\n"
                + "  nina role:Secondary\n"
                + "    peer-disk:UpToDate\n"
                + "  nono connection:Connecting\n"
                + "\n"));
    }

    @Test
    void usersGuideUpgradeCheck() {
        ResourceState data = resource("data", 1, DiskState.UP_TO_DATE,
                peer(0, "node-1", ConnectionState.CONNECTED, Role.PRIMARY, DiskState.UP_TO_DATE));
        assertThat(StatusRenderer.render(List.of(data), "all", GUIDE).out()).isEqualTo(
                "data role:Secondary\n"
                + "  disk:UpToDate\n"
                + "  node-1 role:Primary\n"
                + "    peer-disk:UpToDate\n"
                + "\n");
        // With a DRBD 9.2+ style kernel the device line also says whether it is open.
        assertThat(StatusRenderer.render(List.of(data), "all", StatusOptions.DEFAULT).out())
                .startsWith("data role:Secondary\n  disk:UpToDate open:no\n");
    }

    @Test
    void usersGuideDisklessPeerOnATerminalAndInAPipe() {
        PeerState client = peer(1, "kube-1", ConnectionState.CONNECTED, Role.SECONDARY, DiskState.DISKLESS);
        client = client.withPeerDevice(client.peerDevice(0).withPeerClient(true));
        ResourceState r = resource("my-res", 0, DiskState.UP_TO_DATE, client,
                peer(2, "kube-2", ConnectionState.CONNECTED, Role.SECONDARY, DiskState.UP_TO_DATE));
        assertThat(StatusRenderer.render(List.of(r), "my-res", GUIDE.withTty(true, 120)).out()).isEqualTo(
                "my-res role:Secondary\n"
                + "  disk:UpToDate\n"
                + "  kube-1 role:Secondary\n"
                + "    peer-disk:Diskless\n"
                + "  kube-2 role:Secondary\n"
                + "    peer-disk:UpToDate\n"
                + "\n");
        assertThat(StatusRenderer.render(List.of(r), "my-res", GUIDE).out())
                .contains("    peer-disk:Diskless peer-client:yes\n");
    }

    @Test
    void verboseStatisticsWrapsLikeWrapPrintf() {
        PeerState nina = peer(0, "nina", ConnectionState.CONNECTED, Role.SECONDARY, DiskState.UP_TO_DATE)
                .withStats(new ConnectionStats(false, 0, 0, 1));
        nina = nina.withPeerDevice(nina.peerDevice(0).withStats(new PeerDeviceStats(2L * 1048412, 0, 0, 0, 0)));
        ResourceState home = ResourceState.created("home", 1).withWriteOrdering(WriteOrdering.NONE)
                .withDevice(DeviceState.created(0, 0).withDisk(DiskState.UP_TO_DATE)
                        .withBackingDevice("/dev/sdb", 2L * 1048412)
                        .withStats(new DeviceStats(0, 2L * 1048412, 0, 48, 0, 0)))
                .withPeer(nina);
        StatusOptions o = StatusOptions.DEFAULT.withVerbose(1).withStatistics(true);
        assertThat(StatusRenderer.render(List.of(home), "home", o).out()).isEqualTo(
                "home node-id:1 role:Secondary suspended:no force-io-failures:no\n"
                + "    write-ordering:none\n"
                + "  volume:0 minor:0 disk:UpToDate backing_dev:/dev/sdb quorum:yes open:no\n"
                + "      size:1048412 read:0 written:1048412 al-writes:0 bm-writes:48 upper-pending:0\n"
                + "      lower-pending:0 al-suspended:no blocked:no\n"
                + "  nina node-id:0 connection:Connected role:Secondary tls:no congested:no\n"
                + "      ap-in-flight:0 rs-in-flight:0\n"
                + "    volume:0 replication:Established peer-disk:UpToDate resync-suspended:no\n"
                + "        received:1048412 sent:0 out-of-sync:0 pending:0 unacked:0\n"
                + "\n");
    }

    @Test
    void resyncInProgressShowsReplicationAndDone() {
        long now = 1_000_000_000_000L;
        ResyncProgress p = new ResyncProgress(8000, 5000, 0, now - 10_000_000_000L, 0, now, now - 10_000_000_000L,
                8000, now - 1_000_000_000L, 5500, 0, 0, null);
        PeerState bob = peer(1, "bob", ConnectionState.CONNECTED, Role.SECONDARY, DiskState.INCONSISTENT);
        bob = bob.withPeerDevice(bob.peerDevice(0).withReplication(ReplicationState.SYNC_SOURCE).withResync(p)
                .withStats(new PeerDeviceStats(0, 6000, 5000, 3, 0))
                .withResyncSuspended(new ResyncSuspension(true, false, false, false)));
        ResourceState r = resource("r0", 0, DiskState.UP_TO_DATE, bob).withRole(Role.PRIMARY);
        assertThat(StatusRenderer.render(List.of(r), "r0", StatusOptions.DEFAULT).out()).isEqualTo(
                "r0 role:Primary\n"
                + "  disk:UpToDate open:no\n"
                + "  bob role:Secondary\n"
                + "    replication:SyncSource peer-disk:Inconsistent done:37.50 resync-suspended:user\n"
                + "\n");
        assertThat(StatusRenderer.render(List.of(r), "r0", StatusOptions.DEFAULT.withStatistics(true)).out())
                .contains("    replication:SyncSource peer-disk:Inconsistent done:37.50 resync-suspended:user\n"
                        + "        received:0 sent:3000 out-of-sync:2500\n");
        assertThat(StatusRenderer.render(List.of(r), "r0", StatusOptions.DEFAULT.withStatistics(true).withVerbose(1))
                .out()).contains("        received:0 sent:3000 out-of-sync:2500 pending:3 unacked:0 dbdt1:0.24 eta:10\n");
    }

    @Test
    void suspendedForcedMultiVolumeAndUnnamedConnections() {
        ResourceState r = ResourceState.created("r1", 0).withRole(Role.PRIMARY)
                .withSuspension(new Suspension(true, false, true, false)).withForceIoFailures(true)
                .withDevice(DeviceState.created(0, 10).withDisk(DiskState.UP_TO_DATE))
                .withDevice(DeviceState.created(1, 11).withQuorum(false))
                .withPeer(PeerState.created(2, "", WireProtocol.C, List.of(0, 1), List.of()));
        assertThat(StatusRenderer.render(List.of(r), "r1", StatusOptions.DEFAULT).out()).isEqualTo(
                "r1 role:Primary suspended:user,fencing force-io-failures:yes\n"
                + "  volume:0 disk:UpToDate open:no\n"
                + "  volume:1 disk:Diskless client:no quorum:no open:no\n"
                + "  node-id:2 connection:StandAlone\n"
                + "\n");
    }

    @Test
    void noResourcesAndUnknownResource() {
        assertThat(StatusRenderer.render(List.of(), "all", StatusOptions.DEFAULT))
                .isEqualTo(Rendered.ok("# No currently configured DRBD found.\n"));
        assertThat(StatusRenderer.render(List.of(), "r9", StatusOptions.DEFAULT)).isEqualTo(
                new Rendered("# No currently configured DRBD found.\n", "r9: No such resource\n", 10));
        ResourceState b = resource("rb", 0, DiskState.UP_TO_DATE);
        ResourceState a = resource("ra", 0, DiskState.UP_TO_DATE);
        assertThat(StatusRenderer.render(List.of(b, a), "all", StatusOptions.DEFAULT).out())
                .startsWith("ra role:Secondary\n").contains("\n\nrb role:Secondary\n");
        // wrap_printf's column bookkeeping ends at 0 after a one-character name, so the next piece is
        // taken as the start of a line: drbdsetup really prints "x    role:Secondary".
        assertThat(StatusRenderer.render(List.of(resource("x", 0, DiskState.UP_TO_DATE)), "x", StatusOptions.DEFAULT)
                .out()).startsWith("x    role:Secondary\n");
    }

    @Test
    void jsonHasDrbdsetupsLayout() {
        PeerState bob = peer(1, "bob", ConnectionState.CONNECTED, Role.SECONDARY, DiskState.UP_TO_DATE)
                .withPaths(List.of(new PathState("ipv4:10.1.1.31:7000", "ipv4:10.1.1.32:7000", true)));
        ResourceState r = resource("r0", 0, DiskState.UP_TO_DATE, bob).withRole(Role.PRIMARY);
        String json = StatusRenderer.render(List.of(r), "r0", StatusOptions.DEFAULT.withJson(true)).out();
        assertThat(json).isEqualTo("[\n"
                + "{\n"
                + "  \"name\": \"r0\",\n"
                + "  \"node-id\": 0,\n"
                + "  \"role\": \"Primary\",\n"
                + "  \"suspended\": false,\n"
                + "  \"suspended-user\": false,\n"
                + "  \"suspended-no-data\": false,\n"
                + "  \"suspended-fencing\": false,\n"
                + "  \"suspended-quorum\": false,\n"
                + "  \"force-io-failures\": false,\n"
                + "  \"write-ordering\": \"flush\",\n"
                + "  \"devices\": [\n"
                + "    {\n"
                + "      \"volume\": 0,\n"
                + "      \"minor\": 1,\n"
                + "      \"disk-state\": \"UpToDate\",\n"
                + "      \"client\": false,\n"
                + "      \"open\": false,\n"
                + "      \"quorum\": true,\n"
                + "      \"size\": 1048576,\n"
                + "      \"read\": 0,\n"
                + "      \"written\": 0,\n"
                + "      \"al-writes\": 0,\n"
                + "      \"bm-writes\": 0,\n"
                + "      \"upper-pending\": 0,\n"
                + "      \"lower-pending\": 0\n"
                + "    } ],\n"
                + "  \"connections\": [\n"
                + "    {\n"
                + "      \"peer-node-id\": 1,\n"
                + "      \"name\": \"bob\",\n"
                + "      \"connection-state\": \"Connected\", \n"
                + "      \"congested\": false,\n"
                + "      \"peer-role\": \"Secondary\",\n"
                + "      \"tls\": false,\n"
                + "      \"ap-in-flight\": 0,\n"
                + "      \"rs-in-flight\": 0,\n"
                + "      \"paths\": [\n"
                + "        {\n"
                + "          \"this_host\": {\n"
                + "            \"address\": \"10.1.1.31\",\n"
                + "            \"port\": 7000,\n"
                + "            \"family\": \"ipv4\"\n"
                + "          },\n"
                + "          \"remote_host\": {\n"
                + "            \"address\": \"10.1.1.32\",\n"
                + "            \"port\": 7000,\n"
                + "            \"family\": \"ipv4\"\n"
                + "          },\n"
                + "          \"established\": true\n"
                + "        } ],\n"
                + "      \"peer_devices\": [\n"
                + "        {\n"
                + "          \"volume\": 0,\n"
                + "          \"replication-state\": \"Established\",\n"
                + "          \"peer-disk-state\": \"UpToDate\",\n"
                + "          \"peer-client\": false,\n"
                + "          \"resync-suspended\": \"no\",\n"
                + "          \"received\": 0,\n"
                + "          \"sent\": 0,\n"
                + "          \"out-of-sync\": 0,\n"
                + "          \"pending\": 0,\n"
                + "          \"unacked\": 0,\n"
                + "          \"has-sync-details\": false,\n"
                + "          \"has-online-verify-details\": false,\n"
                + "          \"percent-in-sync\": 100.00\n"
                + "        } ]\n"
                + "    } ]\n"
                + "}\n"
                + "]\n"
                + "\n");
    }

    @Test
    void wrapPrinterCountsLikeDrbd() {
        StringBuilder sb = new StringBuilder();
        WrapPrinter w = new WrapPrinter(sb, 20);
        w.print(0, "abcdefghij");      // col 9
        w.print(4, " klmnopqrst");     // 9 + 11 = 20: fits
        w.print(4, " uv");             // 19 + 3 > 20: wraps, indent 4, leading blank dropped
        w.print(4, "\n");
        w.print(2, "  x");
        assertThat(sb.toString()).isEqualTo("abcdefghij klmnopqrst\n    uv\n  x");
    }
}
