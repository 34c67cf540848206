package org.drbdj.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code drbdadm dump-md RES}: the meta-data in drbdmeta's dump-md text format. */
@Command(name = "dump-md", mixinStandardHelpOptions = true,
        description = "Print the meta-data in drbdmeta's text format (input of restore-md).")
final class DumpMdCommand extends MetaCommandSupport {
    @Mixin
    MetaTargetOptions target;

    @Option(names = "--force", description = "Dump even if the activity log was not applied (not restorable).")
    boolean force;

    @Override
    int run() {
        return tool(force).dumpMd(target.target(config), force, dumpHeader("drbdadm dump-md " + target.resource));
    }
}
