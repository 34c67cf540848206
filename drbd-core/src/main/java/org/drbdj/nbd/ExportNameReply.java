package org.drbdj.nbd;

import io.netty.buffer.ByteBuf;

/**
 * The server's answer to {@code NBD_OPT_EXPORT_NAME} (no option-reply framing): export size (u64,
 * bytes), transmission flags (u16), then 124 zero bytes unless both sides agreed on NO_ZEROES
 * (134 or 10 bytes in total).
 */
public final class ExportNameReply {
    public static final int OFFSET_SIZE = 0;
    public static final int OFFSET_TRANSMISSION_FLAGS = 8;
    public static final int OFFSET_ZEROES = 10;
    public static final int ZEROES_LENGTH = 124;
    public static final int LENGTH_NO_ZEROES = 10;
    public static final int LENGTH_WITH_ZEROES = LENGTH_NO_ZEROES + ZEROES_LENGTH;

    private ExportNameReply() {
    }

    /** Appends the reply to {@code out}. */
    public static void encode(ByteBuf out, long sizeBytes, int transmissionFlags, boolean noZeroes) {
        int length = noZeroes ? LENGTH_NO_ZEROES : LENGTH_WITH_ZEROES;
        int base = out.writerIndex();
        out.ensureWritable(length);
        out.setLong(base + OFFSET_SIZE, sizeBytes);
        out.setShort(base + OFFSET_TRANSMISSION_FLAGS, transmissionFlags);
        if (!noZeroes) {
            out.setZero(base + OFFSET_ZEROES, ZEROES_LENGTH);
        }
        out.writerIndex(base + length);
    }
}
