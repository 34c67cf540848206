package org.drbdj.meta;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The DRBD 9 superblock ({@code struct meta_data_on_disk_9}): one 4 KiB block, all fields
 * big-endian, unused bytes zero. The magic stays at byte 60 as in v07/v08 so that a reader can
 * tell the versions apart. Byte offsets:
 *
 * <table>
 * <caption>v09 superblock</caption>
 * <tr><th>offset</th><th>size</th><th>field</th></tr>
 * <tr><td>0</td><td>8</td><td>effective_size (la-size, sectors)</td></tr>
 * <tr><td>8</td><td>8</td><td>current_uuid</td></tr>
 * <tr><td>16</td><td>32</td><td>reserved (members, written as zero by drbdmeta)</td></tr>
 * <tr><td>48</td><td>8</td><td>device_uuid</td></tr>
 * <tr><td>56</td><td>4</td><td>flags (MDF_*)</td></tr>
 * <tr><td>60</td><td>4</td><td>magic 0x8374026d</td></tr>
 * <tr><td>64</td><td>4</td><td>md_size_sect</td></tr>
 * <tr><td>68</td><td>4</td><td>al_offset (signed sectors)</td></tr>
 * <tr><td>72</td><td>4</td><td>al_nr_extents</td></tr>
 * <tr><td>76</td><td>4</td><td>bm_offset (signed sectors)</td></tr>
 * <tr><td>80</td><td>4</td><td>bm_bytes_per_bit</td></tr>
 * <tr><td>84</td><td>4</td><td>la_peer_max_bio_size</td></tr>
 * <tr><td>88</td><td>4</td><td>bm_max_peers</td></tr>
 * <tr><td>92</td><td>4</td><td>node_id (signed, -1 = unset)</td></tr>
 * <tr><td>96</td><td>4</td><td>al_stripes</td></tr>
 * <tr><td>100</td><td>4</td><td>al_stripe_size_4k</td></tr>
 * <tr><td>104</td><td>8</td><td>reserved</td></tr>
 * <tr><td>112</td><td>32 x 32</td><td>peers[node id]: bitmap_uuid u64, bitmap_dagtag u64, flags u32,
 *     bitmap_index s32, reserved u32[2]</td></tr>
 * <tr><td>1136</td><td>32 x 8</td><td>history_uuids[32]</td></tr>
 * </table>
 */
public final class SuperblockV09 {
    private SuperblockV09() {
    }

    public static final int SIZE_BYTES = 4096;
    public static final int EFFECTIVE_SIZE = 0;
    public static final int CURRENT_UUID = 8;
    public static final int DEVICE_UUID = 48;
    public static final int FLAGS = 56;
    public static final int MAGIC = 60;
    public static final int MD_SIZE_SECT = 64;
    public static final int AL_OFFSET = 68;
    public static final int AL_NR_EXTENTS = 72;
    public static final int BM_OFFSET = 76;
    public static final int BM_BYTES_PER_BIT = 80;
    public static final int LA_PEER_MAX_BIO_SIZE = 84;
    public static final int BM_MAX_PEERS = 88;
    public static final int NODE_ID = 92;
    public static final int AL_STRIPES = 96;
    public static final int AL_STRIPE_SIZE_4K = 100;
    public static final int PEERS = 112;
    public static final int PEER_SIZE = 32;
    public static final int PEER_BITMAP_UUID = 0;
    public static final int PEER_BITMAP_DAGTAG = 8;
    public static final int PEER_FLAGS = 16;
    public static final int PEER_BITMAP_INDEX = 20;
    public static final int HISTORY_UUIDS = PEERS + PEER_SIZE * MetaData.NODE_ID_MAX;

    /**
     * Decodes a superblock. As drbdmeta does, a max-peers value above 31 is clipped to 31 (and
     * then still validated by {@link MetaDataLayout#validate}).
     */
    public static MetaData decode(ByteBuffer block) {
        ByteBuffer b = block.duplicate().order(ByteOrder.BIG_ENDIAN);
        int base = b.position();
        MetaData md = new MetaData();
        md.effectiveSizeSectors = b.getLong(base + EFFECTIVE_SIZE);
        md.currentUuid = b.getLong(base + CURRENT_UUID);
        md.deviceUuid = b.getLong(base + DEVICE_UUID);
        md.flags = b.getInt(base + FLAGS);
        md.magic = b.getInt(base + MAGIC);
        md.mdSizeSectors = b.getInt(base + MD_SIZE_SECT);
        md.alOffsetSectors = b.getInt(base + AL_OFFSET);
        md.alNrExtents = b.getInt(base + AL_NR_EXTENTS);
        md.bmOffsetSectors = b.getInt(base + BM_OFFSET);
        md.bmBytesPerBit = b.getInt(base + BM_BYTES_PER_BIT);
        md.laPeerMaxBioSize = b.getInt(base + LA_PEER_MAX_BIO_SIZE);
        md.maxPeers = b.getInt(base + BM_MAX_PEERS);
        if (Integer.compareUnsigned(md.maxPeers, MetaData.NODE_ID_MAX - 1) > 0) {
            md.maxPeers = MetaData.NODE_ID_MAX - 1;
        }
        md.nodeId = b.getInt(base + NODE_ID);
        md.alStripes = b.getInt(base + AL_STRIPES);
        md.alStripeSize4k = b.getInt(base + AL_STRIPE_SIZE_4K);
        for (int p = 0; p < MetaData.NODE_ID_MAX; p++) {
            int o = base + PEERS + p * PEER_SIZE;
            MetaData.Peer peer = md.peers[p];
            peer.bitmapUuid = b.getLong(o + PEER_BITMAP_UUID);
            peer.bitmapDagtag = b.getLong(o + PEER_BITMAP_DAGTAG);
            peer.flags = b.getInt(o + PEER_FLAGS);
            peer.bitmapIndex = b.getInt(o + PEER_BITMAP_INDEX);
        }
        for (int i = 0; i < MetaData.HISTORY_UUIDS; i++) {
            md.historyUuids[i] = b.getLong(base + HISTORY_UUIDS + 8 * i);
        }
        return md;
    }

    /** Encodes into a fresh zero-filled 4 KiB block (position 0, limit 4096). */
    public static ByteBuffer encode(MetaData md) {
        ByteBuffer b = ByteBuffer.allocate(SIZE_BYTES).order(ByteOrder.BIG_ENDIAN);
        b.putLong(EFFECTIVE_SIZE, md.effectiveSizeSectors);
        b.putLong(CURRENT_UUID, md.currentUuid);
        b.putLong(DEVICE_UUID, md.deviceUuid);
        b.putInt(FLAGS, md.flags);
        b.putInt(MAGIC, md.magic);
        b.putInt(MD_SIZE_SECT, md.mdSizeSectors);
        b.putInt(AL_OFFSET, md.alOffsetSectors);
        b.putInt(AL_NR_EXTENTS, md.alNrExtents);
        b.putInt(BM_OFFSET, md.bmOffsetSectors);
        b.putInt(BM_BYTES_PER_BIT, md.bmBytesPerBit);
        b.putInt(LA_PEER_MAX_BIO_SIZE, md.laPeerMaxBioSize);
        b.putInt(BM_MAX_PEERS, md.maxPeers);
        b.putInt(NODE_ID, md.nodeId);
        b.putInt(AL_STRIPES, md.alStripes);
        b.putInt(AL_STRIPE_SIZE_4K, md.alStripeSize4k);
        for (int p = 0; p < MetaData.NODE_ID_MAX; p++) {
            int o = PEERS + p * PEER_SIZE;
            MetaData.Peer peer = md.peers[p];
            b.putLong(o + PEER_BITMAP_UUID, peer.bitmapUuid);
            b.putLong(o + PEER_BITMAP_DAGTAG, peer.bitmapDagtag);
            b.putInt(o + PEER_FLAGS, peer.flags);
            b.putInt(o + PEER_BITMAP_INDEX, peer.bitmapIndex);
        }
        for (int i = 0; i < MetaData.HISTORY_UUIDS; i++) {
            b.putLong(HISTORY_UUIDS + 8 * i, md.historyUuids[i]);
        }
        return b;
    }
}
