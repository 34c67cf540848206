package org.drbdj.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.drbdj.meta.al.AlLayout;
import org.drbdj.meta.al.ApplyAl;
import org.drbdj.storage.BackingDevice;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code drbdadm apply-al RES}: after an unclean stop, mark every hot activity-log extent out of
 * sync in the bitmap and reset the activity log (drbdmeta's apply-al), on a resource that is down.
 *
 * <p>Until configuration resolution is wired, the meta-data location is given with hidden explicit
 * options (byte offsets as printed in the comments of {@code drbdmeta dump-md}). The superblock
 * flags (AL clean) are not updated here.
 */
@Command(name = "apply-al", mixinStandardHelpOptions = true,
        description = "Apply the activity log to the bitmap (after a crash), on a resource that is down.")
final class ApplyAlCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "RES", description = "Resource (or RES/VOL).")
    String resource;

    @Option(names = "--backing-dev", hidden = true, description = "Device holding the meta-data.")
    Path backingDev;

    @Option(names = "--al-offset-bytes", hidden = true)
    Long alOffsetBytes;

    @Option(names = "--al-stripes", hidden = true, defaultValue = "1")
    int alStripes;

    @Option(names = "--al-stripe-size-4k", hidden = true, defaultValue = "8")
    int alStripeSize4k;

    @Option(names = "--bm-offset-bytes", hidden = true)
    Long bmOffsetBytes;

    @Option(names = "--bm-max-peers", hidden = true, defaultValue = "1")
    int bmMaxPeers;

    @Option(names = "--bits", hidden = true, description = "Bitmap bits per peer slot.")
    Long bits;

    @Override
    public Integer call() throws Exception {
        if (backingDev == null || alOffsetBytes == null || bmOffsetBytes == null || bits == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "apply-al"
                    + (resource == null ? "" : " " + resource) + ": resolving the meta-data from the configuration"
                    + " is not available yet; give --backing-dev, --al-offset-bytes, --bm-offset-bytes and --bits");
        }
        PrintWriter err = spec.commandLine().getErr();
        ApplyAl.Outcome o;
        try (BackingDevice dev = BackingDevice.open(backingDev)) {
            o = ApplyAl.apply(dev, new AlLayout(alOffsetBytes, alStripes, alStripeSize4k), bmOffsetBytes, bits,
                    bmMaxPeers);
        }
        if (o.fullSync()) {
            err.println("Activity log cannot be trusted: " + o.recovery().reason());
            err.println("Marked the whole device out-of-sync (full resync), "
                    + ppsize(o.bitsNewlySet() * 4) + " newly.");
        } else if (o.recovery().hotExtents().length == 0) {
            err.println("Nothing to do.");
        } else {
            err.println("Marked additional " + ppsize(o.bitsNewlySet() * 4) + " as out-of-sync based on AL.");
        }
        return 0;
    }

    /** drbd-utils' ppsize(): KiB scaled by 1024 with rounding while >= 10000, e.g. "20 MB". */
    static String ppsize(long kib) {
        char[] units = {'K', 'M', 'G', 'T', 'P', 'E'};
        int base = 0;
        long size = kib;
        while (size >= 10000 && base < units.length - 1) {
            size = (size >> 10) + ((size & (1 << 9)) != 0 ? 1 : 0);
            base++;
        }
        return size + " " + units[base] + "B";
    }
}
