package org.drbdj.meta;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.drbdj.meta.al.AlLayout;
import org.drbdj.meta.al.ApplyAl;
import org.drbdj.storage.BackingDevice;

/**
 * The meta-data commands of drbdmeta, working directly on a device whose resource is down:
 * create-md, dump-md, restore-md, get-gi, show-gi and wipe-md. Messages, prompts, their order and
 * exit codes follow drbdmeta (drbd-utils 9.x), because operators and scripts know them.
 *
 * <p>Each command returns drbdmeta's exit code (0 success, 1 failure or cancelled, 10 bad input,
 * 20 cannot open or usage, 40 refused because of existing data) or throws
 * {@link MetaDataException} carrying it.
 *
 * <p>Write protocol (see docs/metadata.md): the activity log and the bitmap are written and
 * flushed first, the 4 KiB superblock last with a single aligned write, then flushed again; so a
 * valid magic on disk always describes initialized areas.
 */
public final class MetaDataTool {
    /** Which device, layout and format a command works on (drbdmeta's {@code DEV FORMAT INDEX}). */
    public record Target(Path device, MetaDiskLocation location, MetaDataVersion version) {
        public Target {
            Objects.requireNonNull(device, "device");
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(version, "version");
        }
    }

    /**
     * Options of create-md (drbdmeta's {@code --al-stripes}, {@code --al-stripe-size-kB},
     * {@code --peer-max-bio-size}), plus the device UUID drbdadm writes right after drbdmeta's
     * create-md ({@code write-dev-uuid}; 0 leaves it 0 as plain drbdmeta does).
     */
    public record CreateOptions(int maxPeers, int alStripes, int alStripeSize4k, int peerMaxBioSize, long deviceUuid) {
        /** Defaults: one 32 KiB AL stripe, peer max bio size unknown (0), device UUID 0. */
        public static CreateOptions maxPeers(int maxPeers) {
            return new CreateOptions(maxPeers, 1, 8, 0, 0);
        }

        public CreateOptions withDeviceUuid(long uuid) {
            return new CreateOptions(maxPeers, alStripes, alStripeSize4k, peerMaxBioSize, uuid);
        }
    }

    /** Asks the operator a yes/no question, as drbdmeta's {@code confirmed()}. */
    @FunctionalInterface
    public interface Confirmer {
        boolean confirm(String question);

        /** {@code --force}: every question is answered yes, and the answer is logged. */
        static Confirmer forced(PrintWriter err) {
            return q -> {
                err.println();
                err.println(q);
                err.println("*** confirmation forced via --force option ***");
                return true;
            };
        }

        /** Without a terminal nobody can answer: every question is answered no. */
        static Confirmer noTerminal(PrintWriter err) {
            return q -> {
                err.println();
                err.println(q);
                err.println("stdin not a TTY, not waiting for confirmation");
                return false;
            };
        }

        /** Asks on the terminal; only the exact answer "yes" confirms. */
        static Confirmer interactive(PrintWriter err, BufferedReader in) {
            return q -> {
                err.println();
                err.println(q);
                err.print("[need to type 'yes' to confirm] ");
                err.flush();
                try {
                    String answer = in.readLine();
                    err.println();
                    return "yes".equals(answer);
                } catch (IOException e) {
                    return false;
                }
            };
        }
    }

    /** A meta-data device opened for one command, with its superblock if a valid one was found. */
    public static final class Opened implements AutoCloseable {
        private final MetaDataDevice device;
        private final Target target;
        private final long mdOffsetBytes;
        private MetaData md;
        private final String invalidReason;

        Opened(MetaDataDevice device, Target target, long mdOffsetBytes, MetaData md, String invalidReason) {
            this.device = device;
            this.target = target;
            this.mdOffsetBytes = mdOffsetBytes;
            this.md = md;
            this.invalidReason = invalidReason;
        }

        public MetaDataDevice device() {
            return device;
        }

        /** The valid superblock, or null. */
        public MetaData metaData() {
            return md;
        }

        /** Why no valid superblock was accepted, or null if one was. */
        public String invalidReason() {
            return invalidReason;
        }

        public long mdOffsetBytes() {
            return mdOffsetBytes;
        }

        public long alOffsetBytes() {
            return MetaDataLayout.alOffsetBytes(md, mdOffsetBytes);
        }

        public long bmOffsetBytes() {
            return MetaDataLayout.bmOffsetBytes(md, mdOffsetBytes);
        }

        /** drbdmeta's max_usable_sect for the current superblock. */
        public long maxUsableSectors() {
            return MetaDataLayout.maxUsableSectors(md, target.location(), mdOffsetBytes);
        }

        @Override
        public void close() {
            device.close();
        }
    }

    private final PrintWriter out;
    private final PrintWriter err;
    private final Confirmer confirmer;

    /** Messages go to {@code out}/{@code err} as drbdmeta splits them between stdout and stderr. */
    public MetaDataTool(PrintWriter out, PrintWriter err, Confirmer confirmer) {
        this.out = out;
        this.err = err;
        this.confirmer = confirmer;
    }

    /** Convenience for {@link System#out}-style streams. */
    public MetaDataTool(PrintStream out, PrintStream err, Confirmer confirmer) {
        this(new PrintWriter(out, true), new PrintWriter(err, true), confirmer);
    }

    /** Decodes a superblock block in the given version's layout. */
    public static MetaData decode(MetaDataVersion version, ByteBuffer block) {
        return version == MetaDataVersion.V08 ? SuperblockV08.decode(block) : SuperblockV09.decode(block);
    }

    /** Encodes a superblock in the given version's layout. */
    public static ByteBuffer encode(MetaDataVersion version, MetaData md) {
        return version == MetaDataVersion.V08 ? SuperblockV08.encode(md) : SuperblockV09.encode(md);
    }

    /**
     * Opens the device and reads the superblock at the layout's offset (drbdmeta's
     * {@code v07_style_md_open}). Refuses devices below 68 KiB and external index slots beyond the
     * end of the device.
     */
    public static Opened open(Target target, boolean writable) {
        MetaDataDevice dev = MetaDataDevice.open(target.device(), writable);
        try {
            long size = dev.sizeBytes();
            if (size < MetaDataLayout.MIN_DEVICE_BYTES) {
                throw new MetaDataException(10, target.device() + " is only " + size + " bytes. That's not enough.");
            }
            long mdOffset = MetaDataLayout.mdOffsetBytes(target.location(), size);
            if (mdOffset > size - MetaDataLayout.SUPERBLOCK_BYTES) {
                throw new MetaDataException(10, "Device too small: expecting meta data block at\nbyte offset "
                        + mdOffset + ", but " + target.device() + " is only " + size + " bytes.");
            }
            MetaData md = decode(target.version(), dev.read(mdOffset, MetaDataLayout.SUPERBLOCK_BYTES));
            String reason = MetaDataLayout.validate(target.version(), md, target.location(), size);
            return new Opened(dev, target, mdOffset, reason == null ? md : null, reason);
        } catch (RuntimeException e) {
            dev.close();
            throw e;
        }
    }

    // ------------------------------------------------------------------ dump-md

    /** The dump-md text without drbdmeta's leading comment header; see {@link #dumpMd}. */
    public String dumpText(Target target, boolean force, List<String> header) {
        try (Opened o = open(target, false)) {
            MetaData md = o.metaData();
            if (md == null) {
                throw new MetaDataException(1, "No valid meta data found");
            }
            List<String> preamble = new ArrayList<>();
            if (!md.isAlClean()) {
                err.println("Found meta data is \"unclean\", please apply-al first");
                if (!force) {
                    throw new MetaDataException(1, "refusing to dump unclean meta-data without --force");
                }
                // As drbdmeta: a forced dump of unclean meta-data must not be restorable as is.
                preamble.add("This_is_an_unclean_meta_data_dump._Don't_trust_the_bitmap.");
                preamble.add("# You should \"apply-al\" first, if you plan to restore this.");
                preamble.add("");
            }
            List<String> lines = new ArrayList<>();
            long max = o.maxUsableSectors();
            if (md.effectiveSizeSectors > max) {
                lines.add("# la-size-sect was too big (" + md.effectiveSizeSectors + "), truncated (" + max + ")!");
                md.effectiveSizeSectors = max;
            }
            int[] words = readBitmap(o, md);
            List<String> head = new ArrayList<>(lines);
            head.addAll(header);
            return MetaDataDump.format(target.version(), md, o.mdOffsetBytes(), words, head, preamble);
        }
    }

    /** dump-md: prints the meta-data in drbdmeta's text format. */
    public int dumpMd(Target target, boolean force, List<String> header) {
        out.print(dumpText(target, force, header));
        out.flush();
        return 0;
    }

    private static int[] readBitmap(Opened o, MetaData md) {
        long bytes = MetaDataLayout.bitmapBytes(md, md.effectiveSizeSectors);
        if (bytes > Integer.MAX_VALUE - 64) {
            throw new MetaDataException(10, "bitmap of " + bytes + " bytes is too large to dump in one piece");
        }
        ByteBuffer b = o.device().read(o.bmOffsetBytes(), (int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        int[] words = new int[(int) (bytes / 4)];
        b.asIntBuffer().get(words);
        return words;
    }

    // ------------------------------------------------------------------ apply-al

    /**
     * apply-al on a resource that is down: every block of every extent the activity log says was
     * hot is marked out of sync (all peer slots), then the log is re-initialized. The AL and bitmap
     * placement come from the superblock; the bitmap covers the usable data of the device.
     */
    public ApplyAl.Outcome applyAl(Target target) {
        try (Opened o = open(target, true)) {
            if (o.metaData() == null) {
                throw new MetaDataException(1, "No valid meta data found");
            }
            try (BackingDevice metaIo = BackingDevice.open(target.device())) {
                return applyAl(o, metaIo, o.maxUsableSectors() * MetaDataLayout.SECTOR_BYTES);
            } catch (IOException e) {
                throw new MetaDataException(10, "apply-al on " + target.device() + " failed: " + e.getMessage(), e);
            }
        }
    }

    /**
     * apply-al through an open, valid superblock and a device handle for the AL and bitmap I/O
     * (drbdd uses this at an attach after an unclean stop); {@code dataBytes} is the usable data
     * size the bitmap covers.
     */
    public static ApplyAl.Outcome applyAl(Opened o, BackingDevice metaIo, long dataBytes) throws IOException {
        MetaData md = o.metaData();
        AlLayout layout = AlLayout.ofSize(o.alOffsetBytes(), md.alSizeSectors() * MetaDataLayout.SECTOR_BYTES);
        long bits = (dataBytes + org.drbdj.meta.bitmap.DrbdBitmap.BYTES_PER_BIT - 1) / org.drbdj.meta.bitmap.DrbdBitmap.BYTES_PER_BIT;
        return ApplyAl.apply(metaIo, layout, o.bmOffsetBytes(), bits, Math.max(1, md.maxPeers));
    }

    // ------------------------------------------------------------------ get-gi / show-gi

    /**
     * get-gi: prints the generation identifiers and flags in one line. v09 needs the peer's node id
     * (drbdadm passes the peer's {@code --node-id}); v08 always uses slot 0.
     */
    public int getGi(Target target, int nodeId) {
        int slot = giSlot(target, nodeId, "get-gi");
        try (Opened o = open(target, false)) {
            if (o.metaData() == null) {
                err.println("No valid meta data found");
                return 1;
            }
            out.print(giLine(target.version(), o.metaData(), slot));
            out.flush();
            return 0;
        }
    }

    /** show-gi: get-gi with drbdmeta's legend and the last agreed size. */
    public int showGi(Target target, int nodeId) {
        int slot = giSlot(target, nodeId, "show-gi");
        try (Opened o = open(target, false)) {
            MetaData md = o.metaData();
            if (md == null) {
                err.println("No valid meta data found");
                return 1;
            }
            StringBuilder b = new StringBuilder();
            if (target.version() == MetaDataVersion.V08) {
                b.append(GiText.SHOW_HEAD).append(giLine(target.version(), md, slot)).append(GiText.SHOW_V08_LEGEND);
                int f = md.flags;
                b.append("flags:").append((f & MdFlags.CRASHED_PRIMARY) != 0 ? " crashed" : "").append(' ')
                        .append((f & MdFlags.PRIMARY_IND) != 0 ? "Primary" : "Secondary").append(", ")
                        .append((f & MdFlags.CONNECTED_IND) != 0 ? "Connected" : "StandAlone").append(", ")
                        .append((f & MdFlags.CONSISTENT) != 0
                                ? ((f & MdFlags.WAS_UP_TO_DATE) != 0 ? "UpToDate" : "Outdated") : "Inconsistent")
                        .append((f & MdFlags.FULL_SYNC) != 0 ? ", need full sync" : "")
                        .append((f & MdFlags.PEER_OUT_DATED) != 0 ? ", peer Outdated" : "").append('\n');
                b.append("meta-data: ").append((f & MdFlags.AL_CLEAN) != 0 ? "clean" : "need apply-al").append('\n');
            } else {
                b.append(GiText.SHOW_HEAD).append(giLine(target.version(), md, slot)).append(GiText.SHOW_V09_LEGEND);
            }
            if (md.effectiveSizeSectors != 0) {
                b.append("last agreed size: ").append(GiText.ppsize(md.effectiveSizeSectors >> 1)).append(" (")
                        .append(md.effectiveSizeSectors).append(" sectors)\n");
                b.append("last agreed max bio size: ").append(Integer.toUnsignedLong(md.laPeerMaxBioSize))
                        .append(" Byte\n");
            } else {
                b.append("zero size device -- never seen peer yet?\n");
            }
            out.print(b);
            out.flush();
            return 0;
        }
    }

    private static int giSlot(Target target, int nodeId, String cmd) {
        if (target.version() == MetaDataVersion.V08) {
            return 0;
        }
        if (nodeId < 0) {
            throw new MetaDataException(10, "The " + cmd + " command requires the --node-id option");
        }
        if (nodeId > MetaData.NODE_ID_MAX - 1) {
            throw new MetaDataException(10, "--node-id " + nodeId + " out of range 0.." + (MetaData.NODE_ID_MAX - 1));
        }
        return nodeId;
    }

    /** The get-gi line (with trailing newline) for {@code version}. */
    public static String giLine(MetaDataVersion version, MetaData md, int slot) {
        StringBuilder b = new StringBuilder();
        b.append(BitmapText.hex64(md.currentUuid)).append(':').append(BitmapText.hex64(md.peers[slot].bitmapUuid))
                .append(':').append(BitmapText.hex64(md.historyUuids[0])).append(':')
                .append(BitmapText.hex64(md.historyUuids[1])).append(':');
        int f = md.flags;
        if (version == MetaDataVersion.V08) {
            bits(b, f, MdFlags.CONSISTENT, MdFlags.WAS_UP_TO_DATE, MdFlags.PRIMARY_IND, MdFlags.CONNECTED_IND,
                    MdFlags.FULL_SYNC, MdFlags.PEER_OUT_DATED, MdFlags.CRASHED_PRIMARY);
        } else {
            bits(b, f, MdFlags.CONSISTENT, MdFlags.WAS_UP_TO_DATE, MdFlags.PRIMARY_IND, MdFlags.CRASHED_PRIMARY,
                    MdFlags.AL_CLEAN, MdFlags.AL_DISABLED, MdFlags.PRIMARY_LOST_QUORUM);
            b.append(':');
            bits(b, md.peers[slot].flags, MdFlags.PEER_CONNECTED, MdFlags.PEER_OUTDATED, MdFlags.PEER_FENCING,
                    MdFlags.PEER_FULL_SYNC, MdFlags.PEER_DEVICE_SEEN);
        }
        return b.append('\n').toString();
    }

    private static void bits(StringBuilder b, int flags, int... masks) {
        for (int i = 0; i < masks.length; i++) {
            if (i > 0) {
                b.append(':');
            }
            b.append((flags & masks[i]) != 0 ? '1' : '0');
        }
    }

    // ------------------------------------------------------------------ wipe-md

    /** wipe-md: zeroes the superblock after confirmation; the AL and bitmap are left as they are. */
    public int wipeMd(Target target) {
        try (Opened o = open(target, true)) {
            if (o.metaData() == null) {
                err.println("There appears to be no drbd meta data to wipe out?");
                return 0;
            }
            if (!confirmer.confirm("Do you really want to wipe out the DRBD meta data?")) {
                out.println("Operation cancelled.");
                out.flush();
                return 1;
            }
            out.println("Wiping meta data...");
            o.device().write(o.mdOffsetBytes(), ByteBuffer.allocate(MetaDataLayout.SUPERBLOCK_BYTES));
            o.device().flush();
            out.println("DRBD meta data block successfully wiped out.");
            return 0;
        }
    }

    // ------------------------------------------------------------------ create-md

    /**
     * create-md: initializes the activity log, zeroes the bitmap and writes a fresh superblock
     * (current UUID "just created"). Existing meta-data of the same version is only overwritten
     * after confirmation; meta-data of the other version is converted, or replaced if the operator
     * refuses the conversion; a filesystem or other data at the start of the device needs
     * confirmation, and swap/LVM2 signatures or a filesystem larger than the remaining space are
     * refused (exit 40).
     */
    public int createMd(Target target, CreateOptions options) {
        MetaDataVersion version = target.version();
        int maxPeers = version == MetaDataVersion.V08 ? 1 : options.maxPeers();
        if (maxPeers < 1 || maxPeers > MetaData.NODE_ID_MAX - 1) {
            throw new MetaDataException(20, "MAX_PEERS argument not in allowed range 1 .. " + (MetaData.NODE_ID_MAX - 1) + ".");
        }
        checkAlGeometry(options.alStripes(), options.alStripeSize4k());
        try (Opened o = open(target, true)) {
            MetaDataDevice dev = o.device();
            long size = dev.sizeBytes();
            MetaData md = o.metaData() == null ? null : o.metaData().copy();
            MetaData converted = target.location().isInternal()
                    ? checkInternalFlavours(target, o, md, options)
                    : checkExternalFlavours(target, o, md);
            if (converted == null) {
                md = MetaData.fresh(version, maxPeers, options.alStripes(), options.alStripeSize4k());
                MetaDataLayout.initializeOffsets(md, target.location(), size);
                checkForExistingData(dev, target, md, o.mdOffsetBytes());
                out.println("initializing activity log");
                long alOffset = MetaDataLayout.alOffsetBytes(md, o.mdOffsetBytes());
                checkInArea(md, o.mdOffsetBytes(), alOffset, md.alSizeSectors() * 512L, "md_initialize_common:AL");
                dev.write(alOffset, ActivityLogInitializer.initializedRing(md.alStripes * md.alStripeSize4k));
                zeroBitmap(dev, md, target.location(), o.mdOffsetBytes());
            } else {
                md = converted;
                if (version == MetaDataVersion.V09 && maxPeers != 1) {
                    out.println("Warning: setting max_peers to 1 instead of " + maxPeers);
                    out.println();
                }
                checkForExistingData(dev, target, md, o.mdOffsetBytes());
            }
            md.laPeerMaxBioSize = options.peerMaxBioSize();
            if (options.deviceUuid() != 0) {
                md.deviceUuid = options.deviceUuid();
            }
            out.println("Writing meta data...");
            writeSuperblock(dev, target, md, o.mdOffsetBytes());
            out.println("New drbd meta data block successfully created.");
            return 0;
        }
    }

    private static void checkAlGeometry(int stripes, int stripeSize4k) {
        long blocks = (long) stripes * stripeSize4k;
        if (stripes < 1 || stripeSize4k < 1 || blocks > BitmapText.DRBDMETA_BUFFER_BYTES / 4096) {
            throw new MetaDataException(10, "invalid (too large) al-stripe* settings: " + stripes + " x "
                    + stripeSize4k * 4 + " KiB (at most 32 MiB in total)");
        }
        if (blocks < 8) {
            throw new MetaDataException(10, "invalid (too small) al-stripe* settings: " + stripes + " x "
                    + stripeSize4k * 4 + " KiB (at least 32 KiB in total)");
        }
    }

    /** Returns converted meta-data, or null when fresh meta-data must be initialized. */
    private MetaData checkInternalFlavours(Target target, Opened o, MetaData found, CreateOptions options) {
        long size = o.device().sizeBytes();
        long flexOffset = o.mdOffsetBytes();
        ByteBuffer block = o.device().read(flexOffset, MetaDataLayout.SUPERBLOCK_BYTES);
        MetaDataVersion have = detect(block, target.location(), size);
        if (have == null) {
            return null;
        }
        MetaData now = decode(have, block);
        err.println("You want me to create a " + target.version().tag()
                + " style flexible-size internal meta data block.");
        err.println("There appears to be a " + have.tag() + " flexible-size internal meta data block");
        err.println("already in place on " + target.device() + " at byte offset " + flexOffset);
        if (have == target.version()) {
            if (now.alStripes != options.alStripes() || now.alStripeSize4k != options.alStripeSize4k()) {
                if (confirmer.confirm("Do you want to change the activity log stripe settings *only*?")) {
                    throw new MetaDataException(30, "Sorry, not yet fully implemented\n"
                            + "Try dump-md > dump.txt; restore-md -s x -z y dump.txt");
                }
            }
            if (!confirmer.confirm("Do you really want to overwrite the existing meta-data?")) {
                out.println("Operation cancelled.");
                throw new MetaDataException(1, "Operation cancelled.");
            }
            return null;
        }
        return convertOrReplace(target, have, now, size);
    }

    private MetaData checkExternalFlavours(Target target, Opened o, MetaData found) {
        if (found != null) {
            if (!confirmer.confirm("Valid meta data seems to be in place.\nDo you really want to overwrite?")) {
                out.println("Operation cancelled.");
                throw new MetaDataException(1, "Operation cancelled.");
            }
            return null;
        }
        ByteBuffer block = o.device().read(o.mdOffsetBytes(), MetaDataLayout.SUPERBLOCK_BYTES);
        // drbdmeta validates found external meta-data against the flex-external rules
        MetaDataVersion have = detect(block, MetaDiskLocation.flexExternal(), o.device().sizeBytes());
        if (have == null) {
            return null;
        }
        return convertOrReplace(target, have, decode(have, block), o.device().sizeBytes());
    }

    private MetaData convertOrReplace(Target target, MetaDataVersion have, MetaData now, long size) {
        if (confirmer.confirm("Valid " + have.tag() + " meta-data found, convert to " + target.version().tag() + "?")) {
            if (target.version() == MetaDataVersion.V09) {
                MetaDataConversion.v08ToV09(now, target.location(), size);
            } else {
                MetaDataConversion.v09ToV08(now, target.location(), size);
            }
            String invalid = MetaDataLayout.validate(target.version(), now, target.location(), size);
            if (invalid != null) {
                throw new MetaDataException(111, "Conversion failed: " + invalid);
            }
            return now;
        }
        if (!confirmer.confirm("So you want me to replace the " + have.tag() + " meta-data\nwith newly initialized "
                + target.version().tag() + " meta-data?")) {
            out.println("Operation cancelled.");
            throw new MetaDataException(1, "Operation cancelled.");
        }
        return null;
    }

    /** Which version's valid superblock the block holds (drbdmeta's {@code detect_md}), or null. */
    static MetaDataVersion detect(ByteBuffer block, MetaDiskLocation location, long size) {
        MetaDataVersion have = null;
        for (MetaDataVersion v : MetaDataVersion.values()) {
            if (MetaDataLayout.validate(v, decode(v, block), location, size) == null) {
                have = v;
            }
        }
        return have;
    }

    private void zeroBitmap(MetaDataDevice dev, MetaData md, MetaDiskLocation location, long mdOffset) {
        long bmOffset = MetaDataLayout.bmOffsetBytes(md, mdOffset);
        // drbdmeta sizes the area to clear by the whole meta-data device; never clear past the area
        long area = location.isInternal() ? mdOffset + md.alOffsetSectors * 512L - bmOffset
                : (Integer.toUnsignedLong(md.mdSizeSectors) - md.bmOffsetSectors) * 512L;
        long bytes = MetaDataLayout.align(MetaDataLayout.bitmapBytes(md, dev.sizeBytes() >> 9), dev.logicalBlockBytes());
        bytes = Math.min(bytes, area);
        checkInArea(md, mdOffset, bmOffset, bytes, "md_initialize_common:BM");
        err.println("initializing bitmap (" + GiText.ppsize(bytes >> 10) + ") to all zero");
        ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(bytes, 1 << 20));
        for (long done = 0; done < bytes; ) {
            int n = (int) Math.min(zeros.capacity(), bytes - done);
            dev.write(bmOffset + done, zeros.duplicate().limit(n));
            done += n;
        }
    }

    /**
     * Writes the superblock last and durably: flush whatever was written before (AL, bitmap), one
     * 4 KiB write, flush again.
     */
    private static void writeSuperblock(MetaDataDevice dev, Target target, MetaData md, long mdOffset) {
        String invalid = MetaDataLayout.validate(target.version(), md, target.location(), dev.sizeBytes());
        if (invalid != null) {
            throw new MetaDataException(1, "refusing to write invalid meta-data: " + invalid);
        }
        checkInArea(md, mdOffset, mdOffset, MetaDataLayout.SUPERBLOCK_BYTES, "superblock");
        dev.flush();
        dev.write(mdOffset, encode(target.version(), md));
        dev.flush();
    }

    /**
     * drbdmeta's {@code check_for_existing_data}: looks at the first 68 KiB of the meta-data
     * device; asks before overwriting anything that is not all zero, refuses what would surely be
     * destroyed.
     */
    private void checkForExistingData(MetaDataDevice dev, Target target, MetaData md, long mdOffset) {
        ExistingDataDetector.Found f = ExistingDataDetector.inspect(dev.read(0, ExistingDataDetector.INSPECT_BYTES));
        if (f == null) {
            return;
        }
        out.println("md_offset " + mdOffset);
        out.println("al_offset " + MetaDataLayout.alOffsetBytes(md, mdOffset));
        out.println("bm_offset " + MetaDataLayout.bmOffsetBytes(md, mdOffset));
        out.println();
        out.println("Found " + f.description());
        long fsKiB = (f.usedBytes() + 1023) >> 10;
        long maxUsableKiB = MetaDataLayout.maxUsableSectors(md, target.location(), mdOffset) >> 1;
        boolean known = f.usedBytes() > 0 || f.alwaysRefuse();
        if (known) {
            if (!target.location().isInternal()) {
                out.println();
                out.println("This would corrupt existing data.");
                out.println("If you want me to do this, you need to zero out the first part\n"
                        + "of the device (destroy the content).\nYou should be very sure that you mean it.\n"
                        + "Operation refused.\n");
                throw new MetaDataException(40, "refusing to overwrite " + f.description() + " on " + target.device());
            }
            if (!f.alwaysRefuse()) {
                out.printf("%12d kB data area apparently used%n", fsKiB);
            }
            out.printf("%12d kB left usable by current configuration%n", maxUsableKiB);
            if (f.alwaysRefuse()) {
                out.println("Device size would be truncated, which\nwould corrupt data and result in\n"
                        + "'access beyond end of device' errors.");
                out.println("If you want me to do this, you need to zero out the first part\n"
                        + "of the device (destroy the content).\nYou should be very sure that you mean it.\n"
                        + "Operation refused.\n");
                throw new MetaDataException(40, "refusing to overwrite " + f.description() + " on " + target.device());
            }
            if (fsKiB > maxUsableKiB) {
                out.println("\nDevice size would be truncated, which\nwould corrupt data and result in\n"
                        + "'access beyond end of device' errors.\nYou need to either\n"
                        + "   * use external meta data (recommended)\n   * shrink that filesystem first\n"
                        + "   * zero out the device (destroy the filesystem)\nOperation refused.\n");
                throw new MetaDataException(40, "the " + f.description() + " on " + target.device()
                        + " is larger than what internal meta-data leaves usable");
            }
            out.println("\nEven though it looks like this would place the new meta data into\n"
                    + "unused space, you still need to confirm, as this is only a guess.");
        } else {
            out.println();
            out.println(" ==> This might destroy existing data! <==");
        }
        if (!confirmer.confirm("Do you want to proceed?")) {
            out.println("Operation canceled.");
            throw new MetaDataException(1, "Operation canceled.");
        }
    }

    /**
     * drbdmeta's {@code validate_offsets_or_die}: every write must stay inside the meta-data area
     * {@code [min(md, al, bm); +md_size_sect)}, so that a wrong size never overwrites data.
     */
    static void checkInArea(MetaData md, long mdOffset, long offset, long count, String what) {
        long min = Math.min(mdOffset, Math.min(MetaDataLayout.alOffsetBytes(md, mdOffset),
                MetaDataLayout.bmOffsetBytes(md, mdOffset)));
        long max = min + Integer.toUnsignedLong(md.mdSizeSectors) * 512L;
        if (offset < min || offset + count > max) {
            throw new MetaDataException(10, what + ": offset+count (" + offset + "+" + count
                    + ") not in meta data area range [" + min + "; " + max + "], aborted");
        }
    }

    // ------------------------------------------------------------------ restore-md

    /**
     * restore-md: replaces the superblock and bitmap with the contents of a dump-md text. The whole
     * text is parsed before anything is written (drbdmeta writes the bitmap before it has seen the
     * end of the file); the activity log is left untouched, as drbdmeta does.
     */
    public int restoreMd(Target target, String dumpText) {
        MetaDataVersion version = target.version();
        try (Opened o = open(target, true)) {
            MetaDataDevice dev = o.device();
            int oldMaxPeers = -1;
            if (o.metaData() != null) {
                oldMaxPeers = o.metaData().maxPeers;
                if (!confirmer.confirm("Valid meta-data in place, overwrite?")) {
                    return 1;
                }
            }
            MetaDataDumpParser parser = new MetaDataDumpParser(dumpText);
            int maxPeers = parser.readVersionAndMaxPeers(version);
            MetaData md = MetaData.fresh(version, maxPeers, 1, 8);
            MetaDataLayout.initializeOffsets(md, target.location(), dev.sizeBytes());
            err.println("reinitializing");
            if (oldMaxPeers < maxPeers && !target.location().isInternal()) {
                out.println("Meta data needs more space now, since max_peers\nis bigger than in existing meta_data. ("
                        + oldMaxPeers + " -> " + maxPeers + ")");
            }
            checkForExistingData(dev, target, md, o.mdOffsetBytes());
            parser.readFields(version, md);
            md.magic = version.magic();
            if (md.alStripes != 1 || md.alStripeSize4k != 8) {
                checkAlGeometry(md.alStripes, md.alStripeSize4k);
                MetaDataLayout.initializeOffsets(md, target.location(), dev.sizeBytes());
            }
            long max = MetaDataLayout.maxUsableSectors(md, target.location(), o.mdOffsetBytes());
            if (md.effectiveSizeSectors > max) {
                out.println("# la-size-sect was too big (" + md.effectiveSizeSectors + "), truncated (" + max + ")!");
                md.effectiveSizeSectors = max;
            }
            long bmBytes = MetaDataLayout.bitmapBytes(md, md.effectiveSizeSectors);
            long areaWords = MetaDataLayout.align(bmBytes, 4096) / 4;
            MetaDataDumpParser.Bitmaps bitmaps = parser.readBitmaps(version, maxPeers, areaWords / maxPeers);
            parser.expectEnd();
            String invalid = MetaDataLayout.validate(version, md, target.location(), dev.sizeBytes());
            if (invalid != null) {
                throw new MetaDataException(1, "Writing failed: " + invalid);
            }
            writeRestoredBitmap(dev, md, o.mdOffsetBytes(), bitmaps, areaWords);
            writeSuperblock(dev, target, md, o.mdOffsetBytes());
            out.println("Successfully restored meta data");
            return 0;
        }
    }

    /**
     * Interleaves the parsed slots and writes as many words as the dump held (rounded up to the
     * device's logical block, zero-filled), never past the bitmap area: what drbdmeta writes.
     */
    private void writeRestoredBitmap(MetaDataDevice dev, MetaData md, long mdOffset,
            MetaDataDumpParser.Bitmaps bitmaps, long areaWords) {
        int mp = md.maxPeers;
        // drbdmeta uses the word count of the last slot parsed
        long words = bitmaps.slotWordCounts()[mp - 1] * mp;
        if (words == 0) {
            return;
        }
        long bytes = MetaDataLayout.align(words * 4, dev.logicalBlockBytes());
        if (bytes > areaWords * 4) {
            err.println("Bitmap info too large, truncated!");
            bytes = areaWords * 4;
        }
        ByteBuffer buf = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int p = 0; p < mp; p++) {
            int[] slot = bitmaps.slotWords()[p];
            for (int k = 0; k < slot.length; k++) {
                long idx = (long) k * mp + p;
                if (idx < words && idx * 4 < bytes) {
                    buf.putInt((int) (idx * 4), slot[k]);
                }
            }
        }
        checkInArea(md, mdOffset, MetaDataLayout.bmOffsetBytes(md, mdOffset), bytes, "meta_restore_md");
        dev.write(MetaDataLayout.bmOffsetBytes(md, mdOffset), buf);
    }
}
