package org.drbdj.state;

import java.util.Arrays;

/**
 * The state of the connection to one peer node, DRBD 9's {@code enum drbd_conn_state}
 * (drbd-headers {@code linux/drbd.h}, names from {@code drbd_strings.c}); what
 * {@code drbdadm cstate} (9 style) and the {@code connection:} field of {@code drbdadm status} and
 * {@code events2} print. DRBD 8.4 combined this with the replication state into one {@code cs}
 * value, see {@link Drbd84ConnectionState}.
 *
 * <p>Allowed transitions ({@link #TRANSITIONS}), a subset of what the kernel's
 * {@code is_valid_conn_transition} permits:
 * <pre>
 *   StandAlone ──connect──▶ Unconnected ──▶ Connecting ──handshake──▶ Connected
 *       ▲                      ▲   │          │     │                     │
 *       │                      │   │          │     ▼                     ▼
 *       │                      │   │          │   Timeout | BrokenPipe | NetworkFailure
 *       │                      │   │          │   | ProtocolError | TearDown ◀──┘
 *       │                      └───┼──────────┴──────────┤ (retry)
 *       │                          ▼                     ▼
 *       └──────────────────── Disconnecting ◀── (disconnect from Unconnected, Connecting,
 *                                                 Connected or a network error)
 * </pre>
 * StandAlone leads only to Unconnected; after a network error only Unconnected or Disconnecting
 * may follow; after Disconnecting only StandAlone.
 */
public enum ConnectionState {
    /** No network configuration, or disconnected by the admin, or after auth failure / split brain. 0. */
    STAND_ALONE(0, "StandAlone"),
    /** Temporary state while disconnecting; next is StandAlone. 1. */
    DISCONNECTING(1, "Disconnecting"),
    /** Temporary state before a connection attempt. 2. */
    UNCONNECTED(2, "Unconnected"),
    /** The peer stopped answering (ping timeout). 3. */
    TIMEOUT(3, "Timeout"),
    /** The connection broke. 4. */
    BROKEN_PIPE(4, "BrokenPipe"),
    /** Network failure. 5. */
    NETWORK_FAILURE(5, "NetworkFailure"),
    /** The peer sent something that violates the protocol. 6. */
    PROTOCOL_ERROR(6, "ProtocolError"),
    /** The peer is closing the connection. 7. */
    TEAR_DOWN(7, "TearDown"),
    /** Waiting for / attempting the connection (8.4: WFConnection or WFReportParams). 8. */
    CONNECTING(8, "Connecting"),
    /** Connected; the replication state of each volume says more. 9. */
    CONNECTED(9, "Connected");

    /** Allowed connection state changes; see the class diagram. */
    public static final TransitionTable<ConnectionState> TRANSITIONS;

    static {
        ConnectionState[] errors = {TIMEOUT, BROKEN_PIPE, NETWORK_FAILURE, PROTOCOL_ERROR, TEAR_DOWN};
        TransitionTable.Builder<ConnectionState> b = TransitionTable.builder(ConnectionState.class, "connection state")
                .allow(STAND_ALONE, UNCONNECTED)
                .allow(UNCONNECTED, CONNECTING, DISCONNECTING)
                .allow(CONNECTING, CONNECTED, UNCONNECTED, DISCONNECTING)
                .allow(CONNECTING, errors)
                .allow(CONNECTED, DISCONNECTING)
                .allow(CONNECTED, errors)
                .allow(DISCONNECTING, STAND_ALONE);
        for (ConnectionState e : errors) {
            b.allow(e, UNCONNECTED, DISCONNECTING);
        }
        TRANSITIONS = b.build();
    }

    private final int code;
    private final String drbdName;

    ConnectionState(int code, String drbdName) {
        this.code = code;
        this.drbdName = drbdName;
    }

    /** DRBD 9's numeric value (0..9; the 8.4 values are the same up to TearDown). */
    public int code() {
        return code;
    }

    /** The name DRBD 9 prints. */
    public String drbdName() {
        return drbdName;
    }

    /** True for the five network-error states Timeout .. TearDown. */
    public boolean isNetworkError() {
        return code >= TIMEOUT.code && code <= TEAR_DOWN.code;
    }

    @Override
    public String toString() {
        return drbdName;
    }

    /** Looks up a connection state by its DRBD 9 name. */
    public static ConnectionState fromDrbdName(String name) {
        return EnumLookup.find(values(), c -> c.drbdName.equals(name),
                () -> "unknown connection state '" + name + "'; expected one of "
                + Arrays.toString(values()));
    }
}
