package org.drbdj.state;

/**
 * DRBD 8.4's single combined connection state {@code cs} ({@code enum drbd_conns} in the 8.4
 * {@code linux/drbd.h}), as printed by {@code /proc/drbd} ({@code cs:}) and 8.4's {@code drbdadm cstate}.
 * DRBD 9 split it into {@link ConnectionState} and {@link ReplicationState}; {@link #of} maps back the
 * same way DRBD 9's own 8.4 compatibility code ({@code drbd_legacy_84.c}) does: Connecting shows as
 * WFConnection, Connected with replication Off (still handshaking) as WFReportParams, Established as
 * Connected, and every other replication state under its own name.
 *
 * <p>This is a derived value, not a stored state, so it has no transition table of its own.
 */
public enum Drbd84ConnectionState {
    STAND_ALONE(0, "StandAlone"),
    DISCONNECTING(1, "Disconnecting"),
    UNCONNECTED(2, "Unconnected"),
    TIMEOUT(3, "Timeout"),
    BROKEN_PIPE(4, "BrokenPipe"),
    NETWORK_FAILURE(5, "NetworkFailure"),
    PROTOCOL_ERROR(6, "ProtocolError"),
    TEAR_DOWN(7, "TearDown"),
    WF_CONNECTION(8, "WFConnection"),
    WF_REPORT_PARAMS(9, "WFReportParams"),
    CONNECTED(10, "Connected"),
    STARTING_SYNC_S(11, "StartingSyncS"),
    STARTING_SYNC_T(12, "StartingSyncT"),
    WF_BITMAP_S(13, "WFBitMapS"),
    WF_BITMAP_T(14, "WFBitMapT"),
    WF_SYNC_UUID(15, "WFSyncUUID"),
    SYNC_SOURCE(16, "SyncSource"),
    SYNC_TARGET(17, "SyncTarget"),
    VERIFY_S(18, "VerifyS"),
    VERIFY_T(19, "VerifyT"),
    PAUSED_SYNC_S(20, "PausedSyncS"),
    PAUSED_SYNC_T(21, "PausedSyncT"),
    AHEAD(22, "Ahead"),
    BEHIND(23, "Behind");

    private final int code;
    private final String drbdName;

    Drbd84ConnectionState(int code, String drbdName) {
        this.code = code;
        this.drbdName = drbdName;
    }

    /** The 8.4 numeric value (the 5-bit {@code conn} field of the 8.4 {@code P_STATE}). */
    public int code() {
        return code;
    }

    /** The name 8.4 prints. */
    public String drbdName() {
        return drbdName;
    }

    @Override
    public String toString() {
        return drbdName;
    }

    /**
     * The 8.4 {@code cs} for a DRBD 9 connection state plus the replication state of one volume on
     * that connection.
     *
     * @param connection  the connection state
     * @param replication the peer device's replication state (ignored unless Connected)
     */
    public static Drbd84ConnectionState of(ConnectionState connection, ReplicationState replication) {
        switch (connection) {
            case STAND_ALONE: return STAND_ALONE;
            case DISCONNECTING: return DISCONNECTING;
            case UNCONNECTED: return UNCONNECTED;
            case TIMEOUT: return TIMEOUT;
            case BROKEN_PIPE: return BROKEN_PIPE;
            case NETWORK_FAILURE: return NETWORK_FAILURE;
            case PROTOCOL_ERROR: return PROTOCOL_ERROR;
            case TEAR_DOWN: return TEAR_DOWN;
            case CONNECTING: return WF_CONNECTION;
            case CONNECTED:
                if (replication == ReplicationState.OFF) {
                    return WF_REPORT_PARAMS;
                }
                if (replication == ReplicationState.ESTABLISHED) {
                    return CONNECTED;
                }
                return fromCode(replication.code());
            default:
                throw new AssertionError(connection);
        }
    }

    /** Looks up a value by its 8.4 code. */
    public static Drbd84ConnectionState fromCode(int code) {
        return EnumLookup.find(values(), c -> c.code == code,
                () -> "unknown DRBD 8.4 connection state code " + code + "; expected 0..23");
    }
}
