package org.drbdj.state;

import java.util.Arrays;

/**
 * A node's role for one resource, DRBD's {@code enum drbd_role} (drbd-headers {@code linux/drbd.h}):
 * the names are what {@code drbdadm role}, {@code /proc/drbd} ({@code ro:}) and {@code drbdadm status}
 * print, the codes are the on-wire values in the 2-bit role fields of {@code P_STATE}.
 *
 * <p>Allowed transitions (checked on every change by {@link #TRANSITIONS}):
 * <pre>
 *                 promote
 *   Secondary ───────────────▶ Primary
 *       ▲ ◀─────────────────────  │
 *       │        demote           │
 *       ▼                         ▼
 *    Unknown ◀──── peer lost ─────┘      (Unknown only for a peer: never seen / disconnected)
 * </pre>
 * Unknown is never a local role; a peer's role becomes Unknown when the connection is lost and
 * comes back as whatever the peer reports.
 */
public enum Role {
    /** A peer whose role is not known (not connected). DRBD: {@code R_UNKNOWN = 0}. */
    UNKNOWN(0, "Unknown"),
    /** Device open for writing. DRBD: {@code R_PRIMARY = 1}. */
    PRIMARY(1, "Primary"),
    /** Device refuses I/O (single-primary mode). DRBD: {@code R_SECONDARY = 2}. */
    SECONDARY(2, "Secondary");

    /** Allowed role changes; see the class diagram. */
    public static final TransitionTable<Role> TRANSITIONS = TransitionTable.builder(Role.class, "role")
            .allow(SECONDARY, PRIMARY, UNKNOWN)
            .allow(PRIMARY, SECONDARY, UNKNOWN)
            .allow(UNKNOWN, PRIMARY, SECONDARY)
            .build();

    private final int code;
    private final String drbdName;

    Role(int code, String drbdName) {
        this.code = code;
        this.drbdName = drbdName;
    }

    /** DRBD's numeric value (same in 8.4 and 9). */
    public int code() {
        return code;
    }

    /** The name DRBD prints, e.g. {@code Primary}. */
    public String drbdName() {
        return drbdName;
    }

    @Override
    public String toString() {
        return drbdName;
    }

    /** Looks up a role by its DRBD name (case-sensitive, as printed). */
    public static Role fromDrbdName(String name) {
        return EnumLookup.find(values(), r -> r.drbdName.equals(name),
                () -> "unknown role '" + name + "'; expected one of "
                + Arrays.toString(values()));
    }

    /** Looks up a role by its DRBD code. */
    public static Role fromCode(int code) {
        return EnumLookup.find(values(), r -> r.code == code,
                () -> "unknown role code " + code + "; expected 0..2");
    }
}
