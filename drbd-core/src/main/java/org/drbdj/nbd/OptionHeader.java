package org.drbdj.nbd;

import io.netty.buffer.ByteBuf;

/**
 * Header of a client option request during the handshake (16 bytes): "IHAVEOPT" magic (u64), option
 * number (u32), option data length (u32), followed by that many bytes of option data.
 */
public final class OptionHeader {
    public static final int OFFSET_MAGIC = 0;
    public static final int OFFSET_OPTION = 8;
    public static final int OFFSET_DATA_LENGTH = 12;
    public static final int LENGTH = 16;

    private OptionHeader() {
    }

    /** Appends a header (as a client sends it); used by tests and tools that speak to the server. */
    public static void encode(ByteBuf out, int option, int dataLengthBytes) {
        out.writeLong(NbdProtocol.IHAVEOPT);
        out.writeInt(option);
        out.writeInt(dataLengthBytes);
    }
}
