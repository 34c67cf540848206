package org.drbdj.meta;

import java.util.Locale;

/**
 * The bitmap part of drbdmeta's dump-md text: one block per peer slot, 64-bit words in hex, four per
 * line, with runs of equal words compressed to {@code N times 0x...;}.
 *
 * <p>The on-disk bitmap is an array of little-endian 32-bit words; with several peer slots (v09)
 * they are interleaved per word: word {@code k} of slot {@code p} is at index {@code k*maxPeers + p}.
 * A printed 64-bit value is two consecutive words of one slot, the odd (high) word first.
 *
 * <p>The run-length rule is drbdmeta's {@code fprintf_bm}, reproduced exactly: runs are only
 * detected at the start of an 8-word line, only when longer than 8 words, are rounded down to whole
 * lines, and are cut at drbdmeta's 32 MiB read-buffer boundaries. Any other rule would print a
 * different (though equivalent) text.
 */
public final class BitmapText {
    private BitmapText() {
    }

    /** drbdmeta's I/O buffer ({@code buffer_size}); run detection stops at its boundaries. */
    static final long DRBDMETA_BUFFER_BYTES = 32L * 1024 * 1024;
    private static final int WORDS_PER_LINE = 8;

    /**
     * Appends {@code {...}\n} for slot {@code peer} and returns the number of bits set in that slot.
     *
     * @param words    the whole on-disk bitmap area (bm-bytes / 4 words, all slots)
     * @param maxPeers number of interleaved slots
     */
    public static long print(StringBuilder out, int[] words, int maxPeers, int peer) {
        final long n = words.length;
        final int mp = maxPeers;
        final long maxChunkWords = DRBDMETA_BUFFER_BYTES / (4096L * mp) * (4096L * mp) / 4;
        long bitsSet = 0;
        long count = 0;
        int cw = 0;
        int lw = 0;
        long r = peer;
        long chunkStart = 0;
        out.append('{');
        outer:
        while (r < n) {
            if (r - chunkStart >= maxChunkWords) {
                chunkStart += maxChunkWords;
            }
            long bufferEnd = Math.min(chunkStart + maxChunkWords, n);
            while (true) {
                if (count == 0) {
                    cw = words[(int) r];
                }
                if ((r - chunkStart) % (WORDS_PER_LINE * mp) != peer) {
                    break;
                }
                if (count == 0) {
                    endOfLine(out, r, peer);
                }
                long j = r;
                while (j < bufferEnd && words[(int) j] == cw) {
                    j += mp;
                }
                long run = (j - r) / mp / WORDS_PER_LINE * WORDS_PER_LINE;
                if (run > WORDS_PER_LINE) {
                    count += run;
                    r += run * mp;
                    if (j >= bufferEnd && r < n) {
                        // the run may go on in drbdmeta's next buffer
                        continue outer;
                    }
                }
                if (count == 0) {
                    break;
                }
                out.append(' ').append(count / 2).append(" times 0x").append(hex32(cw)).append(hex32(cw)).append(';');
                bitsSet += count * Integer.bitCount(cw);
                count = 0;
                if (r >= n) {
                    break outer;
                }
            }
            if ((((r - chunkStart) / mp) & 1) == 0) {
                lw = words[(int) r];
            } else {
                out.append(" 0x").append(hex32(words[(int) r])).append(hex32(lw)).append(';');
            }
            bitsSet += Integer.bitCount(words[(int) r]);
            r += mp;
        }
        out.append("\n}\n");
        return bitsSet;
    }

    private static void endOfLine(StringBuilder out, long r, int peer) {
        if ((r & 63) == peer) {
            out.append("\n   # at ").append(128L * (r - peer)).append("kB\n   ");
        } else {
            out.append("\n   ");
        }
    }

    static String hex32(int v) {
        return String.format(Locale.ROOT, "%08X", v);
    }

    static String hex64(long v) {
        return String.format(Locale.ROOT, "%016X", v);
    }
}
