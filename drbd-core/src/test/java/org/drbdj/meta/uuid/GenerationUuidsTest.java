package org.drbdj.meta.uuid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GenerationUuidsTest {
    private static final long A = 0x1111_2222_3333_4440L;
    private static final long B = 0x5555_6666_7777_8880L;
    private static final long C = 0x9999_aaaa_bbbb_ccc0L;

    @Test
    void v08NewCurrentMovesCurrentIntoBitmapAndAppliesTheRoleBit() {
        GenerationUuids u = GenerationUuids.v08();
        u.setCurrent(A, false);
        u.newCurrentUuidV08(B, true);
        assertThat(u.current()).isEqualTo(B | 1);
        assertThat(u.bitmap(0)).isEqualTo(A);
        u.newCurrentUuidV08(C | 1, false); // secondary: the role bit is cleared
        assertThat(u.current()).isEqualTo(C);
        assertThat(u.bitmap(0)).isEqualTo(B | 1);
    }

    @Test
    void v08ClearingTheBitmapRotatesItIntoTheTwoSlotHistory() {
        GenerationUuids u = GenerationUuids.v08();
        u.setBitmap(0, A | 1);
        assertThat(u.bitmap(0)).isEqualTo(A); // role bit masked in bitmap UUIDs
        u.setBitmap(0, 0);
        u.setBitmap(0, B);
        u.setBitmap(0, 0);
        u.setBitmap(0, C);
        u.setBitmap(0, 0);
        assertThat(u.history()).containsExactly(C, B); // newest first, A fell off
        assertThat(u.bitmap(0)).isZero();
    }

    @Test
    void resyncSourceBumpsTheBitmapUuid() {
        GenerationUuids u = GenerationUuids.v08();
        u.setBitmap(0, A);
        assertThat(u.bumpBitmapForResync(0)).isEqualTo(A + 0x0001_0000_0000_0000L);
    }

    @Test
    void v09NewCurrentOnlyForMissingPeersWithoutABitmapUuid() {
        GenerationUuids u = GenerationUuids.v09(0);
        u.setCurrent(A, true);
        u.setBitmap(2, C); // peer 2 already tracks an older generation
        boolean changed = u.newCurrentUuidV09(B, true, (1L << 1) | (1L << 2));
        assertThat(changed).isTrue();
        assertThat(u.current()).isEqualTo(B | 1);
        assertThat(u.bitmap(1)).isEqualTo(A | 1); // rotated current, as the kernel stores it
        assertThat(u.bitmap(2)).isEqualTo(C);      // kept
        assertThat(u.bitmap(3)).isZero();          // connected peers are not touched

        // Nothing new to track: the UUIDs stay as they are (DRBD 9 avoids needless rotations).
        assertThat(u.newCurrentUuidV09(C, true, 1L << 2)).isFalse();
        assertThat(u.current()).isEqualTo(B | 1);
    }

    @Test
    void v09Day0UuidIsRetiredIntoHistoryOnTheFirstBump() {
        GenerationUuids u = GenerationUuids.v09(1);
        u.setCurrent(A, false);
        assertThat(u.isDay0()).isTrue();
        assertThat(u.newCurrentUuidV09(B, true, 0)).isTrue(); // no missing peer, but day0
        assertThat(u.history()[0]).isEqualTo(A);
        assertThat(u.isDay0()).isFalse();
    }

    @Test
    void v09HistorySkipsDuplicatesCurrentAndBitmapUuids() {
        GenerationUuids u = GenerationUuids.v09(0);
        u.setCurrent(A, false);
        u.pushHistory(B);
        u.pushHistory(B);
        u.pushHistory(A | 1);                 // the current UUID
        u.setBitmap(1, C);
        u.pushHistory(C);                     // held in a bitmap slot
        u.pushHistory(GenerationUuids.UUID_JUST_CREATED);
        long[] h = u.history();
        assertThat(h[0]).isEqualTo(B);
        assertThat(h[1]).isZero();
        u.setBitmap(1, 0);                    // the cleared bitmap UUID goes into history
        assertThat(u.history()[0]).isEqualTo(C);
        assertThat(u.history()).hasSize(32);
    }

    @Test
    void badNodeIdsAreRejected() {
        assertThatThrownBy(() -> GenerationUuids.v09(32)).hasMessageContaining("node-id");
        GenerationUuids u = GenerationUuids.v09(3);
        assertThatThrownBy(() -> u.bitmap(3)).hasMessageContaining("not our own 3");
        assertThatThrownBy(() -> u.newCurrentUuidV08(A, true)).isInstanceOf(IllegalStateException.class);
    }
}
