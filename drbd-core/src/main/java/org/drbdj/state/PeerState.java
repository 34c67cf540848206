package org.drbdj.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Immutable snapshot of this node's connection to one peer node (DRBD 9's {@code connection}):
 * connection state, the peer's role, configuration facts, counters, paths and one
 * {@link PeerDeviceState} per volume. Part of {@link ResourceState}.
 *
 * @param peerNodeId      the peer's node id (0..31)
 * @param connectionName  the connection name (usually the peer's host name); may be empty
 * @param connection      connection state
 * @param peerRole        the peer's role (Unknown unless connected)
 * @param protocol        replication protocol, or {@code null} when there is no net configuration
 * @param tls             replication traffic uses TLS
 * @param stats           counters snapshot
 * @param paths           the network paths
 * @param peerDevices     one entry per volume, sorted by volume
 */
public record PeerState(int peerNodeId, String connectionName, ConnectionState connection, Role peerRole,
                        WireProtocol protocol, boolean tls, ConnectionStats stats,
                        List<PathState> paths, List<PeerDeviceState> peerDevices) {
    /** Largest node id (DRBD 9 supports 32 nodes). */
    public static final int MAX_NODE_ID = 31;

    public PeerState {
        if (peerNodeId < 0 || peerNodeId > MAX_NODE_ID) {
            throw new IllegalArgumentException("peer node id " + peerNodeId + " out of range 0.." + MAX_NODE_ID);
        }
        connectionName = connectionName == null ? "" : connectionName;
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(peerRole, "peerRole");
        Objects.requireNonNull(stats, "stats");
        paths = List.copyOf(paths);
        List<PeerDeviceState> sorted = new ArrayList<>(peerDevices);
        sorted.sort((a, b) -> Integer.compare(a.volume(), b.volume()));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).volume() == sorted.get(i - 1).volume()) {
                throw new IllegalArgumentException("duplicate peer device volume " + sorted.get(i).volume()
                        + " on connection to node " + peerNodeId);
            }
        }
        peerDevices = List.copyOf(sorted);
    }

    /** A new, StandAlone connection with the given volumes. */
    public static PeerState created(int peerNodeId, String name, WireProtocol protocol, List<Integer> volumes,
                                    List<PathState> paths) {
        List<PeerDeviceState> pds = new ArrayList<>();
        for (int v : volumes) {
            pds.add(PeerDeviceState.created(v));
        }
        return new PeerState(peerNodeId, name, ConnectionState.STAND_ALONE, Role.UNKNOWN, protocol, false,
                ConnectionStats.IDLE, paths, pds);
    }

    /** The peer device of a volume, or {@code null}. */
    public PeerDeviceState peerDevice(int volume) {
        for (PeerDeviceState pd : peerDevices) {
            if (pd.volume() == volume) {
                return pd;
            }
        }
        return null;
    }

    /** Returns a copy with another connection state. */
    public PeerState withConnection(ConnectionState value) {
        return new PeerState(peerNodeId, connectionName, value, peerRole, protocol, tls, stats, paths, peerDevices);
    }

    /** Returns a copy with another peer role. */
    public PeerState withPeerRole(Role value) {
        return new PeerState(peerNodeId, connectionName, connection, value, protocol, tls, stats, paths, peerDevices);
    }

    /** Returns a copy with another protocol ({@code null}: no net configuration). */
    public PeerState withProtocol(WireProtocol value) {
        return new PeerState(peerNodeId, connectionName, connection, peerRole, value, tls, stats, paths, peerDevices);
    }

    /** Returns a copy with other counters. */
    public PeerState withStats(ConnectionStats value) {
        return new PeerState(peerNodeId, connectionName, connection, peerRole, protocol, tls, value, paths, peerDevices);
    }

    /** Returns a copy with other paths. */
    public PeerState withPaths(List<PathState> value) {
        return new PeerState(peerNodeId, connectionName, connection, peerRole, protocol, tls, stats, value, peerDevices);
    }

    /** Returns a copy with the peer device of the same volume replaced (or added). */
    public PeerState withPeerDevice(PeerDeviceState pd) {
        List<PeerDeviceState> list = new ArrayList<>(peerDevices);
        list.removeIf(p -> p.volume() == pd.volume());
        list.add(pd);
        return new PeerState(peerNodeId, connectionName, connection, peerRole, protocol, tls, stats, paths, list);
    }

    /** Returns a copy without the peer device of a volume. */
    public PeerState withoutPeerDevice(int volume) {
        List<PeerDeviceState> list = new ArrayList<>(peerDevices);
        list.removeIf(p -> p.volume() == volume);
        return new PeerState(peerNodeId, connectionName, connection, peerRole, protocol, tls, stats, paths, list);
    }
}
