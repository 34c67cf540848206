package org.drbdj.nbd;

import io.netty.buffer.ByteBuf;

/**
 * Header of a transmission-phase request (28 bytes): request magic (u32), command flags (u16),
 * command type (u16), cookie (u64, opaque, echoed in the reply), offset (u64, bytes), length (u32,
 * bytes). An {@code NBD_CMD_WRITE} is followed by {@code length} bytes of data. This is what the
 * kernel's {@code nbd.ko} sends for every block request.
 */
public final class RequestHeader {
    public static final int OFFSET_MAGIC = 0;
    public static final int OFFSET_COMMAND_FLAGS = 4;
    public static final int OFFSET_TYPE = 6;
    public static final int OFFSET_COOKIE = 8;
    public static final int OFFSET_OFFSET = 16;
    public static final int OFFSET_LENGTH = 24;
    public static final int LENGTH = 28;

    private RequestHeader() {
    }

    /** Appends a request header (as a client sends it); used by tests and tools. */
    public static void encode(ByteBuf out, int commandFlags, int type, long cookie, long offsetBytes, int lengthBytes) {
        out.writeInt(NbdProtocol.REQUEST_MAGIC);
        out.writeShort(commandFlags);
        out.writeShort(type);
        out.writeLong(cookie);
        out.writeLong(offsetBytes);
        out.writeInt(lengthBytes);
    }
}
