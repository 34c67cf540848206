package org.drbdj.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The request → validate → agree → commit lifecycle with a hand-driven clock. */
class ResourceStateMachineTest {
    private final AtomicLong clock = new AtomicLong(1_000);

    ResourceStateMachine machine(ResourceState initial, PeerAgreement agreement) {
        return new ResourceStateMachine(initial, ResourcePolicy.DEFAULT, clock::get, agreement);
    }

    @Test
    void specRunbookOnOneHost() {
        // create-md, up, primary --force, mount, umount, secondary, down (SPEC section 3 minus the peer)
        ResourceStateMachine m = machine(ResourceState.created("test", 0).withDevice(DeviceState.created(0, 1)),
                PeerAgreement.LOCAL_ONLY);
        List<String> seen = new ArrayList<>();
        m.addListener((before, after, change, nowNs) -> seen.add(nowNs + " " + change.description()));

        clock.set(2_000);
        assertThat(m.request(StateChange.request("attach", new StateChange.SetDisk(0, DiskState.ATTACHING)))
                .outcome()).isEqualTo(StateChangeResult.Outcome.COMMITTED);
        assertThat(m.request(StateChange.fact("meta-data read", new StateChange.SetDisk(0, DiskState.INCONSISTENT)))
                .isSuccess()).isTrue();
        StateChangeResult refused = m.request(StateChange.promote(false));
        assertThat(refused.error()).isEqualTo(StateChangeError.NO_UP_TO_DATE_DISK);
        assertThat(m.current().role()).isEqualTo(Role.SECONDARY);

        clock.set(3_000);
        StateChangeResult forced = m.request(StateChange.promote(true));
        assertThat(forced.outcome()).isEqualTo(StateChangeResult.Outcome.COMMITTED);
        assertThat(forced.newState().device(0).disk()).isEqualTo(DiskState.UP_TO_DATE);
        assertThat(m.lastChangeNs()).isEqualTo(3_000);

        m.request(StateChange.fact("mounted", new StateChange.SetOpen(0, true, true)));
        assertThat(m.request(StateChange.demote(false)).error()).isEqualTo(StateChangeError.DEVICE_IN_USE);
        m.request(StateChange.fact("unmounted", new StateChange.SetOpen(0, false, false)));
        assertThat(m.request(StateChange.demote(false)).isSuccess()).isTrue();
        assertThat(m.request(StateChange.demote(false)).outcome()).isEqualTo(StateChangeResult.Outcome.NOTHING_TO_DO);
        assertThat(m.request(StateChange.request("detach", new StateChange.SetDisk(0, DiskState.DETACHING)))
                .isSuccess()).isTrue();
        assertThat(m.request(StateChange.fact("detached", new StateChange.SetDisk(0, DiskState.DISKLESS)))
                .isSuccess()).isTrue();

        assertThat(seen).containsExactly("2000 attach", "2000 meta-data read", "3000 primary --force", "3000 mounted",
                "3000 unmounted", "3000 secondary", "3000 detach", "3000 detached");
    }

    @Test
    void peerRefusalIsNotCommitted() {
        ResourceState r = ResourceState.created("r", 0).withDevice(DeviceState.created(0, 1).withDisk(DiskState.INCONSISTENT));
        List<StateChange> asked = new ArrayList<>();
        ResourceStateMachine m = machine(r, (current, proposed, change, nowNs) -> {
            asked.add(change);
            return StateChangeResult.refused(StateChangeError.CW_FAILED_BY_PEER, "peer is resyncing from us");
        });
        StateChangeResult res = m.request(StateChange.request("detach", new StateChange.SetDisk(0, DiskState.DETACHING)));
        assertThat(res.error()).isEqualTo(StateChangeError.CW_FAILED_BY_PEER);
        assertThat(m.current()).isEqualTo(r);
        assertThat(asked).hasSize(1);
        // locally refused changes never reach the peers
        assertThat(m.request(StateChange.promote(false)).error()).isEqualTo(StateChangeError.NO_UP_TO_DATE_DISK);
        assertThat(asked).hasSize(1);
    }

    @Test
    void aFailingListenerDoesNotUndoTheCommit() {
        ResourceStateMachine m = machine(ResourceState.created("r", 0).withDevice(DeviceState.created(0, 1)
                .withDisk(DiskState.UP_TO_DATE)), PeerAgreement.LOCAL_ONLY);
        m.addListener((b, a, c, n) -> {
            throw new IllegalStateException("status file directory vanished");
        });
        List<Role> roles = new ArrayList<>();
        m.addListener((b, a, c, n) -> roles.add(a.role()));
        assertThat(m.request(StateChange.promote(false)).isSuccess()).isTrue();
        assertThat(m.current().role()).isEqualTo(Role.PRIMARY);
        assertThat(roles).containsExactly(Role.PRIMARY);
    }

    @Test
    @Timeout(60)
    void concurrentRequestsAreSerialised() throws Exception {
        ResourceStateMachine m = machine(ResourceState.created("r", 0).withDevice(DeviceState.created(0, 1)
                .withDisk(DiskState.UP_TO_DATE)), PeerAgreement.LOCAL_ONLY);
        List<String> transitions = java.util.Collections.synchronizedList(new ArrayList<>());
        m.addListener((b, a, c, n) -> transitions.add(b.role() + ">" + a.role()));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                boolean promote = t % 2 == 0;
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        m.request(promote ? StateChange.promote(false) : StateChange.demote(false));
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        // every committed change starts where the previous one ended
        Role last = Role.SECONDARY;
        for (String t : transitions) {
            assertThat(t).startsWith(last.drbdName() + ">");
            last = Role.fromDrbdName(t.substring(t.indexOf('>') + 1));
        }
        assertThat(m.current().role()).isEqualTo(last);
    }

    @Test
    void factsUpdateCountersWithoutTheLifecycle() {
        ResourceStateMachine m = machine(ResourceState.created("r", 0).withDevice(DeviceState.created(0, 1)),
                PeerAgreement.LOCAL_ONLY);
        DeviceCounters c = new DeviceCounters();
        c.addWritten(4096);
        ResourceState after = m.updateFacts(s -> s.withDevice(s.device(0).withStats(c.snapshot())));
        assertThat(after.device(0).stats().writtenKiB()).isEqualTo(4);
        assertThat(m.current()).isEqualTo(after);
    }
}
