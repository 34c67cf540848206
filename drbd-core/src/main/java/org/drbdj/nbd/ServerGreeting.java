package org.drbdj.nbd;

import io.netty.buffer.ByteBuf;

/**
 * The fixed-newstyle greeting the server sends on connect (18 bytes): "NBDMAGIC", "IHAVEOPT", then
 * the u16 handshake flags ({@link NbdProtocol#FLAG_FIXED_NEWSTYLE}, {@link NbdProtocol#FLAG_NO_ZEROES}).
 */
public final class ServerGreeting {
    public static final int OFFSET_NBDMAGIC = 0;
    public static final int OFFSET_IHAVEOPT = 8;
    public static final int OFFSET_HANDSHAKE_FLAGS = 16;
    public static final int LENGTH = 18;

    private ServerGreeting() {
    }

    /** Appends the greeting to {@code out}. */
    public static void encode(ByteBuf out, int handshakeFlags) {
        int base = out.writerIndex();
        out.ensureWritable(LENGTH);
        out.setLong(base + OFFSET_NBDMAGIC, NbdProtocol.NBDMAGIC);
        out.setLong(base + OFFSET_IHAVEOPT, NbdProtocol.IHAVEOPT);
        out.setShort(base + OFFSET_HANDSHAKE_FLAGS, handshakeFlags);
        out.writerIndex(base + LENGTH);
    }
}
