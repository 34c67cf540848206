package org.drbdj.meta;

/**
 * The on-disk meta-data format versions we read and write, named as drbdmeta names them
 * ({@code v08} for DRBD 8.4, {@code v09} for DRBD 9). Older formats (v06, v07) are not supported.
 */
public enum MetaDataVersion {
    /** DRBD 8.4: one peer, four generation UUIDs, {@link SuperblockV08}. */
    V08("v08", 0x8374026b),
    /** DRBD 9: up to 31 bitmap slots, per-peer bitmap UUIDs, {@link SuperblockV09}. */
    V09("v09", 0x8374026d);

    /**
     * {@code DRBD_MD_MAGIC_84_UNCLEAN}: DRBD 8.4 writes this magic instead of the v08 one while the
     * disk is attached, so that a crash leaves a superblock saying "apply the activity log first".
     */
    public static final int MAGIC_84_UNCLEAN = 0x8374026c;

    private final String tag;
    private final int magic;

    MetaDataVersion(String tag, int magic) {
        this.tag = tag;
        this.magic = magic;
    }

    /** The name used on drbdmeta's command line and in the dump's {@code version} line. */
    public String tag() {
        return tag;
    }

    /** The clean magic written at byte 60 of the superblock. */
    public int magic() {
        return magic;
    }

    /** True if {@code onDisk} is a magic of this version (for v08 also the unclean 8.4 magic). */
    public boolean acceptsMagic(int onDisk) {
        return onDisk == magic || (this == V08 && onDisk == MAGIC_84_UNCLEAN);
    }

    /** Parses {@code v08}/{@code v09}; throws with the accepted values otherwise. */
    public static MetaDataVersion parse(String tag) {
        for (MetaDataVersion v : values()) {
            if (v.tag.equals(tag)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown meta-data version '" + tag + "': use v08 (DRBD 8.4) or v09 (DRBD 9)");
    }
}
