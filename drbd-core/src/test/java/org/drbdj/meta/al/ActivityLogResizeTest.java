package org.drbdj.meta.al;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.drbdj.storage.MemoryDevice;
import org.junit.jupiter.api.Test;

/**
 * Changing {@code al-extents} of a live activity log (disk-options): refused while a write holds
 * an extent, otherwise every committed extent is evicted through the hook and the log continues
 * with the new size and the next transaction number.
 */
class ActivityLogResizeTest {
    private final AlLayout layout = AlLayout.ofDefault(0);
    private final MemoryDevice dev = new MemoryDevice((int) layout.sizeBytes());
    private final List<Long> evicted = new ArrayList<>();

    private ActivityLog log(int alExtents) throws IOException {
        ActivityLog.initializeRing(dev, layout);
        return new ActivityLog(dev, layout, alExtents, 0, ex -> {
            for (long e : ex) {
                evicted.add(e);
            }
        });
    }

    @Test
    void refusedWhileAWriteHoldsAnExtent() throws IOException {
        ActivityLog al = log(8);
        al.begin(3L << 22, 4096);
        assertThat(al.resize(4)).isFalse();
        assertThat(al.alExtents()).isEqualTo(8);
        assertThat(evicted).isEmpty();
        al.complete(3L << 22, 4096);
        assertThat(al.resize(4)).isTrue();
        assertThat(al.alExtents()).isEqualTo(4);
    }

    @Test
    void refusedWhileAChangeWaitsForItsCommit() throws IOException {
        ActivityLog al = log(8);
        assertThat(al.tryBegin(1L << 22, 4096)).isEqualTo(ActivityLog.Begin.NEEDS_COMMIT);
        al.complete(1L << 22, 4096);
        assertThat(al.resize(16)).isFalse();
        al.commit();
        assertThat(al.resize(16)).isTrue();
    }

    @Test
    void evictsEverythingThenWorksWithTheNewSize() throws IOException {
        ActivityLog al = log(8);
        for (long e = 0; e < 6; e++) {
            al.begin(e << 22, 4096);
            al.complete(e << 22, 4096);
        }
        long next = al.nextTrNumber();
        assertThat(al.resize(2)).isTrue();
        assertThat(evicted).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        assertThat(al.committedExtents()).isEmpty();
        assertThat(al.nextTrNumber()).isEqualTo(next);

        for (long e = 10; e < 13; e++) {
            al.begin(e << 22, 4096);
            al.complete(e << 22, 4096);
        }
        assertThat(al.committedExtents()).containsExactly(11L, 12L);
        // The ring still names some old extents in slots the small log never rewrites: a crash
        // would resync more, never less.
        AlRecovery.Result r = AlRecovery.replay(ByteBuffer.wrap(dev.data()), layout);
        assertThat(r.hotExtents()).contains(11L, 12L);
        assertThat(r.nextTrNumber()).isEqualTo(al.nextTrNumber());
    }

    @Test
    void sizeMustFitTheRing() throws IOException {
        ActivityLog al = log(8);
        assertThatThrownBy(() -> al.resize(layout.maxAlExtents() + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("al-extents " + (layout.maxAlExtents() + 1));
        assertThatThrownBy(() -> al.resize(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
