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
import org.drbdj.control.ControlRequest;

/**
 * Builds drbdd requests from the resolved configuration, in the shape drbdadm gives drbdsetup-84
 * calls: {@code new-resource RES}, {@code new-minor RES MINOR VOL}, {@code attach MINOR LOWER META
 * IDX --disk-options}, {@code connect RES LOCAL PEER --net-options}. Option values are passed as
 * written (units included), as drbdadm does; the daemon validates them with the same schema.
 */
final class ConfigRequestPlanner {
    private ConfigRequestPlanner() {
    }

    static List<ControlRequest> up(ConfigOptions.Selection s) {
        List<ControlRequest> plan = new ArrayList<>();
        ResourceConfig r = s.resource();
        // Handlers travel with the resource: drbdd runs them itself, as the kernel's usermode helper would.
        Map<String, String> resourceOptions = options(r.options().resource());
        for (OptionValue h : r.options().handlers().values()) {
            resourceOptions.put("handler." + h.name(), h.text());
        }
        plan.add(new ControlRequest("new-resource", List.of(r.name()), resourceOptions));
        for (VolumeConfig v : volumes(s)) {
            plan.add(ControlRequest.of("new-minor", r.name(), Integer.toString(v.minor()), Integer.toString(v.number())));
        }
        plan.addAll(attach(s));
        if (s.volume().isEmpty()) {
            plan.addAll(connect(s));
        }
        return plan;
    }

    static List<ControlRequest> attach(ConfigOptions.Selection s) {
        List<ControlRequest> plan = new ArrayList<>();
        for (VolumeConfig v : volumes(s)) {
            if (v.isDiskless() || v.backingDisk().isEmpty()) {
                continue;
            }
            String lower = v.backingDisk().get();
            MetaDisk md = v.metaDisk().orElse(MetaDisk.INTERNAL);
            List<String> args = new ArrayList<>(List.of(Integer.toString(v.minor()), lower));
            switch (md.kind()) {
                case INTERNAL -> args.addAll(List.of(lower, "internal"));
                case FLEXIBLE -> args.addAll(List.of(md.device(), "flexible"));
                default -> args.addAll(List.of(md.device(), Integer.toString(md.index())));
            }
            Map<String, String> o = options(v.diskOptions());
            o.putAll(options(v.peerDeviceOptions()));
            plan.add(new ControlRequest("attach", args, o));
        }
        return plan;
    }

    static List<ControlRequest> connect(ConfigOptions.Selection s) {
        List<ControlRequest> plan = new ArrayList<>();
        ResourceConfig r = s.resource();
        for (ConnectionConfig c : r.connectionsOfThisHost()) {
            Optional<Endpoint[]> ends = endpoints(c, r);
            if (ends.isEmpty()) {
                continue;
            }
            Map<String, String> o = options(c.net());
            c.peer().ifPresent(p -> o.put("_name", p.name()));
            plan.add(new ControlRequest("connect", List.of(r.name(), address(ends.get()[0].address()),
                    address(ends.get()[1].address())), o));
        }
        return plan;
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

    private static List<VolumeConfig> volumes(ConfigOptions.Selection s) {
        return s.volume().map(List::of).orElse(s.resource().volumes());
    }

    private static Map<String, String> options(OptionSet set) {
        Map<String, String> m = new LinkedHashMap<>();
        for (OptionValue v : set.values()) {
            m.put(v.name(), v.text());
        }
        return m;
    }
}
