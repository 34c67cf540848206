package org.drbdj.config;

import java.util.List;

/**
 * A {@code connection-mesh { hosts A B C; net { } }} section: a full mesh of connections.
 *
 * @param hosts the host names
 * @param net   net options given to every connection of the mesh
 */
public record MeshConfig(List<String> hosts, OptionSet net) {
    /** Canonical constructor: copies the list. */
    public MeshConfig {
        hosts = List.copyOf(hosts);
    }
}
