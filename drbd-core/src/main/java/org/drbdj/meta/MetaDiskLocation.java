package org.drbdj.meta;

import java.util.Objects;

/**
 * Where the meta-data of a volume lives on its meta-data device, as written in drbd.conf and on
 * drbdmeta's command line: {@code internal} (which is DRBD's flex-internal for v08/v09),
 * {@code flex-external} ({@code flexible-meta-disk DEV}) or an index {@code 0..255}
 * ({@code meta-disk DEV [IDX]}: 128 MiB per index).
 *
 * @param kind  which layout
 * @param index the external index (only meaningful for {@link Kind#INDEXED})
 */
public record MetaDiskLocation(Kind kind, int index) {
    /** The meta-data layouts (DRBD's {@code DRBD_MD_INDEX_*}). */
    public enum Kind {
        /** {@code DRBD_MD_INDEX_FLEX_INT}: at the end of the backing device, size depends on it. */
        FLEX_INTERNAL,
        /** {@code DRBD_MD_INDEX_FLEX_EXT}: a whole external device, laid out from offset 0. */
        FLEX_EXTERNAL,
        /** A fixed 128 MiB slot {@code index} of an external device. */
        INDEXED
    }

    /** Largest external index drbdmeta accepts. */
    public static final int MAX_INDEX = 255;

    public MetaDiskLocation {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.INDEXED && (index < 0 || index > MAX_INDEX)) {
            throw new IllegalArgumentException("meta-disk index " + index + " out of range 0.." + MAX_INDEX);
        }
        if (kind != Kind.INDEXED) {
            index = -1;
        }
    }

    public static MetaDiskLocation internal() {
        return new MetaDiskLocation(Kind.FLEX_INTERNAL, -1);
    }

    public static MetaDiskLocation flexExternal() {
        return new MetaDiskLocation(Kind.FLEX_EXTERNAL, -1);
    }

    public static MetaDiskLocation indexed(int index) {
        return new MetaDiskLocation(Kind.INDEXED, index);
    }

    /** True for the layout that shares the backing device with the data. */
    public boolean isInternal() {
        return kind == Kind.FLEX_INTERNAL;
    }

    /**
     * Parses drbdmeta's index argument: {@code internal}, {@code flex-internal},
     * {@code flex-external} or a number 0..255.
     */
    public static MetaDiskLocation parse(String arg) {
        switch (arg) {
            case "internal":
            case "flex-internal":
                return internal();
            case "flex-external":
                return flexExternal();
            default:
                try {
                    return indexed(Integer.parseInt(arg));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + arg
                            + "' is not a valid index number: use internal, flex-external or 0.." + MAX_INDEX);
                }
        }
    }

    /** The drbdmeta command-line form. */
    public String toArgument() {
        switch (kind) {
            case FLEX_INTERNAL:
                return "internal";
            case FLEX_EXTERNAL:
                return "flex-external";
            default:
                return Integer.toString(index);
        }
    }

    @Override
    public String toString() {
        return toArgument();
    }
}
