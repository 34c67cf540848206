package org.drbdj.nbd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.buffer.Unpooled;

/**
 * What the server sends, as objects; {@link NbdServerEncoder} turns them into bytes. Messages that
 * carry read data ({@link SimpleReply}, {@link StructuredReply}) own that buffer: writing them hands
 * it to the channel, which releases it once sent.
 */
public sealed interface NbdServerMessage {

    /** The fixed-newstyle greeting ({@link ServerGreeting}). */
    record Greeting(int handshakeFlags) implements NbdServerMessage {
    }

    /** An option reply ({@link OptionReplyHeader} plus data). */
    record OptionReply(int option, int replyType, byte[] data) implements NbdServerMessage {
        public static OptionReply ack(int option) {
            return new OptionReply(option, NbdProtocol.REP_ACK, new byte[0]);
        }

        /** An error reply carrying a human-readable message for the operator. */
        public static OptionReply error(int option, int errorType, String message) {
            return new OptionReply(option, errorType, message.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** The answer to {@code NBD_OPT_EXPORT_NAME} ({@link ExportNameReply}). */
    record ExportNameAnswer(long sizeBytes, int transmissionFlags, boolean noZeroes) implements NbdServerMessage {
    }

    /** A simple reply ({@link SimpleReplyHeader}), with the data of a successful READ. */
    final class SimpleReply extends DefaultByteBufHolder implements NbdServerMessage {
        private final int error;
        private final long cookie;

        public SimpleReply(int error, long cookie, ByteBuf data) {
            super(data == null ? Unpooled.EMPTY_BUFFER : data);
            this.error = error;
            this.cookie = cookie;
        }

        public int error() {
            return error;
        }

        public long cookie() {
            return cookie;
        }
    }

    /**
     * One structured reply chunk ({@link StructuredReplyHeader}): a small fixed part of the payload
     * ({@code head}, e.g. the offset of OFFSET_DATA or the error and message of ERROR) followed by
     * optional bulk data.
     */
    final class StructuredReply extends DefaultByteBufHolder implements NbdServerMessage {
        private final int replyFlags;
        private final int chunkType;
        private final long cookie;
        private final byte[] head;

        public StructuredReply(int replyFlags, int chunkType, long cookie, byte[] head, ByteBuf data) {
            super(data == null ? Unpooled.EMPTY_BUFFER : data);
            this.replyFlags = replyFlags;
            this.chunkType = chunkType;
            this.cookie = cookie;
            this.head = head;
        }

        /** The final OFFSET_DATA chunk of a READ at {@code offsetBytes}. */
        public static StructuredReply offsetData(long cookie, long offsetBytes, ByteBuf data) {
            byte[] head = new byte[StructuredReplyHeader.OFFSET_DATA_FIXED_LENGTH];
            Unpooled.wrappedBuffer(head).setLong(0, offsetBytes);
            return new StructuredReply(NbdProtocol.REPLY_FLAG_DONE, NbdProtocol.REPLY_TYPE_OFFSET_DATA, cookie, head,
                    data);
        }

        /** The final ERROR chunk with an NBD error value and a message for the client's log. */
        public static StructuredReply error(long cookie, int error, String message) {
            byte[] text = message.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            int textLength = Math.min(text.length, NbdProtocol.MAX_STRING_BYTES);
            byte[] head = new byte[StructuredReplyHeader.ERROR_FIXED_LENGTH + textLength];
            ByteBuf b = Unpooled.wrappedBuffer(head);
            b.setInt(0, error);
            b.setShort(4, textLength);
            System.arraycopy(text, 0, head, StructuredReplyHeader.ERROR_FIXED_LENGTH, textLength);
            return new StructuredReply(NbdProtocol.REPLY_FLAG_DONE, NbdProtocol.REPLY_TYPE_ERROR, cookie, head, null);
        }

        public int replyFlags() {
            return replyFlags;
        }

        public int chunkType() {
            return chunkType;
        }

        public long cookie() {
            return cookie;
        }

        public byte[] head() {
            return head;
        }
    }
}
