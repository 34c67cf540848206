package org.drbdj.nbd;

import io.netty.buffer.ByteBuf;

/**
 * Header of a structured reply chunk (20 bytes): structured reply magic (u32), reply flags (u16,
 * {@link NbdProtocol#REPLY_FLAG_DONE}), chunk type (u16), cookie (u64), payload length (u32).
 * Payloads used here: {@code OFFSET_DATA} = u64 offset + data; {@code ERROR} = u32 error, u16
 * message length, UTF-8 message.
 */
public final class StructuredReplyHeader {
    public static final int OFFSET_MAGIC = 0;
    public static final int OFFSET_REPLY_FLAGS = 4;
    public static final int OFFSET_TYPE = 6;
    public static final int OFFSET_COOKIE = 8;
    public static final int OFFSET_PAYLOAD_LENGTH = 16;
    public static final int LENGTH = 20;

    /** Length of the fixed part of an {@code OFFSET_DATA} payload (the u64 offset). */
    public static final int OFFSET_DATA_FIXED_LENGTH = 8;
    /** Length of the fixed part of an {@code ERROR} payload (u32 error, u16 message length). */
    public static final int ERROR_FIXED_LENGTH = 6;

    private StructuredReplyHeader() {
    }

    /** Appends the header to {@code out}. */
    public static void encode(ByteBuf out, int replyFlags, int type, long cookie, int payloadLengthBytes) {
        int base = out.writerIndex();
        out.ensureWritable(LENGTH);
        out.setInt(base + OFFSET_MAGIC, NbdProtocol.STRUCTURED_REPLY_MAGIC);
        out.setShort(base + OFFSET_REPLY_FLAGS, replyFlags);
        out.setShort(base + OFFSET_TYPE, type);
        out.setLong(base + OFFSET_COOKIE, cookie);
        out.setInt(base + OFFSET_PAYLOAD_LENGTH, payloadLengthBytes);
        out.writerIndex(base + LENGTH);
    }
}
