package org.drbdj.state;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Live I/O counters of one device, updated from the I/O path by many threads without locks;
 * {@link #snapshot()} gives the immutable {@link DeviceStats} the renderers use. The counters are
 * DRBD's {@code read_cnt}, {@code writ_cnt}, {@code al_writ_cnt}, {@code bm_writ_cnt},
 * {@code ap_bio_cnt} and {@code local_cnt}, but 64-bit (DRBD 8.4's are 32-bit and wrap).
 */
public final class DeviceCounters {
    private final LongAdder readSectors = new LongAdder();
    private final LongAdder writtenSectors = new LongAdder();
    private final LongAdder alWrites = new LongAdder();
    private final LongAdder bmWrites = new LongAdder();
    private final AtomicInteger upperPending = new AtomicInteger();
    private final AtomicInteger lowerPending = new AtomicInteger();

    /** Counts data read from the backing disk. */
    public void addRead(long bytes) {
        readSectors.add(bytes >>> 9);
    }

    /** Counts data written to the backing disk. */
    public void addWritten(long bytes) {
        writtenSectors.add(bytes >>> 9);
    }

    /** Counts one activity-log transaction written. */
    public void addAlWrite() {
        alWrites.increment();
    }

    /** Counts one bitmap write. */
    public void addBmWrite() {
        bmWrites.increment();
    }

    /** An application request was accepted ({@code ap} +1). */
    public void upperStarted() {
        upperPending.incrementAndGet();
    }

    /** An application request completed ({@code ap} -1). */
    public void upperDone() {
        decrement(upperPending, "upper pending");
    }

    /** A request was submitted to the backing disk ({@code lo} +1). */
    public void lowerStarted() {
        lowerPending.incrementAndGet();
    }

    /** A backing-disk request completed ({@code lo} -1). */
    public void lowerDone() {
        decrement(lowerPending, "lower pending");
    }

    /** A consistent-enough snapshot (each counter is read once; they are not read atomically together). */
    public DeviceStats snapshot() {
        return new DeviceStats(readSectors.sum(), writtenSectors.sum(), alWrites.sum(), bmWrites.sum(),
                Math.max(0, upperPending.get()), Math.max(0, lowerPending.get()));
    }

    static void decrement(AtomicInteger counter, String what) {
        if (counter.decrementAndGet() < 0) {
            counter.incrementAndGet();
            throw new IllegalStateException(what + " count would go negative: a completion without a start");
        }
    }
}
