package org.drbdj.state;

/**
 * Immutable snapshot of the counters of one volume towards one peer (see {@link PeerDeviceCounters}).
 *
 * @param receivedSectors  data received from the peer ({@code nr:}, {@code received:} in KiB = sectors/2)
 * @param sentSectors      data sent to the peer ({@code ns:}, {@code sent:})
 * @param outOfSyncSectors known out-of-sync data towards this peer, from the bitmap ({@code oos:}, {@code out-of-sync:})
 * @param pending          requests sent to the peer and not yet answered, application plus resync ({@code pe:}, {@code pending:})
 * @param unacked          requests received from the peer and not yet acknowledged ({@code ua:}, {@code unacked:})
 */
public record PeerDeviceStats(long receivedSectors, long sentSectors, long outOfSyncSectors, int pending, int unacked) {
    /** All zero. */
    public static final PeerDeviceStats ZERO = new PeerDeviceStats(0, 0, 0, 0, 0);

    public PeerDeviceStats {
        DeviceStats.requireNonNegative("receivedSectors", receivedSectors);
        DeviceStats.requireNonNegative("sentSectors", sentSectors);
        DeviceStats.requireNonNegative("outOfSyncSectors", outOfSyncSectors);
        DeviceStats.requireNonNegative("pending", pending);
        DeviceStats.requireNonNegative("unacked", unacked);
    }

    /** Returns a copy with another out-of-sync amount. */
    public PeerDeviceStats withOutOfSyncSectors(long sectors) {
        return new PeerDeviceStats(receivedSectors, sentSectors, sectors, pending, unacked);
    }
}
