package org.drbdj.state;

import java.util.Objects;

/**
 * Immutable snapshot of one volume towards one peer (DRBD 9's {@code peer_device}): replication
 * state, the peer's disk, resync pause reasons, counters and resync progress. Part of {@link PeerState}.
 *
 * @param volume           volume number
 * @param replication      replication state
 * @param peerDisk         the peer's disk state as last reported (DUnknown when not connected)
 * @param peerClient       the peer is intentionally diskless ({@code peer-client:})
 * @param resyncSuspended  why a resync is paused
 * @param peerUpToDateStable the peer's UpToDate data is stable (DRBD's {@code UUID_FLAG_STABLE}: the peer
 *                         is not a Secondary behind a Primary that may still write); used for {@code may_promote}
 * @param stats            counters snapshot
 * @param resync           progress while in a resync/verify state, else {@code null}
 */
public record PeerDeviceState(int volume, ReplicationState replication, DiskState peerDisk, boolean peerClient,
                              ResyncSuspension resyncSuspended, boolean peerUpToDateStable,
                              PeerDeviceStats stats, ResyncProgress resync) {
    public PeerDeviceState {
        if (volume < 0 || volume > DeviceState.MAX_VOLUME) {
            throw new IllegalArgumentException("volume " + volume + " out of range 0.." + DeviceState.MAX_VOLUME);
        }
        Objects.requireNonNull(replication, "replication");
        Objects.requireNonNull(peerDisk, "peerDisk");
        Objects.requireNonNull(resyncSuspended, "resyncSuspended");
        Objects.requireNonNull(stats, "stats");
    }

    /** A peer device of a new connection: Off, DUnknown. */
    public static PeerDeviceState created(int volume) {
        return new PeerDeviceState(volume, ReplicationState.OFF, DiskState.DUNKNOWN, false, ResyncSuspension.NONE,
                true, PeerDeviceStats.ZERO, null);
    }

    /** Returns a copy with another replication state. */
    public PeerDeviceState withReplication(ReplicationState value) {
        return new PeerDeviceState(volume, value, peerDisk, peerClient, resyncSuspended, peerUpToDateStable, stats, resync);
    }

    /** Returns a copy with another peer disk state. */
    public PeerDeviceState withPeerDisk(DiskState value) {
        return new PeerDeviceState(volume, replication, value, peerClient, resyncSuspended, peerUpToDateStable, stats, resync);
    }

    /** Returns a copy with another peer-client flag. */
    public PeerDeviceState withPeerClient(boolean value) {
        return new PeerDeviceState(volume, replication, peerDisk, value, resyncSuspended, peerUpToDateStable, stats, resync);
    }

    /** Returns a copy with other resync pause reasons. */
    public PeerDeviceState withResyncSuspended(ResyncSuspension value) {
        return new PeerDeviceState(volume, replication, peerDisk, peerClient, value, peerUpToDateStable, stats, resync);
    }

    /** Returns a copy with another stable flag. */
    public PeerDeviceState withPeerUpToDateStable(boolean value) {
        return new PeerDeviceState(volume, replication, peerDisk, peerClient, resyncSuspended, value, stats, resync);
    }

    /** Returns a copy with other counters. */
    public PeerDeviceState withStats(PeerDeviceStats value) {
        return new PeerDeviceState(volume, replication, peerDisk, peerClient, resyncSuspended, peerUpToDateStable, value, resync);
    }

    /** Returns a copy with other resync progress ({@code null} for none). */
    public PeerDeviceState withResync(ResyncProgress value) {
        return new PeerDeviceState(volume, replication, peerDisk, peerClient, resyncSuspended, peerUpToDateStable, stats, value);
    }
}
