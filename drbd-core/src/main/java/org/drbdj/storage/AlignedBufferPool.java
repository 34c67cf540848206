package org.drbdj.storage;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Direct buffers aligned to 4 KiB for O_DIRECT I/O, pooled by power-of-two size class (4 KiB to
 * 1 MiB; DRBD's max bio size is 1 MiB) so that the I/O path does not allocate per request. Larger
 * requests get an unpooled buffer. Thread-safe.
 */
public final class AlignedBufferPool {
    /** Alignment and smallest size class: the largest logical block size Linux supports. */
    public static final int ALIGNMENT_BYTES = 4096;
    private static final int MIN_SHIFT = 12;
    private static final int MAX_SHIFT = 20;

    private final ConcurrentLinkedDeque<ByteBuffer>[] free;
    private final AtomicInteger[] freeCounts;
    private final int maxFreePerClass;

    /** A pool keeping at most {@code maxFreePerClass} idle buffers per size class. */
    @SuppressWarnings("unchecked")
    public AlignedBufferPool(int maxFreePerClass) {
        if (maxFreePerClass < 0) {
            throw new IllegalArgumentException("maxFreePerClass must be >= 0, got " + maxFreePerClass);
        }
        int classes = MAX_SHIFT - MIN_SHIFT + 1;
        this.free = new ConcurrentLinkedDeque[classes];
        this.freeCounts = new AtomicInteger[classes];
        for (int i = 0; i < classes; i++) {
            free[i] = new ConcurrentLinkedDeque<>();
            freeCounts[i] = new AtomicInteger();
        }
        this.maxFreePerClass = maxFreePerClass;
    }

    /** A cleared buffer, 4 KiB aligned, with capacity at least sizeBytes and limit exactly sizeBytes. */
    public ByteBuffer acquire(int sizeBytes) {
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("buffer size must be >= 0, got " + sizeBytes);
        }
        int cls = sizeClass(sizeBytes);
        ByteBuffer b = null;
        if (cls >= 0) {
            b = free[cls].pollFirst();
            if (b != null) {
                freeCounts[cls].decrementAndGet();
            }
        }
        if (b == null) {
            int capacity = cls >= 0 ? 1 << (cls + MIN_SHIFT) : roundUp(sizeBytes);
            b = allocateAligned(capacity);
        }
        b.clear().limit(sizeBytes);
        return b;
    }

    /** Returns a buffer obtained from {@link #acquire}; the caller must not use it afterwards. */
    public void release(ByteBuffer buffer) {
        int cls = sizeClass(buffer.capacity());
        if (cls < 0 || (1 << (cls + MIN_SHIFT)) != buffer.capacity()) {
            return; // unpooled size: let the GC have it
        }
        if (freeCounts[cls].incrementAndGet() <= maxFreePerClass) {
            free[cls].offerFirst(buffer);
        } else {
            freeCounts[cls].decrementAndGet();
        }
    }

    /** A fresh direct buffer of capacity bytes whose address is a multiple of 4 KiB. */
    public static ByteBuffer allocateAligned(int capacity) {
        return ByteBuffer.allocateDirect(capacity + ALIGNMENT_BYTES).alignedSlice(ALIGNMENT_BYTES)
                .limit(capacity).slice();
    }

    private static int sizeClass(int sizeBytes) {
        if (sizeBytes > (1 << MAX_SHIFT)) {
            return -1;
        }
        int shift = Math.max(MIN_SHIFT, 32 - Integer.numberOfLeadingZeros(Math.max(1, sizeBytes) - 1));
        return shift - MIN_SHIFT;
    }

    private static int roundUp(int sizeBytes) {
        return (int) (((long) sizeBytes + ALIGNMENT_BYTES - 1) / ALIGNMENT_BYTES * ALIGNMENT_BYTES);
    }
}
