package org.drbdj.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code drbdadm get-gi RES}: the generation identifiers as one line,
 * {@code CURRENT:BITMAP:HIST1:HIST2:flags} (8.4: 7 flags; 9: 7 device flags and 5 peer flags of the
 * peer given by node id).
 */
@Command(name = "get-gi", mixinStandardHelpOptions = true,
        description = "Print the generation identifiers and flags of the meta-data.")
final class GetGiCommand extends MetaCommandSupport {
    @Mixin
    MetaTargetOptions target;

    @Option(names = "--node-id", paramLabel = "ID", defaultValue = "-1",
            description = "Peer whose bitmap UUID and flags to show (v09; from the configuration's connection).")
    int nodeId;

    @Override
    int run() {
        return tool(false).getGi(target.target(config), nodeId >= 0 ? nodeId : target.peerNodeId(config));
    }
}
