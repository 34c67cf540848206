package org.drbdj.nbd;

import io.netty.buffer.ByteBuf;

/**
 * Header of a server option reply (20 bytes): reply magic (u64), the option being answered (u32),
 * reply type (u32, {@code NBD_REP_*}), reply data length (u32), followed by the reply data.
 */
public final class OptionReplyHeader {
    public static final int OFFSET_MAGIC = 0;
    public static final int OFFSET_OPTION = 8;
    public static final int OFFSET_REPLY_TYPE = 12;
    public static final int OFFSET_DATA_LENGTH = 16;
    public static final int LENGTH = 20;

    private OptionReplyHeader() {
    }

    /** Appends the header to {@code out}. */
    public static void encode(ByteBuf out, int option, int replyType, int dataLengthBytes) {
        int base = out.writerIndex();
        out.ensureWritable(LENGTH);
        out.setLong(base + OFFSET_MAGIC, NbdProtocol.OPTION_REPLY_MAGIC);
        out.setInt(base + OFFSET_OPTION, option);
        out.setInt(base + OFFSET_REPLY_TYPE, replyType);
        out.setInt(base + OFFSET_DATA_LENGTH, dataLengthBytes);
        out.writerIndex(base + LENGTH);
    }
}
