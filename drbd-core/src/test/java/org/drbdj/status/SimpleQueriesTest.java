package org.drbdj.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.drbdj.state.ConnectionState;
import org.drbdj.state.DeviceState;
import org.drbdj.state.DiskState;
import org.drbdj.state.PeerState;
import org.drbdj.state.ResourceState;
import org.drbdj.state.Role;
import org.drbdj.state.WireProtocol;
import org.junit.jupiter.api.Test;

/** {@code drbdadm role/cstate/dstate} in 8.4 and 9 styles (SPEC section 4, DRBD 9 User's Guide examples). */
class SimpleQueriesTest {
    @Test
    void drbd84StylePrimarySecondaryAndUnconfigured() {
        ResourceState spec = ProcDrbdRendererTest.specSample();
        assertThat(SimpleQueries.role84(spec, 0)).isEqualTo("Primary/Secondary");
        assertThat(SimpleQueries.cstate84(spec, 0)).isEqualTo("Connected");
        assertThat(SimpleQueries.dstate84(spec, 0)).isEqualTo("UpToDate/UpToDate");

        ResourceState fresh = ResourceState.created("r", 0).withDevice(DeviceState.created(0, 1));
        assertThat(SimpleQueries.role84(fresh, 0)).isEqualTo("Unconfigured");
        assertThat(SimpleQueries.cstate84(fresh, 0)).isEqualTo("Unconfigured");
        assertThat(SimpleQueries.dstate84(fresh, 0)).isEqualTo("Unconfigured");

        ResourceState waiting = fresh.withDevice(fresh.device(0).withDisk(DiskState.DETACHING))
                .withPeer(PeerState.created(1, "peer", WireProtocol.C, List.of(0), List.of())
                        .withConnection(ConnectionState.CONNECTING));
        assertThat(SimpleQueries.role84(waiting, 0)).isEqualTo("Secondary/Unknown");
        assertThat(SimpleQueries.cstate84(waiting, 0)).isEqualTo("WFConnection");
        assertThat(SimpleQueries.dstate84(waiting, 0)).isEqualTo("Failed/DUnknown");
    }

    @Test
    void drbd9Style() {
        // DRBD 9 User's Guide, troubleshooting: "drbdadm dstate" on a Primary that lost its disk.
        PeerState peer = StatusRendererTest.peer(1, "peer", ConnectionState.CONNECTED, Role.SECONDARY,
                DiskState.UP_TO_DATE);
        ResourceState r = ResourceState.created("res", 0).withRole(Role.PRIMARY)
                .withDevice(DeviceState.created(0, 1)).withPeer(peer);
        assertThat(SimpleQueries.dstate9(List.of(r), 1)).isEqualTo(Rendered.ok("Diskless/UpToDate\n"));
        assertThat(SimpleQueries.dstate9(List.of(r), 7)).isEqualTo(new Rendered("", "7: No such device\n", 10));
        assertThat(SimpleQueries.role9(List.of(r), "res")).isEqualTo(Rendered.ok("Primary\n"));
        assertThat(SimpleQueries.role9(List.of(r), "nope"))
                .isEqualTo(new Rendered("", "nope: Unknown resource\n", 10));
        assertThat(SimpleQueries.peerRole9(r, 1)).isEqualTo(Rendered.ok("Secondary\n"));
        assertThat(SimpleQueries.cstate9(r, 1)).isEqualTo(Rendered.ok("Connected\n"));
        assertThat(SimpleQueries.cstate9(r, 5)).isEqualTo(new Rendered("", "res: No such connection\n", 10));

        // DRBD 9 User's Guide "drbdadm cstate <resource>": one line per connection.
        ResourceState three = r.withPeer(StatusRendererTest.peer(2, "b", ConnectionState.CONNECTED, Role.SECONDARY,
                DiskState.UP_TO_DATE)).withPeer(PeerState.created(3, "c", WireProtocol.C, List.of(0), List.of()));
        assertThat(SimpleQueries.cstate9All(three)).isEqualTo(Rendered.ok("Connected\nConnected\nStandAlone\n"));
        assertThat(SimpleQueries.dstate9(List.of(three), 1)).isEqualTo(Rendered.ok("Diskless/UpToDate/UpToDate/DUnknown\n"));
    }
}
