package org.drbdj.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
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
            "or failed request; 11 refused state change; 20 drbdd not reachable or command not executable."},
        subcommands = {
            DumpCommand.class,
            DaemonCommands.Up.class,
            DaemonCommands.Down.class,
            DaemonCommands.Attach.class,
            DaemonCommands.Detach.class,
            DaemonCommands.Connect.class,
            DaemonCommands.Disconnect.class,
            DaemonCommands.Primary.class,
            DaemonCommands.Secondary.class,
            DaemonCommands.Role.class,
            DaemonCommands.CState.class,
            DaemonCommands.DState.class,
            DaemonCommands.Status.class,
            DaemonCommands.Adjust.class,
            DaemonCommands.Verify.class,
            DaemonCommands.PauseSync.class,
            DaemonCommands.ResumeSync.class,
            DaemonCommands.Invalidate.class,
            DaemonCommands.InvalidateRemote.class,
            DaemonCommands.Outdate.class,
            DaemonCommands.WaitConnect.class,
            DaemonCommands.Events2.class,
            ProcCommand.class,
            CreateMdCommand.class,
            DumpMdCommand.class,
            RestoreMdCommand.class,
            GetGiCommand.class,
            ShowGiCommand.class,
            WipeMdCommand.class,
            ApplyAlCommand.class,
        })
public final class Drbdadm implements Runnable {
    /** drbdadm's E_USAGE. */
    public static final int EXIT_USAGE = 1;
    /** drbdadm's E_SYNTAX: the configuration cannot be parsed. */
    public static final int EXIT_SYNTAX = 2;
    /** drbdadm's E_CONFIG_INVALID. */
    public static final int EXIT_CONFIG_INVALID = 10;
    /** drbdadm's E_EXEC_ERROR: a command could not be carried out (e.g. drbdd not running). */
    public static final int EXIT_EXEC_ERROR = 20;

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
        CommandLine cl = new CommandLine(new Drbdadm());
        args = PassThroughOptions.reorder(args, cl.getSubcommands().keySet());
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
