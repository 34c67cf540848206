package org.drbdj.meta;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The DRBD 8.4 superblock ({@code struct md_on_disk_08}): one 4 KiB block, all fields big-endian,
 * unused bytes zero. Byte offsets:
 *
 * <table>
 * <caption>v08 superblock</caption>
 * <tr><th>offset</th><th>size</th><th>field</th></tr>
 * <tr><td>0</td><td>8</td><td>effective_size (la-size, sectors)</td></tr>
 * <tr><td>8</td><td>8</td><td>uuid[0] current</td></tr>
 * <tr><td>16</td><td>8</td><td>uuid[1] bitmap</td></tr>
 * <tr><td>24</td><td>16</td><td>uuid[2..3] history</td></tr>
 * <tr><td>40</td><td>8</td><td>device_uuid</td></tr>
 * <tr><td>48</td><td>8</td><td>reserved</td></tr>
 * <tr><td>56</td><td>4</td><td>flags (MDF_*)</td></tr>
 * <tr><td>60</td><td>4</td><td>magic 0x8374026b (0x8374026c while attached by 8.4)</td></tr>
 * <tr><td>64</td><td>4</td><td>md_size_sect</td></tr>
 * <tr><td>68</td><td>4</td><td>al_offset (signed sectors from the superblock)</td></tr>
 * <tr><td>72</td><td>4</td><td>al_nr_extents</td></tr>
 * <tr><td>76</td><td>4</td><td>bm_offset (signed sectors)</td></tr>
 * <tr><td>80</td><td>4</td><td>bm_bytes_per_bit (4096)</td></tr>
 * <tr><td>84</td><td>4</td><td>la_peer_max_bio_size</td></tr>
 * <tr><td>88</td><td>4</td><td>al_stripes</td></tr>
 * <tr><td>92</td><td>4</td><td>al_stripe_size_4k</td></tr>
 * </table>
 */
public final class SuperblockV08 {
    private SuperblockV08() {
    }

    public static final int SIZE_BYTES = 4096;
    public static final int EFFECTIVE_SIZE = 0;
    public static final int UUID_CURRENT = 8;
    public static final int UUID_BITMAP = 16;
    public static final int UUID_HISTORY = 24;
    public static final int DEVICE_UUID = 40;
    public static final int FLAGS = 56;
    public static final int MAGIC = 60;
    public static final int MD_SIZE_SECT = 64;
    public static final int AL_OFFSET = 68;
    public static final int AL_NR_EXTENTS = 72;
    public static final int BM_OFFSET = 76;
    public static final int BM_BYTES_PER_BIT = 80;
    public static final int LA_PEER_MAX_BIO_SIZE = 84;
    public static final int AL_STRIPES = 88;
    public static final int AL_STRIPE_SIZE_4K = 92;

    /**
     * Decodes a superblock. As DRBD and drbdmeta do, an AL geometry of 0/0 (written by DRBD before
     * 8.4) means the fixed 1 x 32 KiB ring.
     */
    public static MetaData decode(ByteBuffer block) {
        ByteBuffer b = block.duplicate().order(ByteOrder.BIG_ENDIAN);
        int base = b.position();
        MetaData md = new MetaData();
        md.effectiveSizeSectors = b.getLong(base + EFFECTIVE_SIZE);
        md.currentUuid = b.getLong(base + UUID_CURRENT);
        md.peers[0].bitmapUuid = b.getLong(base + UUID_BITMAP);
        for (int i = 0; i < MetaData.HISTORY_UUIDS_V08; i++) {
            md.historyUuids[i] = b.getLong(base + UUID_HISTORY + 8 * i);
        }
        md.deviceUuid = b.getLong(base + DEVICE_UUID);
        md.flags = b.getInt(base + FLAGS);
        md.magic = b.getInt(base + MAGIC);
        md.mdSizeSectors = b.getInt(base + MD_SIZE_SECT);
        md.alOffsetSectors = b.getInt(base + AL_OFFSET);
        md.alNrExtents = b.getInt(base + AL_NR_EXTENTS);
        md.bmOffsetSectors = b.getInt(base + BM_OFFSET);
        md.bmBytesPerBit = b.getInt(base + BM_BYTES_PER_BIT);
        md.laPeerMaxBioSize = b.getInt(base + LA_PEER_MAX_BIO_SIZE);
        md.maxPeers = 1;
        md.alStripes = b.getInt(base + AL_STRIPES);
        md.alStripeSize4k = b.getInt(base + AL_STRIPE_SIZE_4K);
        if (md.alStripes == 0 && md.alStripeSize4k == 0) {
            md.alStripes = 1;
            md.alStripeSize4k = 8;
        }
        return md;
    }

    /** Encodes into a fresh zero-filled 4 KiB block (position 0, limit 4096). */
    public static ByteBuffer encode(MetaData md) {
        ByteBuffer b = ByteBuffer.allocate(SIZE_BYTES).order(ByteOrder.BIG_ENDIAN);
        b.putLong(EFFECTIVE_SIZE, md.effectiveSizeSectors);
        b.putLong(UUID_CURRENT, md.currentUuid);
        b.putLong(UUID_BITMAP, md.peers[0].bitmapUuid);
        for (int i = 0; i < MetaData.HISTORY_UUIDS_V08; i++) {
            b.putLong(UUID_HISTORY + 8 * i, md.historyUuids[i]);
        }
        b.putLong(DEVICE_UUID, md.deviceUuid);
        b.putInt(FLAGS, md.flags);
        b.putInt(MAGIC, md.magic);
        b.putInt(MD_SIZE_SECT, md.mdSizeSectors);
        b.putInt(AL_OFFSET, md.alOffsetSectors);
        b.putInt(AL_NR_EXTENTS, md.alNrExtents);
        b.putInt(BM_OFFSET, md.bmOffsetSectors);
        b.putInt(BM_BYTES_PER_BIT, md.bmBytesPerBit);
        b.putInt(LA_PEER_MAX_BIO_SIZE, md.laPeerMaxBioSize);
        b.putInt(AL_STRIPES, md.alStripes);
        b.putInt(AL_STRIPE_SIZE_4K, md.alStripeSize4k);
        return b;
    }
}
