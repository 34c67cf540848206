package org.drbdj.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code drbdadm wipe-md RES}: zeroes the meta-data superblock after confirmation. */
@Command(name = "wipe-md", mixinStandardHelpOptions = true,
        description = "Destroy the meta-data superblock (asks for confirmation).")
final class WipeMdCommand extends MetaCommandSupport {
    @Mixin
    MetaTargetOptions target;

    @Option(names = "--force", description = "Answer every confirmation with yes.")
    boolean force;

    @Override
    int run() {
        return tool(force).wipeMd(target.target(config));
    }
}
