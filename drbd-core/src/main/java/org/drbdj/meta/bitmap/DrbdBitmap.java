package org.drbdj.meta.bitmap;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.BitSet;

/**
 * The in-memory quick-sync bitmap of one volume: one bit per 4 KiB block ({@code bm-byte-per-bit
 * 4096}) for each peer slot, set meaning "this block may differ on that peer" (out of sync).
 *
 * <p>The memory layout is DRBD 9's on-disk layout, so that pages can be written as they are: the
 * slots are interleaved per 32-bit word, bit {@code b} of slot {@code s} lives in word
 * {@code (b >> 5) * maxPeers + s}, bit {@code b & 31}, and words are little-endian on disk
 * ({@code drbd_bitmap.c: interleaved_word32}). With {@code maxPeers == 1} this is exactly the DRBD
 * 8.4 bitmap. Words are grouped in 4 KiB pages (1024 words), the unit of bitmap I/O.
 *
 * <p>Dirty tracking mirrors the kernel's page flags: a page where bits were <em>set</em> needs
 * write-out before the activity log may forget the extents those bits belong to
 * ({@link #pagesNeedingWriteout}); a page where bits were only <em>cleared</em> may be written
 * lazily ({@link #pagesChanged}), because losing a clear only causes extra resync.
 *
 * <p>Bit numbers are {@code long}; {@link #bits()} is the number of bits per slot. All methods are
 * thread-safe (one monitor).
 */
public final class DrbdBitmap {
    /** Bytes of backing storage per bit (DRBD's BM_BLOCK_SIZE, 4 KiB). */
    public static final int BYTES_PER_BIT = 4096;
    /** Bytes per bitmap page, the unit of on-disk bitmap I/O. */
    public static final int PAGE_BYTES = 4096;
    /** 32-bit words per page. */
    public static final int WORDS_PER_PAGE = PAGE_BYTES / 4;
    /** Bits per page (all slots together). */
    public static final int BITS_PER_PAGE = PAGE_BYTES * 8;
    /** Bits of one slot covered by one 4 MiB activity-log extent (AL_EXTENT_SHIFT 22 - BM_BLOCK_SHIFT 12). */
    public static final int BITS_PER_AL_EXTENT = 1 << (22 - 12);
    /** DRBD_PEERS_MAX. */
    public static final int MAX_PEERS = 32;

    private final long bits;
    private final int maxPeers;
    private final int[][] pages;
    /** Set bits per page, over all slots; lets scans skip clean pages. */
    private final int[] pageSetBits;
    private final long[] slotSetBits;
    private final BitSet needWriteout = new BitSet();
    private final BitSet changed = new BitSet();

    /**
     * A clear bitmap of {@code bits} bits per slot and {@code maxPeers} slots ({@code bm_max_peers};
     * 1 for DRBD 8.4 meta-data).
     */
    public DrbdBitmap(long bits, int maxPeers) {
        if (bits < 0 || bits > (1L << 38)) {
            throw new IllegalArgumentException("bitmap bits must be in [0, 2^38] (1 PiB at 4 KiB per bit), got " + bits);
        }
        if (maxPeers < 1 || maxPeers > MAX_PEERS) {
            throw new IllegalArgumentException("max-peers must be in [1, " + MAX_PEERS + "], got " + maxPeers);
        }
        this.bits = bits;
        this.maxPeers = maxPeers;
        long words = wordsPerSlot(bits) * maxPeers;
        long pageCount = (words + WORDS_PER_PAGE - 1) / WORDS_PER_PAGE;
        if (pageCount > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("bitmap of " + bits + " bits x " + maxPeers + " peers is too large");
        }
        this.pages = new int[(int) pageCount][];
        for (int i = 0; i < pages.length; i++) {
            pages[i] = new int[WORDS_PER_PAGE];
        }
        this.pageSetBits = new int[pages.length];
        this.slotSetBits = new long[maxPeers];
    }

    /** Bits per slot needed for a device of sizeBytes: one per started 4 KiB block. */
    public static long bitsForSizeBytes(long sizeBytes) {
        return (sizeBytes + BYTES_PER_BIT - 1) / BYTES_PER_BIT;
    }

    /** 32-bit words per slot: bits aligned up to 64, as drbdmeta's bm_bytes() does. */
    static long wordsPerSlot(long bits) {
        return ((bits + 63) / 64) * 2;
    }

    /**
     * On-disk size of the bitmap area in bytes for bits and maxPeers: the 64-bit aligned bits of
     * every slot, rounded up to whole 4 KiB pages.
     */
    public static long onDiskBytes(long bits, int maxPeers) {
        long bytes = wordsPerSlot(bits) * 4 * maxPeers;
        return (bytes + PAGE_BYTES - 1) / PAGE_BYTES * PAGE_BYTES;
    }

    /** Bits per slot. */
    public long bits() {
        return bits;
    }

    /** Number of peer slots ({@code bm_max_peers}). */
    public int maxPeers() {
        return maxPeers;
    }

    /** Number of 4 KiB pages. */
    public int pageCount() {
        return pages.length;
    }

    /** Sets bits [fromBit, toBit) of slot; returns how many were clear before. Marks pages for write-out. */
    public synchronized long set(int slot, long fromBit, long toBit) {
        return change(slot, fromBit, toBit, true);
    }

    /** Clears bits [fromBit, toBit) of slot; returns how many were set before. Marks pages for lazy write-out. */
    public synchronized long clear(int slot, long fromBit, long toBit) {
        return change(slot, fromBit, toBit, false);
    }

    /** Sets every bit of slot (a full sync). */
    public synchronized long setAll(int slot) {
        return change(slot, 0, bits, true);
    }

    /** Clears every bit of slot. */
    public synchronized long clearAll(int slot) {
        return change(slot, 0, bits, false);
    }

    /**
     * Marks the 4 KiB blocks touched by [offsetBytes, offsetBytes+lengthBytes) out of sync for slot:
     * a partially written block counts (rounds outward, like drbd_set_out_of_sync).
     */
    public synchronized long markOutOfSync(int slot, long offsetBytes, long lengthBytes) {
        if (lengthBytes <= 0) {
            return 0;
        }
        return change(slot, offsetBytes / BYTES_PER_BIT, (offsetBytes + lengthBytes + BYTES_PER_BIT - 1) / BYTES_PER_BIT,
                true);
    }

    /**
     * Marks the 4 KiB blocks fully inside the range in sync for slot (rounds inward, like
     * drbd_set_in_sync: a block only partly known to be equal stays out of sync). The last block of a
     * device whose size is not a multiple of 4 KiB counts as fully covered when the range reaches
     * the device end {@code deviceSizeBytes}.
     */
    public synchronized long markInSync(int slot, long offsetBytes, long lengthBytes, long deviceSizeBytes) {
        if (lengthBytes <= 0) {
            return 0;
        }
        long end = offsetBytes + lengthBytes;
        long first = (offsetBytes + BYTES_PER_BIT - 1) / BYTES_PER_BIT;
        long last = end >= deviceSizeBytes ? (end + BYTES_PER_BIT - 1) / BYTES_PER_BIT : end / BYTES_PER_BIT;
        last = Math.min(last, bits);
        if (last <= first) {
            return 0;
        }
        return change(slot, first, last, false);
    }

    /** Whether bit of slot is set. */
    public synchronized boolean get(int slot, long bit) {
        checkSlot(slot);
        checkRange(bit, bit + 1);
        long w = (bit >>> 5) * maxPeers + slot;
        return (pages[(int) (w >>> 10)][(int) (w & 1023)] & (1 << (bit & 31))) != 0;
    }

    /** Number of set bits of slot (maintained, O(1)). */
    public synchronized long count(int slot) {
        checkSlot(slot);
        return slotSetBits[slot];
    }

    /** Number of set bits of slot in [fromBit, toBit). */
    public synchronized long count(int slot, long fromBit, long toBit) {
        checkSlot(slot);
        checkRange(fromBit, toBit);
        long n = 0;
        for (long g = fromBit >>> 5; fromBit < toBit; g++) {
            if (maxPeers == 1 && (g & 1023) == 0 && fromBit == g << 5 && toBit - fromBit >= BITS_PER_PAGE) {
                // A whole page of the only slot: its maintained count is the answer.
                n += pageSetBits[(int) (g >>> 10)];
                g += 1023;
                fromBit = (g + 1) << 5;
                continue;
            }
            int mask = mask(fromBit, toBit, g);
            long w = g * maxPeers + slot;
            n += Integer.bitCount(pages[(int) (w >>> 10)][(int) (w & 1023)] & mask);
            fromBit = (g + 1) << 5;
        }
        return n;
    }

    /** The first set bit of slot at or after fromBit, or -1 when there is none. */
    public synchronized long nextSetBit(int slot, long fromBit) {
        checkSlot(slot);
        if (fromBit < 0) {
            throw new IllegalArgumentException("fromBit must be >= 0, got " + fromBit);
        }
        if (fromBit >= bits) {
            return -1;
        }
        long lastGroup = (bits - 1) >>> 5;
        long g = fromBit >>> 5;
        int firstMask = -1 << (fromBit & 31);
        while (g <= lastGroup) {
            long w = g * maxPeers + slot;
            int page = (int) (w >>> 10);
            if (pageSetBits[page] == 0) {
                // Skip the whole clean page: the next group whose word lies in the following page.
                long nextPageWord = (long) (page + 1) * WORDS_PER_PAGE;
                g = Math.max(g + 1, (nextPageWord - slot + maxPeers - 1) / maxPeers);
                firstMask = -1;
                continue;
            }
            int[] p = pages[page];
            int idx = (int) (w & 1023);
            int v = p[idx] & firstMask;
            if (v == 0 && maxPeers == 1) {
                // Contiguous words of the only slot: finish this page in a tight loop.
                while (v == 0 && ++idx < WORDS_PER_PAGE) {
                    v = p[idx];
                }
                g = ((long) page << 10) + idx;
                if (v == 0) {
                    firstMask = -1;
                    continue;
                }
            }
            if (v != 0) {
                long bit = (g << 5) + Integer.numberOfTrailingZeros(v);
                return bit < bits ? bit : -1;
            }
            firstMask = -1;
            g++;
        }
        return -1;
    }

    /** The first clear bit of slot at or after fromBit, or -1 when every later bit is set. */
    public synchronized long nextClearBit(int slot, long fromBit) {
        checkSlot(slot);
        if (fromBit < 0) {
            throw new IllegalArgumentException("fromBit must be >= 0, got " + fromBit);
        }
        for (long g = fromBit >>> 5; (g << 5) < bits; g++) {
            long w = g * maxPeers + slot;
            int v = ~pages[(int) (w >>> 10)][(int) (w & 1023)];
            if (g == fromBit >>> 5) {
                v &= -1 << (fromBit & 31);
            }
            if (v != 0) {
                long bit = (g << 5) + Integer.numberOfTrailingZeros(v);
                return bit < bits ? bit : -1;
            }
        }
        return -1;
    }

    /**
     * ORs slot {@code fromSlot} of {@code other} into {@code slot} of this bitmap (merging a peer's
     * view, or the received bitmap exchange); both bitmaps must have the same number of bits.
     * Returns the number of newly set bits.
     */
    public long merge(int slot, DrbdBitmap other, int fromSlot) {
        if (other.bits != bits) {
            throw new IllegalArgumentException("cannot merge a bitmap of " + other.bits + " bits into one of " + bits);
        }
        long[] chunk = new long[8192];
        long added = 0;
        for (long start = 0; start < bits; start += 64L * chunk.length) {
            int n = (int) Math.min(chunk.length, (bits - start + 63) / 64);
            long[] words = n == chunk.length ? chunk : new long[n];
            other.extractWords64(fromSlot, start, words);
            added += orWords64(slot, start, words);
        }
        return added;
    }

    /**
     * ORs 64-bit words (bit i of words[k] is bit startBit + 64k + i; the form of DRBD's P_BITMAP
     * payload, unsigned longs in little-endian) into slot. startBit must be a multiple of 64; bits
     * at or beyond {@link #bits()} must be clear. Returns the number of newly set bits.
     */
    public synchronized long orWords64(int slot, long startBit, long[] words) {
        checkSlot(slot);
        if ((startBit & 63) != 0) {
            throw new IllegalArgumentException("startBit must be a multiple of 64, got " + startBit);
        }
        long added = 0;
        for (int k = 0; k < words.length; k++) {
            long v = words[k];
            if (v == 0) {
                continue;
            }
            long base = startBit + 64L * k;
            for (int half = 0; half < 2; half++) {
                int part = (int) (half == 0 ? v : v >>> 32);
                if (part == 0) {
                    continue;
                }
                long g = (base >>> 5) + half;
                long hi = (g << 5) + 32 - Integer.numberOfLeadingZeros(part);
                if (hi > bits) {
                    throw new IllegalArgumentException("bit " + (hi - 1) + " is beyond the bitmap of " + bits + " bits");
                }
                added += orWord(slot, g, part);
            }
        }
        return added;
    }

    /** Copies slot's bits [startBit, startBit + 64*dst.length) into 64-bit words; startBit a multiple of 64. */
    public synchronized void extractWords64(int slot, long startBit, long[] dst) {
        checkSlot(slot);
        if ((startBit & 63) != 0) {
            throw new IllegalArgumentException("startBit must be a multiple of 64, got " + startBit);
        }
        long groups = wordsPerSlot(bits);
        for (int k = 0; k < dst.length; k++) {
            long g = (startBit >>> 5) + 2L * k;
            long lo = g < groups ? word(slot, g) : 0;
            long hi = g + 1 < groups ? word(slot, g + 1) : 0;
            dst[k] = (lo & 0xffffffffL) | (hi << 32);
        }
    }

    /** Pages whose bits were set since they were last written: they must reach the disk before the AL drops their extents. */
    public synchronized BitSet pagesNeedingWriteout() {
        return (BitSet) needWriteout.clone();
    }

    /** Pages changed in any way (set or cleared) since they were last written. */
    public synchronized BitSet pagesChanged() {
        return (BitSet) changed.clone();
    }

    /** The page indexes holding the words of bits [fromBit, toBit) for every slot. */
    public int[] pagesForBits(long fromBit, long toBit) {
        checkRange(fromBit, toBit);
        if (fromBit == toBit) {
            return new int[0];
        }
        long firstWord = (fromBit >>> 5) * maxPeers;
        long lastWord = ((toBit - 1) >>> 5) * maxPeers + maxPeers - 1;
        int first = (int) (firstWord >>> 10);
        int last = (int) (lastWord >>> 10);
        int[] r = new int[last - first + 1];
        for (int i = 0; i < r.length; i++) {
            r[i] = first + i;
        }
        return r;
    }

    /**
     * Copies page into dst (4096 bytes, little-endian words, the on-disk image) and clears its dirty
     * flags, under the lock, so a concurrent change re-marks it (as the kernel clears the flags
     * before submitting the page). If the write then fails, call {@link #markPageDirty}.
     */
    public synchronized void snapshotPageForWrite(int page, ByteBuffer dst) {
        ByteBuffer le = dst.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int[] p = pages[page];
        for (int i = 0; i < WORDS_PER_PAGE; i++) {
            le.putInt(p[i]);
        }
        dst.position(dst.position() + PAGE_BYTES);
        needWriteout.clear(page);
        changed.clear(page);
    }

    /** Re-marks a page for write-out (its write failed). */
    public synchronized void markPageDirty(int page) {
        needWriteout.set(page);
        changed.set(page);
    }

    /**
     * Replaces page with the on-disk image in src (4096 bytes, little-endian words). Bits beyond
     * {@link #bits()} in the image (garbage in the padding) are ignored. The page is clean afterwards.
     */
    public synchronized void loadPage(int page, ByteBuffer src) {
        ByteBuffer le = src.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int[] p = pages[page];
        long firstWord = (long) page * WORDS_PER_PAGE;
        long totalWords = wordsPerSlot(bits) * maxPeers;
        for (int i = 0; i < WORDS_PER_PAGE; i++) {
            int v = le.getInt();
            long w = firstWord + i;
            if (w >= totalWords) {
                v = 0;
            } else {
                long g = w / maxPeers;
                v &= mask(g << 5, bits, g);
            }
            int slot = (int) (w % maxPeers);
            int delta = Integer.bitCount(v) - Integer.bitCount(p[i]);
            if (w < totalWords) {
                slotSetBits[slot] += delta;
            }
            pageSetBits[page] += delta;
            p[i] = v;
        }
        src.position(src.position() + PAGE_BYTES);
        needWriteout.clear(page);
        changed.clear(page);
    }

    private long change(int slot, long fromBit, long toBit, boolean set) {
        checkSlot(slot);
        checkRange(fromBit, toBit);
        long total = 0;
        for (long g = fromBit >>> 5; fromBit < toBit; g++) {
            if (maxPeers == 1 && (g & 1023) == 0 && fromBit == g << 5 && toBit - fromBit >= BITS_PER_PAGE) {
                total += changeWholePage((int) (g >>> 10), set);
                g += 1023;
                fromBit = (g + 1) << 5;
                continue;
            }
            int mask = mask(fromBit, toBit, g);
            long w = g * maxPeers + slot;
            int page = (int) (w >>> 10);
            int idx = (int) (w & 1023);
            int old = pages[page][idx];
            int nw = set ? old | mask : old & ~mask;
            if (nw != old) {
                int n = Integer.bitCount(nw ^ old);
                pages[page][idx] = nw;
                total += n;
                if (set) {
                    pageSetBits[page] += n;
                    slotSetBits[slot] += n;
                    needWriteout.set(page);
                } else {
                    pageSetBits[page] -= n;
                    slotSetBits[slot] -= n;
                }
                changed.set(page);
            }
            fromBit = (g + 1) << 5;
        }
        return total;
    }

    /** Single-slot bitmap, a page entirely inside the range: fill it (full sync, apply-al of many extents). */
    private long changeWholePage(int page, boolean set) {
        int before = pageSetBits[page];
        int after = set ? BITS_PER_PAGE : 0;
        if (before == after) {
            return 0;
        }
        java.util.Arrays.fill(pages[page], set ? -1 : 0);
        pageSetBits[page] = after;
        slotSetBits[0] += after - before;
        if (set) {
            needWriteout.set(page);
        }
        changed.set(page);
        return Math.abs(after - before);
    }

    private long orWord(int slot, long g, int bitsToSet) {
        long w = g * maxPeers + slot;
        int page = (int) (w >>> 10);
        int idx = (int) (w & 1023);
        int old = pages[page][idx];
        int nw = old | bitsToSet;
        int n = Integer.bitCount(nw ^ old);
        if (n != 0) {
            pages[page][idx] = nw;
            pageSetBits[page] += n;
            slotSetBits[slot] += n;
            needWriteout.set(page);
            changed.set(page);
        }
        return n;
    }

    private int word(int slot, long g) {
        long w = g * maxPeers + slot;
        return pages[(int) (w >>> 10)][(int) (w & 1023)];
    }

    /** The bits of 32-bit group g that lie in [fromBit, toBit). */
    private static int mask(long fromBit, long toBit, long g) {
        long base = g << 5;
        long lo = Math.max(fromBit, base) - base;
        long hi = Math.min(toBit, base + 32) - base;
        if (hi <= lo) {
            return 0;
        }
        int m = -1 << lo;
        return hi == 32 ? m : m & ((1 << hi) - 1);
    }

    private void checkSlot(int slot) {
        if (slot < 0 || slot >= maxPeers) {
            throw new IllegalArgumentException("bitmap slot " + slot + " is outside [0, " + maxPeers + ")");
        }
    }

    private void checkRange(long fromBit, long toBit) {
        if (fromBit < 0 || toBit < fromBit || toBit > bits) {
            throw new IllegalArgumentException("bit range [" + fromBit + ", " + toBit + ") is outside the bitmap of "
                    + bits + " bits");
        }
    }
}
