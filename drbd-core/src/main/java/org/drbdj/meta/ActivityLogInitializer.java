package org.drbdj.meta;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The activity-log area as create-md leaves it: every 4 KiB transaction slot holds the AL magic,
 * transaction type {@code AL_TR_INITIALIZED} (0xffff) and a valid CRC32C, everything else zero, so
 * that DRBD 8.4/9 accept the ring as empty. Only what create-md needs; the transaction format
 * itself belongs to {@code org.drbdj.meta.al}.
 */
public final class ActivityLogInitializer {
    private ActivityLogInitializer() {
    }

    /** {@code DRBD_AL_MAGIC}. */
    public static final int AL_MAGIC = 0x69cb65a2;
    /** {@code AL_TR_INITIALIZED}: a slot that never held a transaction. */
    public static final short AL_TR_INITIALIZED = (short) 0xffff;
    static final int CRC_OFFSET = 8;
    static final int TYPE_OFFSET = 12;

    /** The initialized ring of {@code blocks} 4 KiB slots. */
    public static ByteBuffer initializedRing(int blocks) {
        ByteBuffer slot = ByteBuffer.allocate(4096).order(ByteOrder.BIG_ENDIAN);
        slot.putInt(0, AL_MAGIC);
        slot.putShort(TYPE_OFFSET, AL_TR_INITIALIZED);
        // DRBD's crc32c: seed 0, no final inversion, computed with the crc field zero
        slot.putInt(CRC_OFFSET, Crc32cRaw.update(0, slot.array(), 0, 4096));
        ByteBuffer ring = ByteBuffer.allocate(blocks * 4096);
        for (int i = 0; i < blocks; i++) {
            ring.put(slot.array());
        }
        return ring.flip();
    }

    /** CRC32C (Castagnoli, reflected) without the usual pre/post inversion, as DRBD uses it. */
    static final class Crc32cRaw {
        private static final int[] TABLE = new int[256];

        static {
            for (int i = 0; i < 256; i++) {
                int c = i;
                for (int k = 0; k < 8; k++) {
                    c = (c & 1) != 0 ? (c >>> 1) ^ 0x82F63B78 : c >>> 1;
                }
                TABLE[i] = c;
            }
        }

        static int update(int crc, byte[] data, int off, int len) {
            for (int i = off; i < off + len; i++) {
                crc = TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
            }
            return crc;
        }
    }
}
