package org.drbdj.meta.al;

/**
 * Where the activity-log ring lives: {@code al_stripes} stripes of {@code al_stripe_size_4k} 4 KiB
 * blocks starting at {@code alOffsetBytes} (superblock: {@code md_offset + al_offset * 512}).
 * Transaction {@code t} goes to ring index {@code t mod (stripes*stripeSize4k)}, laid out
 * stripe-major as in the kernel's {@code al_tr_number_to_on_disk_sector()}. Default: 1 x 8 = 32 KiB.
 */
public record AlLayout(long alOffsetBytes, int stripes, int stripeSize4k) {
    public AlLayout {
        if (alOffsetBytes < 0 || alOffsetBytes % 512 != 0) {
            throw new IllegalArgumentException("AL offset must be a non-negative multiple of 512, got " + alOffsetBytes);
        }
        if (stripes < 1 || stripeSize4k < 1 || (long) stripes * stripeSize4k < 2
                || (long) stripes * stripeSize4k * 4096 > (1L << 32)) {
            throw new IllegalArgumentException("AL ring of " + stripes + " stripes x " + stripeSize4k
                    + " 4k blocks is invalid: need at least 2 blocks (the default is 1 x 8)");
        }
    }

    /** The default single 32 KiB stripe at alOffsetBytes. */
    public static AlLayout ofDefault(long alOffsetBytes) {
        return new AlLayout(alOffsetBytes, 1, 8);
    }

    /** A single stripe of alSizeBytes (a multiple of 4096) at alOffsetBytes. */
    public static AlLayout ofSize(long alOffsetBytes, long alSizeBytes) {
        if (alSizeBytes % 4096 != 0) {
            throw new IllegalArgumentException("AL size must be a multiple of 4096 bytes, got " + alSizeBytes);
        }
        return new AlLayout(alOffsetBytes, 1, (int) (alSizeBytes / 4096));
    }

    /** Blocks in the ring (al_size_4k). */
    public int ringBlocks() {
        return stripes * stripeSize4k;
    }

    /** Bytes of the AL area. */
    public long sizeBytes() {
        return (long) ringBlocks() * 4096;
    }

    /** Largest usable {@code al-extents}: 919 * (ring blocks - 1), so one torn block never loses context. */
    public int maxAlExtents() {
        return (int) Math.min(65534, (long) AlTransaction.CONTEXT_PER_TRANSACTION * (ringBlocks() - 1));
    }

    /** On-disk block index (0-based, within the AL area) of ring position {@code index}. */
    public int blockOfRingIndex(long index) {
        int t = (int) Long.remainderUnsigned(index, ringBlocks());
        return (t % stripes) * stripeSize4k + t / stripes;
    }

    /** Byte offset of the block transaction number trNumber (unsigned 32-bit) is written to. */
    public long offsetOfTransaction(long trNumber) {
        return alOffsetBytes + (long) blockOfRingIndex(trNumber & 0xffffffffL) * 4096;
    }
}
