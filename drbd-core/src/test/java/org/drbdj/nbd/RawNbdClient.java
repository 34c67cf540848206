package org.drbdj.nbd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A byte-level NBD client for tests: it sends exactly what a test builds, including malformed
 * frames, and reads replies with the wire classes' offsets. Blocking I/O; tests bound it with
 * JUnit timeouts (an interrupt closes the channel).
 */
final class RawNbdClient implements AutoCloseable {
    final SocketChannel channel;

    /** One option reply. */
    record OptionReply(int option, int type, byte[] data) {
        String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    /** A simple reply header plus the READ data, if any. */
    record SimpleReply(int error, long cookie, byte[] data) {
        @Override
        public boolean equals(Object o) {
            return o instanceof SimpleReply r && r.error == error && r.cookie == cookie && Arrays.equals(r.data, data);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(cookie) * 31 + error;
        }

        @Override
        public String toString() {
            return "SimpleReply[error=" + error + ", cookie=" + cookie + ", dataBytes=" + data.length + "]";
        }
    }

    /** A structured chunk. */
    record Chunk(int flags, int type, long cookie, byte[] payload) {
    }

    private RawNbdClient(SocketChannel channel) {
        this.channel = channel;
    }

    static RawNbdClient connect(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        return new RawNbdClient(ch);
    }

    /** Reads and checks the greeting; returns the handshake flags. */
    int readGreeting() throws IOException {
        ByteBuf g = Unpooled.wrappedBuffer(readExactly(ServerGreeting.LENGTH));
        if (g.getLong(ServerGreeting.OFFSET_NBDMAGIC) != NbdProtocol.NBDMAGIC
                || g.getLong(ServerGreeting.OFFSET_IHAVEOPT) != NbdProtocol.IHAVEOPT) {
            throw new IOException("bad greeting");
        }
        return g.getUnsignedShort(ServerGreeting.OFFSET_HANDSHAKE_FLAGS);
    }

    /** Greeting, then fixed-newstyle + no-zeroes client flags. */
    RawNbdClient handshake() throws IOException {
        readGreeting();
        sendInt(NbdProtocol.FLAG_C_FIXED_NEWSTYLE | NbdProtocol.FLAG_C_NO_ZEROES);
        return this;
    }

    void sendInt(int value) throws IOException {
        send(Unpooled.buffer(4).writeInt(value));
    }

    void send(ByteBuf buf) throws IOException {
        try {
            ByteBuffer nio = buf.nioBuffer();
            while (nio.hasRemaining()) {
                channel.write(nio);
            }
        } finally {
            buf.release();
        }
    }

    void sendOption(int option, byte[] data) throws IOException {
        ByteBuf b = Unpooled.buffer();
        OptionHeader.encode(b, option, data.length);
        b.writeBytes(data);
        send(b);
    }

    static byte[] goData(String name, int... infos) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        ByteBuf b = Unpooled.buffer();
        b.writeInt(n.length).writeBytes(n).writeShort(infos.length);
        for (int info : infos) {
            b.writeShort(info);
        }
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }

    OptionReply readOptionReply() throws IOException {
        ByteBuf h = Unpooled.wrappedBuffer(readExactly(OptionReplyHeader.LENGTH));
        if (h.getLong(OptionReplyHeader.OFFSET_MAGIC) != NbdProtocol.OPTION_REPLY_MAGIC) {
            throw new IOException("bad option reply magic");
        }
        int length = h.getInt(OptionReplyHeader.OFFSET_DATA_LENGTH);
        return new OptionReply(h.getInt(OptionReplyHeader.OFFSET_OPTION), h.getInt(OptionReplyHeader.OFFSET_REPLY_TYPE),
                readExactly(length));
    }

    /** Option replies up to and including the final one (ACK or an error). */
    List<OptionReply> readOptionReplies() throws IOException {
        List<OptionReply> replies = new ArrayList<>();
        while (true) {
            OptionReply r = readOptionReply();
            replies.add(r);
            if (r.type() == NbdProtocol.REP_ACK || r.type() < 0) {
                return replies;
            }
        }
    }

    /** OPT_GO for {@code name}; returns the replies (ending in ACK on success). */
    List<OptionReply> go(String name) throws IOException {
        sendOption(NbdProtocol.OPT_GO, goData(name, NbdProtocol.INFO_BLOCK_SIZE));
        return readOptionReplies();
    }

    void sendRequest(int flags, int type, long cookie, long offset, int length, byte[] data) throws IOException {
        ByteBuf b = Unpooled.buffer();
        RequestHeader.encode(b, flags, type, cookie, offset, length);
        if (data != null) {
            b.writeBytes(data);
        }
        send(b);
    }

    SimpleReply readSimpleReply(int dataLength) throws IOException {
        ByteBuf h = Unpooled.wrappedBuffer(readExactly(SimpleReplyHeader.LENGTH));
        if (h.getInt(SimpleReplyHeader.OFFSET_MAGIC) != NbdProtocol.SIMPLE_REPLY_MAGIC) {
            throw new IOException("bad simple reply magic 0x" + Integer.toHexString(h.getInt(0)));
        }
        int error = h.getInt(SimpleReplyHeader.OFFSET_ERROR);
        byte[] data = error == 0 && dataLength > 0 ? readExactly(dataLength) : new byte[0];
        return new SimpleReply(error, h.getLong(SimpleReplyHeader.OFFSET_COOKIE), data);
    }

    Chunk readChunk() throws IOException {
        ByteBuf h = Unpooled.wrappedBuffer(readExactly(StructuredReplyHeader.LENGTH));
        if (h.getInt(StructuredReplyHeader.OFFSET_MAGIC) != NbdProtocol.STRUCTURED_REPLY_MAGIC) {
            throw new IOException("bad structured reply magic 0x" + Integer.toHexString(h.getInt(0)));
        }
        return new Chunk(h.getUnsignedShort(StructuredReplyHeader.OFFSET_REPLY_FLAGS),
                h.getUnsignedShort(StructuredReplyHeader.OFFSET_TYPE), h.getLong(StructuredReplyHeader.OFFSET_COOKIE),
                readExactly(h.getInt(StructuredReplyHeader.OFFSET_PAYLOAD_LENGTH)));
    }

    byte[] readExactly(int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) {
                throw new EOFException("server closed the connection after " + b.position() + " of " + n + " bytes");
            }
        }
        return b.array();
    }

    /** True when the server has closed the connection (reads hit EOF), skipping anything still sent. */
    boolean closedByServer() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4096);
        try {
            while (true) {
                b.clear();
                if (channel.read(b) < 0) {
                    return true;
                }
            }
        } catch (IOException e) {
            return true; // connection reset also means the server dropped us
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
