package org.drbdj.cli;

import java.util.ArrayList;
import java.util.List;
import org.drbdj.config.ResourceConfig;
import org.drbdj.config.VolumeConfig;
import org.drbdj.control.ControlRequest;
import org.drbdj.control.RunningResource;

/**
 * Builds drbdd requests from the resolved configuration, in the order drbdadm gives drbdsetup-84
 * calls for {@code up}: {@code new-resource RES}, {@code new-minor RES MINOR VOL}, {@code attach
 * MINOR LOWER META IDX --disk-options}, {@code connect RES LOCAL PEER --net-options}. Option
 * values are passed as written (units included), as drbdadm does; drbdd checks them against the
 * same option tables.
 */
final class ConfigRequestPlanner {
    private ConfigRequestPlanner() {
    }

    static List<ControlRequest> up(ConfigOptions.Selection s) {
        List<ControlRequest> plan = new ArrayList<>();
        ResourceConfig r = s.resource();
        // Handlers travel with the resource: drbdd runs them itself, as the kernel's usermode helper would.
        plan.add(Requests.newResource(DesiredState.of(r)));
        for (VolumeConfig v : volumes(s)) {
            plan.add(Requests.newMinor(r.name(), new RunningResource.Volume(v.number(), v.minor(), DesiredState.disk(v))));
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
            DesiredState.disk(v).ifPresent(d -> plan.add(Requests.attach(v.minor(), d)));
        }
        return plan;
    }

    static List<ControlRequest> connect(ConfigOptions.Selection s) {
        List<ControlRequest> plan = new ArrayList<>();
        for (RunningResource.Connection c : DesiredState.connections(s.resource())) {
            plan.add(Requests.connect(s.resource().name(), c));
        }
        return plan;
    }

    private static List<VolumeConfig> volumes(ConfigOptions.Selection s) {
        return s.volume().map(List::of).orElse(s.resource().volumes());
    }
}
