package org.drbdj.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** DRBD's soft-transition rules (drbd_state.c) on operator requests, and the tables on facts. */
class StateRulesTest {
    private static final ResourcePolicy P = ResourcePolicy.DEFAULT;

    static ResourceState single(DiskState disk) {
        return ResourceState.created("r0", 0).withDevice(DeviceState.created(0, 1).withDisk(disk));
    }

    static ResourceState withPeer(ResourceState r, ConnectionState cs, Role peerRole, ReplicationState repl,
                                  DiskState peerDisk) {
        PeerState p = PeerState.created(1, "bob", WireProtocol.C, List.of(0), List.of()).withConnection(cs)
                .withPeerRole(peerRole);
        return r.withPeer(p.withPeerDevice(p.peerDevice(0).withReplication(repl).withPeerDisk(peerDisk)));
    }

    static Optional<StateChangeResult> check(ResourceState before, StateChange change, ResourcePolicy policy) {
        return StateRules.validate(before, StateRules.propose(before, change), change, policy);
    }

    static StateChangeError refusal(ResourceState before, StateChange change) {
        Optional<StateChangeResult> r = check(before, change, P);
        assertThat(r).as("expected a refusal for " + change.description()).isPresent();
        return r.get().error();
    }

    @Test
    void promoteNeedsUpToDateDataUnlessForced() {
        ResourceState incons = single(DiskState.INCONSISTENT);
        Optional<StateChangeResult> r = check(incons, StateChange.promote(false), P);
        assertThat(r).isPresent();
        assertThat(r.get().error()).isEqualTo(StateChangeError.NO_UP_TO_DATE_DISK);
        assertThat(r.get().error().drbdsetupText()).isEqualTo("State change failed: (-2) Need access to UpToDate data");
        assertThat(r.get().detail()).contains("primary --force");

        // --force makes the local data UpToDate (the SPEC's initial sync: "primary --force" on node1)
        ResourceState forced = StateRules.propose(incons, StateChange.promote(true));
        assertThat(forced.role()).isEqualTo(Role.PRIMARY);
        assertThat(forced.device(0).disk()).isEqualTo(DiskState.UP_TO_DATE);
        assertThat(check(incons, StateChange.promote(true), P)).isEmpty();

        // ...but cannot conjure data on a diskless node without a peer
        assertThat(refusal(single(DiskState.DISKLESS), StateChange.promote(true)))
                .isEqualTo(StateChangeError.NO_UP_TO_DATE_DISK);
        assertThat(check(single(DiskState.UP_TO_DATE), StateChange.promote(false), P)).isEmpty();
    }

    @Test
    void promoteWithAnUpToDatePeerNeedsNoLocalData() {
        ResourceState diskless = withPeer(single(DiskState.DISKLESS), ConnectionState.CONNECTED, Role.SECONDARY,
                ReplicationState.ESTABLISHED, DiskState.UP_TO_DATE);
        assertThat(check(diskless, StateChange.promote(false), P)).isEmpty();
        // a peer that is connected but not yet replicating does not count
        ResourceState handshaking = withPeer(single(DiskState.DISKLESS), ConnectionState.CONNECTED, Role.SECONDARY,
                ReplicationState.OFF, DiskState.UP_TO_DATE);
        assertThat(refusal(handshaking, StateChange.promote(false))).isEqualTo(StateChangeError.NO_UP_TO_DATE_DISK);
    }

    @Test
    void twoPrimariesOnlyWhenAllowed() {
        ResourceState r = withPeer(single(DiskState.UP_TO_DATE), ConnectionState.CONNECTED, Role.PRIMARY,
                ReplicationState.ESTABLISHED, DiskState.UP_TO_DATE);
        assertThat(refusal(r, StateChange.promote(false))).isEqualTo(StateChangeError.TWO_PRIMARIES);
        assertThat(check(r, StateChange.promote(false), new ResourcePolicy(true, ResourcePolicy.Fencing.DONT_CARE, false)))
                .isEmpty();
    }

    @Test
    void demoteRefusedWhileOpenForWriteUnlessForced() {
        ResourceState primary = single(DiskState.UP_TO_DATE).withRole(Role.PRIMARY);
        ResourceState mounted = primary.withDevice(primary.device(0).withOpen(true, true));
        Optional<StateChangeResult> r = check(mounted, StateChange.demote(false), P);
        assertThat(r).isPresent();
        assertThat(r.get().error()).isEqualTo(StateChangeError.DEVICE_IN_USE);
        assertThat(r.get().error().drbdsetupText()).isEqualTo("State change failed: (-12) Device is held open by someone");
        assertThat(r.get().detail()).contains("/dev/drbd1");
        // read-only openers do not block a demote
        assertThat(check(primary.withDevice(primary.device(0).withOpen(true, false)), StateChange.demote(false), P))
                .isEmpty();
        // secondary --force: demote and fail the remaining I/O; a later promote is refused meanwhile
        ResourceState forced = StateRules.propose(mounted, StateChange.demote(true));
        assertThat(check(mounted, StateChange.demote(true), P)).isEmpty();
        assertThat(forced.role()).isEqualTo(Role.SECONDARY);
        assertThat(forced.forceIoFailures()).isTrue();
        assertThat(refusal(forced, StateChange.promote(false))).isEqualTo(StateChangeError.DEVICE_IN_USE);
    }

    @Test
    void detachAndDiskRules() {
        ResourceState primary = single(DiskState.UP_TO_DATE).withRole(Role.PRIMARY);
        // detaching the last UpToDate data of a Primary
        assertThat(refusal(primary, StateChange.request("detach", new StateChange.SetDisk(0, DiskState.DETACHING))))
                .isEqualTo(StateChangeError.NO_UP_TO_DATE_DISK);
        // a Secondary may detach
        assertThat(check(single(DiskState.UP_TO_DATE),
                StateChange.request("detach", new StateChange.SetDisk(0, DiskState.DETACHING)), P)).isEmpty();
        // nothing to detach
        assertThat(refusal(single(DiskState.DISKLESS),
                StateChange.request("detach", new StateChange.SetDisk(0, DiskState.DETACHING))))
                .isEqualTo(StateChangeError.IS_DISKLESS);
        // outdate an Inconsistent disk
        assertThat(refusal(single(DiskState.INCONSISTENT),
                StateChange.request("outdate", new StateChange.SetDisk(0, DiskState.OUTDATED))))
                .isEqualTo(StateChangeError.LOWER_THAN_OUTDATED);
        // outdate while replicating
        ResourceState connected = withPeer(single(DiskState.UP_TO_DATE), ConnectionState.CONNECTED, Role.SECONDARY,
                ReplicationState.ESTABLISHED, DiskState.UP_TO_DATE);
        assertThat(refusal(connected, StateChange.request("outdate", new StateChange.SetDisk(0, DiskState.OUTDATED))))
                .isEqualTo(StateChangeError.CONNECTED_OUTDATES);
        assertThat(check(single(DiskState.UP_TO_DATE),
                StateChange.request("outdate", new StateChange.SetDisk(0, DiskState.OUTDATED)), P)).isEmpty();
    }

    @Test
    void connectionRequests() {
        ResourceState standAlone = withPeer(single(DiskState.UP_TO_DATE), ConnectionState.STAND_ALONE, Role.UNKNOWN,
                ReplicationState.OFF, DiskState.DUNKNOWN);
        assertThat(refusal(standAlone, StateChange.request("disconnect",
                new StateChange.SetConnection(1, ConnectionState.DISCONNECTING))))
                .isEqualTo(StateChangeError.ALREADY_STANDALONE);
        assertThat(refusal(standAlone, StateChange.request("connect",
                new StateChange.SetConnection(1, ConnectionState.CONNECTING))))
                .isEqualTo(StateChangeError.NO_NET_CONFIG);
        assertThat(check(standAlone, StateChange.request("connect",
                new StateChange.SetConnection(1, ConnectionState.UNCONNECTED)), P)).isEmpty();
        ResourceState unconnected = StateRules.propose(standAlone, StateChange.request("connect",
                new StateChange.SetConnection(1, ConnectionState.UNCONNECTED)));
        assertThat(refusal(unconnected, StateChange.request("disconnect",
                new StateChange.SetConnection(1, ConnectionState.DISCONNECTING))))
                .isEqualTo(StateChangeError.IN_TRANSIENT_STATE);
    }

    @Test
    void resyncAndVerifyRequests() {
        ResourceState connected = withPeer(single(DiskState.UP_TO_DATE), ConnectionState.CONNECTED, Role.SECONDARY,
                ReplicationState.ESTABLISHED, DiskState.UP_TO_DATE);
        StateChange verify = StateChange.request("verify", new StateChange.SetReplication(1, 0, ReplicationState.VERIFY_S));
        assertThat(refusal(connected, verify)).isEqualTo(StateChangeError.NO_VERIFY_ALG);
        ResourcePolicy withAlg = new ResourcePolicy(false, ResourcePolicy.Fencing.DONT_CARE, true);
        assertThat(check(connected, verify, withAlg)).isEmpty();

        ResourceState syncing = withPeer(single(DiskState.UP_TO_DATE), ConnectionState.CONNECTED, Role.SECONDARY,
                ReplicationState.SYNC_SOURCE, DiskState.INCONSISTENT);
        assertThat(check(syncing, verify, withAlg).map(StateChangeResult::error)).contains(StateChangeError.RESYNC_RUNNING);
        assertThat(refusal(syncing, StateChange.request("invalidate-remote",
                new StateChange.SetReplication(1, 0, ReplicationState.STARTING_SYNC_S))))
                .isEqualTo(StateChangeError.RESYNC_RUNNING);

        ResourceState off = withPeer(single(DiskState.UP_TO_DATE), ConnectionState.CONNECTING, Role.UNKNOWN,
                ReplicationState.OFF, DiskState.DUNKNOWN);
        assertThat(check(off, verify, withAlg).map(StateChangeResult::error)).contains(StateChangeError.NEED_CONNECTION);

        // a diskless node cannot become sync source or target
        ResourceState diskless = withPeer(single(DiskState.DISKLESS), ConnectionState.CONNECTED, Role.SECONDARY,
                ReplicationState.ESTABLISHED, DiskState.UP_TO_DATE);
        assertThat(refusal(diskless, StateChange.request("invalidate",
                new StateChange.SetReplication(1, 0, ReplicationState.STARTING_SYNC_T))))
                .isEqualTo(StateChangeError.NO_LOCAL_DISK);
    }

    @Test
    void quorumAndFencing() {
        ResourceState noQuorum = single(DiskState.UP_TO_DATE);
        noQuorum = noQuorum.withDevice(noQuorum.device(0).withQuorum(false));
        assertThat(refusal(noQuorum, StateChange.promote(false))).isEqualTo(StateChangeError.NO_QUORUM);

        ResourceState peerUnknown = withPeer(single(DiskState.UP_TO_DATE), ConnectionState.CONNECTING, Role.UNKNOWN,
                ReplicationState.OFF, DiskState.DUNKNOWN);
        ResourcePolicy fencing = new ResourcePolicy(false, ResourcePolicy.Fencing.RESOURCE_ONLY, false);
        assertThat(check(peerUnknown, StateChange.promote(false), fencing).map(StateChangeResult::error))
                .contains(StateChangeError.PRIMARY_NOP);
        assertThat(check(peerUnknown, StateChange.promote(false), P)).isEmpty();
        ResourceState peerOutdated = withPeer(single(DiskState.UP_TO_DATE), ConnectionState.CONNECTING, Role.UNKNOWN,
                ReplicationState.OFF, DiskState.OUTDATED);
        assertThat(check(peerOutdated, StateChange.promote(false), fencing)).isEmpty();
    }

    @Test
    void factsSkipTheSoftRulesButNotTheTables() {
        ResourceState primary = single(DiskState.UP_TO_DATE).withRole(Role.PRIMARY);
        // an I/O error on the only copy of a Primary is a fact: no refusal possible
        StateChange ioError = StateChange.fact("local I/O error", new StateChange.SetDisk(0, DiskState.FAILED));
        assertThat(check(primary, ioError, P)).isEmpty();
        // but Diskless cannot fail
        StateChange bogus = StateChange.fact("bogus", new StateChange.SetDisk(0, DiskState.FAILED));
        assertThatThrownBy(() -> check(single(DiskState.DISKLESS), bogus, P))
                .isInstanceOf(IllegalStateTransitionException.class)
                .hasMessageContaining("disk state transition Diskless -> Failed");
    }

    @Test
    void connectionLossResetsPeerViews() {
        ResourceState connected = withPeer(single(DiskState.UP_TO_DATE), ConnectionState.CONNECTED, Role.PRIMARY,
                ReplicationState.SYNC_TARGET, DiskState.UP_TO_DATE);
        ResourceState lost = StateChange.fact("ping timeout",
                new StateChange.SetConnection(1, ConnectionState.TIMEOUT)).applyTo(connected);
        assertThat(lost.peer(1).peerRole()).isEqualTo(Role.UNKNOWN);
        assertThat(lost.peer(1).peerDevice(0).replication()).isEqualTo(ReplicationState.OFF);
        assertThat(lost.peer(1).peerDevice(0).peerDisk()).isEqualTo(DiskState.DUNKNOWN);
        StateRules.checkTables(connected, lost);
    }

    @Test
    void editsNameMissingObjects() {
        assertThatThrownBy(() -> StateChange.request("x", new StateChange.SetDisk(3, DiskState.FAILED))
                .applyTo(single(DiskState.UP_TO_DATE))).hasMessage("resource r0 has no volume 3");
        assertThatThrownBy(() -> StateChange.request("x", new StateChange.SetPeerRole(4, Role.PRIMARY))
                .applyTo(single(DiskState.UP_TO_DATE))).hasMessage("resource r0 has no connection to node 4");
    }
}
