package org.drbdj.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.drbdj.config.Address;
import org.drbdj.config.ConnectionConfig;
import org.drbdj.config.Endpoint;
import org.drbdj.config.MetaDisk;
import org.drbdj.config.OptionSet;
import org.drbdj.config.OptionValue;
import org.drbdj.config.PathConfig;
import org.drbdj.config.ResourceConfig;
import org.drbdj.config.VolumeConfig;
import org.drbdj.control.RunningResource;

/**
 * What drbdd should hold for a resource according to the configuration of this node, in the
 * shape drbdd reports what it holds ({@link RunningResource}): the settings {@code up} sends, and
 * the side of the comparison {@code adjust} takes from the configuration file. Option values are
 * kept as written (units included), as drbdadm passes them to drbdsetup.
 */
final class DesiredState {
    private DesiredState() {
    }

    /** The whole resource as configured for this node; drbdd (DRBD 8.4) holds its first connection. */
    static RunningResource of(ResourceConfig r) {
        Map<String, String> handlers = new LinkedHashMap<>();
        for (OptionValue h : r.options().handlers().values()) {
            handlers.put(h.name(), h.text());
        }
        List<RunningResource.Volume> volumes = new ArrayList<>();
        for (VolumeConfig v : r.volumes()) {
            volumes.add(new RunningResource.Volume(v.number(), v.minor(), disk(v)));
        }
        return new RunningResource(r.name(), options(r.options().resource()), handlers, volumes,
                connections(r).stream().findFirst());
    }

    /** The attach settings of a volume; empty when it is diskless on this node. */
    static Optional<RunningResource.Disk> disk(VolumeConfig v) {
        if (v.isDiskless() || v.backingDisk().isEmpty()) {
            return Optional.empty();
        }
        String lower = v.backingDisk().get();
        MetaDisk md = v.metaDisk().orElse(MetaDisk.INTERNAL);
        Map<String, String> o = options(v.diskOptions());
        o.putAll(options(v.peerDeviceOptions()));
        return Optional.of(switch (md.kind()) {
            case INTERNAL -> new RunningResource.Disk(lower, lower, "internal", o);
            case FLEXIBLE -> new RunningResource.Disk(lower, md.device(), "flexible", o);
            default -> new RunningResource.Disk(lower, md.device(), Integer.toString(md.index()), o);
        });
    }

    /** This node's connections that have a path with both endpoints, in configuration order. */
    static List<RunningResource.Connection> connections(ResourceConfig r) {
        List<RunningResource.Connection> out = new ArrayList<>();
        for (ConnectionConfig c : r.connectionsOfThisHost()) {
            Optional<Endpoint[]> ends = endpoints(c, r);
            if (ends.isEmpty()) {
                continue;
            }
            Map<String, String> o = options(c.net());
            c.peer().ifPresent(p -> o.put("_name", p.name()));
            out.add(new RunningResource.Connection(address(ends.get()[0].address()), address(ends.get()[1].address()), o));
        }
        return out;
    }

    /** The local and the peer endpoint of the connection's first path. */
    private static Optional<Endpoint[]> endpoints(ConnectionConfig c, ResourceConfig r) {
        for (PathConfig p : c.paths()) {
            Endpoint local = null;
            Endpoint peer = null;
            for (Endpoint e : p.endpoints()) {
                boolean mine = r.thisHost().map(h -> h.names().contains(e.hostName())).orElse(false);
                if (mine) {
                    local = e;
                } else {
                    peer = e;
                }
            }
            if (local != null && peer != null) {
                return Optional.of(new Endpoint[] {local, peer});
            }
        }
        return Optional.empty();
    }

    private static String address(Address a) {
        return a.family() + ":" + (a.isIpv6() ? "[" + a.host() + "]" : a.host()) + ":" + a.port();
    }

    private static Map<String, String> options(OptionSet set) {
        Map<String, String> m = new LinkedHashMap<>();
        for (OptionValue v : set.values()) {
            m.put(v.name(), v.text());
        }
        return m;
    }
}
