package org.drbdj.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code drbdadm}: the administration command. It parses {@code /etc/drbd.conf}, works on
 * meta-data directly (create-md, dump-md, ...), and drives {@code drbdd} over the control socket
 * for everything that changes running state, as drbd-utils' drbdadm drives drbdsetup/drbdmeta.
 *
 * <p>Exit codes follow drbd-utils: 0 ok, 1 usage error, 10 invalid configuration, 20 the command
 * could not be executed (for instance: the daemon is not running).
 */
@Command(name = "drbdadm", mixinStandardHelpOptions = true, versionProvider = Drbdadm.Version.class,
        description = "Administration tool for drbdj (userspace DRBD), compatible with DRBD's drbdadm.",
        footer = {"", "Resources are named as RES, RES/VOLUME or 'all'. drbd-utils' form",
            "'drbdadm -- --overwrite-data-of-peer primary RES' is accepted.",
            "Exit codes: 0 ok; 1 usage error; 2 configuration syntax error; 10 invalid configuration",
            "or failed request; 11 refused state change; 20 drbdd not reachable or command not executable."})
public final class Drbdadm implements Runnable {
    /** drbdadm's E_USAGE. */
    public static final int EXIT_USAGE = 1;
    /** drbdadm's E_SYNTAX: the configuration cannot be parsed. */
    public static final int EXIT_SYNTAX = 2;
    /** drbdadm's E_CONFIG_INVALID. */
    public static final int EXIT_CONFIG_INVALID = 10;
    /** drbdadm's E_EXEC_ERROR: a command could not be carried out (e.g. drbdd not running). */
    public static final int EXIT_EXEC_ERROR = 20;

    /**
     * Every subcommand by name. They are registered lazily: a run builds picocli's model only for
     * the command it executes (all of them only for help and usage errors), which keeps drbdadm's
     * start-up short.
     */
    static final Map<String, Class<?>> COMMANDS;

    static {
        Map<String, Class<?>> m = new LinkedHashMap<>();
        m.put("dump", DumpCommand.class);
        m.put("up", DaemonCommands.Up.class);
        m.put("down", DaemonCommands.Down.class);
        m.put("attach", DaemonCommands.Attach.class);
        m.put("detach", DaemonCommands.Detach.class);
        m.put("connect", DaemonCommands.Connect.class);
        m.put("disconnect", DaemonCommands.Disconnect.class);
        m.put("primary", DaemonCommands.Primary.class);
        m.put("secondary", DaemonCommands.Secondary.class);
        m.put("role", DaemonCommands.Role.class);
        m.put("cstate", DaemonCommands.CState.class);
        m.put("dstate", DaemonCommands.DState.class);
        m.put("status", DaemonCommands.Status.class);
        m.put("adjust", DaemonCommands.Adjust.class);
        m.put("verify", DaemonCommands.Verify.class);
        m.put("pause-sync", DaemonCommands.PauseSync.class);
        m.put("resume-sync", DaemonCommands.ResumeSync.class);
        m.put("invalidate", DaemonCommands.Invalidate.class);
        m.put("invalidate-remote", DaemonCommands.InvalidateRemote.class);
        m.put("outdate", DaemonCommands.Outdate.class);
        m.put("wait-connect", DaemonCommands.WaitConnect.class);
        m.put("events2", DaemonCommands.Events2.class);
        m.put("proc", ProcCommand.class);
        m.put("create-md", CreateMdCommand.class);
        m.put("dump-md", DumpMdCommand.class);
        m.put("restore-md", RestoreMdCommand.class);
        m.put("get-gi", GetGiCommand.class);
        m.put("show-gi", ShowGiCommand.class);
        m.put("wipe-md", WipeMdCommand.class);
        m.put("apply-al", ApplyAlCommand.class);
        COMMANDS = Collections.unmodifiableMap(m);
    }

    /** The command line with {@code only} registered, or every command when it is null or unknown. */
    static CommandLine commandLine(String only) {
        CommandLine cl = new CommandLine(new Drbdadm());
        if (only != null && COMMANDS.containsKey(only)) {
            cl.addSubcommand(only, COMMANDS.get(only));
        } else {
            COMMANDS.forEach(cl::addSubcommand);
        }
        return cl;
    }

    /** The command name in {@code args}: the first word that is neither an option nor an option's value. */
    static String commandName(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-c") || a.equals("--config-file") || a.equals("--node-name")) {
                i++;
            } else if (!a.startsWith("-")) {
                return a;
            }
        }
        return null;
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = {"-d", "--dry-run"}, scope = CommandLine.ScopeType.INHERIT,
            description = "Print the requests drbdadm would send to drbdd instead of sending them.")
    boolean dryRun;

    /** {@code -c/--config-file} and {@code --node-name} given before the command. */
    @CommandLine.Mixin
    ConfigOptions configOptions;

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs drbdadm with the given arguments and streams; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        args = PassThroughOptions.reorder(args, COMMANDS.keySet());
        CommandLine cl = commandLine(commandName(args));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setParameterExceptionHandler(Drbdadm::usageError);
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            line.getErr().println("drbdadm: " + ex.getMessage());
            return EXIT_EXEC_ERROR;
        });
        return cl.execute(args);
    }

    private static int usageError(CommandLine.ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("drbdadm: " + ex.getMessage());
        String name = cl.getCommandSpec().qualifiedName();
        err.println("Try '" + name + " --help' for more information.");
        return EXIT_USAGE;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    /** Prints the product version and the DRBD versions it is compatible with. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Drbdadm.class.getPackage().getImplementationVersion();
            return new String[] {
                "drbdadm (drbdj) " + (v == null ? "dev" : v),
                "compatible with drbd-utils 9 configuration (8.4 and 9 dialects), DRBD protocol 86-101",
            };
        }
    }
}
