package org.drbdj.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One resource, resolved for this node: the unit {@code drbdadm} commands work on and from which
 * the daemon's requests are built.
 *
 * <p>{@link #thisHost()} is the host section selected for this node (by name, or by local IP for
 * {@code floating}); a resource without one is {@link #ignored()} on this node, as in drbdadm.
 * {@link #volumes()} are this host's volumes; {@link #connections()} all connections with
 * {@link ConnectionConfig#involvesThisHost()} telling which concern this node.
 *
 * @param name             resource name
 * @param file             absolute path of the file defining it
 * @param line             line of its {@code resource} keyword
 * @param ignored          no host section for this node
 * @param stacked          this node's section is a {@code stacked-on-top-of} section
 * @param hosts            all host sections, in file order
 * @param thisHost         the section for this node
 * @param declaredVolumes  volumes written at resource level (device/disk/meta-disk outside {@code on})
 * @param connections      all connections, written and implicit
 * @param meshes           {@code connection-mesh} sections
 * @param declared         options written in the resource itself
 * @param options          effective resource-level options: resource, then common (and the
 *                         host's own {@code options { }} for resource options)
 * @param stackedTimeouts  {@code startup { stacked-timeouts; }}
 */
public record ResourceConfig(String name, String file, int line, boolean ignored, boolean stacked,
        List<HostConfig> hosts,
        Optional<HostConfig> thisHost, List<VolumeConfig> declaredVolumes, List<ConnectionConfig> connections,
        List<MeshConfig> meshes, SectionOptions declared, SectionOptions options, boolean stackedTimeouts) {

    /** Canonical constructor: copies the lists. */
    public ResourceConfig {
        hosts = List.copyOf(hosts);
        declaredVolumes = List.copyOf(declaredVolumes);
        connections = List.copyOf(connections);
        meshes = List.copyOf(meshes);
    }

    /** This node's volumes (empty when ignored). */
    public List<VolumeConfig> volumes() {
        return thisHost.map(HostConfig::volumes).orElse(List.of());
    }

    /** This node's volume {@code vnr}. */
    public Optional<VolumeConfig> volume(int vnr) {
        return thisHost.flatMap(h -> h.volume(vnr));
    }

    /** The connections of this node, in configuration order. */
    public List<ConnectionConfig> connectionsOfThisHost() {
        List<ConnectionConfig> out = new ArrayList<>();
        for (ConnectionConfig c : connections) {
            if (c.involvesThisHost()) {
                out.add(c);
            }
        }
        return out;
    }

    /** The hosts this node connects to. */
    public List<HostConfig> peers() {
        List<HostConfig> out = new ArrayList<>();
        for (ConnectionConfig c : connectionsOfThisHost()) {
            c.peer().ifPresent(out::add);
        }
        return out;
    }
}
