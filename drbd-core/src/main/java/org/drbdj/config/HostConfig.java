package org.drbdj.config;

import java.util.List;
import java.util.Optional;

/**
 * One host of a resource: an {@code on NAME [NAME..] { }} or {@code floating ADDR { }} section.
 *
 * @param names           the host names of an {@code on} section (empty for floating)
 * @param floating        true for a {@code floating} section (chosen by local IP, not by name)
 * @param stackedOnTopOf  for a {@code stacked-on-top-of LOWER} section: the lower resource (its
 *                        names are then the lower resource's host names)
 * @param address         the host's replication address, if given
 * @param nodeId          DRBD node id (declared, or derived as drbd-utils derives it for two-node configs)
 * @param nodeIdDeclared  true when {@code node-id} was written
 * @param volumes         the host's volumes, resource-level settings inherited, sorted by number
 * @param declaredResourceOptions {@code options { }} written inside the host section
 * @param file            the file the section is in (as drbdadm shows it)
 * @param line            its line
 * @param thisHost        true when this is the section selected for this node
 */
public record HostConfig(List<String> names, boolean floating, Optional<String> stackedOnTopOf,
        Optional<Address> address, int nodeId,
        boolean nodeIdDeclared, List<VolumeConfig> volumes, OptionSet declaredResourceOptions, String file,
        int line, boolean thisHost) {

    /** Canonical constructor: copies the lists. */
    public HostConfig {
        names = List.copyOf(names);
        volumes = List.copyOf(volumes);
    }

    /**
     * The name drbdadm uses for this host in connections: the first {@code on} name, or for a
     * floating section {@code ADDR:PORT}.
     */
    public String name() {
        if (stackedOnTopOf.isPresent()) {
            return String.join("_", names);
        }
        if (!floating) {
            return names.get(0);
        }
        Address a = address.orElseThrow();
        return a.isIpv6() ? "ipv6 [" + a.host() + "]:" + a.port() : a.host() + ":" + a.port();
    }

    /** The volume with number {@code vnr}, if this host has it. */
    public Optional<VolumeConfig> volume(int vnr) {
        for (VolumeConfig v : volumes) {
            if (v.number() == vnr) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }
}
