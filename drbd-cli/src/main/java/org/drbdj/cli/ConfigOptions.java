package org.drbdj.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.drbdj.config.ConfigException;
import org.drbdj.config.ConfigLoader;
import org.drbdj.config.DrbdConfig;
import org.drbdj.config.NodeName;
import org.drbdj.config.ResourceConfig;
import org.drbdj.config.VolumeConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The configuration options every drbdadm command shares ({@code -c/--config-file}, {@code
 * --node-name}), the loading of the configuration (once per process, cached) and the selection
 * of resources from command arguments.
 *
 * <p>Used as a picocli mixin both on {@link Drbdadm} (options before the command: {@code drbdadm
 * -c FILE dump}) and on each subcommand (options after it: {@code drbdadm dump -c FILE}); a
 * subcommand's own value wins, else the one given before the command.
 */
public final class ConfigOptions {
    /** drbd-utils' search order for the configuration file when {@code -c} is not given. */
    public static final List<String> DEFAULT_CONFIG_FILES = List.of(
            "/etc/drbd-90.conf", "/etc/drbd-84.conf", "/etc/drbd-83.conf", "/etc/drbd-82.conf",
            "/etc/drbd-08.conf", "/etc/drbd.conf");

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = {"-c", "--config-file"}, paramLabel = "FILE",
            description = "Configuration file (default: the first of /etc/drbd-90.conf, /etc/drbd-84.conf, "
                    + "/etc/drbd-83.conf, /etc/drbd-82.conf, /etc/drbd-08.conf, /etc/drbd.conf).")
    String configFile;

    @Option(names = "--node-name", paramLabel = "NAME",
            description = "Act as node NAME (default: $DRBD_NODE_NAME, $__DRBD_NODE__, else uname -n).")
    String nodeName;

    private DrbdConfig cached;
    private Map<String, String> env = System.getenv();

    /** Replaces the environment used for node-name lookup (tests). */
    void environment(Map<String, String> environment) {
        this.env = environment;
    }

    private ConfigOptions parent() {
        if (mixee == null) {
            return null;
        }
        for (CommandSpec s = mixee.parent(); s != null; s = s.parent()) {
            for (CommandSpec m : s.mixins().values()) {
                if (m.userObject() instanceof ConfigOptions c && c != this) {
                    return c;
                }
            }
        }
        return null;
    }

    /** The {@code -c} value given for this command or before it, if any. */
    public Optional<String> explicitConfigFile() {
        if (configFile != null) {
            return Optional.of(configFile);
        }
        ConfigOptions p = parent();
        return p == null ? Optional.empty() : p.explicitConfigFile();
    }

    /** This node's name: {@code --node-name}, else the environment, else {@code uname -n}. */
    public String nodeName() {
        if (nodeName != null) {
            return nodeName;
        }
        ConfigOptions p = parent();
        if (p != null && p.nodeName != null) {
            return p.nodeName;
        }
        return NodeName.resolve(null, env);
    }

    /**
     * The configuration file to read: {@code -c}, else the first existing file of {@link
     * #DEFAULT_CONFIG_FILES}.
     *
     * @throws ConfigException (exit 10) when none exists, worded as drbdadm's "Can not open"
     */
    public String configFileName() throws ConfigException {
        Optional<String> explicit = explicitConfigFile();
        if (explicit.isPresent()) {
            return explicit.get();
        }
        for (String f : DEFAULT_CONFIG_FILES) {
            if (Files.isReadable(Path.of(f))) {
                return f;
            }
        }
        String last = DEFAULT_CONFIG_FILES.get(DEFAULT_CONFIG_FILES.size() - 1);
        throw new ConfigException(null, 0, "Can not open '" + last + "': No such file or directory");
    }

    /** Loads, validates and resolves the configuration for this node; cached after the first call. */
    public DrbdConfig config() throws ConfigException {
        ConfigOptions p = parent();
        if (configFile == null && nodeName == null && p != null) {
            return p.config();
        }
        if (cached == null) {
            String file = configFileName();
            cached = ConfigLoader.load(Path.of(file), file, nodeName());
        }
        return cached;
    }

    /**
     * One selected resource, and the volume when the argument named one ({@code RES/VOL} or
     * {@code minor-N}).
     *
     * @param resource the resource
     * @param volume   the volume of this host, when one was named
     */
    public record Selection(ResourceConfig resource, Optional<VolumeConfig> volume) {
    }

    /**
     * Turns command arguments into resources and volumes, as drbdadm does: {@code all} (or no
     * argument when {@code emptyMeansAll}) selects every resource of this host; {@code RES},
     * {@code RES/VOL} and {@code minor-N} select one. An unknown name, or a resource this host has
     * no section for, fails with drbdadm's message and exit code 1.
     */
    public List<Selection> select(List<String> args, boolean emptyMeansAll) throws ConfigException {
        DrbdConfig cfg = config();
        List<Selection> out = new ArrayList<>();
        if ((args.isEmpty() && emptyMeansAll) || args.contains("all")) {
            for (ResourceConfig r : cfg.resourcesOfThisHost()) {
                out.add(new Selection(r, Optional.empty()));
            }
            return out;
        }
        for (String a : args) {
            out.add(selectOne(cfg, a));
        }
        return out;
    }

    private static ConfigException notDefined(String arg) {
        return new ConfigException(null, 0, "'" + arg + "' not defined in your config (for this host).",
                ConfigException.E_USAGE);
    }

    private static Selection selectOne(DrbdConfig cfg, String arg) throws ConfigException {
        if (arg.startsWith("minor-")) {
            int minor;
            try {
                minor = Integer.parseInt(arg.substring(6));
            } catch (NumberFormatException e) {
                throw notDefined(arg);
            }
            for (ResourceConfig r : cfg.resourcesOfThisHost()) {
                for (VolumeConfig v : r.volumes()) {
                    if (v.minor() == minor) {
                        return new Selection(r, Optional.of(v));
                    }
                }
            }
            throw notDefined(arg);
        }
        int slash = arg.indexOf('/');
        String name = slash >= 0 ? arg.substring(0, slash) : arg;
        ResourceConfig r = cfg.resource(name).filter(x -> !x.ignored()).orElseThrow(() -> notDefined(arg));
        if (slash < 0) {
            return new Selection(r, Optional.empty());
        }
        int vnr;
        try {
            vnr = Integer.parseInt(arg.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw notDefined(arg);
        }
        return new Selection(r, Optional.of(r.volume(vnr).orElseThrow(() -> new ConfigException(null, 0,
                "Resource '" + name + "' has no volume " + vnr, ConfigException.E_USAGE))));
    }

    /** True when the node name was given ({@code --node-name} or the environment), not taken from uname. */
    public boolean nodeNameGiven() {
        if (nodeName != null) {
            return true;
        }
        ConfigOptions p = parent();
        if (p != null && p.nodeName != null) {
            return true;
        }
        return !NodeName.resolve(null, env).equals(NodeName.uname());
    }

    /**
     * drbdadm's verify_ips: this host's address of each resource must be on one of its
     * interfaces. Skipped with {@code global { disable-ip-verification; }} and when the node name
     * was given explicitly (acting as another node, for tests and dry runs).
     *
     * @throws ConfigException (exit 10) naming the resource's file, as drbdadm
     */
    public void verifyLocalAddresses(List<ResourceConfig> resources) throws ConfigException {
        DrbdConfig cfg = config();
        if (cfg.global().disableIpVerification() || nodeNameGiven()) {
            return;
        }
        java.util.function.Predicate<String> local = org.drbdj.config.Addresses.localInterfaces();
        for (ResourceConfig r : resources) {
            if (r.ignored() || r.thisHost().isEmpty()) {
                continue;
            }
            org.drbdj.config.HostConfig me = r.thisHost().get();
            if (r.stacked() || me.floating() || me.address().isEmpty()) {
                continue;
            }
            if (!local.test(me.address().get().host())) {
                throw new ConfigException(r.file(), 0, "in resource " + r.name() + ", on "
                        + String.join(" ", me.names()) + ":\n\tIP " + me.address().get().host()
                        + " not found on this host.");
            }
        }
    }

    /**
     * Prints a configuration error the drbdadm way ({@code drbdadm: FILE:LINE: message}) and
     * returns its exit code.
     */
    public static int report(ConfigException e, PrintWriter err) {
        err.println("drbdadm: " + e.getMessage());
        err.flush();
        return e.exitCode();
    }

    /** Prints the configuration's warnings (deprecated forms ...) to {@code err}. */
    public static void warn(DrbdConfig cfg, PrintWriter err) {
        for (String w : cfg.warnings()) {
            err.println(w);
        }
        err.flush();
    }
}
