package org.drbdj.nbd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fixed-newstyle handshake of one connection: sends the greeting, checks the client flags,
 * answers options ({@code GO}, {@code INFO}, {@code LIST}, {@code ABORT}, {@code EXPORT_NAME},
 * {@code STRUCTURED_REPLY}; anything else gets {@code NBD_REP_ERR_UNSUP}), and on {@code GO} or
 * {@code EXPORT_NAME} replaces itself with an {@link NbdTransmissionHandler} for the chosen export.
 * A refused export ({@link NbdExport#refusal()}) is answered with {@code NBD_REP_ERR_POLICY} and the
 * reason. Stateful: one instance per channel.
 */
final class NbdHandshakeHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(NbdHandshakeHandler.class);

    private final NbdServerState server;
    private NbdClientFlags clientFlags;
    private boolean structuredReplies;
    private ScheduledFuture<?> handshakeTimeout;

    NbdHandshakeHandler(NbdServerState server) {
        this.server = server;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        long timeoutMs = server.options.handshakeTimeoutMs();
        handshakeTimeout = ctx.executor().schedule(() -> {
            LOG.warn("NBD client {} did not finish the handshake within {} ms; closing", ctx.channel().remoteAddress(),
                    timeoutMs);
            ctx.close();
        }, timeoutMs, TimeUnit.MILLISECONDS);
        ctx.writeAndFlush(new NbdServerMessage.Greeting(NbdProtocol.FLAG_FIXED_NEWSTYLE | NbdProtocol.FLAG_NO_ZEROES));
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimeout();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof NbdClientFlags flags) {
            onClientFlags(ctx, flags);
        } else if (msg instanceof NbdOptionRequest option) {
            onOption(ctx, option);
        } else {
            // A request before the handshake ended cannot come from the decoder; never swallow buffers.
            io.netty.util.ReferenceCountUtil.release(msg);
            throw new IllegalStateException("unexpected message during the NBD handshake: " + msg);
        }
    }

    private void onClientFlags(ChannelHandlerContext ctx, NbdClientFlags flags) {
        if (flags.unknownBits() != 0) {
            // The protocol requires a drop: the client expects behaviour we do not implement.
            LOG.warn("NBD client {} sent unknown client flags 0x{}; closing", ctx.channel().remoteAddress(),
                    Integer.toHexString(flags.flags()));
            ctx.close();
            return;
        }
        clientFlags = flags;
    }

    private void onOption(ChannelHandlerContext ctx, NbdOptionRequest req) {
        int option = req.option();
        if (server.shuttingDown && option != NbdProtocol.OPT_ABORT) {
            reply(ctx, NbdServerMessage.OptionReply.error(option, NbdProtocol.REP_ERR_SHUTDOWN,
                    "the NBD server is shutting down"));
            return;
        }
        switch (option) {
            case NbdProtocol.OPT_EXPORT_NAME -> onExportName(ctx, req);
            case NbdProtocol.OPT_GO, NbdProtocol.OPT_INFO -> onInfoOrGo(ctx, req);
            case NbdProtocol.OPT_LIST -> onList(ctx, req);
            case NbdProtocol.OPT_ABORT -> {
                ctx.pipeline().get(NbdServerDecoder.class).discardInput();
                ctx.writeAndFlush(NbdServerMessage.OptionReply.ack(option)).addListener(ChannelFutureListener.CLOSE);
            }
            case NbdProtocol.OPT_STRUCTURED_REPLY -> {
                if (req.data().length != 0) {
                    reply(ctx, NbdServerMessage.OptionReply.error(option, NbdProtocol.REP_ERR_INVALID,
                            "STRUCTURED_REPLY takes no data, got " + req.data().length + " bytes"));
                    return;
                }
                structuredReplies = true;
                reply(ctx, NbdServerMessage.OptionReply.ack(option));
            }
            default -> {
                if (clientFlags != null && !clientFlags.fixedNewstyle()) {
                    // Plain newstyle clients cannot parse an error reply; the protocol says drop them.
                    ctx.close();
                    return;
                }
                reply(ctx, NbdServerMessage.OptionReply.error(option, NbdProtocol.REP_ERR_UNSUP,
                        "option " + NbdProtocol.optionName(option) + " is not supported by this server"));
            }
        }
    }

    private void onExportName(ChannelHandlerContext ctx, NbdOptionRequest req) {
        String name = new String(req.data(), StandardCharsets.UTF_8);
        NbdExport export = server.registry.get(name);
        Optional<String> refusal = export == null ? Optional.of("no export named '" + name + "'") : export.refusal();
        if (refusal.isPresent()) {
            // EXPORT_NAME has no error reply: the only way to refuse is to hang up.
            LOG.warn("NBD client {} asked for export '{}' with EXPORT_NAME: refused ({}); closing",
                    ctx.channel().remoteAddress(), name, refusal.get());
            ctx.close();
            return;
        }
        boolean noZeroes = clientFlags != null && clientFlags.noZeroes();
        ctx.write(new NbdServerMessage.ExportNameAnswer(export.sizeBytes(), transmissionFlags(export, false),
                noZeroes));
        ctx.flush();
        enterTransmission(ctx, name, export, false);
    }

    private void onInfoOrGo(ChannelHandlerContext ctx, NbdOptionRequest req) {
        int option = req.option();
        ByteBuf data = Unpooled.wrappedBuffer(req.data());
        // Layout: u32 name length, name, u16 number of info requests, that many u16 info types.
        if (data.readableBytes() < 6) {
            reply(ctx, NbdServerMessage.OptionReply.error(option, NbdProtocol.REP_ERR_INVALID,
                    NbdProtocol.optionName(option) + " data of " + data.readableBytes() + " bytes is too short"));
            return;
        }
        long nameLength = data.readUnsignedInt();
        if (nameLength > data.readableBytes() - 2) {
            reply(ctx, NbdServerMessage.OptionReply.error(option, NbdProtocol.REP_ERR_INVALID,
                    "export name length " + nameLength + " exceeds the option data"));
            return;
        }
        String name = data.readCharSequence((int) nameLength, StandardCharsets.UTF_8).toString();
        int requestCount = data.readUnsignedShort();
        if (data.readableBytes() != requestCount * 2) {
            reply(ctx, NbdServerMessage.OptionReply.error(option, NbdProtocol.REP_ERR_INVALID,
                    "expected " + requestCount + " info requests (" + requestCount * 2 + " bytes), got "
                            + data.readableBytes() + " bytes"));
            return;
        }
        boolean wantName = false;
        boolean wantDescription = false;
        for (int i = 0; i < requestCount; i++) {
            int info = data.readUnsignedShort();
            wantName |= info == NbdProtocol.INFO_NAME;
            wantDescription |= info == NbdProtocol.INFO_DESCRIPTION;
        }
        NbdExport export = server.registry.get(name);
        if (export == null) {
            reply(ctx, NbdServerMessage.OptionReply.error(option, NbdProtocol.REP_ERR_UNKNOWN,
                    "no export named '" + name + "'; exports: " + server.registry.names()));
            return;
        }
        Optional<String> refusal = export.refusal();
        if (refusal.isPresent()) {
            LOG.info("NBD client {} refused export '{}': {}", ctx.channel().remoteAddress(), name, refusal.get());
            reply(ctx, NbdServerMessage.OptionReply.error(option, NbdProtocol.REP_ERR_POLICY, refusal.get()));
            return;
        }
        ctx.write(info(option, InfoItem.export(export.sizeBytes(), transmissionFlags(export, structuredReplies))));
        if (wantName) {
            ctx.write(info(option, InfoItem.string(NbdProtocol.INFO_NAME, name)));
        }
        if (wantDescription && !export.description().isEmpty()) {
            ctx.write(info(option, InfoItem.string(NbdProtocol.INFO_DESCRIPTION, export.description())));
        }
        // Always sent: libnbd and qemu use it to size requests even when they did not ask.
        ctx.write(info(option, InfoItem.blockSize(export.minimumBlockSizeBytes(), export.preferredBlockSizeBytes(),
                server.options.maxPayloadBytes())));
        ctx.write(NbdServerMessage.OptionReply.ack(option));
        ctx.flush();
        if (option == NbdProtocol.OPT_GO) {
            enterTransmission(ctx, name, export, structuredReplies);
        }
    }

    private void onList(ChannelHandlerContext ctx, NbdOptionRequest req) {
        int option = req.option();
        if (req.data().length != 0) {
            reply(ctx, NbdServerMessage.OptionReply.error(option, NbdProtocol.REP_ERR_INVALID,
                    "LIST takes no data, got " + req.data().length + " bytes"));
            return;
        }
        for (String name : server.registry.names()) {
            NbdExport export = server.registry.get(name);
            byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
            byte[] description = export == null ? new byte[0] : export.description().getBytes(StandardCharsets.UTF_8);
            ByteBuf payload = Unpooled.buffer(4 + nameBytes.length + description.length);
            payload.writeInt(nameBytes.length).writeBytes(nameBytes).writeBytes(description);
            ctx.write(new NbdServerMessage.OptionReply(option, NbdProtocol.REP_SERVER, payload.array()));
        }
        reply(ctx, NbdServerMessage.OptionReply.ack(option));
    }

    private static NbdServerMessage.OptionReply info(int option, byte[] item) {
        return new NbdServerMessage.OptionReply(option, NbdProtocol.REP_INFO, item);
    }

    private static void reply(ChannelHandlerContext ctx, NbdServerMessage.OptionReply reply) {
        ctx.writeAndFlush(reply);
    }

    private void enterTransmission(ChannelHandlerContext ctx, String name, NbdExport export, boolean structured) {
        cancelTimeout();
        ctx.pipeline().get(NbdServerDecoder.class).enterTransmission();
        ctx.pipeline().replace(this, "nbd-transmission",
                new NbdTransmissionHandler(server, name, export, structured));
        LOG.debug("NBD client {} entered transmission on export '{}' (structured replies: {})",
                ctx.channel().remoteAddress(), name, structured);
    }

    private void cancelTimeout() {
        if (handshakeTimeout != null) {
            handshakeTimeout.cancel(false);
            handshakeTimeout = null;
        }
    }

    /** The transmission flags advertised for {@code export}. */
    static int transmissionFlags(NbdExport export, boolean structuredReplies) {
        int flags = NbdProtocol.TFLAG_HAS_FLAGS | NbdProtocol.TFLAG_SEND_FLUSH;
        if (export.readOnly()) {
            flags |= NbdProtocol.TFLAG_READ_ONLY;
        } else {
            flags |= NbdProtocol.TFLAG_SEND_FUA | NbdProtocol.TFLAG_SEND_TRIM | NbdProtocol.TFLAG_SEND_WRITE_ZEROES;
        }
        if (export.flushCoversAllConnections()) {
            flags |= NbdProtocol.TFLAG_CAN_MULTI_CONN;
        }
        if (structuredReplies) {
            // Every READ is answered with a single chunk, so "don't fragment" always holds.
            flags |= NbdProtocol.TFLAG_SEND_DF;
        }
        return flags;
    }
}
