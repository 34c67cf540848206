package org.drbdj.cli;

import org.drbdj.meta.MetaData;
import org.drbdj.meta.MetaDataTool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code drbdadm create-md RES}: drbdmeta's create-md on the resource's meta-data (v09 by default,
 * {@code --md-version v08} for DRBD 8.4), followed by what drbdadm adds: the device UUID of
 * existing meta-data is kept, otherwise a random one is written.
 */
@Command(name = "create-md", mixinStandardHelpOptions = true,
        description = "Create DRBD meta-data for a resource that is down (asks before overwriting anything).")
final class CreateMdCommand extends MetaCommandSupport {
    @Mixin
    MetaTargetOptions target;

    @Option(names = "--max-peers", paramLabel = "N",
            description = "Bitmap slots to reserve (v09; default: the number of peers with a disk, at least 1).")
    Integer maxPeers;

    @Option(names = "--force", description = "Answer every confirmation with yes.")
    boolean force;

    @Option(names = "--al-stripes", paramLabel = "N", defaultValue = "1", description = "Activity-log stripes.")
    int alStripes;

    @Option(names = "--al-stripe-size-kB", paramLabel = "KIB", defaultValue = "32",
            description = "Size of one activity-log stripe in KiB.")
    int alStripeSizeKiB;

    @Option(names = "--peer-max-bio-size", paramLabel = "BYTES", defaultValue = "0",
            description = "Initial last-known max bio size of the peer.")
    int peerMaxBioSize;

    @Override
    int run() {
        MetaDataTool.Target t = target.target(config);
        int peers = maxPeers != null ? maxPeers : target.defaultMaxPeers(config);
        long deviceUuid = existingDeviceUuid(t);
        MetaDataTool.CreateOptions options = new MetaDataTool.CreateOptions(peers, alStripes, alStripeSizeKiB / 4,
                peerMaxBioSize, deviceUuid != 0 ? deviceUuid : MetaTargetOptions.randomDeviceUuid());
        return tool(force).createMd(t, options);
    }

    /** drbdadm reads the device UUID ({@code read-dev-uuid}) before create-md and keeps it. */
    private static long existingDeviceUuid(MetaDataTool.Target t) {
        try (MetaDataTool.Opened o = MetaDataTool.open(t, false)) {
            MetaData md = o.metaData();
            return md == null ? 0 : md.deviceUuid;
        } catch (RuntimeException e) {
            return 0; // create-md reports the real problem
        }
    }
}
