package org.drbdj.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.drbdj.control.ControlRequest;
import org.drbdj.control.Json;
import org.drbdj.control.RunningResource;
import org.drbdj.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * The drbdadm commands that act on running resources. Each turns its arguments into control
 * requests for drbdd (as drbdadm turns them into drbdsetup calls) and either sends them or, with
 * {@code -d}, prints them.
 */
final class DaemonCommands {
    private DaemonCommands() {
    }

    /** Shared shape: {@code drbdadm CMD [options] {all|RES|RES/VOL}...}. */
    abstract static class ResourceCommand implements Callable<Integer> {
        @ParentCommand
        Drbdadm root;

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions config;

        @Parameters(arity = "1..*", paramLabel = "RESOURCE",
                description = "A resource name, RES/VOLUME for one volume, minor-N, or 'all'.")
        List<String> resources;

        /** The options this command passes to the daemon (drbdsetup's names). */
        Map<String, String> options() {
            return Map.of();
        }

        /** The requests for one selected resource (or RES/VOL). */
        List<ControlRequest> plan(ConfigOptions.Selection target) {
            return List.of(new ControlRequest(spec.name(), List.of(name(target)), options()));
        }

        @Override
        public Integer call() {
            List<ControlRequest> plan = new ArrayList<>();
            try {
                for (ConfigOptions.Selection target : config.select(resources, false)) {
                    plan.addAll(plan(target));
                }
            } catch (ConfigException e) {
                return ConfigOptions.report(e, err());
            }
            return DaemonCall.execute(plan, root.dryRun, out(), err());
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        PrintWriter err() {
            return spec.commandLine().getErr();
        }
    }

    /** {@code RES} or {@code RES/VOL}: how a request names its target. */
    static String name(ConfigOptions.Selection s) {
        return s.resource().name() + s.volume().map(v -> "/" + v.number()).orElse("");
    }

    /** Adds {@code name=value} to {@code map} when the flag is set. */
    static Map<String, String> flag(Map<String, String> map, boolean set, String name) {
        if (set) {
            map.put(name, "yes");
        }
        return map;
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = "Bring a resource up: create it in drbdd, attach its disks, connect to its peers.")
    static final class Up extends ResourceCommand {
        @Override
        List<ControlRequest> plan(ConfigOptions.Selection target) {
            return ConfigRequestPlanner.up(target);
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true,
            description = "Take a resource down: demote, disconnect, detach and remove it from drbdd.")
    static final class Down extends ResourceCommand {
    }

    @Command(name = "attach", mixinStandardHelpOptions = true,
            description = "Attach the backing disk(s) of a resource (or RES/VOL) with their disk options.")
    static final class Attach extends ResourceCommand {
        @Override
        List<ControlRequest> plan(ConfigOptions.Selection target) {
            return ConfigRequestPlanner.attach(target);
        }
    }

    @Command(name = "detach", mixinStandardHelpOptions = true,
            description = "Detach the backing disk(s); the device goes Diskless and serves I/O through the peer.")
    static final class Detach extends ResourceCommand {
        @Option(names = "--force", description = "Detach immediately, failing pending I/O.")
        boolean force;

        @Override
        Map<String, String> options() {
            return flag(new LinkedHashMap<>(), force, "force");
        }
    }

    @Command(name = "connect", mixinStandardHelpOptions = true,
            description = "Connect a resource to its peer with its network options.")
    static final class Connect extends ResourceCommand {
        @Option(names = "--discard-my-data", description = "Resolve a split brain by becoming sync target.")
        boolean discardMyData;

        @Override
        List<ControlRequest> plan(ConfigOptions.Selection target) {
            List<ControlRequest> p = ConfigRequestPlanner.connect(target);
            if (discardMyData) {
                p = p.stream().map(r -> r.withOption("discard-my-data", "yes")).toList();
            }
            return p;
        }
    }

    @Command(name = "disconnect", mixinStandardHelpOptions = true,
            description = "Disconnect from the peer; the resource goes StandAlone.")
    static final class Disconnect extends ResourceCommand {
        @Option(names = "--force", description = "Disconnect without a graceful state exchange.")
        boolean force;

        @Override
        Map<String, String> options() {
            return flag(new LinkedHashMap<>(), force, "force");
        }
    }

    @Command(name = "primary", mixinStandardHelpOptions = true,
            description = "Promote the resource to Primary. Refused when another node is Primary (single-primary)"
                    + " or when this node has no UpToDate data, unless --force.")
    static final class Primary extends ResourceCommand {
        @Option(names = {"--force", "--overwrite-data-of-peer"},
                description = "Promote even without UpToDate data; this node's data wins the initial sync.")
        boolean force;

        @Override
        Map<String, String> options() {
            return flag(new LinkedHashMap<>(), force, "overwrite-data-of-peer");
        }
    }

    @Command(name = "secondary", mixinStandardHelpOptions = true,
            description = "Demote the resource to Secondary (refused while the device is in use).")
    static final class Secondary extends ResourceCommand {
    }

    @Command(name = "role", mixinStandardHelpOptions = true, description = "Print the roles: local/peer.")
    static final class Role extends ResourceCommand {
    }

    @Command(name = "cstate", mixinStandardHelpOptions = true, description = "Print the connection state.")
    static final class CState extends ResourceCommand {
    }

    @Command(name = "dstate", mixinStandardHelpOptions = true, description = "Print the disk states: local/peer.")
    static final class DState extends ResourceCommand {
    }

    @Command(name = "adjust", mixinStandardHelpOptions = true,
            description = "Make the running resource match the configuration: apply only the difference"
                    + " (a resource that is not up is brought up).")
    static final class Adjust extends ResourceCommand {
        @Override
        public Integer call() {
            List<ConfigOptions.Selection> targets;
            try {
                targets = config.select(resources, false);
            } catch (ConfigException e) {
                return ConfigOptions.report(e, err());
            }
            Map<String, RunningResource> running = new LinkedHashMap<>();
            try {
                for (String line : DaemonCall.query(new ControlRequest("show", List.of("all"), Map.of("json", "yes")))) {
                    RunningResource r = RunningResource.fromJson(Json.parse(line));
                    running.put(r.name(), r);
                }
            } catch (IOException | IllegalArgumentException e) {
                err().println("drbdadm: adjust: reading the running configuration: " + e.getMessage());
                err().flush();
                return Drbdadm.EXIT_EXEC_ERROR;
            }
            List<ControlRequest> plan = new ArrayList<>();
            for (ConfigOptions.Selection target : targets) {
                RunningResource now = running.get(target.resource().name());
                plan.addAll(now == null ? ConfigRequestPlanner.up(target)
                        : AdjustPlanner.plan(DesiredState.of(target.resource()), now,
                                target.volume().map(v -> v.number())));
            }
            return DaemonCall.execute(plan, root.dryRun, out(), err());
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Start online verify with the resource's verify-alg; differences are marked out of sync.")
    static final class Verify extends ResourceCommand {
        @Option(names = "--start", paramLabel = "SECTOR", description = "Start position in 512-byte sectors.")
        Long startSector;

        @Option(names = "--stop", paramLabel = "SECTOR", description = "Stop position in 512-byte sectors.")
        Long stopSector;

        @Override
        Map<String, String> options() {
            Map<String, String> m = new LinkedHashMap<>();
            if (startSector != null) {
                m.put("start", Long.toString(startSector));
            }
            if (stopSector != null) {
                m.put("stop", Long.toString(stopSector));
            }
            return m;
        }
    }

    @Command(name = "pause-sync", mixinStandardHelpOptions = true, description = "Pause a running resync (user pause).")
    static final class PauseSync extends ResourceCommand {
    }

    @Command(name = "resume-sync", mixinStandardHelpOptions = true, description = "Resume a resync paused by pause-sync.")
    static final class ResumeSync extends ResourceCommand {
    }

    @Command(name = "invalidate", mixinStandardHelpOptions = true,
            description = "Mark the local data out of sync and resync it from the peer.")
    static class Invalidate extends ResourceCommand {
        @Option(names = "--reset-bitmap", arity = "1", paramLabel = "yes|no", defaultValue = "yes",
                description = "no: resync only blocks already marked (e.g. by verify).")
        String resetBitmap;

        @Override
        Map<String, String> options() {
            return "no".equals(resetBitmap) ? Map.of("reset-bitmap", "no") : Map.of();
        }
    }

    @Command(name = "invalidate-remote", mixinStandardHelpOptions = true,
            description = "Mark the peer's data out of sync and resync it from this node.")
    static final class InvalidateRemote extends Invalidate {
    }

    @Command(name = "outdate", mixinStandardHelpOptions = true, description = "Mark the local data Outdated.")
    static final class Outdate extends ResourceCommand {
    }

    @Command(name = "wait-connect", mixinStandardHelpOptions = true,
            description = "Wait until the resource is connected (bounded by the startup wfc-timeout).")
    static final class WaitConnect extends ResourceCommand {
        @Option(names = "--wfc-timeout", paramLabel = "SECONDS", description = "0 waits forever.")
        Integer wfcTimeoutSeconds;

        @Override
        Map<String, String> options() {
            return wfcTimeoutSeconds == null ? Map.of() : Map.of("wfc-timeout", Integer.toString(wfcTimeoutSeconds));
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show resource state in DRBD 9's status format.")
    static final class Status implements Callable<Integer> {
        @ParentCommand
        Drbdadm root;

        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..*", paramLabel = "RESOURCE", description = "Resources (default: all).")
        List<String> resources = new ArrayList<>();

        @Option(names = {"-v", "--verbose"}, description = "Show every field.")
        boolean verbose;

        @Option(names = {"-s", "--statistics"}, description = "Add I/O statistics.")
        boolean statistics;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            Map<String, String> o = new LinkedHashMap<>();
            flag(o, verbose, "verbose");
            flag(o, statistics, "statistics");
            flag(o, json, "json");
            List<String> t = resources.isEmpty() ? List.of("all") : resources;
            return DaemonCall.execute(List.of(new ControlRequest("status", t, o)), root.dryRun,
                    spec.commandLine().getOut(), spec.commandLine().getErr());
        }
    }

    @Command(name = "events2", mixinStandardHelpOptions = true,
            description = "Stream state changes as DRBD 9 event lines (exists/create/change/destroy/call/response).")
    static final class Events2 implements Callable<Integer> {
        @ParentCommand
        Drbdadm root;

        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..*", paramLabel = "RESOURCE", description = "Resources (default: all).")
        List<String> resources = new ArrayList<>();

        @Option(names = "--now", description = "Print the current state and exit.")
        boolean now;

        @Option(names = "--timestamps", description = "Prefix each line with an ISO-8601 time.")
        boolean timestamps;

        @Option(names = {"-s", "--statistics"}, description = "Add statistics.")
        boolean statistics;

        @Override
        public Integer call() {
            Map<String, String> o = new LinkedHashMap<>();
            flag(o, now, "now");
            flag(o, timestamps, "timestamps");
            flag(o, statistics, "statistics");
            List<String> t = resources.isEmpty() ? List.of("all") : resources;
            return DaemonCall.stream(new ControlRequest("events2", t, o), root.dryRun,
                    spec.commandLine().getOut(), spec.commandLine().getErr());
        }
    }
}
