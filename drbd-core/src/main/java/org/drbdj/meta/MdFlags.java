package org.drbdj.meta;

/**
 * Bit values of the {@code flags} word of DRBD's superblock ({@code MDF_*} in DRBD's
 * {@code linux/drbd.h}) and of the per-peer {@code flags} word of the v09 superblock
 * ({@code MDF_PEER_*}). The values are DRBD's on-disk values and must never change.
 *
 * <p>Some device flags only exist in 8.4 (v08): CONNECTED_IND, FULL_SYNC and PEER_OUT_DATED moved
 * to the per-peer flags in DRBD 9 (see {@link MetaDataConversion}).
 */
public final class MdFlags {
    private MdFlags() {
    }

    /** The data is consistent (not in the middle of a resync as target). */
    public static final int CONSISTENT = 1;
    /** The node was (or is) primary. */
    public static final int PRIMARY_IND = 1 << 1;
    /** 8.4 only: the node was (or is) connected to its peer. */
    public static final int CONNECTED_IND = 1 << 2;
    /** 8.4 only: every block must be resynced (all bits set in progress). */
    public static final int FULL_SYNC = 1 << 3;
    /** The data was (or is) up to date. */
    public static final int WAS_UP_TO_DATE = 1 << 4;
    /** 8.4 only: the peer's disk was outdated or inconsistent. */
    public static final int PEER_OUT_DATED = 1 << 5;
    /** The node crashed while primary and has not seen its peer since. */
    public static final int CRASHED_PRIMARY = 1 << 6;
    /** The activity log was applied (clean shutdown or apply-al): the disk can be attached. */
    public static final int AL_CLEAN = 1 << 7;
    /** al-updates were disabled: after a primary crash the peer is completely out of sync. */
    public static final int AL_DISABLED = 1 << 8;
    /** DRBD 9: the node was primary when it lost quorum. */
    public static final int PRIMARY_LOST_QUORUM = 1 << 9;
    /** DRBD 9: the node had quorum when the meta-data was last written. */
    public static final int HAVE_QUORUM = 1 << 10;

    /** Per peer (v09): the peer was (or is) connected. */
    public static final int PEER_CONNECTED = 1;
    /** Per peer (v09): the peer's disk was outdated or inconsistent. */
    public static final int PEER_OUTDATED = 1 << 1;
    /** Per peer (v09): a fencing policy other than dont-care was in use. */
    public static final int PEER_FENCING = 1 << 2;
    /** Per peer (v09): all blocks were being marked out of sync for this peer. */
    public static final int PEER_FULL_SYNC = 1 << 3;
    /** Per peer (v09): this node was seen with a backing device attached at least once. */
    public static final int PEER_DEVICE_SEEN = 1 << 4;
    /** Per peer (v09): the node exists in the cluster configuration. */
    public static final int NODE_EXISTS = 1 << 16;
}
