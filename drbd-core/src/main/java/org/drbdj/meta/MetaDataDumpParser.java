package org.drbdj.meta;

import java.util.Arrays;

/**
 * Reads the dump-md text (see {@link MetaDataDump}) with the grammar of drbdmeta's restore-md: the
 * same tokens (comments from {@code #} to the end of the line, 16- and 8-digit hex numbers, decimal
 * numbers up to 19 digits, keywords, {@code { } [ ] ;}) and the same fixed order of statements.
 * Errors name the line and the offending token and exit with drbdmeta's code 10.
 *
 * <p>Used in steps, because restore-md needs the max-peers value to initialize the layout before it
 * reads the other fields, and the layout's bitmap size to bound the bitmap it reads.
 */
public final class MetaDataDumpParser {
    enum Kind { OP, STRING, U64, U32, NUM, WORD, EOF }

    private record Token(Kind kind, String text, long value, int line) {
        String describe() {
            return kind == Kind.EOF ? "end of file" : "'" + text + "'";
        }
    }

    private static final java.util.Set<String> KEYWORDS = java.util.Set.of("gc", "bm", "uuid", "version",
            "la-size-sect", "bm-byte-per-bit", "device-uuid", "times", "flags", "al-stripes", "al-stripe-size-4k",
            "la-peer-max-bio-size", "node-id", "current-uuid", "bitmap", "bitmap-uuid", "bitmap-dagtag",
            "history-uuids", "peer", "hash", "max-peers", "bitmap-index");

    private final String text;
    private int pos;
    private int line = 1;

    public MetaDataDumpParser(String text) {
        this.text = text;
    }

    private static boolean wordChar(char c) {
        return c == '-' || c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private Token next() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '\n') {
                line++;
                pos++;
            } else if (c == ' ' || c == '\t' || c == '\r') {
                pos++;
            } else if (c == '#') {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    pos++;
                }
            } else {
                break;
            }
        }
        if (pos >= text.length()) {
            return new Token(Kind.EOF, "", 0, line);
        }
        char c = text.charAt(pos);
        if ("{};[]".indexOf(c) >= 0) {
            pos++;
            return new Token(Kind.OP, String.valueOf(c), 0, line);
        }
        if (c == '"') {
            int end = pos + 1;
            while (end < text.length() && text.charAt(end) != '"' && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
                end++;
            }
            if (end >= text.length() || text.charAt(end) != '"' || end - pos - 1 < 1 || end - pos - 1 > 20) {
                throw error("invalid string", text.substring(pos, Math.min(end + 1, text.length())));
            }
            String s = text.substring(pos + 1, end);
            pos = end + 1;
            return new Token(Kind.STRING, s, 0, line);
        }
        if (!wordChar(c)) {
            throw error("invalid character", String.valueOf(c));
        }
        int start = pos;
        while (pos < text.length() && wordChar(text.charAt(pos))) {
            pos++;
        }
        String w = text.substring(start, pos);
        if (w.matches("0x[0-9A-Fa-f]{16}")) {
            return new Token(Kind.U64, w, Long.parseUnsignedLong(w.substring(2), 16), line);
        }
        if (w.matches("0x[0-9A-Fa-f]{8}")) {
            return new Token(Kind.U32, w, Long.parseLong(w.substring(2), 16), line);
        }
        if (w.matches("0x[0-9A-Fa-f]{0,17}")) {
            throw error("invalid hex number (only 8 or 16 hex digits accepted)", w);
        }
        if (w.matches("-?[0-9]{1,19}")) {
            return new Token(Kind.NUM, w, parseNum(w), line);
        }
        if (w.matches("-?[0-9]{20,}")) {
            throw error("number too big", w);
        }
        if (KEYWORDS.contains(w)) {
            return new Token(Kind.WORD, w, 0, line);
        }
        throw error("unknown token", w);
    }

    /** drbdmeta converts with strtoull: negative numbers wrap around, as "-1" for bitmap-index. */
    private static long parseNum(String w) {
        if (w.startsWith("-")) {
            return -Long.parseUnsignedLong(w.substring(1));
        }
        return Long.parseUnsignedLong(w);
    }

    private MetaDataException error(String what, String token) {
        return new MetaDataException(10, "line " + line + ": " + what + ": " + token + " ...");
    }

    private Token expect(Kind kind, String textOrNull) {
        Token t = next();
        if (t.kind != kind || (textOrNull != null && !textOrNull.equals(t.text))) {
            String want = textOrNull != null ? "'" + textOrNull + "'" : describe(kind);
            throw new MetaDataException(10, "Parse error in line " + t.line + ": expected " + want
                    + ", not " + t.describe());
        }
        return t;
    }

    private static String describe(Kind kind) {
        switch (kind) {
            case U64: return "a 16-digit hex number (0x...)";
            case U32: return "an 8-digit hex number (0x...)";
            case NUM: return "a number";
            case STRING: return "a quoted string";
            default: return kind.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private void op(char c) {
        expect(Kind.OP, String.valueOf(c));
    }

    private void word(String w) {
        expect(Kind.WORD, w);
    }

    private long num() {
        return expect(Kind.NUM, null).value;
    }

    private long u64() {
        return expect(Kind.U64, null).value;
    }

    private int u32() {
        return (int) expect(Kind.U32, null).value;
    }

    /**
     * Reads {@code version "vNN";} and, for v09, {@code max-peers N;}.
     *
     * @return max-peers (1 for v08)
     */
    public int readVersionAndMaxPeers(MetaDataVersion expected) {
        word("version");
        String v = expect(Kind.STRING, null).text;
        if (!v.equals(expected.tag())) {
            throw new MetaDataException(10, "dump is '" + v + "' you requested '" + expected.tag() + "'.");
        }
        op(';');
        if (expected == MetaDataVersion.V09) {
            word("max-peers");
            long n = num();
            op(';');
            if (n < 1 || n > MetaData.NODE_ID_MAX - 1) {
                throw new MetaDataException(10, "max-peers " + n + " out of range 1.." + (MetaData.NODE_ID_MAX - 1));
            }
            return (int) n;
        }
        return 1;
    }

    /** Reads the UUID/flags block and the scalar fields up to {@code al-stripe-size-4k} into {@code md}. */
    public void readFields(MetaDataVersion version, MetaData md) {
        if (version == MetaDataVersion.V08) {
            word("uuid");
            op('{');
            md.currentUuid = u64();
            op(';');
            md.peers[0].bitmapUuid = u64();
            op(';');
            for (int i = 0; i < MetaData.HISTORY_UUIDS_V08; i++) {
                md.historyUuids[i] = u64();
                op(';');
            }
            word("flags");
            md.flags = u32();
            op(';');
            op('}');
        } else {
            word("node-id");
            md.nodeId = (int) num();
            op(';');
            word("current-uuid");
            md.currentUuid = u64();
            op(';');
            word("flags");
            md.flags = u32();
            op(';');
            boolean[] seen = new boolean[MetaData.NODE_ID_MAX];
            for (int i = 0; i < MetaData.NODE_ID_MAX; i++) {
                word("peer");
                op('[');
                Token slotToken = expect(Kind.NUM, null);
                long slot = slotToken.value;
                op(']');
                if (slot < 0 || slot >= MetaData.NODE_ID_MAX) {
                    throw new MetaDataException(10, "Parse error in line " + slotToken.line + ": Slot " + slot
                            + " out of range");
                }
                if (seen[(int) slot]) {
                    throw new MetaDataException(10, "Parse error in line " + slotToken.line + ": Peer slot " + slot
                            + " defined multiple times");
                }
                seen[(int) slot] = true;
                MetaData.Peer p = md.peers[(int) slot];
                op('{');
                word("bitmap-index");
                p.bitmapIndex = (int) num();
                op(';');
                word("bitmap-uuid");
                p.bitmapUuid = u64();
                op(';');
                word("bitmap-dagtag");
                p.bitmapDagtag = u64();
                op(';');
                word("flags");
                p.flags = u32();
                op(';');
                op('}');
            }
            word("history-uuids");
            op('{');
            for (int i = 0; i < MetaData.HISTORY_UUIDS; i++) {
                md.historyUuids[i] = u64();
                op(';');
            }
            op('}');
        }
        word("la-size-sect");
        md.effectiveSizeSectors = num();
        op(';');
        word("bm-byte-per-bit");
        long bpb = num();
        op(';');
        if (bpb < 4096 || (bpb & (bpb - 1)) != 0 || bpb > Integer.MAX_VALUE) {
            throw new MetaDataException(10, "Invalid value for bm-byte-per-bit: value must be a power-of-two multiple of 4096");
        }
        md.bmBytesPerBit = (int) bpb;
        word("device-uuid");
        md.deviceUuid = u64();
        op(';');
        word("la-peer-max-bio-size");
        md.laPeerMaxBioSize = (int) num();
        op(';');
        word("al-stripes");
        md.alStripes = (int) num();
        op(';');
        word("al-stripe-size-4k");
        md.alStripeSize4k = (int) num();
        op(';');
    }

    /** The parsed bitmap blocks: for each slot, its 32-bit words in order (index k of the slot). */
    public record Bitmaps(int[][] slotWords, long[] slotWordCounts) {
    }

    /**
     * Reads the bitmap block of each slot ({@code bm {...}} for v08, {@code bitmap[i] {...}} for
     * v09). Words beyond {@code capacityWordsPerSlot} are counted but not stored, so a dump that is
     * too large for the device cannot exhaust memory; the caller reports the truncation.
     */
    public Bitmaps readBitmaps(MetaDataVersion version, int maxPeers, long capacityWordsPerSlot) {
        int[][] slots = new int[maxPeers][];
        long[] counts = new long[maxPeers];
        int cap = (int) Math.min(capacityWordsPerSlot, Integer.MAX_VALUE - 16);
        for (int p = 0; p < maxPeers; p++) {
            if (version == MetaDataVersion.V08) {
                word("bm");
            } else {
                word("bitmap");
                op('[');
                Token t = expect(Kind.NUM, null);
                op(']');
                if (t.value != p) {
                    throw new MetaDataException(10, "Parse error in line " + t.line + ": Expected peer slot " + p
                            + " but found " + t.value);
                }
            }
            op('{');
            int[] words = new int[Math.min(cap, 1024)];
            long k = 0;
            while (true) {
                Token t = next();
                long times;
                long value;
                if (t.kind == Kind.U64) {
                    times = 1;
                    value = t.value;
                    op(';');
                } else if (t.kind == Kind.NUM) {
                    times = t.value;
                    word("times");
                    value = u64();
                    op(';');
                } else if (t.kind == Kind.OP && t.text.equals("}")) {
                    break;
                } else {
                    throw new MetaDataException(10, "Parse error in line " + t.line
                            + ": expected repeat count, 16-digit hex number, or closing brace (}), not " + t.describe());
                }
                for (long i = 0; i < times; i++) {
                    if (k + 2 <= cap) {
                        if (k + 2 > words.length) {
                            words = Arrays.copyOf(words, (int) Math.min(cap, Math.max(words.length * 2L, k + 2)));
                        }
                        // little-endian: the low half is the lower word
                        words[(int) k] = (int) value;
                        words[(int) k + 1] = (int) (value >>> 32);
                    } else if (times > 1 && k >= cap) {
                        k += 2 * (times - i);
                        break;
                    }
                    k += 2;
                }
            }
            slots[p] = Arrays.copyOf(words, (int) Math.min(k, cap));
            counts[p] = k;
        }
        return new Bitmaps(slots, counts);
    }

    /** drbdmeta refuses trailing garbage after the last bitmap. */
    public void expectEnd() {
        Token t = next();
        if (t.kind != Kind.EOF) {
            throw new MetaDataException(10, "Parse error in line " + t.line + ": expected end of file, not "
                    + t.describe());
        }
    }

}
