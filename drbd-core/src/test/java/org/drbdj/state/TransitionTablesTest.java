package org.drbdj.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The per-dimension transition tables: reachability, DRBD's own constraints, and the error they raise. */
class TransitionTablesTest {

    static <E extends Enum<E>> Set<E> reachable(TransitionTable<E> t, Class<E> type, E from) {
        Set<E> seen = EnumSet.of(from);
        Deque<E> todo = new ArrayDeque<>(Set.of(from));
        while (!todo.isEmpty()) {
            for (E n : t.successors(todo.pop())) {
                if (seen.add(n)) {
                    todo.push(n);
                }
            }
        }
        return seen;
    }

    /** The kernel's is_valid_conn_transition (drbd_state.c, DRBD 9), re-stated as an independent oracle. */
    static boolean kernelAllowsConn(ConnectionState o, ConnectionState n) {
        if (o == n) {
            return true;
        }
        if (o == ConnectionState.STAND_ALONE && n != ConnectionState.UNCONNECTED) {
            return false;
        }
        if (o.isNetworkError() && n != ConnectionState.UNCONNECTED && n != ConnectionState.DISCONNECTING) {
            return false;
        }
        return !(o == ConnectionState.DISCONNECTING && n != ConnectionState.STAND_ALONE);
    }

    @Test
    void connectionTableIsWithinTheKernelsRulesAndComplete() {
        for (ConnectionState o : ConnectionState.values()) {
            for (ConnectionState n : ConnectionState.values()) {
                if (ConnectionState.TRANSITIONS.allows(o, n)) {
                    assertThat(kernelAllowsConn(o, n)).as(o + " -> " + n).isTrue();
                }
            }
            // every state can get back to StandAlone (down) and reach Connected again
            assertThat(reachable(ConnectionState.TRANSITIONS, ConnectionState.class, o))
                    .contains(ConnectionState.STAND_ALONE, ConnectionState.CONNECTED);
        }
        assertThat(ConnectionState.TRANSITIONS.successors(ConnectionState.STAND_ALONE))
                .containsExactly(ConnectionState.UNCONNECTED);
        assertThat(ConnectionState.TRANSITIONS.successors(ConnectionState.DISCONNECTING))
                .containsExactly(ConnectionState.STAND_ALONE);
    }

    @Test
    void diskTable() {
        TransitionTable<DiskState> t = DiskState.TRANSITIONS;
        assertThat(t.successors(DiskState.DISKLESS)).containsExactly(DiskState.ATTACHING);
        assertThat(t.successors(DiskState.FAILED)).containsExactly(DiskState.DISKLESS);
        assertThat(t.successors(DiskState.DETACHING)).containsExactlyInAnyOrder(DiskState.DISKLESS, DiskState.FAILED);
        assertThat(reachable(t, DiskState.class, DiskState.DISKLESS))
                .isEqualTo(EnumSet.complementOf(EnumSet.of(DiskState.DUNKNOWN)));
        for (DiskState d : DiskState.values()) {
            assertThat(t.allows(d, DiskState.DUNKNOWN)).as(d + " -> DUnknown").isEqualTo(d == DiskState.DUNKNOWN);
            if (d != DiskState.DUNKNOWN) {
                assertThat(reachable(t, DiskState.class, d)).as("from " + d).contains(DiskState.DISKLESS);
            }
        }
        // the kernel's "we cannot fail (again) if we already detached"
        assertThat(t.allows(DiskState.DISKLESS, DiskState.FAILED)).isFalse();
        assertThat(t.allows(DiskState.DISKLESS, DiskState.DETACHING)).isFalse();
        assertThat(t.allows(DiskState.INCONSISTENT, DiskState.UP_TO_DATE)).isTrue();
        assertThat(t.allows(DiskState.UP_TO_DATE, DiskState.OUTDATED)).isTrue();
    }

    @Test
    void replicationTable() {
        TransitionTable<ReplicationState> t = ReplicationState.TRANSITIONS;
        for (ReplicationState r : ReplicationState.values()) {
            assertThat(t.allows(r, ReplicationState.OFF)).as(r + " -> Off").isTrue();
        }
        assertThat(reachable(t, ReplicationState.class, ReplicationState.OFF))
                .isEqualTo(EnumSet.allOf(ReplicationState.class));
        // a resync always passes through the bitmap exchange
        assertThat(t.allows(ReplicationState.ESTABLISHED, ReplicationState.SYNC_TARGET)).isFalse();
        assertThat(t.allows(ReplicationState.WF_SYNC_UUID, ReplicationState.SYNC_TARGET)).isTrue();
        assertThat(t.allows(ReplicationState.SYNC_SOURCE, ReplicationState.SYNC_TARGET)).isFalse();
        assertThat(t.allows(ReplicationState.VERIFY_S, ReplicationState.SYNC_SOURCE)).isFalse();
    }

    @Test
    void roleTable() {
        assertThat(Role.TRANSITIONS.allows(Role.SECONDARY, Role.PRIMARY)).isTrue();
        assertThat(Role.TRANSITIONS.allows(Role.PRIMARY, Role.SECONDARY)).isTrue();
        assertThat(Role.TRANSITIONS.allows(Role.UNKNOWN, Role.PRIMARY)).isTrue();
    }

    @Test
    void violationNamesDimensionStatesAndAlternatives() {
        assertThatThrownBy(() -> ConnectionState.TRANSITIONS.check(ConnectionState.STAND_ALONE, ConnectionState.CONNECTED))
                .isInstanceOf(IllegalStateTransitionException.class)
                .hasMessage("illegal connection state transition StandAlone -> Connected (allowed from StandAlone: [Unconnected])")
                .satisfies(e -> {
                    IllegalStateTransitionException x = (IllegalStateTransitionException) e;
                    assertThat(x.dimension()).isEqualTo("connection state");
                    assertThat(x.from()).isEqualTo("StandAlone");
                    assertThat(x.to()).isEqualTo("Connected");
                });
        // staying put is always fine
        DiskState.TRANSITIONS.check(DiskState.FAILED, DiskState.FAILED);
    }
}
