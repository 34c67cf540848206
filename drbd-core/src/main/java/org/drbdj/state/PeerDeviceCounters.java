package org.drbdj.state;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Live counters of one volume towards one peer ({@code send_cnt}, {@code recv_cnt},
 * {@code ap_pending_cnt + rs_pending_cnt}, {@code unacked_cnt}), thread-safe, with an immutable
 * {@link #snapshot(long)}. The out-of-sync amount comes from the bitmap, so the caller passes it in.
 */
public final class PeerDeviceCounters {
    private final LongAdder sentSectors = new LongAdder();
    private final LongAdder receivedSectors = new LongAdder();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicInteger unacked = new AtomicInteger();

    /** Counts data sent to the peer. */
    public void addSent(long bytes) {
        sentSectors.add(bytes >>> 9);
    }

    /** Counts data received from the peer. */
    public void addReceived(long bytes) {
        receivedSectors.add(bytes >>> 9);
    }

    /** A request was sent and awaits the peer's answer ({@code pe} +1). */
    public void pendingStarted() {
        pending.incrementAndGet();
    }

    /** The peer answered ({@code pe} -1). */
    public void pendingDone() {
        DeviceCounters.decrement(pending, "pending");
    }

    /** A peer request was received and is not yet acknowledged ({@code ua} +1). */
    public void unackedStarted() {
        unacked.incrementAndGet();
    }

    /** The acknowledgement was sent ({@code ua} -1). */
    public void unackedDone() {
        DeviceCounters.decrement(unacked, "unacked");
    }

    /**
     * A snapshot.
     *
     * @param outOfSyncSectors the bitmap's current out-of-sync amount towards this peer
     */
    public PeerDeviceStats snapshot(long outOfSyncSectors) {
        return new PeerDeviceStats(receivedSectors.sum(), sentSectors.sum(), outOfSyncSectors,
                Math.max(0, pending.get()), Math.max(0, unacked.get()));
    }
}
