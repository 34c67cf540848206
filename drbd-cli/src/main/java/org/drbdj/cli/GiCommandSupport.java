package org.drbdj.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What get-gi and show-gi share: the resource's meta-data and the peer whose slot to show. */
abstract class GiCommandSupport extends MetaCommandSupport {
    @Mixin
    MetaTargetOptions target;

    @Option(names = "--node-id", paramLabel = "ID", defaultValue = "-1",
            description = "Peer whose bitmap UUID and flags to show (v09; default: the configuration's peer).")
    int nodeId;

    /** --node-id if given, else the configured peer's node id (as drbdadm passes to drbdmeta). */
    int peerNodeId() {
        return nodeId >= 0 ? nodeId : target.peerNodeId(config);
    }
}
