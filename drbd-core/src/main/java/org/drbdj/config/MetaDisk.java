package org.drbdj.config;

import java.util.Objects;

/**
 * Where a volume keeps DRBD meta-data (UUIDs, bitmap, activity log).
 *
 * <ul>
 *   <li>{@code meta-disk internal;}: at the end of the backing disk ({@link Kind#INTERNAL});
 *   <li>{@code meta-disk DEV;} or {@code flexible-meta-disk DEV;}: all of DEV, sized to the data
 *       ({@link Kind#FLEXIBLE});
 *   <li>{@code meta-disk DEV [IDX];}: the IDX-th 128 MiB slot of DEV ({@link Kind#INDEXED}).
 * </ul>
 *
 * @param kind   which of the three
 * @param device the meta-data device; null for internal
 * @param index  slot index for INDEXED, -1 otherwise
 */
public record MetaDisk(Kind kind, String device, int index) {
    /** The three meta-data placements of DRBD. */
    public enum Kind {
        /** At the end of the backing device. */
        INTERNAL,
        /** A whole external device, size following the data device. */
        FLEXIBLE,
        /** A fixed 128 MiB slot of an external device. */
        INDEXED,
    }

    /** Internal meta-data. */
    public static final MetaDisk INTERNAL = new MetaDisk(Kind.INTERNAL, null, -1);

    /** Canonical constructor: checks the fields fit the kind. */
    public MetaDisk {
        Objects.requireNonNull(kind);
        if (kind != Kind.INTERNAL) {
            Objects.requireNonNull(device, "external meta-disk needs a device");
        }
        if ((kind == Kind.INDEXED) != (index >= 0)) {
            throw new IllegalArgumentException("index " + index + " does not fit meta-disk kind " + kind);
        }
    }
}
