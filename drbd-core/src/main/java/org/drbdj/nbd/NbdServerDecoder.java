package org.drbdj.nbd;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;

/**
 * Turns the bytes a client sends into messages: first {@link NbdClientFlags}, then
 * {@link NbdOptionRequest}s, and after the handshake handler calls {@link #enterTransmission()},
 * {@link NbdRequest}s. Translation only; what a message means is decided by the handlers.
 *
 * <p>Short input returns early and waits for more. A bad magic throws
 * {@link CorruptedFrameException} and an option or WRITE payload over the configured bound throws
 * {@link TooLongFrameException}; the pipeline closes the connection on either (the protocol allows
 * a hard disconnect once the stream cannot be trusted, and it keeps a hostile length from becoming
 * an allocation).
 *
 * <p>WRITE data that is already complete in the receive buffer is handed on as a retained slice (no
 * copy). Data that arrives over several reads is gathered once into a buffer of exactly the request
 * length, so the receive buffer never grows by reallocation for large writes.
 *
 * <p>Stateful: one instance per channel.
 */
public final class NbdServerDecoder extends ByteToMessageDecoder {

    private enum Phase { CLIENT_FLAGS, OPTIONS, TRANSMISSION, WRITE_DATA, DISCARD }

    private final int maxOptionDataBytes;
    private final int maxPayloadBytes;
    private Phase phase = Phase.CLIENT_FLAGS;

    /** Header of the WRITE whose data is being gathered (phase WRITE_DATA). */
    private int pendingFlags;
    private long pendingCookie;
    private long pendingOffsetBytes;
    private ByteBuf pendingData;

    /**
     * @param maxOptionDataBytes longest option data accepted during the handshake
     * @param maxPayloadBytes    longest WRITE payload accepted (the advertised maximum payload)
     */
    public NbdServerDecoder(int maxOptionDataBytes, int maxPayloadBytes) {
        this.maxOptionDataBytes = maxOptionDataBytes;
        this.maxPayloadBytes = maxPayloadBytes;
    }

    /** Called by the handshake handler once the export is chosen: from now on bytes are requests. */
    public void enterTransmission() {
        if (phase != Phase.OPTIONS) {
            throw new IllegalStateException("cannot enter transmission from phase " + phase);
        }
        phase = Phase.TRANSMISSION;
    }

    /** After ABORT or DISC: whatever else the client sends is ignored until the channel closes. */
    public void discardInput() {
        phase = Phase.DISCARD;
        releasePending();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (phase) {
            case CLIENT_FLAGS -> decodeClientFlags(in, out);
            case OPTIONS -> decodeOption(in, out);
            case TRANSMISSION -> decodeRequest(ctx, in, out);
            case WRITE_DATA -> gatherWriteData(in, out);
            case DISCARD -> in.skipBytes(in.readableBytes());
            default -> throw new IllegalStateException("phase " + phase);
        }
    }

    private void decodeClientFlags(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < ClientFlags.LENGTH) {
            return;
        }
        int flags = in.getInt(in.readerIndex() + ClientFlags.OFFSET_FLAGS);
        in.skipBytes(ClientFlags.LENGTH);
        phase = Phase.OPTIONS;
        out.add(new NbdClientFlags(flags));
    }

    private void decodeOption(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < OptionHeader.LENGTH) {
            return;
        }
        int base = in.readerIndex();
        long magic = in.getLong(base + OptionHeader.OFFSET_MAGIC);
        if (magic != NbdProtocol.IHAVEOPT) {
            throw new CorruptedFrameException("bad option magic 0x" + Long.toHexString(magic)
                    + " (expected IHAVEOPT 0x" + Long.toHexString(NbdProtocol.IHAVEOPT) + ")");
        }
        int option = in.getInt(base + OptionHeader.OFFSET_OPTION);
        long dataLength = in.getUnsignedInt(base + OptionHeader.OFFSET_DATA_LENGTH);
        if (dataLength > maxOptionDataBytes) {
            throw new TooLongFrameException("option " + NbdProtocol.optionName(option) + " carries " + dataLength
                    + " bytes of data, more than the limit of " + maxOptionDataBytes);
        }
        if (in.readableBytes() < OptionHeader.LENGTH + dataLength) {
            return;
        }
        byte[] data = new byte[(int) dataLength];
        in.getBytes(base + OptionHeader.LENGTH, data);
        in.skipBytes(OptionHeader.LENGTH + (int) dataLength);
        out.add(new NbdOptionRequest(option, data));
    }

    private void decodeRequest(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < RequestHeader.LENGTH) {
            return;
        }
        int base = in.readerIndex();
        int magic = in.getInt(base + RequestHeader.OFFSET_MAGIC);
        if (magic != NbdProtocol.REQUEST_MAGIC) {
            throw new CorruptedFrameException("bad request magic 0x" + Integer.toHexString(magic)
                    + " (expected 0x" + Integer.toHexString(NbdProtocol.REQUEST_MAGIC) + ")");
        }
        int flags = in.getUnsignedShort(base + RequestHeader.OFFSET_COMMAND_FLAGS);
        int type = in.getUnsignedShort(base + RequestHeader.OFFSET_TYPE);
        long cookie = in.getLong(base + RequestHeader.OFFSET_COOKIE);
        long offsetBytes = in.getLong(base + RequestHeader.OFFSET_OFFSET);
        long lengthBytes = in.getUnsignedInt(base + RequestHeader.OFFSET_LENGTH);
        if (type != NbdProtocol.CMD_WRITE) {
            in.skipBytes(RequestHeader.LENGTH);
            out.add(new NbdRequest(flags, type, cookie, offsetBytes, lengthBytes, null));
            return;
        }
        if (lengthBytes > maxPayloadBytes) {
            // The data follows on the stream; skipping up to 4 GiB to stay in sync is not worth it.
            throw new TooLongFrameException("WRITE of " + lengthBytes + " bytes exceeds the maximum payload of "
                    + maxPayloadBytes + " bytes");
        }
        int length = (int) lengthBytes;
        if (in.readableBytes() >= RequestHeader.LENGTH + length) {
            in.skipBytes(RequestHeader.LENGTH);
            out.add(new NbdRequest(flags, type, cookie, offsetBytes, lengthBytes, in.readRetainedSlice(length)));
            return;
        }
        in.skipBytes(RequestHeader.LENGTH);
        pendingFlags = flags;
        pendingCookie = cookie;
        pendingOffsetBytes = offsetBytes;
        pendingData = ctx.alloc().directBuffer(length, length);
        phase = Phase.WRITE_DATA;
        gatherWriteData(in, out);
    }

    private void gatherWriteData(ByteBuf in, List<Object> out) {
        int n = Math.min(in.readableBytes(), pendingData.writableBytes());
        pendingData.writeBytes(in, n);
        if (pendingData.isWritable()) {
            return;
        }
        ByteBuf data = pendingData;
        pendingData = null;
        phase = Phase.TRANSMISSION;
        out.add(new NbdRequest(pendingFlags, NbdProtocol.CMD_WRITE, pendingCookie, pendingOffsetBytes,
                data.readableBytes(), data));
    }

    private void releasePending() {
        if (pendingData != null) {
            pendingData.release();
            pendingData = null;
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        releasePending();
    }
}
