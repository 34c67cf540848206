package org.drbdj.nbd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.buffer.Unpooled;

/**
 * A decoded transmission request ({@link RequestHeader}, plus the data of a WRITE). The data is a
 * slice of the receive buffer or a buffer the decoder filled, never a further copy. Whoever holds
 * the request owns it and must {@link #release()} it exactly once.
 */
public final class NbdRequest extends DefaultByteBufHolder {
    private final int commandFlags;
    private final int type;
    private final long cookie;
    private final long offsetBytes;
    private final long lengthBytes;

    public NbdRequest(int commandFlags, int type, long cookie, long offsetBytes, long lengthBytes, ByteBuf data) {
        super(data == null ? Unpooled.EMPTY_BUFFER : data);
        this.commandFlags = commandFlags;
        this.type = type;
        this.cookie = cookie;
        this.offsetBytes = offsetBytes;
        this.lengthBytes = lengthBytes;
    }

    /** u16 command flags ({@code NBD_CMD_FLAG_*}). */
    public int commandFlags() {
        return commandFlags;
    }

    /** u16 command type ({@code NBD_CMD_*}). */
    public int type() {
        return type;
    }

    /** The client's opaque cookie, echoed in the reply. */
    public long cookie() {
        return cookie;
    }

    /** Offset in bytes as sent (unsigned u64: a negative value means beyond 2^63). */
    public long offsetBytes() {
        return offsetBytes;
    }

    /** Length in bytes (u32 on the wire, widened without sign). */
    public long lengthBytes() {
        return lengthBytes;
    }

    public boolean hasFlag(int flag) {
        return (commandFlags & flag) != 0;
    }

    @Override
    public String toString() {
        return NbdProtocol.commandName(type) + "{flags=0x" + Integer.toHexString(commandFlags) + ", cookie=0x"
                + Long.toHexString(cookie) + ", offsetBytes=" + Long.toUnsignedString(offsetBytes)
                + ", lengthBytes=" + lengthBytes + "}";
    }
}
