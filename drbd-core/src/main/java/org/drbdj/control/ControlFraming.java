package org.drbdj.control;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;

/**
 * Framing of control-socket messages: a 4-byte big-endian length, then that many bytes of UTF-8
 * JSON. Blocking JDK channels only, so that drbdadm loads no Netty.
 */
public final class ControlFraming {
    /** Largest message accepted (events2 dumps of many resources stay far below it). */
    public static final int MAX_MESSAGE_BYTES = 16 << 20;
    private static final int HEADER_BYTES = 4;

    private ControlFraming() {
    }

    public static void write(WritableByteChannel ch, Object json) throws IOException {
        byte[] body = Json.write(json).getBytes(StandardCharsets.UTF_8);
        if (body.length > MAX_MESSAGE_BYTES) {
            throw new ControlProtocolException("control message of " + body.length + " bytes exceeds "
                    + MAX_MESSAGE_BYTES);
        }
        ByteBuffer buf = ByteBuffer.allocate(HEADER_BYTES + body.length).order(ByteOrder.BIG_ENDIAN);
        buf.putInt(body.length).put(body).flip();
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /** Reads one message; returns null on a clean end of stream before any byte of it. */
    public static Object read(ReadableByteChannel ch) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.BIG_ENDIAN);
        if (!fill(ch, header, true)) {
            return null;
        }
        int length = header.flip().getInt();
        if (length < 0 || length > MAX_MESSAGE_BYTES) {
            throw new ControlProtocolException("control message length " + Integer.toUnsignedString(length)
                    + " out of range (max " + MAX_MESSAGE_BYTES + ")");
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        fill(ch, body, false);
        try {
            return Json.parse(new String(body.array(), StandardCharsets.UTF_8));
        } catch (Json.JsonException e) {
            throw new ControlProtocolException(e.getMessage());
        }
    }

    private static boolean fill(ReadableByteChannel ch, ByteBuffer buf, boolean eofAllowedAtStart) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf);
            if (n < 0) {
                if (eofAllowedAtStart && buf.position() == 0) {
                    return false;
                }
                throw new EOFException("control connection closed in the middle of a message");
            }
        }
        return true;
    }
}
