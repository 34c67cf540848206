package org.drbdj.state;

import java.util.Arrays;

/**
 * The state of a device's local backing disk, or of a peer's disk as that peer reports it: DRBD 9's
 * {@code enum drbd_disk_state} (drbd-headers {@code linux/drbd.h}, names from {@code drbd_strings.c}).
 * {@link #code()} is the DRBD 9 value; {@link #drbd84Code()} and {@link #drbd84Name()} give the DRBD 8.4
 * value and name used in {@code /proc/drbd} and on the 8.4 wire ({@code P_STATE}): 8.4 has no
 * Detaching, so everything from Failed on is one lower, and Detaching shows as {@code Failed}
 * (in 8.4 a detach goes Failed then Diskless).
 *
 * <p>Allowed transitions of the <em>local</em> disk ({@link #TRANSITIONS}):
 * <pre>
 *   Diskless ──attach──▶ Attaching ──(connected)──▶ Negotiating
 *      ▲                    │                           │
 *      │                    └──────────┬────────────────┘
 *      │                               ▼
 *      │     ┌──────── the data states, each may become any other ────────┐
 *      │     │  Inconsistent ◀──▶ Outdated ◀──▶ Consistent ◀──▶ UpToDate   │ (and back to Negotiating
 *      │     └─────────────────────────────┬───────────────────────────────┘  on a reconnect handshake)
 *      │                                   │
 *      │            ┌── detach ────────────┴──── I/O error ──┐
 *      │            ▼                                         ▼
 *      ├────── Detaching ─────────────(error)──────────▶  Failed
 *      └──────────────────────────────────────────────────────┘
 * </pre>
 * Diskless only goes to Attaching; Attaching and Negotiating go to any data state, or to Failed or
 * Detaching (Attaching also straight back to Diskless when the meta-data is unusable); the data
 * states move among each other (resync start and end, outdate, handshake results), back to
 * Negotiating, or to Failed (I/O error) and Detaching (detach); Detaching goes to Diskless or Failed;
 * Failed goes to Diskless. DUnknown is only ever a <em>peer</em> disk state and is not in this table;
 * peer disk states are facts reported by the peer and are not constrained.
 */
public enum DiskState {
    /** No backing disk. DRBD 9: 0, 8.4: 0. */
    DISKLESS(0, "Diskless", 0, "Diskless"),
    /** Reading meta-data during attach. DRBD 9: 1, 8.4: 1. */
    ATTACHING(1, "Attaching", 1, "Attaching"),
    /** Graceful detach in progress (DRBD 9 only; 8.4 shows Failed). */
    DETACHING(2, "Detaching", 2, "Failed"),
    /** I/O error; the disk is being dropped. DRBD 9: 3, 8.4: 2. */
    FAILED(3, "Failed", 2, "Failed"),
    /** Attached while connected; waiting for the peers' view. DRBD 9: 4, 8.4: 3. */
    NEGOTIATING(4, "Negotiating", 3, "Negotiating"),
    /** Data is not usable (sync target, or never synced). DRBD 9: 5, 8.4: 4. */
    INCONSISTENT(5, "Inconsistent", 4, "Inconsistent"),
    /** Consistent but known to be older than a peer's. DRBD 9: 6, 8.4: 5. */
    OUTDATED(6, "Outdated", 5, "Outdated"),
    /** A peer's disk whose state is unknown (no connection). DRBD 9: 7, 8.4: 6. */
    DUNKNOWN(7, "DUnknown", 6, "DUnknown"),
    /** Consistent, but whether it is up to date is not known yet (not connected). DRBD 9: 8, 8.4: 7. */
    CONSISTENT(8, "Consistent", 7, "Consistent"),
    /** The newest data. DRBD 9: 9, 8.4: 8. */
    UP_TO_DATE(9, "UpToDate", 8, "UpToDate");

    /** Allowed local disk state changes; see the class diagram. */
    public static final TransitionTable<DiskState> TRANSITIONS;

    static {
        DiskState[] data = {INCONSISTENT, OUTDATED, CONSISTENT, UP_TO_DATE};
        TransitionTable.Builder<DiskState> b = TransitionTable.builder(DiskState.class, "disk state")
                .allow(DISKLESS, ATTACHING)
                .allow(ATTACHING, NEGOTIATING, FAILED, DETACHING, DISKLESS)
                .allow(ATTACHING, data)
                .allow(NEGOTIATING, FAILED, DETACHING)
                .allow(NEGOTIATING, data)
                .allow(DETACHING, DISKLESS, FAILED)
                .allow(FAILED, DISKLESS);
        for (DiskState d : data) {
            b.allow(d, data).allow(d, NEGOTIATING, FAILED, DETACHING);
        }
        TRANSITIONS = b.build();
    }

    private final int code;
    private final String drbdName;
    private final int drbd84Code;
    private final String drbd84Name;

    DiskState(int code, String drbdName, int drbd84Code, String drbd84Name) {
        this.code = code;
        this.drbdName = drbdName;
        this.drbd84Code = drbd84Code;
        this.drbd84Name = drbd84Name;
    }

    /** DRBD 9's numeric value. */
    public int code() {
        return code;
    }

    /** The DRBD 9 name, e.g. {@code UpToDate}. */
    public String drbdName() {
        return drbdName;
    }

    /** DRBD 8.4's numeric value (the 4-bit disk/pdsk fields of the 8.4 {@code P_STATE}). */
    public int drbd84Code() {
        return drbd84Code;
    }

    /** The name DRBD 8.4 prints ({@code /proc/drbd} {@code ds:}, {@code drbdadm dstate}). */
    public String drbd84Name() {
        return drbd84Name;
    }

    /** True for states in which the local disk holds data that can be read (Inconsistent and better, except DUnknown). */
    public boolean hasData() {
        return this == INCONSISTENT || this == OUTDATED || this == CONSISTENT || this == UP_TO_DATE;
    }

    /** True while a backing disk is attached in any form (Attaching .. UpToDate, not DUnknown). */
    public boolean isAttached() {
        return this != DISKLESS && this != DUNKNOWN;
    }

    @Override
    public String toString() {
        return drbdName;
    }

    /** Looks up a disk state by its DRBD 9 name. */
    public static DiskState fromDrbdName(String name) {
        return EnumLookup.find(values(), d -> d.drbdName.equals(name),
                () -> "unknown disk state '" + name + "'; expected one of "
                + Arrays.toString(values()));
    }

    /** Looks up a disk state by its DRBD 9 code. */
    public static DiskState fromCode(int code) {
        return EnumLookup.find(values(), d -> d.code == code,
                () -> "unknown DRBD 9 disk state code " + code + "; expected 0..9");
    }

    /** Looks up a disk state by its DRBD 8.4 code (2 maps to {@link #FAILED}). */
    public static DiskState fromDrbd84Code(int code) {
        return EnumLookup.find(values(), d -> d != DETACHING && d.drbd84Code == code,
                () -> "unknown DRBD 8.4 disk state code " + code + "; expected 0..8");
    }
}
