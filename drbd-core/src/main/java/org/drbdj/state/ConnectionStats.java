package org.drbdj.state;

/**
 * Immutable snapshot of one connection's counters (see {@link ConnectionCounters}).
 *
 * @param congested         the send path is congested ({@code congested:}; protocol A pull-ahead)
 * @param apInFlightSectors application data in flight to the peer, in sectors, printed raw as DRBD does ({@code ap-in-flight:})
 * @param rsInFlightSectors resync data in flight, in sectors ({@code rs-in-flight:})
 * @param epochs            write epochs not yet acknowledged by {@code P_BARRIER_ACK} ({@code /proc/drbd} {@code ep:})
 */
public record ConnectionStats(boolean congested, long apInFlightSectors, long rsInFlightSectors, int epochs) {
    /** Nothing in flight; one open epoch, as DRBD shows for an idle connected device ({@code ep:1}). */
    public static final ConnectionStats IDLE = new ConnectionStats(false, 0, 0, 1);

    public ConnectionStats {
        DeviceStats.requireNonNegative("apInFlightSectors", apInFlightSectors);
        DeviceStats.requireNonNegative("rsInFlightSectors", rsInFlightSectors);
        DeviceStats.requireNonNegative("epochs", epochs);
    }
}
