package org.drbdj.cli;

import picocli.CommandLine.Command;

/**
 * {@code drbdadm get-gi RES}: the generation identifiers as one line,
 * {@code CURRENT:BITMAP:HIST1:HIST2:flags} (8.4: 7 flags; 9: 7 device flags and 5 peer flags of the
 * peer given by node id).
 */
@Command(name = "get-gi", mixinStandardHelpOptions = true,
        description = "Print the generation identifiers and flags of the meta-data.")
final class GetGiCommand extends GiCommandSupport {

    @Override
    int run() {
        return tool(false).getGi(target.target(config), peerNodeId());
    }
}
