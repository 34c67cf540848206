package org.drbdj.meta;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The dump text we print is read back by our parser to the same meta-data and bitmap, for random
 * bitmaps with runs of every length and any number of slots (the RLE printer's run rules are
 * checked against drbdmeta in {@link DrbdmetaDifferentialTest}; here the round trip).
 */
class DumpTextRoundTripProperties {

    @Provide
    Arbitrary<int[]> runWords() {
        // sequences of runs: value and length, so that runs shorter and longer than a line occur
        Arbitrary<int[]> run = Arbitraries.integers().between(1, 40).flatMap(len ->
                Arbitraries.of(0, -1, 1, 0x80000000, 0x12345678).map(v -> {
                    int[] r = new int[len];
                    java.util.Arrays.fill(r, v);
                    return r;
                }));
        return run.list().ofMinSize(0).ofMaxSize(60).map(runs -> {
            int total = runs.stream().mapToInt(r -> r.length).sum();
            int[] all = new int[total];
            int i = 0;
            for (int[] r : runs) {
                System.arraycopy(r, 0, all, i, r.length);
                i += r.length;
            }
            return all;
        });
    }

    @Property(tries = 200)
    void printedDumpParsesBackToTheSameMetaData(@ForAll("runWords") int[] pattern,
            @ForAll @IntRange(min = 1, max = 7) int maxPeers, @ForAll boolean v09) {
        MetaDataVersion version = v09 ? MetaDataVersion.V09 : MetaDataVersion.V08;
        int mp = v09 ? maxPeers : 1;
        MetaData md = MetaData.fresh(version, mp, 1, 8);
        MetaDataLayout.initializeOffsets(md, MetaDiskLocation.internal(), 64L << 20);
        md.currentUuid = 0x1234_5678_9ABC_DEF0L;
        md.flags = MdFlags.AL_CLEAN | MdFlags.CONSISTENT;
        md.historyUuids[0] = -2;
        md.peers[0].bitmapUuid = 77;
        md.peers[3].flags = MdFlags.PEER_CONNECTED | 1 << 20;
        md.laPeerMaxBioSize = 1 << 20;
        // la-size whose bitmap holds the pattern, per slot, rounded as drbdmeta rounds
        long sectors = Math.max(1, (long) pattern.length * 32 * 8 / 2);
        md.effectiveSizeSectors = sectors;
        int words = (int) (MetaDataLayout.bitmapBytes(md, sectors) / 4);
        int[] bitmap = new int[words];
        for (int k = 0; k * mp < words; k++) {
            for (int p = 0; p < mp && k * mp + p < words; p++) {
                bitmap[k * mp + p] = pattern.length == 0 ? 0 : pattern[(k + p) % pattern.length];
            }
        }
        String text = MetaDataDump.format(version, md, 4096, bitmap, List.of("# header"), List.of());

        MetaDataDumpParser parser = new MetaDataDumpParser(text);
        assertThat(parser.readVersionAndMaxPeers(version)).isEqualTo(mp);
        MetaData back = MetaData.fresh(version, mp, 1, 8);
        parser.readFields(version, back);
        MetaDataDumpParser.Bitmaps b = parser.readBitmaps(version, mp, words / mp);
        parser.expectEnd();

        assertThat(back.currentUuid).isEqualTo(md.currentUuid);
        assertThat(back.flags).isEqualTo(md.flags);
        assertThat(back.effectiveSizeSectors).isEqualTo(md.effectiveSizeSectors);
        assertThat(back.historyUuids).isEqualTo(version == MetaDataVersion.V09 ? md.historyUuids
                : java.util.Arrays.copyOf(new long[] {md.historyUuids[0], md.historyUuids[1]}, MetaData.HISTORY_UUIDS));
        if (v09) {
            assertThat(back.peers[3].flags).isEqualTo(md.peers[3].flags);
            assertThat(back.peers[0].bitmapUuid).isEqualTo(77);
        }
        // the words that carry bits; the 4 KiB padding behind them may lose an odd last word per
        // slot, as in drbdmeta's text format (it prints 64-bit pairs)
        long bitsPerSlot = MetaDataLayout.align((sectors + 7) / 8, 64);
        int validWords = (int) (bitsPerSlot / 32);
        for (int p = 0; p < mp; p++) {
            int[] slot = b.slotWords()[p];
            assertThat(slot.length).isGreaterThanOrEqualTo(validWords);
            for (int k = 0; k < validWords; k++) {
                assertThat(slot[k]).as("slot %d word %d", p, k).isEqualTo(bitmap[k * mp + p]);
            }
        }
    }

    @Property(tries = 50)
    void garbageAfterTheBitmapIsRejected(@ForAll @IntRange(min = 1, max = 3) int maxPeers) {
        MetaData md = MetaData.fresh(MetaDataVersion.V09, maxPeers, 1, 8);
        MetaDataLayout.initializeOffsets(md, MetaDiskLocation.internal(), 1L << 20);
        String text = MetaDataDump.format(MetaDataVersion.V09, md, 0, new int[0], List.of(), List.of()) + "bm {\n}\n";
        MetaDataDumpParser parser = new MetaDataDumpParser(text);
        parser.readVersionAndMaxPeers(MetaDataVersion.V09);
        parser.readFields(MetaDataVersion.V09, MetaData.fresh(MetaDataVersion.V09, maxPeers, 1, 8));
        parser.readBitmaps(MetaDataVersion.V09, maxPeers, 0);
        org.assertj.core.api.Assertions.assertThatThrownBy(parser::expectEnd)
                .isInstanceOf(MetaDataException.class).hasMessageContaining("expected end of file");
    }
}
