package org.drbdj.nbd;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Translates {@link NbdServerMessage} objects into bytes: a freshly allocated header buffer plus,
 * for READ replies, the data buffer itself (no copy; the channel writes both with one gathering
 * write). Stateless, but created per channel like every handler of the NBD pipeline.
 */
public final class NbdServerEncoder extends MessageToMessageEncoder<NbdServerMessage> {

    public NbdServerEncoder() {
        super(NbdServerMessage.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, NbdServerMessage msg, List<Object> out) {
        if (msg instanceof NbdServerMessage.SimpleReply reply) {
            ByteBuf header = ctx.alloc().ioBuffer(SimpleReplyHeader.LENGTH);
            SimpleReplyHeader.encode(header, reply.error(), reply.cookie());
            out.add(header);
            addData(reply.content(), out);
        } else if (msg instanceof NbdServerMessage.StructuredReply chunk) {
            byte[] head = chunk.head();
            int payloadLength = head.length + chunk.content().readableBytes();
            ByteBuf header = ctx.alloc().ioBuffer(StructuredReplyHeader.LENGTH + head.length);
            StructuredReplyHeader.encode(header, chunk.replyFlags(), chunk.chunkType(), chunk.cookie(), payloadLength);
            header.writeBytes(head);
            out.add(header);
            addData(chunk.content(), out);
        } else if (msg instanceof NbdServerMessage.OptionReply reply) {
            ByteBuf buf = ctx.alloc().ioBuffer(OptionReplyHeader.LENGTH + reply.data().length);
            OptionReplyHeader.encode(buf, reply.option(), reply.replyType(), reply.data().length);
            buf.writeBytes(reply.data());
            out.add(buf);
        } else if (msg instanceof NbdServerMessage.ExportNameAnswer answer) {
            ByteBuf buf = ctx.alloc().ioBuffer(ExportNameReply.LENGTH_WITH_ZEROES);
            ExportNameReply.encode(buf, answer.sizeBytes(), answer.transmissionFlags(), answer.noZeroes());
            out.add(buf);
        } else if (msg instanceof NbdServerMessage.Greeting greeting) {
            ByteBuf buf = ctx.alloc().ioBuffer(ServerGreeting.LENGTH);
            ServerGreeting.encode(buf, greeting.handshakeFlags());
            out.add(buf);
        } else {
            throw new IllegalArgumentException("not an NBD server message: " + msg);
        }
    }

    /** The message keeps its own reference (the encoder base releases it); the channel gets another. */
    private static void addData(ByteBuf data, List<Object> out) {
        if (data.isReadable()) {
            out.add(data.retain());
        }
    }
}
