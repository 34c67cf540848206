package org.drbdj.meta.al;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AlTransactionTest {
    /** The kernel's lib/crc32 bit-at-a-time definition: reflected poly 0x82F63B78, seed as given, no final xor. */
    private static int referenceCrc32c(int seed, byte[] data) {
        int crc = seed;
        for (byte b : data) {
            crc ^= b & 0xff;
            for (int k = 0; k < 8; k++) {
                crc = (crc >>> 1) ^ (0x82F63B78 & -(crc & 1));
            }
        }
        return crc;
    }

    @Test
    void rawCrcMatchesTheBitwiseDefinition() {
        Random r = new Random(7);
        for (int len : new int[] {1, 3, 64, 511, 4096}) {
            byte[] d = new byte[len];
            r.nextBytes(d);
            assertThat(Crc32cRaw.compute(ByteBuffer.wrap(d))).as("len %d", len).isEqualTo(referenceCrc32c(0, d));
        }
    }

    @Test
    void encodeDecodeRoundTripAndFieldOffsets() {
        long[] context = new long[919];
        java.util.Arrays.fill(context, AlTransaction.FREE);
        context[0] = 17;
        context[5] = 4_000_000_000L;
        AlTransaction t = new AlTransaction(0xfffffffeL, AlTransaction.TYPE_UPDATE, new int[] {3, 1236},
                new long[] {99, AlTransaction.FREE}, 1237, 919, context);
        ByteBuffer b = ByteBuffer.allocate(4096);
        t.encode(b);
        assertThat(b.getInt(0)).isEqualTo(0x69cb65a2);
        assertThat(b.getInt(4)).isEqualTo(0xfffffffe);
        assertThat(b.getShort(14)).isEqualTo((short) 2);
        assertThat(b.getShort(16)).isEqualTo((short) 1237);
        assertThat(b.getShort(18)).isEqualTo((short) 919);
        assertThat(b.getShort(36 + 2)).isEqualTo((short) 1236);
        assertThat(b.getShort(36 + 2 * 2)).isEqualTo((short) 0xffff); // unused update slot
        assertThat(b.getInt(164)).isEqualTo(99);
        assertThat(b.getInt(420 + 5 * 4)).isEqualTo((int) 4_000_000_000L);
        ByteBuffer zeroed = ByteBuffer.allocate(4096).put(b.duplicate());
        zeroed.putInt(8, 0).flip();
        byte[] arr = new byte[4096];
        zeroed.get(arr);
        assertThat(b.getInt(8)).isEqualTo(referenceCrc32c(0, arr));
        assertThat(AlTransaction.decodeValid(b)).isEqualTo(t);
        b.put(3000, (byte) (b.get(3000) ^ 1));
        assertThat(AlTransaction.decodeValid(b)).isNull();
    }

    @Test
    void stripedLayoutMapsTransactionsLikeTheKernel() {
        AlLayout l = new AlLayout(1 << 20, 2, 4); // 8 blocks: stripe 0 = blocks 0-3, stripe 1 = blocks 4-7
        // kernel: t %= 8; t = (t % stripes) * stripe_size + t / stripes
        assertThat(l.blockOfRingIndex(0)).isEqualTo(0);
        assertThat(l.blockOfRingIndex(1)).isEqualTo(4);
        assertThat(l.blockOfRingIndex(2)).isEqualTo(1);
        assertThat(l.blockOfRingIndex(7)).isEqualTo(7);
        assertThat(l.offsetOfTransaction(9)).isEqualTo((1 << 20) + 4 * 4096);
        assertThat(AlLayout.ofDefault(0).maxAlExtents()).isEqualTo(6433);
    }
}
