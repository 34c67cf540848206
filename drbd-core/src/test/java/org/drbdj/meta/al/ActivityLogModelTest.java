package org.drbdj.meta.al;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.drbdj.storage.MemoryDevice;

/**
 * The activity log against a simple model of its active set (capacity-bounded, LRU among unpinned
 * extents), and its on-disk ring against replay: after every commit, recovering the ring yields
 * exactly the committed active set, and every eviction wrote the evicted extent's bitmap first.
 */
class ActivityLogModelTest {
    @Provide
    Arbitrary<List<Integer>> script() {
        // >= 0: begin a write to that extent; -1: complete the oldest in-flight write.
        return Arbitraries.integers().between(-1, 40).list().ofMinSize(1).ofMaxSize(120);
    }

    @Property(tries = 150)
    void ringReplaysToTheCommittedActiveSet(@ForAll("script") List<Integer> script,
            @ForAll @IntRange(min = 1, max = 12) int alExtents,
            @ForAll @IntRange(min = 2, max = 6) int ringBlocks, @ForAll @IntRange(min = 1, max = 2) int stripes)
            throws IOException {
        AlLayout layout = new AlLayout(0, stripes, ringBlocks);
        alExtents = Math.min(alExtents, layout.maxAlExtents());
        MemoryDevice dev = new MemoryDevice((int) layout.sizeBytes());
        ActivityLog.initializeRing(dev, layout);
        List<Long> evictedLog = new ArrayList<>();
        ActivityLog al = new ActivityLog(dev, layout, alExtents, 0, ex -> {
            for (long e : ex) {
                evictedLog.add(e);
            }
        });

        // Model: active extents with pin counts, unpinned ones in LRU order.
        Map<Long, Integer> pins = new HashMap<>();
        LinkedHashSet<Long> unpinnedLru = new LinkedHashSet<>();
        List<Long> inFlight = new ArrayList<>();
        for (int step : script) {
            if (step < 0) {
                if (!inFlight.isEmpty()) {
                    long e = inFlight.remove(0);
                    al.complete(e << 22, 4096);
                    if (pins.merge(e, -1, Integer::sum) == 0) {
                        unpinnedLru.add(e);
                    }
                }
                continue;
            }
            long e = step;
            ActivityLog.Begin b = al.tryBegin(e << 22, 4096);
            boolean cold = !pins.containsKey(e);
            if (cold && pins.size() == alExtents && unpinnedLru.isEmpty()) {
                assertThat(b).isEqualTo(ActivityLog.Begin.BUSY);
                continue;
            }
            long expectEvict = -1;
            if (cold) {
                assertThat(b).isEqualTo(ActivityLog.Begin.NEEDS_COMMIT);
                if (pins.size() == alExtents) {
                    expectEvict = unpinnedLru.iterator().next();
                    unpinnedLru.remove(expectEvict);
                    pins.remove(expectEvict);
                }
                pins.put(e, 0);
            } else {
                assertThat(b).isEqualTo(ActivityLog.Begin.ACTIVE);
                unpinnedLru.remove(e);
            }
            pins.merge(e, 1, Integer::sum);
            inFlight.add(e);
            evictedLog.clear();
            al.commit();
            if (expectEvict >= 0) {
                assertThat(evictedLog).containsExactly(expectEvict);
            } else {
                assertThat(evictedLog).isEmpty();
            }
            assertThat(al.committedExtents()).containsExactly(new TreeSet<>(pins.keySet()).stream().mapToLong(Long::longValue).toArray());
            AlRecovery.Result r = AlRecovery.replay(ByteBuffer.wrap(dev.data()), layout);
            assertThat(r.trustworthy()).isTrue();
            assertThat(r.hotExtents()).as("replayed ring").containsExactly(al.committedExtents());
            assertThat(r.nextTrNumber()).isEqualTo(al.nextTrNumber());
        }
    }

    /** With more slots than one transaction's context (919), the ring still replays to the exact set. */
    @Property(tries = 5)
    void contextSpreadOverSeveralTransactionsStillReplays(@ForAll @IntRange(min = 920, max = 2757) int alExtents,
            @ForAll long seed) throws IOException {
        AlLayout layout = AlLayout.ofDefault(0);
        MemoryDevice dev = new MemoryDevice((int) layout.sizeBytes());
        ActivityLog.initializeRing(dev, layout);
        ActivityLog al = new ActivityLog(dev, layout, alExtents, 0, ex -> { });
        java.util.Random r = new java.util.Random(seed);
        for (int i = 0; i < 3 * alExtents; i++) {
            long e = r.nextInt(alExtents * 2);
            al.begin(e << 22, 4096);
            al.complete(e << 22, 4096);
            if (i % 97 == 0 || i == 3 * alExtents - 1) {
                AlRecovery.Result res = AlRecovery.replay(ByteBuffer.wrap(dev.data()), layout);
                assertThat(res.hotExtents()).containsExactly(al.committedExtents());
            }
        }
    }
}
