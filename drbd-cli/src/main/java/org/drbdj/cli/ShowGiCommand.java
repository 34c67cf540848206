package org.drbdj.cli;

import picocli.CommandLine.Command;

/** {@code drbdadm show-gi RES}: get-gi with drbdmeta's legend and the last agreed size. */
@Command(name = "show-gi", mixinStandardHelpOptions = true,
        description = "Print the generation identifiers with an explanation of each field.")
final class ShowGiCommand extends GiCommandSupport {

    @Override
    int run() {
        return tool(false).showGi(target.target(config), peerNodeId());
    }
}
