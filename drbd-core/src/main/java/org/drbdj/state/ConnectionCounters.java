package org.drbdj.state;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live counters of one connection: data in flight ({@code ap_in_flight}, {@code rs_in_flight}, in
 * sectors), open write epochs, and the congestion flag; thread-safe, with an immutable {@link #snapshot()}.
 */
public final class ConnectionCounters {
    private final AtomicLong apInFlightSectors = new AtomicLong();
    private final AtomicLong rsInFlightSectors = new AtomicLong();
    private final AtomicInteger epochs = new AtomicInteger();
    private volatile boolean congested;

    /** Adjusts application data in flight by {@code deltaBytes} (negative when acknowledged). */
    public void addApInFlight(long deltaBytes) {
        apInFlightSectors.addAndGet(deltaBytes >> 9);
    }

    /** Adjusts resync data in flight by {@code deltaBytes}. */
    public void addRsInFlight(long deltaBytes) {
        rsInFlightSectors.addAndGet(deltaBytes >> 9);
    }

    /** A new epoch was opened ({@code ep} +1). */
    public void epochOpened() {
        epochs.incrementAndGet();
    }

    /** An epoch was closed by its barrier ack ({@code ep} -1). */
    public void epochClosed() {
        DeviceCounters.decrement(epochs, "epoch");
    }

    /** Sets the congestion flag. */
    public void setCongested(boolean value) {
        congested = value;
    }

    /** A snapshot. */
    public ConnectionStats snapshot() {
        return new ConnectionStats(congested, Math.max(0, apInFlightSectors.get()),
                Math.max(0, rsInFlightSectors.get()), Math.max(0, epochs.get()));
    }
}
