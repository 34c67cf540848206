package org.drbdj.cli;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.drbdj.control.ControlRequest;
import org.drbdj.control.RunningResource;

/**
 * The drbdd configuration requests, one builder each, in the shape of drbdsetup-84's calls:
 * {@code new-resource RES}, {@code new-minor RES MINOR VOL}, {@code attach MINOR LOWER META IDX},
 * {@code connect RES LOCAL PEER}, and for {@code adjust} the option changes ({@code
 * resource-options}, {@code disk-options}, {@code net-options}, always with {@code --set-defaults}
 * so that an option removed from the configuration returns to its default) and the removals.
 */
final class Requests {
    /** Option prefix under which handler commands travel with the resource options. */
    static final String HANDLER_PREFIX = "handler.";
    static final String SET_DEFAULTS = "set-defaults";

    private Requests() {
    }

    /** Resource options and handlers, as new-resource and resource-options carry them. */
    private static Map<String, String> resourceSettings(RunningResource r) {
        Map<String, String> o = new TreeMap<>(r.options());
        r.handlers().forEach((name, command) -> o.put(HANDLER_PREFIX + name, command));
        return o;
    }

    private static Map<String, String> withSetDefaults(Map<String, String> options) {
        Map<String, String> o = new TreeMap<>(options);
        o.put(SET_DEFAULTS, "yes");
        return o;
    }

    static ControlRequest newResource(RunningResource r) {
        return new ControlRequest("new-resource", List.of(r.name()), resourceSettings(r));
    }

    static ControlRequest resourceOptions(RunningResource r) {
        return new ControlRequest("resource-options", List.of(r.name()), withSetDefaults(resourceSettings(r)));
    }

    static ControlRequest newMinor(String resource, RunningResource.Volume v) {
        return ControlRequest.of("new-minor", resource, Integer.toString(v.minor()), Integer.toString(v.number()));
    }

    static ControlRequest delMinor(int minor) {
        return ControlRequest.of("del-minor", Integer.toString(minor));
    }

    static ControlRequest attach(int minor, RunningResource.Disk d) {
        return new ControlRequest("attach", List.of(Integer.toString(minor), d.backingDisk(), d.metaDisk(), d.metaIndex()),
                d.options());
    }

    static ControlRequest diskOptions(int minor, RunningResource.Disk d) {
        return new ControlRequest("disk-options", List.of(Integer.toString(minor)), withSetDefaults(d.options()));
    }

    static ControlRequest detach(String resource, int volume) {
        return ControlRequest.of("detach", resource + "/" + volume);
    }

    static ControlRequest connect(String resource, RunningResource.Connection c) {
        return new ControlRequest("connect", List.of(resource, c.localAddress(), c.peerAddress()), c.options());
    }

    static ControlRequest netOptions(String resource, RunningResource.Connection c) {
        return new ControlRequest("net-options", List.of(resource), withSetDefaults(c.options()));
    }

    static ControlRequest disconnect(String resource) {
        return ControlRequest.of("disconnect", resource);
    }
}
