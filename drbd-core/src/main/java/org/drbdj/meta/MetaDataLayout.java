package org.drbdj.meta;

/**
 * Where DRBD's meta-data areas lie and how big they are: the superblock (4 KiB), the activity log
 * ({@code al_stripes * al_stripe_size_4k} 4 KiB blocks, 32 KiB by default) and the bitmap, for the
 * three layouts of {@link MetaDiskLocation}. Every formula mirrors drbdmeta
 * ({@code v07_style_md_get_byte_offset}, {@code re_initialize_md_offsets}, {@code bm_bytes},
 * {@code max_usable_sectors}, {@code is_valid_md}) and the kernel's {@code drbd_get_max_capacity};
 * the differential tests compare them with the real drbdmeta.
 *
 * <pre>
 * internal (flex-internal), on the backing device:
 *   [data ............][ bitmap ][ AL 32 KiB ][ superblock 4 KiB ]   end of device
 *                      ^bm_offset ^al_offset = -64 s  ^md_offset = (size - 4096) &amp; ~4095
 *                      (bm_offset = 8 - md_size_sect, sectors relative to md_offset)
 * external (index N: md_offset = N * 128 MiB, md_size_sect = 128 MiB; flex-external: md_offset 0,
 * md_size_sect = the whole meta device):
 *   [ superblock 4 KiB ][ AL 32 KiB ][ bitmap .................. ]
 *   ^md_offset           ^al_offset = +8 s ^bm_offset = 8 + AL sectors
 * </pre>
 */
public final class MetaDataLayout {
    private MetaDataLayout() {
    }

    /** Sector size used for every offset in the meta-data. */
    public static final int SECTOR_BYTES = 512;
    /** The superblock is one 4 KiB block; the AL starts 8 sectors after it in external layouts. */
    public static final int SUPERBLOCK_BYTES = 4096;
    /** {@code MD_AL_OFFSET_07}: AL offset of the external layouts, sectors. */
    public static final int EXTERNAL_AL_OFFSET_SECTORS = 8;
    /** {@code MD_RESERVED_SECT_07}: size of one external index slot, sectors (128 MiB). */
    public static final long INDEX_SLOT_SECTORS = 128L << 11;
    /** {@code MD_BM_MAX_BYTE_FLEX} on 64-bit: largest flexible bitmap per peer, bytes. */
    public static final long MAX_FLEX_BITMAP_BYTES = 1L << 35;
    /** drbdmeta refuses devices smaller than this ({@code SO_MUCH}, 68 KiB). */
    public static final long MIN_DEVICE_BYTES = 68 * 1024;
    /** {@code DRBD_MAX_SECTORS_FLEX} on 64-bit. */
    public static final long DRBD_MAX_SECTORS_FLEX = 1L << 51;
    /**
     * {@code DRBD_MAX_SECTORS_FIXED_BM}: what the bitmap of a 128 MiB index slot can cover,
     * (128 MiB - 36 KiB) of bitmap sectors times 2^15 sectors per bitmap sector.
     */
    public static final long DRBD_MAX_SECTORS_FIXED_BM = (INDEX_SLOT_SECTORS - 64 - 8) * (1L << 15);

    /** Byte offset of the superblock on the meta-data device of {@code mdDeviceBytes} bytes. */
    public static long mdOffsetBytes(MetaDiskLocation location, long mdDeviceBytes) {
        switch (location.kind()) {
            case FLEX_INTERNAL:
                return (mdDeviceBytes - SUPERBLOCK_BYTES) & ~4095L;
            case FLEX_EXTERNAL:
                return 0;
            default:
                return INDEX_SLOT_SECTORS * location.index() * SECTOR_BYTES;
        }
    }

    /**
     * Bytes of on-disk bitmap for {@code sectors} of storage, all peers: bits per peer rounded up
     * to 64, times max_peers, rounded up to 4 KiB (drbdmeta's {@code bm_bytes}).
     */
    public static long bitmapBytes(int maxPeers, int bytesPerBit, long sectors) {
        long sectorsPerBit = bytesPerBit >> 9;
        long bits = (sectors + sectorsPerBit - 1) / sectorsPerBit;
        bits = align(bits, 64);
        return align(bits / 8 * maxPeers, 4096);
    }

    /** {@link #bitmapBytes(int, int, long)} with the meta-data's max_peers and granularity. */
    public static long bitmapBytes(MetaData md, long sectors) {
        return bitmapBytes(md.maxPeers, md.bmBytesPerBit, sectors);
    }

    /**
     * Sets {@code md_size_sect}, {@code al_offset} and {@code bm_offset} for a freshly initialized
     * layout (drbdmeta's {@code re_initialize_md_offsets}). The bitmap of flex-internal meta-data
     * covers the whole backing device, meta-data included, as drbdmeta sizes it.
     *
     * @throws IllegalArgumentException if the bitmap would exceed DRBD's maximum
     */
    public static void initializeOffsets(MetaData md, MetaDiskLocation location, long mdDeviceBytes) {
        if (md.bmBytesPerBit == 0) {
            md.bmBytesPerBit = MetaData.DEFAULT_BM_BYTES_PER_BIT;
        }
        if (md.maxPeers == 0) {
            md.maxPeers = 1;
        }
        int alSectors = md.alSizeSectors();
        switch (location.kind()) {
            case INDEXED:
                md.mdSizeSectors = (int) INDEX_SLOT_SECTORS;
                md.alOffsetSectors = EXTERNAL_AL_OFFSET_SECTORS;
                md.bmOffsetSectors = md.alOffsetSectors + alSectors;
                break;
            case FLEX_EXTERNAL:
                md.mdSizeSectors = (int) (mdDeviceBytes >> 9);
                md.alOffsetSectors = EXTERNAL_AL_OFFSET_SECTORS;
                md.bmOffsetSectors = md.alOffsetSectors + alSectors;
                break;
            default:
                md.alOffsetSectors = -alSectors;
                long mdSize = flexInternalMdSizeSectors(md, mdDeviceBytes, alSectors);
                md.mdSizeSectors = (int) mdSize;
                md.bmOffsetSectors = (int) (-mdSize + EXTERNAL_AL_OFFSET_SECTORS);
                break;
        }
    }

    private static long flexInternalMdSizeSectors(MetaData md, long mdDeviceBytes, int alSectors) {
        long bitmapSectors = align(bitmapBytes(md, mdDeviceBytes >> 9) >> 9, 8);
        if (bitmapSectors > (MAX_FLEX_BITMAP_BYTES >> 9) * md.maxPeers) {
            throw new IllegalArgumentException("Bitmap for that device got too large ("
                    + mdDeviceBytes + " bytes): DRBD supports at most 1 PiB per device");
        }
        return bitmapSectors + EXTERNAL_AL_OFFSET_SECTORS + alSectors;
    }

    /** Absolute byte offset of the activity log. */
    public static long alOffsetBytes(MetaData md, long mdOffsetBytes) {
        return mdOffsetBytes + md.alOffsetSectors * (long) SECTOR_BYTES;
    }

    /** Absolute byte offset of the bitmap. */
    public static long bmOffsetBytes(MetaData md, long mdOffsetBytes) {
        return mdOffsetBytes + md.bmOffsetSectors * (long) SECTOR_BYTES;
    }

    /**
     * The largest la-size the meta-data can describe (drbdmeta's {@code max_usable_sectors}):
     * for internal meta-data the first meta-data sector; for external meta-data what the on-disk
     * bitmap can cover per peer slot.
     */
    public static long maxUsableSectors(MetaData md, MetaDiskLocation location, long mdOffsetBytes) {
        if (location.isInternal()) {
            long first = Math.min(mdOffsetBytes, Math.min(alOffsetBytes(md, mdOffsetBytes),
                    bmOffsetBytes(md, mdOffsetBytes)));
            return first >> 9;
        }
        long bitmapSectors = Integer.toUnsignedLong(md.mdSizeSectors - md.bmOffsetSectors);
        return bitmapSectors * 512 * 8 / 64 / md.maxPeers * 64 * md.bmBytesPerBit / 512;
    }

    /**
     * The capacity DRBD announces for the replicated device ({@code drbd_get_max_capacity}), in
     * sectors: with internal meta-data everything below the first meta-data sector; with external
     * meta-data the backing device, clipped at what the on-disk bitmap can cover per peer slot (for an
     * index slot and one peer that is {@link #DRBD_MAX_SECTORS_FIXED_BM}).
     *
     * @param backingBytes size of the backing (data) device
     */
    public static long usableSectors(MetaData md, MetaDiskLocation location, long backingBytes,
            long mdOffsetBytes) {
        long backingSectors = backingBytes >> 9;
        switch (location.kind()) {
            case FLEX_INTERNAL:
                return backingSectors == 0 ? 0
                        : Math.min(DRBD_MAX_SECTORS_FLEX, bmOffsetBytes(md, mdOffsetBytes) >> 9);
            case FLEX_EXTERNAL:
                return Math.min(Math.min(DRBD_MAX_SECTORS_FLEX, backingSectors),
                        maxUsableSectors(md, location, mdOffsetBytes));
            default:
                // The 128 MiB slot's bitmap bounds the size (DRBD_MAX_SECTORS_FIXED_BM with one peer).
                return Math.min(backingSectors, maxUsableSectors(md, location, mdOffsetBytes));
        }
    }

    /**
     * Checks a decoded superblock the way drbdmeta's {@code is_valid_md} does: magic, max-peers and
     * node-id bounds, and the offsets expected for the layout and device size.
     *
     * @return null if valid, otherwise drbdmeta's message
     */
    public static String validate(MetaDataVersion version, MetaData md, MetaDiskLocation location,
            long mdDeviceBytes) {
        String v = version.tag();
        if (!version.acceptsMagic(md.magic)) {
            return v + " Magic number not found";
        }
        if (md.maxPeers < 1 || md.maxPeers > MetaData.NODE_ID_MAX - 1) {
            return v + " max-peers value " + md.maxPeers + " out of bounds";
        }
        if (md.nodeId < -1 || md.nodeId > MetaData.NODE_ID_MAX - 1) {
            return v + " device node-id value " + md.nodeId + " out of bounds";
        }
        for (int n = 0; n < md.maxPeers; n++) {
            int idx = md.peers[n].bitmapIndex;
            if (idx < -1 || idx > MetaData.NODE_ID_MAX - 1) {
                return v + " peer device " + n + " node-id value " + idx + " out of bounds";
            }
        }
        int alSectors = md.alSizeSectors();
        if (location.isInternal()) {
            if (md.alOffsetSectors != -alSectors) {
                return v + " al_offset: expected " + (-alSectors) + ", found " + md.alOffsetSectors;
            }
            if (md.bmBytesPerBit < 4096 || Integer.bitCount(md.bmBytesPerBit) != 1) {
                return v + " bm_bytes_per_bit " + md.bmBytesPerBit + " is not a power-of-two multiple of 4096";
            }
            long expected = align(bitmapBytes(md, mdDeviceBytes >> 9) >> 9, 8) + EXTERNAL_AL_OFFSET_SECTORS + alSectors;
            if (md.bmOffsetSectors != -expected + EXTERNAL_AL_OFFSET_SECTORS) {
                return "strange bm_offset " + md.bmOffsetSectors + " (expected: "
                        + (-expected + EXTERNAL_AL_OFFSET_SECTORS) + ")";
            }
            if (Integer.toUnsignedLong(md.mdSizeSectors) != expected) {
                return "strange md_size_sect " + Integer.toUnsignedLong(md.mdSizeSectors) + " (expected: " + expected + ")";
            }
        } else {
            if (md.alOffsetSectors != EXTERNAL_AL_OFFSET_SECTORS) {
                return v + " Magic number (al_offset) not found: expected " + EXTERNAL_AL_OFFSET_SECTORS
                        + ", found " + md.alOffsetSectors;
            }
            if (md.bmOffsetSectors != EXTERNAL_AL_OFFSET_SECTORS + alSectors) {
                return v + " bm_offset: expected " + (EXTERNAL_AL_OFFSET_SECTORS + alSectors) + ", found "
                        + md.bmOffsetSectors;
            }
        }
        return null;
    }

    static long align(long value, long to) {
        return (value + to - 1) / to * to;
    }
}
