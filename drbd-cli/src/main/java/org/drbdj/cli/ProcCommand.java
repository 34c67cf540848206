package org.drbdj.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.drbdj.control.ControlPaths;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code drbdadm proc}: prints drbdd's /proc/drbd-style status file (what {@code cat /proc/drbd} shows). */
@Command(name = "proc", mixinStandardHelpOptions = true,
        description = "Print the /proc/drbd-style status file drbdd keeps (default /run/drbd/proc).")
final class ProcCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Path file = ControlPaths.procFile(ControlPaths.runDir());
        try {
            spec.commandLine().getOut().print(Files.readString(file));
            spec.commandLine().getOut().flush();
            return 0;
        } catch (NoSuchFileException e) {
            spec.commandLine().getErr().println("drbdadm: no status file at " + file + "; is drbdd running?");
            return Drbdadm.EXIT_EXEC_ERROR;
        } catch (IOException e) {
            spec.commandLine().getErr().println("drbdadm: cannot read " + file + ": " + e.getMessage());
            return Drbdadm.EXIT_EXEC_ERROR;
        }
    }
}
