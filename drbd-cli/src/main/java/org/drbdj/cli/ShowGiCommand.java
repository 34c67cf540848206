package org.drbdj.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code drbdadm show-gi RES}: get-gi with drbdmeta's legend and the last agreed size. */
@Command(name = "show-gi", mixinStandardHelpOptions = true,
        description = "Print the generation identifiers with an explanation of each field.")
final class ShowGiCommand extends MetaCommandSupport {
    @Mixin
    MetaTargetOptions target;

    @Option(names = "--node-id", paramLabel = "ID", defaultValue = "-1",
            description = "Peer whose bitmap UUID and flags to show (v09; from the configuration's connection).")
    int nodeId;

    @Override
    int run() {
        return tool(false).showGi(target.target(config), nodeId >= 0 ? nodeId : target.peerNodeId(config));
    }
}
