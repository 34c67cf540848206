package org.drbdj.meta;

import java.util.ArrayList;
import java.util.List;

/**
 * The text format of {@code drbdmeta dump-md}, which {@code restore-md} reads back. Printing
 * follows drbdmeta byte for byte apart from the leading comment lines (date, host, command);
 * {@link MetaDataDumpParser} reads it with drbdmeta's grammar.
 *
 * <p>One deliberate difference: drbdmeta 9.22 prints the v08 {@code uuid { ... flags }} value from
 * an unused field, so it always shows {@code 0x00000000} and a restore loses the flags; later
 * drbd-utils print the real flags, and so do we.
 */
public final class MetaDataDump {
    private MetaDataDump() {
    }

    /** Names of the per-peer flag bits as drbdmeta prints them after {@code #}. */
    private static final String[] PEER_FLAG_NAMES = new String[32];

    static {
        PEER_FLAG_NAMES[0] = "connected";
        PEER_FLAG_NAMES[1] = "<=outdated";
        PEER_FLAG_NAMES[2] = "fencing";
        PEER_FLAG_NAMES[3] = "full-sync";
        PEER_FLAG_NAMES[4] = "seen";
        PEER_FLAG_NAMES[16] = "exists";
    }

    /**
     * Everything dump-md prints.
     *
     * @param version       meta-data version
     * @param md            the superblock (la-size already clipped to what the layout can hold)
     * @param mdOffsetBytes absolute superblock offset
     * @param bitmapWords   the on-disk bitmap, {@code bm-bytes / 4} little-endian words, all slots
     * @param headerComment comment lines printed first (each starting with {@code #}), may be empty
     * @param preamble      lines printed right after the version line (the unclean-dump marker)
     */
    public static String format(MetaDataVersion version, MetaData md, long mdOffsetBytes, int[] bitmapWords,
            List<String> headerComment, List<String> preamble) {
        StringBuilder out = new StringBuilder(4096 + bitmapWords.length * 6);
        for (String line : headerComment) {
            out.append(line).append('\n');
        }
        out.append("version \"").append(version.tag()).append("\";\n\n");
        for (String line : preamble) {
            out.append(line).append('\n');
        }
        if (version == MetaDataVersion.V09) {
            out.append("max-peers ").append(md.maxPeers).append(";\n");
        }
        out.append("# md_size_sect ").append(Integer.toUnsignedLong(md.mdSizeSectors)).append('\n');
        out.append("# md_offset ").append(mdOffsetBytes).append('\n');
        out.append("# al_offset ").append(MetaDataLayout.alOffsetBytes(md, mdOffsetBytes)).append('\n');
        out.append("# bm_offset ").append(MetaDataLayout.bmOffsetBytes(md, mdOffsetBytes)).append('\n');
        out.append('\n');
        if (version == MetaDataVersion.V08) {
            out.append("uuid {\n");
            out.append("    0x").append(BitmapText.hex64(md.currentUuid))
                    .append("; 0x").append(BitmapText.hex64(md.peers[0].bitmapUuid))
                    .append("; 0x").append(BitmapText.hex64(md.historyUuids[0]))
                    .append("; 0x").append(BitmapText.hex64(md.historyUuids[1])).append(";\n");
            out.append("    flags 0x").append(BitmapText.hex32(md.flags)).append(";\n");
            out.append("}\n");
        } else {
            out.append("node-id ").append(md.nodeId).append(";\n");
            out.append("current-uuid 0x").append(BitmapText.hex64(md.currentUuid)).append(";\n");
            out.append("flags 0x").append(BitmapText.hex32(md.flags)).append(";\n");
            for (int i = 0; i < MetaData.NODE_ID_MAX; i++) {
                MetaData.Peer p = md.peers[i];
                out.append("peer[").append(i).append("] {\n");
                out.append("    bitmap-index ").append(p.bitmapIndex).append(";\n");
                out.append("    bitmap-uuid 0x").append(BitmapText.hex64(p.bitmapUuid)).append(";\n");
                out.append("    bitmap-dagtag 0x").append(BitmapText.hex64(p.bitmapDagtag)).append(";\n");
                out.append("    flags 0x").append(BitmapText.hex32(p.flags)).append(';')
                        .append(prettyPeerFlags(p.flags)).append('\n');
                out.append("}\n");
            }
            out.append("history-uuids {");
            for (int i = 0; i < MetaData.HISTORY_UUIDS; i++) {
                out.append(i % 4 != 0 ? " " : "\n        ").append("0x")
                        .append(BitmapText.hex64(md.historyUuids[i])).append(';');
            }
            out.append("\n}\n");
        }
        out.append("# al-extents ").append(Integer.toUnsignedLong(md.alNrExtents)).append(";\n");
        out.append("la-size-sect ").append(md.effectiveSizeSectors).append(";\n");
        out.append("bm-byte-per-bit ").append(Integer.toUnsignedLong(md.bmBytesPerBit)).append(";\n");
        out.append("device-uuid 0x").append(BitmapText.hex64(md.deviceUuid)).append(";\n");
        out.append("la-peer-max-bio-size ").append(md.laPeerMaxBioSize).append(";\n");
        out.append("al-stripes ").append(Integer.toUnsignedLong(md.alStripes)).append(";\n");
        out.append("al-stripe-size-4k ").append(Integer.toUnsignedLong(md.alStripeSize4k)).append(";\n");
        out.append("# bm-bytes ").append(bitmapWords.length * 4L).append(";\n");
        long bitsSet = 0;
        if (version == MetaDataVersion.V08) {
            out.append("bm ");
            bitsSet = BitmapText.print(out, bitmapWords, 1, 0);
        } else {
            for (int i = 0; i < md.maxPeers; i++) {
                out.append("bitmap[").append(i).append("] ");
                // drbdmeta reports the count of the last slot printed
                bitsSet = BitmapText.print(out, bitmapWords, md.maxPeers, i);
            }
        }
        out.append("# bits-set ").append(bitsSet).append(";\n");
        return out.toString();
    }

    /** drbdmeta's {@code pretty_peer_md_flags} with " # " and " | " separators. */
    static String prettyPeerFlags(int flags) {
        StringBuilder b = new StringBuilder();
        String sep = " # ";
        for (int i = 0; i < 32; i++) {
            int f = 1 << i;
            if ((flags & f) == 0) {
                continue;
            }
            b.append(sep);
            if (PEER_FLAG_NAMES[i] != null) {
                b.append(PEER_FLAG_NAMES[i]);
            } else {
                b.append("0x").append(Integer.toHexString(f)).append("=?");
            }
            sep = " | ";
        }
        return b.toString();
    }

    /** Splits text into lines for comparisons that ignore comment lines (those starting with #). */
    public static List<String> withoutComments(String text) {
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (!line.stripLeading().startsWith("#")) {
                lines.add(line);
            }
        }
        return lines;
    }
}
