package org.drbdj.meta.bitmap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.BitSet;
import org.drbdj.storage.AlignedBufferPool;
import org.drbdj.storage.BackingDevice;

/**
 * The bitmap area of the meta-data on a backing device, and the write-out policy of a
 * {@link DrbdBitmap} to it. Page {@code i} lives at {@code bmOffsetBytes + i * 4096}; the offset
 * comes from the superblock ({@code md_offset + bm_offset * 512}).
 *
 * <p>Crash safety: a bitmap page is written whole and aligned, and only dirty pages are written.
 * A page write may tear; that is safe because bits set by application writes are also covered by
 * the activity log until the page holding them has been written <em>and flushed</em>: the
 * activity log calls {@link #writeOut(int[])} for an evicted extent before it commits the
 * transaction that forgets it (the kernel's {@code drbd_bm_write_hinted} in
 * {@code __al_write_transaction}). Lost clears only cause extra resync.
 */
public final class OnDiskBitmap {
    private static final int CHUNK_PAGES = 256;

    private final BackingDevice device;
    private final long bmOffsetBytes;
    private final DrbdBitmap bitmap;
    /**
     * Serializes write-outs: two writers of the same page could otherwise land an older snapshot
     * after a newer one whose dirty flags were already cleared, losing set bits.
     */
    private final java.util.concurrent.locks.ReentrantLock ioLock = new java.util.concurrent.locks.ReentrantLock();
    private long pagesWritten;

    public OnDiskBitmap(BackingDevice device, long bmOffsetBytes, DrbdBitmap bitmap) {
        long size = DrbdBitmap.onDiskBytes(bitmap.bits(), bitmap.maxPeers());
        if (bmOffsetBytes < 0 || bmOffsetBytes % 512 != 0 || bmOffsetBytes + size > device.sizeBytes()) {
            throw new IllegalArgumentException("bitmap area [" + bmOffsetBytes + ", " + (bmOffsetBytes + size)
                    + ") is not sector aligned or does not fit on " + device.path() + " (" + device.sizeBytes()
                    + " bytes)");
        }
        this.device = device;
        this.bmOffsetBytes = bmOffsetBytes;
        this.bitmap = bitmap;
    }

    /** The in-memory bitmap this area mirrors. */
    public DrbdBitmap bitmap() {
        return bitmap;
    }

    /** Byte offset of the bitmap area on the device. */
    public long bmOffsetBytes() {
        return bmOffsetBytes;
    }

    /** Pages written since creation (the {@code bm:} counter of /proc/drbd counts these). */
    public synchronized long pagesWritten() {
        return pagesWritten;
    }

    /** Loads every page from disk (attach). */
    public void readAll() throws IOException {
        int n = bitmap.pageCount();
        ByteBuffer buf = AlignedBufferPool.allocateAligned(CHUNK_PAGES * DrbdBitmap.PAGE_BYTES);
        for (int first = 0; first < n; first += CHUNK_PAGES) {
            int count = Math.min(CHUNK_PAGES, n - first);
            buf.clear().limit(count * DrbdBitmap.PAGE_BYTES);
            device.read(buf, bmOffsetBytes + (long) first * DrbdBitmap.PAGE_BYTES);
            buf.flip();
            for (int i = 0; i < count; i++) {
                bitmap.loadPage(first + i, buf);
            }
        }
    }

    /** Writes every page, changed or not, then flushes (create-md, full sync, resize). */
    public void writeAll() throws IOException {
        int[] all = new int[bitmap.pageCount()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        write(all);
    }

    /** Writes every changed page (set or cleared bits) and flushes; returns the pages written (detach, periodic). */
    public int writeChanged() throws IOException {
        return write(toArray(bitmap.pagesChanged()));
    }

    /**
     * Writes those of the given pages that changed, then flushes, so that on return their bits are
     * durable; returns the pages written. The activity log passes the pages of an extent it evicts.
     */
    public int writeOut(int[] pages) throws IOException {
        BitSet changed = bitmap.pagesChanged();
        int[] dirty = java.util.Arrays.stream(pages).distinct().filter(changed::get).toArray();
        return write(dirty);
    }

    private int write(int[] pages) throws IOException {
        if (pages.length == 0) {
            return 0;
        }
        ioLock.lock();
        try {
            return writeLocked(pages);
        } finally {
            ioLock.unlock();
        }
    }

    private int writeLocked(int[] pages) throws IOException {
        ByteBuffer buf = AlignedBufferPool.allocateAligned(DrbdBitmap.PAGE_BYTES);
        int written = 0;
        for (int page : pages) {
            buf.clear();
            bitmap.snapshotPageForWrite(page, buf);
            buf.flip();
            try {
                device.write(buf, bmOffsetBytes + (long) page * DrbdBitmap.PAGE_BYTES);
            } catch (IOException e) {
                bitmap.markPageDirty(page);
                throw e;
            }
            written++;
        }
        try {
            device.flush();
        } catch (IOException e) {
            for (int page : pages) {
                bitmap.markPageDirty(page); // not known to be durable
            }
            throw e;
        }
        synchronized (this) {
            pagesWritten += written;
        }
        return written;
    }

    private static int[] toArray(BitSet set) {
        return set.stream().toArray();
    }
}
