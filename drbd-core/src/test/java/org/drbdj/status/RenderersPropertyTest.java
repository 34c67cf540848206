package org.drbdj.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.drbdj.state.ConnectionState;
import org.drbdj.state.DeviceState;
import org.drbdj.state.DiskState;
import org.drbdj.state.PeerDeviceState;
import org.drbdj.state.PeerState;
import org.drbdj.state.ReplicationState;
import org.drbdj.state.ResourceState;
import org.drbdj.state.Role;
import org.drbdj.state.StateChange;
import org.drbdj.state.StateRules;
import org.drbdj.state.TransitionTable;
import org.drbdj.state.WireProtocol;

/**
 * Random walks through the transition tables (seeded, so a failure reproduces): every reachable
 * snapshot renders in every format without error, and each output keeps its format.
 */
class RenderersPropertyTest {
    private static final Pattern PROC_DEVICE = Pattern.compile(
            "^ ?\\d+: cs:[A-Za-z]+ ro:(Primary|Secondary)/(Primary|Secondary|Unknown) ds:[A-Za-z]+/[A-Za-z]+ "
            + "[ABC ] [rs][a-][p-][u-][-dbna][s-]$");
    private static final Pattern PROC_COUNTERS = Pattern.compile(
            "^    ns:\\d+ nr:\\d+ dw:\\d+ dr:\\d+ al:\\d+ bm:\\d+ lo:\\d+ pe:\\d+ ua:\\d+ ap:\\d+ ep:\\d+ wo:[bfdn] oos:\\d+$");
    private static final Pattern EVENT = Pattern.compile(
            "^(exists|create|change|destroy) (resource|connection|device|peer-device|path) name:r0( [a-z_-]+:\\S*)*$");

    @Property(tries = 80)
    void everyReachableStateRenders(@ForAll long seed, @ForAll @IntRange(min = 1, max = 60) int steps) {
        Random rnd = new Random(seed);
        ResourceState s = ResourceState.created("r0", 0)
                .withDevice(DeviceState.created(0, 1)).withDevice(DeviceState.created(1, 2))
                .withPeer(PeerState.created(1, "bob", WireProtocol.C, List.of(0, 1), List.of()))
                .withPeer(PeerState.created(2, "", WireProtocol.A, List.of(0, 1), List.of()));
        Events2Renderer events = new Events2Renderer(new Events2Options(rnd.nextBoolean(), rnd.nextBoolean(),
                rnd.nextBoolean(), false));
        for (int i = 0; i < steps; i++) {
            StateChange.Edit edit = randomEdit(rnd, s);
            ResourceState next = StateChange.fact("random", edit).applyTo(s);
            StateRules.checkTables(s, next);
            for (String line : events.diff(s, next, null)) {
                assertThat(line).matches(EVENT);
            }
            assertThat(events.diff(next, next, null)).isEmpty();
            s = next;
            check(s);
        }
    }

    private static void check(ResourceState s) {
        String proc = ProcDrbdRenderer.render(ProcVersion.drbdj("x", "0", "h", "t"), List.of(s));
        String[] lines = proc.split("\n");
        for (int i = 2; i < lines.length; i++) {
            String l = lines[i];
            if (l.isEmpty() || l.endsWith("cs:Unconfigured") || l.startsWith("\t")) {
                continue;
            }
            assertThat(l).matches(l.startsWith("    ns:") ? PROC_COUNTERS : PROC_DEVICE);
        }
        for (int v = 0; v < 2; v++) {
            for (boolean stats : new boolean[] {false, true}) {
                Rendered r = StatusRenderer.render(List.of(s), "r0", StatusOptions.DEFAULT.withVerbose(v).withStatistics(stats));
                assertThat(r.exitCode()).isZero();
                assertThat(r.out()).startsWith(v == 0 ? "r0 role:" + s.role().drbdName() : "r0 node-id:0 role:" + s.role().drbdName())
                        .endsWith("\n\n");
            }
        }
        String json = StatusRenderer.render(List.of(s), "r0", StatusOptions.DEFAULT.withJson(true)).out();
        assertThat(json.chars().filter(c -> c == '{').count()).isEqualTo(json.chars().filter(c -> c == '}').count());
        assertThat(json.chars().filter(c -> c == '[').count()).isEqualTo(json.chars().filter(c -> c == ']').count());
        for (DeviceState d : s.devices()) {
            assertThat(SimpleQueries.dstate84(s, d.volume())).matches("Unconfigured|[A-Za-z]+/[A-Za-z]+");
            assertThat(SimpleQueries.dstate9(List.of(s), d.minor()).out()).matches("[A-Za-z]+(/[A-Za-z]+){2}\n");
        }
    }

    private static <E extends Enum<E>> E next(Random rnd, TransitionTable<E> table, E from) {
        List<E> options = new ArrayList<>(table.successors(from));
        return options.isEmpty() ? from : options.get(rnd.nextInt(options.size()));
    }

    private static StateChange.Edit randomEdit(Random rnd, ResourceState s) {
        int volume = rnd.nextInt(2);
        int peer = 1 + rnd.nextInt(2);
        PeerState p = s.peer(peer);
        switch (rnd.nextInt(6)) {
            case 0:
                return new StateChange.SetRole(s.role() == Role.PRIMARY ? Role.SECONDARY : Role.PRIMARY);
            case 1:
                return new StateChange.SetDisk(volume, next(rnd, DiskState.TRANSITIONS, s.device(volume).disk()));
            case 2:
                return new StateChange.SetConnection(peer, next(rnd, ConnectionState.TRANSITIONS, p.connection()));
            case 3:
                if (p.connection() == ConnectionState.CONNECTED) {
                    PeerDeviceState pd = p.peerDevice(volume);
                    return new StateChange.SetReplication(peer, volume,
                            next(rnd, ReplicationState.TRANSITIONS, pd.replication()));
                }
                return new StateChange.SetOpen(volume, rnd.nextBoolean(), false);
            case 4:
                if (p.connection() == ConnectionState.CONNECTED) {
                    DiskState[] all = DiskState.values();
                    return new StateChange.SetPeerDisk(peer, volume, all[rnd.nextInt(all.length)]);
                }
                return new StateChange.SetQuorum(volume, rnd.nextBoolean());
            default:
                if (p.connection() == ConnectionState.CONNECTED) {
                    return new StateChange.SetPeerRole(peer, rnd.nextBoolean() ? Role.PRIMARY : Role.SECONDARY);
                }
                return new StateChange.SetOpen(volume, false, false);
        }
    }
}
