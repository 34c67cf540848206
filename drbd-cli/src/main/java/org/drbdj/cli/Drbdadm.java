package org.drbdj.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
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
        subcommands = {
            DumpCommand.class,
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

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs drbdadm with the given arguments and streams; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new Drbdadm());
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
