package org.drbdj.cli;

import java.io.PrintWriter;
import org.drbdj.meta.MetaDataException;
import org.drbdj.meta.al.AlLayout;
import org.drbdj.meta.al.ApplyAl;
import org.drbdj.storage.BackingDevice;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code drbdadm apply-al RES}: after an unclean stop, mark every hot activity-log extent out of
 * sync in the bitmap and reset the activity log (drbdmeta's apply-al), on a resource that is down.
 * The meta-data is found through the configuration (or the hidden {@code --backing-dev} /
 * {@code --meta-disk} options, as for the other meta-data commands); the AL and bitmap placement
 * come from its superblock. The superblock flags (AL clean) are not updated here.
 *
 * <p>For tests of the AL alone there is a raw form without a superblock: the hidden
 * {@code --al-offset-bytes}, {@code --bm-offset-bytes} and {@code --bits} (byte offsets as printed
 * in the comments of {@code drbdmeta dump-md}) with {@code --backing-dev}.
 */
@Command(name = "apply-al", mixinStandardHelpOptions = true,
        description = "Apply the activity log to the bitmap (after a crash), on a resource that is down.")
final class ApplyAlCommand extends MetaCommandSupport {
    @Mixin
    MetaTargetOptions target;

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
    int run() {
        ApplyAl.Outcome o = alOffsetBytes == null ? tool(false).applyAl(target.target(config)) : applyRaw();
        PrintWriter err = err();
        if (o.fullSync()) {
            err.println("Activity log cannot be trusted: " + o.recovery().reason());
            err.println("Marked the whole device out-of-sync (full resync), "
                    + ppsize(o.bitsNewlySet() * 4) + " newly.");
        } else if (o.recovery().hotExtents().length == 0) {
            err.println("Nothing to do.");
        } else {
            err.println("Marked additional " + ppsize(o.bitsNewlySet() * 4) + " as out-of-sync based on AL.");
        }
        err.flush();
        return 0;
    }

    /** The raw form: explicit AL and bitmap placement on a device without a superblock. */
    private ApplyAl.Outcome applyRaw() {
        if (target.backingDev == null || bmOffsetBytes == null || bits == null) {
            throw new MetaDataException(Drbdadm.EXIT_USAGE, "apply-al with --al-offset-bytes also needs"
                    + " --backing-dev, --bm-offset-bytes and --bits");
        }
        try (BackingDevice dev = BackingDevice.open(target.backingDev)) {
            return ApplyAl.apply(dev, new AlLayout(alOffsetBytes, alStripes, alStripeSize4k), bmOffsetBytes, bits,
                    bmMaxPeers);
        } catch (java.io.IOException e) {
            throw new MetaDataException(10, "apply-al on " + target.backingDev + " failed: " + e.getMessage(), e);
        }
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
