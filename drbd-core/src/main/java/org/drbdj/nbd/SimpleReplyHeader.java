package org.drbdj.nbd;

import io.netty.buffer.ByteBuf;

/**
 * Header of a simple reply (16 bytes): simple reply magic (u32), error (u32, NBD error value, 0 on
 * success), cookie (u64) of the request answered. A successful READ is followed by its data.
 */
public final class SimpleReplyHeader {
    public static final int OFFSET_MAGIC = 0;
    public static final int OFFSET_ERROR = 4;
    public static final int OFFSET_COOKIE = 8;
    public static final int LENGTH = 16;

    private SimpleReplyHeader() {
    }

    /** Appends the header to {@code out}. */
    public static void encode(ByteBuf out, int error, long cookie) {
        int base = out.writerIndex();
        out.ensureWritable(LENGTH);
        out.setInt(base + OFFSET_MAGIC, NbdProtocol.SIMPLE_REPLY_MAGIC);
        out.setInt(base + OFFSET_ERROR, error);
        out.setLong(base + OFFSET_COOKIE, cookie);
        out.writerIndex(base + LENGTH);
    }
}
