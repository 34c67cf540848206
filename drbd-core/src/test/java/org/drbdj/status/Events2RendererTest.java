package org.drbdj.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
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
import org.drbdj.state.Role;
import org.drbdj.state.Suspension;
import org.drbdj.state.WireProtocol;
import org.drbdj.state.WriteOrdering;
import org.junit.jupiter.api.Test;

/**
 * Replays the scenarios of drbd-utils' {@code tests/v9/events2-*.test} as sequences of snapshots and
 * compares our lines with the expected output those tests record (re-typed from the .test files;
 * their instrumented counters are size 5, read 10, written 15, al 40, bm 50, upper 60, lower 70,
 * ap-in-flight 10, rs-in-flight 20, received 5, sent 10, pending 30, unacked 40).
 */
class Events2RendererTest {
    private static final String R = "some-resource";
    private static final long S = 1_000_000_000L;

    private static final DeviceStats DEV_STATS = new DeviceStats(20, 30, 40, 50, 60, 70);
    private static final PeerDeviceStats PD_STATS = new PeerDeviceStats(10, 20, 0, 30, 40);

    static ResourceState resource() {
        return new ResourceState(R, 0, Role.SECONDARY, Suspension.NONE, false, WriteOrdering.NONE, List.of(), List.of());
    }

    static DeviceState device(int volume, int minor) {
        return new DeviceState(volume, minor, DiskState.DISKLESS, false, null, 10, true, false, false, false, false,
                false, org.drbdj.state.Congestion.NONE, DEV_STATS);
    }

    static PeerState connection() {
        return new PeerState(1, "some-peer", ConnectionState.STAND_ALONE, Role.UNKNOWN, WireProtocol.C, false,
                new ConnectionStats(false, 10, 20, 1), List.of(), List.of());
    }

    static PathState path() {
        return new PathState("ipv4:1.2.3.4:7789", "ipv4:5.6.7.8:7790", false);
    }

    /** The snapshots of events2-all-create-change.msgs, one per message. */
    static List<ResourceState> allCreateChange() {
        List<ResourceState> s = new ArrayList<>();
        ResourceState r = resource();
        s.add(r);                                                               // resource_create
        r = r.withDevice(device(0, 1000));
        s.add(r);                                                               // device_create
        r = r.withPeer(connection());
        s.add(r);                                                               // connection_create
        r = r.withPeer(r.peer(1).withPeerDevice(PeerDeviceState.created(0).withStats(PD_STATS)));
        s.add(r);                                                               // peer_device_create
        r = r.withPeer(r.peer(1).withPaths(List.of(path())));
        s.add(r);                                                               // path_create
        r = r.withDevice(r.device(0).withBackingDevice("/dev/sda", 10).withDisk(DiskState.UP_TO_DATE));
        s.add(r);                                                               // device_change
        r = r.withPeer(r.peer(1).withPaths(List.of(path().withEstablished(true))));
        s.add(r);                                                               // path_change_established
        r = r.withPeer(r.peer(1).withConnection(ConnectionState.CONNECTED).withPeerRole(Role.SECONDARY));
        s.add(r);                                                               // connection_change_connection
        return s;
    }

    static List<ResourceState> allCreateChangeFull() {
        List<ResourceState> s = allCreateChange();
        ResourceState r = s.get(s.size() - 1);
        r = r.withPeer(r.peer(1).withPeerDevice(r.peer(1).peerDevice(0)
                .withReplication(ReplicationState.ESTABLISHED).withPeerDisk(DiskState.UP_TO_DATE)));
        s.add(r);                                                               // peer_device_change_replication
        s.add(r.withRole(Role.PRIMARY));                                        // resource_change_role
        return s;
    }

    /** Runs a snapshot sequence the way the daemon will: initial dump, then one diff per change. */
    static List<String> replay(Events2Options o, List<ResourceState> snapshots) {
        Events2Renderer e = new Events2Renderer(o);
        List<String> out = new ArrayList<>(e.exists(List.of(), null));
        ResourceState prev = null;
        for (ResourceState s : snapshots) {
            out.addAll(e.diff(prev, s, null));
            prev = s;
        }
        return out;
    }

    @Test
    void allCreateChangePlain() {
        assertThat(replay(Events2Options.DEFAULT, allCreateChangeFull())).containsExactly(
                "exists -",
                "create resource name:some-resource role:Secondary suspended:no force-io-failures:no may_promote:no promotion_score:0",
                "create device name:some-resource volume:0 minor:1000 backing_dev:none disk:Diskless client:no open:no quorum:yes",
                "create connection name:some-resource peer-node-id:1 conn-name:some-peer connection:StandAlone role:Unknown",
                "create peer-device name:some-resource peer-node-id:1 conn-name:some-peer volume:0 replication:Off peer-disk:DUnknown peer-client:no resync-suspended:no",
                "create path name:some-resource peer-node-id:1 conn-name:some-peer local:ipv4:1.2.3.4:7789 peer:ipv4:5.6.7.8:7790 established:no",
                "change resource name:some-resource may_promote:yes promotion_score:10101",
                "change device name:some-resource volume:0 minor:1000 backing_dev:/dev/sda disk:UpToDate client:no open:no quorum:yes",
                "change path name:some-resource peer-node-id:1 conn-name:some-peer local:ipv4:1.2.3.4:7789 peer:ipv4:5.6.7.8:7790 established:yes",
                "change connection name:some-resource peer-node-id:1 conn-name:some-peer connection:Connected role:Secondary",
                "change resource name:some-resource may_promote:yes promotion_score:10102",
                "change peer-device name:some-resource peer-node-id:1 conn-name:some-peer volume:0 replication:Established peer-disk:UpToDate peer-client:no",
                "change resource name:some-resource role:Primary may_promote:no promotion_score:10102");
    }

    @Test
    void allCreateChangeDiff() {
        assertThat(replay(new Events2Options(false, false, true, false), allCreateChangeFull())).containsExactly(
                "exists -",
                "create resource name:some-resource role:UNKNOWN->Secondary suspended:UNKNOWN->no force-io-failures:UNKNOWN->no may_promote:UNKNOWN->no promotion_score:0->0",
                "create device name:some-resource volume:0 minor:1000 backing_dev:UNKNOWN->none disk:UNKNOWN->Diskless client:UNKNOWN->no open:UNKNOWN->no",
                "create connection name:some-resource peer-node-id:1 conn-name:some-peer connection:UNKNOWN->StandAlone role:UNKNOWN->Unknown",
                "create peer-device name:some-resource peer-node-id:1 conn-name:some-peer volume:0 replication:UNKNOWN->Off peer-disk:UNKNOWN->DUnknown peer-client:UNKNOWN->no resync-suspended:UNKNOWN->no",
                "create path name:some-resource peer-node-id:1 conn-name:some-peer local:ipv4:1.2.3.4:7789 peer:ipv4:5.6.7.8:7790 established:UNKNOWN->no",
                "change resource name:some-resource may_promote:no->yes promotion_score:0->10101",
                "change device name:some-resource volume:0 minor:1000 backing_dev:none->/dev/sda disk:Diskless->UpToDate client:no open:no quorum:yes",
                "change path name:some-resource peer-node-id:1 conn-name:some-peer local:ipv4:1.2.3.4:7789 peer:ipv4:5.6.7.8:7790 established:no->yes",
                "change connection name:some-resource peer-node-id:1 conn-name:some-peer connection:StandAlone->Connected role:Unknown->Secondary",
                "change resource name:some-resource may_promote:yes->yes promotion_score:10101->10102",
                "change peer-device name:some-resource peer-node-id:1 conn-name:some-peer volume:0 replication:Off->Established peer-disk:DUnknown->UpToDate peer-client:no",
                "change resource name:some-resource role:Secondary->Primary may_promote:yes->no promotion_score:10102->10102");
    }

    @Test
    void allCreateChangeStatistics() {
        assertThat(replay(new Events2Options(true, false, false, false), allCreateChangeFull())).containsExactly(
                "exists -",
                "create resource name:some-resource role:Secondary suspended:no force-io-failures:no write-ordering:none may_promote:no promotion_score:0",
                "create device name:some-resource volume:0 minor:1000 backing_dev:none disk:Diskless client:no open:no quorum:yes size:5 read:10 written:15 al-writes:40 bm-writes:50 upper-pending:60 lower-pending:70 al-suspended:no blocked:no",
                "create connection name:some-resource peer-node-id:1 conn-name:some-peer connection:StandAlone role:Unknown congested:no ap-in-flight:10 rs-in-flight:20",
                "create peer-device name:some-resource peer-node-id:1 conn-name:some-peer volume:0 replication:Off peer-disk:DUnknown peer-client:no resync-suspended:no received:5 sent:10 out-of-sync:0 pending:30 unacked:40",
                "create path name:some-resource peer-node-id:1 conn-name:some-peer local:ipv4:1.2.3.4:7789 peer:ipv4:5.6.7.8:7790 established:no",
                "change resource name:some-resource may_promote:yes promotion_score:10101",
                "change device name:some-resource volume:0 minor:1000 backing_dev:/dev/sda disk:UpToDate client:no open:no quorum:yes",
                "change path name:some-resource peer-node-id:1 conn-name:some-peer local:ipv4:1.2.3.4:7789 peer:ipv4:5.6.7.8:7790 established:yes",
                "change connection name:some-resource peer-node-id:1 conn-name:some-peer connection:Connected role:Secondary",
                "change resource name:some-resource may_promote:yes promotion_score:10102",
                "change peer-device name:some-resource peer-node-id:1 conn-name:some-peer volume:0 replication:Established peer-disk:UpToDate peer-client:no",
                "change resource name:some-resource role:Primary may_promote:no promotion_score:10102");
    }

    @Test
    void allCreateChangeFullOption() {
        assertThat(replay(new Events2Options(false, true, false, false), allCreateChangeFull())).containsExactly(
                "exists -",
                "create resource name:some-resource role:Secondary suspended:no force-io-failures:no write-ordering:none may_promote:no promotion_score:0",
                "create device name:some-resource volume:0 minor:1000 backing_dev:none disk:Diskless client:no open:no quorum:yes size:5 read:10 written:15 al-writes:40 bm-writes:50 upper-pending:60 lower-pending:70 al-suspended:no blocked:no",
                "create connection name:some-resource peer-node-id:1 conn-name:some-peer connection:StandAlone role:Unknown congested:no ap-in-flight:10 rs-in-flight:20",
                "create peer-device name:some-resource peer-node-id:1 conn-name:some-peer volume:0 replication:Off peer-disk:DUnknown peer-client:no resync-suspended:no received:5 sent:10 out-of-sync:0 pending:30 unacked:40",
                "create path name:some-resource peer-node-id:1 conn-name:some-peer local:ipv4:1.2.3.4:7789 peer:ipv4:5.6.7.8:7790 established:no",
                "change resource name:some-resource role:Secondary suspended:no force-io-failures:no write-ordering:none may_promote:yes promotion_score:10101",
                "change device name:some-resource volume:0 minor:1000 backing_dev:/dev/sda disk:UpToDate client:no open:no quorum:yes size:5 read:10 written:15 al-writes:40 bm-writes:50 upper-pending:60 lower-pending:70 al-suspended:no",
                "change path name:some-resource peer-node-id:1 conn-name:some-peer local:ipv4:1.2.3.4:7789 peer:ipv4:5.6.7.8:7790 established:yes",
                "change connection name:some-resource peer-node-id:1 conn-name:some-peer connection:Connected role:Secondary congested:no ap-in-flight:10 rs-in-flight:20",
                "change resource name:some-resource role:Secondary suspended:no force-io-failures:no write-ordering:none may_promote:yes promotion_score:10102",
                "change peer-device name:some-resource peer-node-id:1 conn-name:some-peer volume:0 replication:Established peer-disk:UpToDate peer-client:no resync-suspended:no received:5 sent:10 out-of-sync:0 pending:30 unacked:40",
                "change resource name:some-resource role:Primary suspended:no force-io-failures:no write-ordering:none may_promote:no promotion_score:10102");
    }

    @Test
    void timestampsPrefixEveryLine() {
        Events2Renderer e = new Events2Renderer(new Events2Options(false, false, false, true));
        ZonedDateTime at = ZonedDateTime.of(LocalDateTime.of(2026, 11, 25, 20, 51, 6, 123_456_789), ZoneOffset.ofHours(2));
        assertThat(e.exists(List.of(), at)).containsExactly("2026-11-25T20:51:06.123456+02:00 exists -");
        assertThat(e.diff(null, resource(), at)).containsExactly("2026-11-25T20:51:06.123456+02:00 create resource"
                + " name:some-resource role:Secondary suspended:no force-io-failures:no may_promote:no promotion_score:0");
        // glibc's %+03d of the hours: a -05:30 zone prints as -05:30, -00:30 as +00:30.
        assertThat(e.prefix(at.withZoneSameLocal(ZoneOffset.ofHoursMinutes(-5, -30)))).endsWith("-05:30 ");
        assertThat(e.prefix(at.withZoneSameLocal(ZoneOffset.ofHoursMinutes(0, -30)))).endsWith("+00:30 ");
        assertThat(new Events2Renderer(Events2Options.DEFAULT).prefix(at)).isEmpty();
    }

    /** events2-sync: the last message puts the peer device into SyncSource at 37.5%. */
    static List<ResourceState> sync() {
        List<ResourceState> s = allCreateChange();
        ResourceState r = s.get(s.size() - 1);
        long now = 100 * S;
        // rs_total 8000 sectors, 5000 to go (out-of-sync 2500 KiB); 500 sectors in the last second.
        ResyncProgress p = new ResyncProgress(8000, 5000, 0, now - 10 * S, 0, now, now - 10 * S, 8000,
                now - 1 * S, 5500, 0, 0, null);
        r = r.withPeer(r.peer(1).withPeerDevice(r.peer(1).peerDevice(0).withReplication(ReplicationState.SYNC_SOURCE)
                .withPeerDisk(DiskState.INCONSISTENT).withStats(PD_STATS.withOutOfSyncSectors(5000)).withResync(p)));
        s.add(r);
        return s;
    }

    @Test
    void syncPlainAndStatistics() {
        List<String> plain = replay(Events2Options.DEFAULT, sync());
        assertThat(plain.get(plain.size() - 1)).isEqualTo("change peer-device name:some-resource peer-node-id:1"
                + " conn-name:some-peer volume:0 replication:SyncSource peer-disk:Inconsistent peer-client:no done:37.50");
        // the rest is identical to events2-all-create-change up to the connection change
        assertThat(plain.subList(0, 10)).containsExactlyElementsOf(
                replay(Events2Options.DEFAULT, allCreateChangeFull()).subList(0, 10));
        assertThat(plain).hasSize(11);
        List<String> stats = replay(new Events2Options(true, false, false, false), sync());
        assertThat(stats.get(stats.size() - 1)).isEqualTo("change peer-device name:some-resource peer-node-id:1"
                + " conn-name:some-peer volume:0 replication:SyncSource peer-disk:Inconsistent peer-client:no"
                + " done:37.50 received:5 sent:10 out-of-sync:2500 pending:30 unacked:40 dbdt1:0.24 eta:10");
    }

    @Test
    void helperCallAndResponse() {
        Events2Renderer e = new Events2Renderer(Events2Options.DEFAULT);
        HelperEvent h = new HelperEvent(R, 1, "some-peer", null, null, 0, null, "before-resync-target");
        assertThat(e.call(h, null)).isEqualTo("call helper name:some-resource peer-node-id:1 conn-name:some-peer"
                + " volume:0 helper:before-resync-target");
        assertThat(e.response(h, 1, null)).isEqualTo("response helper name:some-resource peer-node-id:1"
                + " conn-name:some-peer volume:0 helper:before-resync-target status:1");
        HelperEvent local = new HelperEvent(R, null, null, null, null, 0, 1000, "local-io-error");
        assertThat(e.call(local, null)).isEqualTo("call helper name:some-resource volume:0 minor:1000 helper:local-io-error");
    }

    @Test
    void allCreateDestroyOneObjectAtATime() {
        List<ResourceState> s = allCreateChange().subList(0, 5);
        Events2Renderer e = new Events2Renderer(Events2Options.DEFAULT);
        ResourceState r = s.get(4);
        List<String> out = new ArrayList<>();
        ResourceState noPath = r.withPeer(r.peer(1).withPaths(List.of()));
        out.addAll(e.diff(r, noPath, null));
        ResourceState noPd = noPath.withPeer(noPath.peer(1).withoutPeerDevice(0));
        out.addAll(e.diff(noPath, noPd, null));
        ResourceState noConn = noPd.withoutPeer(1);
        out.addAll(e.diff(noPd, noConn, null));
        ResourceState noDev = noConn.withoutDevice(0);
        out.addAll(e.diff(noConn, noDev, null));
        out.addAll(e.diff(noDev, null, null));
        assertThat(out).containsExactly(
                "destroy path name:some-resource peer-node-id:1 conn-name:some-peer local:ipv4:1.2.3.4:7789 peer:ipv4:5.6.7.8:7790",
                "destroy peer-device name:some-resource peer-node-id:1 conn-name:some-peer volume:0",
                "destroy connection name:some-resource peer-node-id:1 conn-name:some-peer",
                "destroy device name:some-resource volume:0",
                "destroy resource name:some-resource");
        // The same teardown in one step gives the same lines, children first.
        assertThat(e.diff(r, null, null)).containsExactlyElementsOf(out);
    }

    @Test
    void promotionScoreWithTwoDevices() {
        Events2Renderer e = new Events2Renderer(Events2Options.DEFAULT);
        ResourceState r0 = resource();
        ResourceState r1 = r0.withDevice(device(0, 1000));
        ResourceState r2 = r1.withDevice(r1.device(0).withBackingDevice("/dev/sda", 10).withDisk(DiskState.UP_TO_DATE));
        ResourceState r3 = r2.withDevice(device(1, 1001));
        ResourceState r4 = r3.withDevice(r3.device(1).withBackingDevice("/dev/sda", 10).withDisk(DiskState.UP_TO_DATE));
        List<String> out = new ArrayList<>(e.exists(List.of(), null));
        out.addAll(e.diff(null, r0, null));
        out.addAll(e.diff(r0, r1, null));
        out.addAll(e.diff(r1, r2, null));
        out.addAll(e.diff(r2, r3, null));
        out.addAll(e.diff(r3, r4, null));
        assertThat(out).containsExactly(
                "exists -",
                "create resource name:some-resource role:Secondary suspended:no force-io-failures:no may_promote:no promotion_score:0",
                "create device name:some-resource volume:0 minor:1000 backing_dev:none disk:Diskless client:no open:no quorum:yes",
                "change resource name:some-resource may_promote:yes promotion_score:10101",
                "change device name:some-resource volume:0 minor:1000 backing_dev:/dev/sda disk:UpToDate client:no open:no quorum:yes",
                "change resource name:some-resource may_promote:no promotion_score:0",
                "create device name:some-resource volume:1 minor:1001 backing_dev:none disk:Diskless client:no open:no quorum:yes",
                "change resource name:some-resource may_promote:yes promotion_score:10201",
                "change device name:some-resource volume:1 minor:1001 backing_dev:/dev/sda disk:UpToDate client:no open:no quorum:yes");
    }

    @Test
    void mayPromoteThroughPeerDataAndInconsistentScore() {
        // events2-may-promote-peer-data: diskless node, UpToDate peer -> may_promote:yes promotion_score:1
        ResourceState r = resource().withDevice(device(0, 1000)).withPeer(connection());
        r = r.withPeer(r.peer(1).withPeerDevice(PeerDeviceState.created(0)));
        ResourceState connected = r.withPeer(r.peer(1).withConnection(ConnectionState.CONNECTED).withPeerRole(Role.SECONDARY));
        ResourceState established = connected.withPeer(connected.peer(1).withPeerDevice(connected.peer(1).peerDevice(0)
                .withReplication(ReplicationState.ESTABLISHED).withPeerDisk(DiskState.UP_TO_DATE)));
        Events2Renderer e = new Events2Renderer(Events2Options.DEFAULT);
        assertThat(e.diff(r, connected, null)).containsExactly("change connection name:some-resource peer-node-id:1"
                + " conn-name:some-peer connection:Connected role:Secondary");
        assertThat(e.diff(connected, established, null)).containsExactly(
                "change resource name:some-resource may_promote:yes promotion_score:1",
                "change peer-device name:some-resource peer-node-id:1 conn-name:some-peer volume:0"
                        + " replication:Established peer-disk:UpToDate peer-client:no");
        // events2-promotion-score-inconsistent: local Inconsistent + UpToDate peer -> 10001
        ResourceState inconsistent = established.withDevice(established.device(0).withBackingDevice("/dev/sda", 10)
                .withDisk(DiskState.INCONSISTENT));
        assertThat(PromotionInfo.of(inconsistent)).isEqualTo(new PromotionInfo(true, 10001));
        // An unstable UpToDate peer (behind a Primary) does not allow promotion; a Primary peer forbids it.
        PeerState unstable = inconsistent.peer(1).withPeerDevice(inconsistent.peer(1).peerDevice(0).withPeerUpToDateStable(false));
        assertThat(PromotionInfo.of(inconsistent.withPeer(unstable)).mayPromote()).isFalse();
        assertThat(PromotionInfo.of(inconsistent.withPeer(inconsistent.peer(1).withPeerRole(Role.PRIMARY))))
                .isEqualTo(new PromotionInfo(false, 10001));
    }

    @Test
    void existsDumpAndNoResources() {
        Events2Renderer e = new Events2Renderer(Events2Options.DEFAULT);
        assertThat(e.exists(List.of(), null)).containsExactly("exists -");
        assertThat(e.exists(List.of(resource()), null)).containsExactly(
                "exists resource name:some-resource role:Secondary suspended:no force-io-failures:no may_promote:no promotion_score:0",
                "exists -");
        // Paths are not part of DRBD's initial dump; everything else is, in drbdsetup's order.
        List<ResourceState> s = allCreateChangeFull();
        List<String> dump = e.exists(List.of(s.get(s.size() - 1)), null);
        assertThat(dump).extracting(l -> l.split(" ")[1]).containsExactly("resource", "connection", "device",
                "peer-device", "-");
    }
}
