package org.drbdj.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Names and numbers against the DRBD reference (drbd.md section 2.9, from drbd-headers
 * {@code linux/drbd.h} and {@code drbd_strings.c}; 8.4 from the 8.4 {@code linux/drbd.h}).
 */
class StateEnumsTest {
    @Test
    void rolesAsInDrbdH() {
        assertThat(Arrays.stream(Role.values()).map(r -> r.code() + ":" + r.drbdName()))
                .containsExactly("0:Unknown", "1:Primary", "2:Secondary");
        assertThat(Role.fromDrbdName("Primary")).isEqualTo(Role.PRIMARY);
        assertThat(Role.fromCode(2)).isEqualTo(Role.SECONDARY);
        assertThatThrownBy(() -> Role.fromDrbdName("primary")).hasMessageContaining("'primary'")
                .hasMessageContaining("Primary");
    }

    @Test
    void diskStatesDrbd9And84() {
        assertThat(Arrays.stream(DiskState.values()).map(d -> d.code() + ":" + d.drbdName())).containsExactly(
                "0:Diskless", "1:Attaching", "2:Detaching", "3:Failed", "4:Negotiating", "5:Inconsistent",
                "6:Outdated", "7:DUnknown", "8:Consistent", "9:UpToDate");
        // 8.4 has no Detaching: everything from Failed on is one lower.
        List<String> drbd84 = List.of("0:Diskless", "1:Attaching", "2:Failed", "3:Negotiating", "4:Inconsistent",
                "5:Outdated", "6:DUnknown", "7:Consistent", "8:UpToDate");
        for (String s : drbd84) {
            int code = Integer.parseInt(s.split(":")[0]);
            assertThat(DiskState.fromDrbd84Code(code).drbd84Name()).isEqualTo(s.split(":")[1]);
            assertThat(DiskState.fromDrbd84Code(code).drbd84Code()).isEqualTo(code);
        }
        assertThat(DiskState.DETACHING.drbd84Name()).isEqualTo("Failed");
        assertThat(DiskState.DETACHING.drbd84Code()).isEqualTo(2);
        assertThatThrownBy(() -> DiskState.fromDrbd84Code(9)).hasMessageContaining("9");
    }

    @Test
    void connectionAndReplicationStates() {
        assertThat(Arrays.stream(ConnectionState.values()).map(c -> c.code() + ":" + c.drbdName())).containsExactly(
                "0:StandAlone", "1:Disconnecting", "2:Unconnected", "3:Timeout", "4:BrokenPipe", "5:NetworkFailure",
                "6:ProtocolError", "7:TearDown", "8:Connecting", "9:Connected");
        assertThat(Arrays.stream(ReplicationState.values()).map(c -> c.code() + ":" + c.drbdName())).containsExactly(
                "9:Off", "10:Established", "11:StartingSyncS", "12:StartingSyncT", "13:WFBitMapS", "14:WFBitMapT",
                "15:WFSyncUUID", "16:SyncSource", "17:SyncTarget", "18:VerifyS", "19:VerifyT", "20:PausedSyncS",
                "21:PausedSyncT", "22:Ahead", "23:Behind");
        assertThat(Arrays.stream(Drbd84ConnectionState.values()).map(c -> c.code() + ":" + c.drbdName()))
                .containsExactly("0:StandAlone", "1:Disconnecting", "2:Unconnected", "3:Timeout", "4:BrokenPipe",
                        "5:NetworkFailure", "6:ProtocolError", "7:TearDown", "8:WFConnection", "9:WFReportParams",
                        "10:Connected", "11:StartingSyncS", "12:StartingSyncT", "13:WFBitMapS", "14:WFBitMapT",
                        "15:WFSyncUUID", "16:SyncSource", "17:SyncTarget", "18:VerifyS", "19:VerifyT",
                        "20:PausedSyncS", "21:PausedSyncT", "22:Ahead", "23:Behind");
    }

    @Test
    void combined84StateLikeDrbdLegacy84() {
        for (ConnectionState c : ConnectionState.values()) {
            for (ReplicationState r : ReplicationState.values()) {
                Drbd84ConnectionState cs = Drbd84ConnectionState.of(c, r);
                if (c == ConnectionState.CONNECTING) {
                    assertThat(cs).isEqualTo(Drbd84ConnectionState.WF_CONNECTION);
                } else if (c != ConnectionState.CONNECTED) {
                    // same number and name below WFConnection
                    assertThat(cs.code()).isEqualTo(c.code());
                    assertThat(cs.drbdName()).isEqualTo(c.drbdName());
                } else if (r == ReplicationState.OFF) {
                    assertThat(cs).isEqualTo(Drbd84ConnectionState.WF_REPORT_PARAMS);
                } else if (r == ReplicationState.ESTABLISHED) {
                    assertThat(cs).isEqualTo(Drbd84ConnectionState.CONNECTED);
                } else {
                    assertThat(cs.code()).isEqualTo(r.code());
                    assertThat(cs.drbdName()).isEqualTo(r.drbdName());
                }
            }
        }
    }

    @Test
    void stateChangeErrorsAsInDrbdStrings() {
        assertThat(StateChangeError.NO_UP_TO_DATE_DISK.code()).isEqualTo(-2);
        assertThat(StateChangeError.NO_UP_TO_DATE_DISK.drbdsetupText())
                .isEqualTo("State change failed: (-2) Need access to UpToDate data");
        assertThat(StateChangeError.DEVICE_IN_USE.drbdsetupText())
                .isEqualTo("State change failed: (-12) Device is held open by someone");
        assertThat(StateChangeError.TWO_PRIMARIES.message()).isEqualTo("Multiple primaries not allowed by config");
        assertThat(StateChangeError.NO_QUORUM.code()).isEqualTo(-25);
        assertThat(StateChangeError.HANDSHAKE_RETRY.code()).isEqualTo(-28);
        assertThat(StateChangeError.fromCode(-12)).isEqualTo(StateChangeError.DEVICE_IN_USE);
        // -3 is not defined in DRBD (SS_NO_UP_TO_DATE_DISK is -2, SS_NO_LOCAL_DISK -4)
        assertThatThrownBy(() -> StateChangeError.fromCode(-3)).hasMessageContaining("-3");
        assertThat(StateChangeError.NO_UP_TO_DATE_DISK.drbdsetupExitCode()).isEqualTo(17);
        assertThat(StateChangeError.LOWER_THAN_OUTDATED.drbdsetupExitCode()).isEqualTo(5);
        assertThat(StateChangeError.NO_LOCAL_DISK.drbdsetupExitCode()).isEqualTo(16);
        assertThat(StateChangeError.DEVICE_IN_USE.drbdsetupExitCode()).isEqualTo(11);
    }

    @Test
    void suspensionTextsInDrbdOrder() {
        assertThat(Suspension.NONE.drbdText()).isEqualTo("no");
        assertThat(new Suspension(true, true, true, true).drbdText()).isEqualTo("user,no-data,fencing,quorum");
        assertThat(new Suspension(false, true, false, true).drbdText()).isEqualTo("no-data,quorum");
        assertThat(new ResyncSuspension(false, true, true, true).drbdText()).isEqualTo("peer,dependency,max-parallel");
        assertThat(ResyncSuspension.NONE.drbdText()).isEqualTo("no");
    }
}
