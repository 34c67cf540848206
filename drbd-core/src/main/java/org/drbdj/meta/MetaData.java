package org.drbdj.meta;

import java.util.Arrays;

/**
 * The decoded superblock of one volume: the version-independent in-memory form of DRBD's
 * meta-data (drbdmeta's {@code struct md_cpu}). {@link SuperblockV08} and {@link SuperblockV09}
 * translate it to and from the 4 KiB on-disk block.
 *
 * <p>Mutable on purpose: commands read it, change a few fields and write it back, as drbdmeta does.
 * Offsets inside it are DRBD's own: signed, in 512-byte sectors, relative to the superblock.
 */
public final class MetaData {
    /** Number of peer slots in the v09 superblock ({@code DRBD_NODE_ID_MAX}). */
    public static final int NODE_ID_MAX = 32;
    /** Number of history UUIDs kept by DRBD 9 (8.4 keeps the first two). */
    public static final int HISTORY_UUIDS = 32;
    /** Number of history UUIDs kept by DRBD 8.4. */
    public static final int HISTORY_UUIDS_V08 = 2;
    /** {@code UUID_JUST_CREATED}: the current UUID written by create-md. */
    public static final long UUID_JUST_CREATED = 4;
    /** The only bitmap granularity drbdmeta creates: one bit per 4 KiB. */
    public static final int DEFAULT_BM_BYTES_PER_BIT = 4096;
    /** The {@code al_nr_extents} value drbdmeta's create-md writes ("arbitrary", DRBD ignores it). */
    public static final int DEFAULT_AL_NR_EXTENTS = 257;

    /** Per-peer part of the v09 superblock ({@code struct peer_dev_md_on_disk_9}). */
    public static final class Peer {
        /** Bitmap UUID: the current UUID when this peer's bitmap started to record changes; 0 if none. */
        public long bitmapUuid;
        /** Dagtag of the bitmap UUID (DRBD 9.1+), opaque to us. */
        public long bitmapDagtag;
        /** {@code MDF_PEER_*} bits, see {@link MdFlags}. */
        public int flags;
        /** Bitmap slot used for this node id, or -1 if none is assigned. */
        public int bitmapIndex;

        Peer copy() {
            Peer p = new Peer();
            p.bitmapUuid = bitmapUuid;
            p.bitmapDagtag = bitmapDagtag;
            p.flags = flags;
            p.bitmapIndex = bitmapIndex;
            return p;
        }
    }

    /** Last agreed size of the replicated device ("la-size"), in sectors. */
    public long effectiveSizeSectors;
    /** Current data generation UUID. */
    public long currentUuid;
    /** History UUIDs, youngest first (v08 uses the first {@value #HISTORY_UUIDS_V08}). */
    public final long[] historyUuids = new long[HISTORY_UUIDS];
    /** Random id of the backing device, written by drbdadm create-md. */
    public long deviceUuid;
    /** {@code MDF_*} bits, see {@link MdFlags}. */
    public int flags;
    /** Magic as found on disk (or to be written). */
    public int magic;
    /** Size of the whole meta-data area, in sectors. */
    public int mdSizeSectors;
    /** Activity-log start relative to the superblock, in sectors (negative for internal). */
    public int alOffsetSectors;
    /** {@code al_nr_extents}, informational (create-md writes {@value #DEFAULT_AL_NR_EXTENTS}). */
    public int alNrExtents;
    /** Bitmap start relative to the superblock, in sectors (negative for internal). */
    public int bmOffsetSectors;
    /** Bytes of storage per bitmap bit (4096). */
    public int bmBytesPerBit;
    /** Last known max bio size of the peer, bytes. */
    public int laPeerMaxBioSize;
    /** Number of bitmap slots (v08: always 1). */
    public int maxPeers;
    /** v09: our node id, -1 before the first attach. */
    public int nodeId;
    /** Activity-log stripes ({@code al_stripes}). */
    public int alStripes;
    /** Size of one activity-log stripe in 4 KiB blocks. */
    public int alStripeSize4k;
    /** Peer slots, indexed by node id (v08 uses slot 0 for its bitmap UUID only). */
    public final Peer[] peers = new Peer[NODE_ID_MAX];

    public MetaData() {
        for (int i = 0; i < NODE_ID_MAX; i++) {
            peers[i] = new Peer();
        }
    }

    /** A deep copy. */
    public MetaData copy() {
        MetaData m = new MetaData();
        m.effectiveSizeSectors = effectiveSizeSectors;
        m.currentUuid = currentUuid;
        System.arraycopy(historyUuids, 0, m.historyUuids, 0, HISTORY_UUIDS);
        m.deviceUuid = deviceUuid;
        m.flags = flags;
        m.magic = magic;
        m.mdSizeSectors = mdSizeSectors;
        m.alOffsetSectors = alOffsetSectors;
        m.alNrExtents = alNrExtents;
        m.bmOffsetSectors = bmOffsetSectors;
        m.bmBytesPerBit = bmBytesPerBit;
        m.laPeerMaxBioSize = laPeerMaxBioSize;
        m.maxPeers = maxPeers;
        m.nodeId = nodeId;
        m.alStripes = alStripes;
        m.alStripeSize4k = alStripeSize4k;
        for (int i = 0; i < NODE_ID_MAX; i++) {
            m.peers[i] = peers[i].copy();
        }
        return m;
    }

    /** Activity-log size in sectors: {@code al_stripes * al_stripe_size_4k * 8}. */
    public int alSizeSectors() {
        return alStripes * alStripeSize4k * 8;
    }

    /** True when the activity log needs no replay (drbdmeta's test before dump-md). */
    public boolean isAlClean() {
        return magic != MetaDataVersion.MAGIC_84_UNCLEAN && (flags & MdFlags.AL_CLEAN) != 0;
    }

    /**
     * The meta-data create-md writes for {@code version} (drbdmeta's {@code v0X_md_initialize}):
     * current UUID {@link #UUID_JUST_CREATED}, AL clean, v09 node id and bitmap indexes -1.
     * Offsets are not set here, see {@link MetaDataLayout#initializeOffsets}.
     */
    public static MetaData fresh(MetaDataVersion version, int maxPeers, int alStripes, int alStripeSize4k) {
        MetaData m = new MetaData();
        m.currentUuid = UUID_JUST_CREATED;
        m.flags = MdFlags.AL_CLEAN;
        m.magic = version.magic();
        m.alStripes = alStripes;
        m.alStripeSize4k = alStripeSize4k;
        m.alNrExtents = DEFAULT_AL_NR_EXTENTS;
        m.bmBytesPerBit = DEFAULT_BM_BYTES_PER_BIT;
        if (version == MetaDataVersion.V08) {
            m.maxPeers = 1;
        } else {
            m.maxPeers = maxPeers;
            m.nodeId = -1;
            for (Peer p : m.peers) {
                p.bitmapIndex = -1;
            }
        }
        return m;
    }

    @Override
    public String toString() {
        return "MetaData{magic=" + Integer.toHexString(magic) + ", current=" + Long.toHexString(currentUuid)
                + ", flags=" + Integer.toHexString(flags) + ", laSize=" + effectiveSizeSectors
                + ", mdSize=" + mdSizeSectors + ", al=" + alOffsetSectors + ", bm=" + bmOffsetSectors
                + ", maxPeers=" + maxPeers + ", nodeId=" + nodeId + ", history=" + Arrays.toString(
                        Arrays.copyOf(historyUuids, 4)) + "}";
    }
}
