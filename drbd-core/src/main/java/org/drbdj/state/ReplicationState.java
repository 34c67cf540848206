package org.drbdj.state;

import java.util.Arrays;

/**
 * The replication state of one volume towards one peer, DRBD 9's {@code enum drbd_repl_state}
 * (drbd-headers {@code linux/drbd.h}); the {@code replication:} field of {@code drbdadm status} and
 * {@code events2}. The codes 11..23 equal DRBD 8.4's {@code cs} values of the same names.
 *
 * <p>Allowed transitions ({@link #TRANSITIONS}); every state may also drop to Off (connection lost):
 * <pre>
 *   Off ──handshake: in sync──▶ Established ──verify──▶ VerifyS | VerifyT ──done──▶ Established
 *    │                            │     │
 *    │                invalidate- │     │ invalidate
 *    │                remote      ▼     ▼
 *    │                  StartingSyncS  StartingSyncT
 *    │                            │     │
 *    └─handshake: resync needed─▶ WFBitMapS   WFBitMapT ──▶ WFSyncUUID
 *                                 │   (or Established      │
 *                                 ▼    if nothing to do)   ▼
 *              PausedSyncS ◀──▶ SyncSource          SyncTarget ◀──▶ PausedSyncT
 *                     └──────────────┴── done ──▶ Established ◀── done ──┴──────┘
 *
 *   Established ◀──▶ Ahead / Behind (protocol A congestion); Ahead resumes through a resync as
 *   source (StartingSyncS, WFBitMapS or SyncSource), Behind as target (WFBitMapT, WFSyncUUID, SyncTarget).
 * </pre>
 */
public enum ReplicationState {
    /** No connection to this peer. 9 (the same value as {@code C_CONNECTED}). */
    OFF(9, "Off"),
    /** Connected, in sync or at least not syncing; writes are replicated. 10. */
    ESTABLISHED(10, "Established"),
    /** A full sync was requested (invalidate-remote); this node will be the source. 11. */
    STARTING_SYNC_S(11, "StartingSyncS"),
    /** A full sync was requested (invalidate); this node will be the target. 12. */
    STARTING_SYNC_T(12, "StartingSyncT"),
    /** Sending the bitmap, will be sync source. 13. */
    WF_BITMAP_S(13, "WFBitMapS"),
    /** Receiving the bitmap, will be sync target. 14. */
    WF_BITMAP_T(14, "WFBitMapT"),
    /** Waiting for the sync UUID from the source. 15. */
    WF_SYNC_UUID(15, "WFSyncUUID"),
    /** Resync running, this node sends. 16. */
    SYNC_SOURCE(16, "SyncSource"),
    /** Resync running, this node receives. 17. */
    SYNC_TARGET(17, "SyncTarget"),
    /** Online verify running, this node started it. 18. */
    VERIFY_S(18, "VerifyS"),
    /** Online verify running, the peer started it. 19. */
    VERIFY_T(19, "VerifyT"),
    /** Resync paused (pause-sync, resync-after dependency, or the peer paused). 20. */
    PAUSED_SYNC_S(20, "PausedSyncS"),
    /** Resync paused, this node is the target. 21. */
    PAUSED_SYNC_T(21, "PausedSyncT"),
    /** Congestion (protocol A, on-congestion pull-ahead): writes only marked out of sync. 22. */
    AHEAD(22, "Ahead"),
    /** The peer is Ahead. 23. */
    BEHIND(23, "Behind");

    /** Allowed replication state changes; see the class diagram. */
    public static final TransitionTable<ReplicationState> TRANSITIONS;

    static {
        TransitionTable.Builder<ReplicationState> b = TransitionTable.builder(ReplicationState.class, "replication state")
                .allow(OFF, ESTABLISHED, WF_BITMAP_S, WF_BITMAP_T)
                .allow(ESTABLISHED, STARTING_SYNC_S, STARTING_SYNC_T, WF_BITMAP_S, WF_BITMAP_T,
                        VERIFY_S, VERIFY_T, AHEAD, BEHIND)
                .allow(STARTING_SYNC_S, WF_BITMAP_S)
                .allow(STARTING_SYNC_T, WF_BITMAP_T)
                .allow(WF_BITMAP_S, SYNC_SOURCE, PAUSED_SYNC_S, ESTABLISHED)
                .allow(WF_BITMAP_T, WF_SYNC_UUID, ESTABLISHED)
                .allow(WF_SYNC_UUID, SYNC_TARGET, PAUSED_SYNC_T)
                .allow(SYNC_SOURCE, PAUSED_SYNC_S, ESTABLISHED)
                .allow(PAUSED_SYNC_S, SYNC_SOURCE, ESTABLISHED)
                .allow(SYNC_TARGET, PAUSED_SYNC_T, ESTABLISHED)
                .allow(PAUSED_SYNC_T, SYNC_TARGET, ESTABLISHED)
                .allow(VERIFY_S, ESTABLISHED)
                .allow(VERIFY_T, ESTABLISHED)
                .allow(AHEAD, STARTING_SYNC_S, WF_BITMAP_S, SYNC_SOURCE, ESTABLISHED)
                .allow(BEHIND, WF_BITMAP_T, WF_SYNC_UUID, SYNC_TARGET, ESTABLISHED);
        for (ReplicationState r : values()) {
            if (r != OFF) {
                b.allow(r, OFF);
            }
        }
        TRANSITIONS = b.build();
    }

    private final int code;
    private final String drbdName;

    ReplicationState(int code, String drbdName) {
        this.code = code;
        this.drbdName = drbdName;
    }

    /** DRBD's numeric value (9..23). */
    public int code() {
        return code;
    }

    /** The name DRBD prints. */
    public String drbdName() {
        return drbdName;
    }

    /** SyncSource, SyncTarget, PausedSyncS, PausedSyncT (a resync exists, running or paused). */
    public boolean isResync() {
        return this == SYNC_SOURCE || this == SYNC_TARGET || this == PAUSED_SYNC_S || this == PAUSED_SYNC_T;
    }

    /** VerifyS or VerifyT. */
    public boolean isVerify() {
        return this == VERIFY_S || this == VERIFY_T;
    }

    /** This node sends resync data in this state (SyncSource, PausedSyncS). */
    public boolean isSyncSource() {
        return this == SYNC_SOURCE || this == PAUSED_SYNC_S;
    }

    /** This node receives resync data in this state (SyncTarget, PausedSyncT). */
    public boolean isSyncTarget() {
        return this == SYNC_TARGET || this == PAUSED_SYNC_T;
    }

    @Override
    public String toString() {
        return drbdName;
    }

    /** Looks up a replication state by its DRBD name. */
    public static ReplicationState fromDrbdName(String name) {
        return EnumLookup.find(values(), r -> r.drbdName.equals(name),
                () -> "unknown replication state '" + name + "'; expected one of " + Arrays.toString(values()));
    }
}
