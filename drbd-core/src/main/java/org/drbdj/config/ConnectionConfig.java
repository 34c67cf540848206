package org.drbdj.config;

import java.util.List;
import java.util.Optional;

/**
 * A connection between two hosts of a resource: written ({@code connection { }}), derived from a
 * {@code connection-mesh}, or the implicit one of a two-host resource.
 *
 * @param implicit          not written as a {@code connection} section
 * @param fromMesh          derived from a {@code connection-mesh}
 * @param hosts             the two host names it connects
 * @param paths             its paths (at least one)
 * @param declaredNet       {@code net { }} written in the connection
 * @param net               effective net options (connection, mesh, resource, common)
 * @param declaredPeerDevice {@code disk { }} written in the connection (peer-device options)
 * @param peerDevices       per-volume settings, one per volume of the resource
 * @param involvesThisHost  one end is this node
 * @param peer              the other end when this node is one end
 * @param line              where it was written (the resource line for implicit ones)
 */
public record ConnectionConfig(boolean implicit, boolean fromMesh, List<String> hosts, List<PathConfig> paths,
        OptionSet declaredNet, OptionSet net, OptionSet declaredPeerDevice, List<PeerDeviceConfig> peerDevices,
        boolean involvesThisHost, Optional<HostConfig> peer, int line) {
    /** Canonical constructor: copies the lists. */
    public ConnectionConfig {
        hosts = List.copyOf(hosts);
        paths = List.copyOf(paths);
        peerDevices = List.copyOf(peerDevices);
    }
}
