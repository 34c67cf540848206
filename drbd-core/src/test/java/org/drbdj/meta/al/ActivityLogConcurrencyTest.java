package org.drbdj.meta.al;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.drbdj.storage.MemoryDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Several writer threads share one activity log: no write proceeds on an extent the ring does not hold. */
@Timeout(120)
class ActivityLogConcurrencyTest {
    @Test
    void everyWriteIsCoveredByACommittedExtentWhileItRuns() throws Exception {
        AlLayout layout = new AlLayout(0, 1, 4);
        MemoryDevice dev = new MemoryDevice((int) layout.sizeBytes());
        ActivityLog.initializeRing(dev, layout);
        ActivityLog al = new ActivityLog(dev, layout, 8, 0, ex -> { });
        ExecutorService pool = Executors.newFixedThreadPool(4, r -> new Thread(r, "drbd-test-writer"));
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                final long seed = t;
                results.add(pool.submit(() -> {
                    Random r = new Random(seed);
                    int writes = 0;
                    for (int i = 0; i < 2000; i++) {
                        long offset = (long) r.nextInt(40) << 22;
                        ActivityLog.Begin b;
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                        while ((b = al.tryBegin(offset, 4096)) == ActivityLog.Begin.BUSY) {
                            assertThat(System.nanoTime()).as("AL stayed busy").isLessThan(deadline);
                            Thread.onSpinWait();
                        }
                        if (b == ActivityLog.Begin.NEEDS_COMMIT) {
                            al.commit();
                        }
                        // The "write" runs now: its extent must be in the committed (on-disk) set.
                        assertThat(Arrays.binarySearch(al.committedExtents(), offset >> 22)).isGreaterThanOrEqualTo(0);
                        writes++;
                        al.complete(offset, 4096);
                    }
                    return writes;
                }));
            }
            for (Future<Integer> f : results) {
                assertThat(f.get(100, TimeUnit.SECONDS)).isEqualTo(2000);
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(al.hasPendingChanges()).isFalse();
        AlRecovery.Result r = AlRecovery.replay(ByteBuffer.wrap(dev.data()), layout);
        assertThat(r.hotExtents()).containsExactly(al.committedExtents());
    }
}
