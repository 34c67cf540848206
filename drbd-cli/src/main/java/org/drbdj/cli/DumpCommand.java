package org.drbdj.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code drbdadm dump [RES|all]}: the resolved configuration in drbd-utils 9's dump layout. */
@Command(name = "dump", mixinStandardHelpOptions = true,
        description = "Print the resolved configuration of the given resources (default: all).")
final class DumpCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("dump: not implemented yet");
    }
}
