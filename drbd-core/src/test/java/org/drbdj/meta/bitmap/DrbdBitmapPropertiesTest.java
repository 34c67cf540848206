package org.drbdj.meta.bitmap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Range operations of {@link DrbdBitmap} against a model: one {@link BitSet} per slot. Sizes cross
 * 32-bit word and 4 KiB page boundaries, with up to 5 interleaved slots.
 */
class DrbdBitmapPropertiesTest {
    /** One operation: kind 0 set, 1 clear, 2 markOutOfSync bytes, 3 markInSync bytes, 4 or-words. */
    record Op(int kind, int slot, long a, long b, long seed) {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, 4), Arbitraries.integers().between(0, 4),
                Arbitraries.longs().between(0, 1L << 40), Arbitraries.longs().between(0, 1L << 40),
                Arbitraries.longs()).as(Op::new);
        return op.list().ofMaxSize(40);
    }

    @Property(tries = 400)
    void matchesBitSetModel(@ForAll @IntRange(min = 1, max = 70_000) int bits,
            @ForAll @IntRange(min = 1, max = 5) int maxPeers, @ForAll("ops") List<Op> ops) {
        DrbdBitmap bm = new DrbdBitmap(bits, maxPeers);
        List<BitSet> model = new ArrayList<>();
        for (int s = 0; s < maxPeers; s++) {
            model.add(new BitSet());
        }
        long sizeBytes = (long) bits * 4096;
        for (Op op : ops) {
            int slot = op.slot() % maxPeers;
            BitSet m = model.get(slot);
            long x = op.a() % (bits + 1);
            long y = op.b() % (bits + 1);
            long from = Math.min(x, y);
            long to = Math.max(x, y);
            switch (op.kind()) {
                case 0 -> {
                    if (op.seed() % 3 == 0 && bits > 40_000) {
                        from = 32768 + (op.seed() >>> 1) % 32; // inside a page's first word, spanning pages
                        to = Math.max(from, bits);
                    }
                    long before = m.get((int) from, (int) to).cardinality();
                    assertThat(bm.set(slot, from, to)).isEqualTo((to - from) - before);
                    m.set((int) from, (int) to);
                }
                case 1 -> {
                    long before = m.get((int) from, (int) to).cardinality();
                    assertThat(bm.clear(slot, from, to)).isEqualTo(before);
                    m.clear((int) from, (int) to);
                }
                case 2 -> {
                    long off = op.a() % sizeBytes;
                    long len = Math.min(op.b() % (1 << 20), sizeBytes - off);
                    bm.markOutOfSync(slot, off, len);
                    if (len > 0) {
                        m.set((int) (off / 4096), (int) ((off + len + 4095) / 4096));
                    }
                }
                case 3 -> {
                    long off = op.a() % sizeBytes;
                    long len = Math.min(op.b() % (1 << 20), sizeBytes - off);
                    bm.markInSync(slot, off, len, sizeBytes);
                    long first = (off + 4095) / 4096;
                    long last = (off + len) / 4096;
                    if (len > 0 && first < last) {
                        m.clear((int) first, (int) last);
                    }
                }
                default -> {
                    long start = (from / 64) * 64;
                    java.util.Random r = new java.util.Random(op.seed());
                    int n = (int) Math.min(5, (bits - start) / 64);
                    long[] words = new long[n];
                    for (int k = 0; k < n; k++) {
                        words[k] = r.nextLong() & r.nextLong();
                        for (int i = 0; i < 64; i++) {
                            if ((words[k] >>> i & 1) != 0) {
                                m.set((int) (start + 64L * k + i));
                            }
                        }
                    }
                    bm.orWords64(slot, start, words);
                }
            }
        }
        for (int s = 0; s < maxPeers; s++) {
            BitSet m = model.get(s);
            assertThat(bm.count(s)).as("count slot %d", s).isEqualTo(m.cardinality());
            // nextSetBit walks exactly the model's bits.
            List<Long> got = new ArrayList<>();
            for (long b = bm.nextSetBit(s, 0); b >= 0; b = bm.nextSetBit(s, b + 1)) {
                got.add(b);
            }
            List<Long> want = new ArrayList<>();
            m.stream().forEach(b -> want.add((long) b));
            assertThat(got).as("set bits of slot %d", s).isEqualTo(want);
            long probe = bits / 3;
            assertThat(bm.count(s, probe, bits)).isEqualTo(m.get((int) probe, bits).cardinality());
            // Ranges that start inside the first word of a page and span whole pages, plus the ops' ranges.
            List<long[]> ranges = new ArrayList<>();
            for (long start : new long[] {0, 5, 32768 + 5, 65536 + 31}) {
                if (start < bits) {
                    ranges.add(new long[] {start, bits});
                }
            }
            for (Op op : ops) {
                long x = op.a() % (bits + 1);
                long y = op.b() % (bits + 1);
                ranges.add(new long[] {Math.min(x, y), Math.max(x, y)});
            }
            for (long[] r : ranges) {
                assertThat(bm.count(s, r[0], r[1])).as("count [%d, %d)", r[0], r[1])
                        .isEqualTo(m.get((int) r[0], (int) r[1]).cardinality());
            }
            long nc = m.nextClearBit((int) probe);
            assertThat(bm.nextClearBit(s, probe)).isEqualTo(nc >= bits ? -1 : nc);
            long[] words = new long[(bits + 63) / 64];
            bm.extractWords64(s, 0, words);
            assertThat(BitSet.valueOf(words)).isEqualTo(m);
        }
    }

    @Property(tries = 50)
    void mergeOrsTheOtherSlot(@ForAll @IntRange(min = 1, max = 200_000) int bits,
            @ForAll @IntRange(min = 1, max = 3) int maxPeers, @ForAll long seed) {
        java.util.Random r = new java.util.Random(seed);
        DrbdBitmap a = new DrbdBitmap(bits, maxPeers);
        DrbdBitmap b = new DrbdBitmap(bits, 1);
        BitSet model = new BitSet();
        for (int i = 0; i < 20; i++) {
            int x = r.nextInt(bits + 1);
            int y = r.nextInt(bits + 1);
            int from = Math.min(x, y);
            int to = Math.min(Math.max(x, y), from + 5000);
            if (i % 2 == 0) {
                a.set(maxPeers - 1, from, to);
            } else {
                b.set(0, from, to);
            }
            model.set(from, to);
        }
        a.merge(maxPeers - 1, b, 0);
        assertThat(a.count(maxPeers - 1)).isEqualTo(model.cardinality());
        for (int s = 0; s < maxPeers - 1; s++) {
            assertThat(a.count(s)).isZero(); // other slots untouched
        }
    }
}
