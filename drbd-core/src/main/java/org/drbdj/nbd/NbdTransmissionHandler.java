package org.drbdj.nbd;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the requests of one connection in the transmission phase: validates each
 * {@link NbdRequest} (command, flags, alignment, range, read-only, shutdown), hands it to the
 * {@link NbdExport}, and writes the reply when the export's future completes. Replies may leave out
 * of order, as the protocol allows; durability is the export's contract (FLUSH and FUA complete only
 * once stable).
 *
 * <p>Error mapping: unknown command or flag, misalignment, zero length, a READ over the maximum
 * payload, a READ/TRIM/WRITE_ZEROES past the end: {@code EINVAL}; a WRITE past the end:
 * {@code ENOSPC}; writes to a read-only export: {@code EPERM}; any request while the server shuts
 * down: {@code ESHUTDOWN}; a backend failure: its {@link NbdBackendException#nbdError()} or
 * {@code EIO}.
 *
 * <p>All state is touched on the channel's event loop only; backend completions hop back to it.
 * Reading pauses while too many requests or bytes are open, so a client cannot make the server
 * buffer without bound. Stateful: one instance per channel.
 */
final class NbdTransmissionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(NbdTransmissionHandler.class);

    private final NbdServerState server;
    private final String exportName;
    private final NbdExport export;
    private final boolean structuredReplies;

    private ChannelHandlerContext ctx;
    private int inFlightRequests;
    private long inFlightBytes;
    private boolean readingPaused;
    /** DISC received or server shutting down: close once nothing is in flight. */
    private boolean closeWhenIdle;
    private boolean flushScheduled;
    private final Runnable flushTask = this::flushNow;

    NbdTransmissionHandler(NbdServerState server, String exportName, NbdExport export, boolean structuredReplies) {
        this.server = server;
        this.exportName = exportName;
        this.export = export;
        this.structuredReplies = structuredReplies;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof NbdRequest req)) {
            ReferenceCountUtil.release(msg);
            throw new IllegalStateException("unexpected message in the NBD transmission phase: " + msg);
        }
        if (closeWhenIdle && !server.shuttingDown) {
            req.release(); // after DISC the client may send nothing more; ignore stragglers
            return;
        }
        if (req.type() == NbdProtocol.CMD_DISC) {
            req.release();
            LOG.debug("NBD client {} disconnects from export '{}'", ctx.channel().remoteAddress(), exportName);
            ctx.pipeline().get(NbdServerDecoder.class).discardInput();
            closeWhenIdle();
            return;
        }
        String problem = null;
        int error = 0;
        try {
            error = validate(req);
            if (error != 0) {
                problem = describe(req, error);
                replyError(req, error, problem);
                return;
            }
        } finally {
            if (error != 0) {
                req.release();
            }
        }
        dispatch(req);
    }

    /** Returns 0 if the request may go to the export, else the NBD error value to answer with. */
    private int validate(NbdRequest req) {
        if (server.shuttingDown) {
            return NbdProtocol.ESHUTDOWN;
        }
        int type = req.type();
        int allowedFlags = switch (type) {
            case NbdProtocol.CMD_READ -> NbdProtocol.CMD_FLAG_FUA | (structuredReplies ? NbdProtocol.CMD_FLAG_DF : 0);
            case NbdProtocol.CMD_WRITE, NbdProtocol.CMD_FLUSH, NbdProtocol.CMD_TRIM -> NbdProtocol.CMD_FLAG_FUA;
            case NbdProtocol.CMD_WRITE_ZEROES -> NbdProtocol.CMD_FLAG_FUA | NbdProtocol.CMD_FLAG_NO_HOLE;
            default -> -1;
        };
        if (allowedFlags < 0 || (req.commandFlags() & ~allowedFlags) != 0) {
            return NbdProtocol.EINVAL;
        }
        if (type == NbdProtocol.CMD_FLUSH) {
            return 0;
        }
        boolean writes = type != NbdProtocol.CMD_READ;
        if (writes && export.readOnly()) {
            return NbdProtocol.EPERM;
        }
        long offset = req.offsetBytes();
        long length = req.lengthBytes();
        int minimumBlock = export.minimumBlockSizeBytes();
        if (length == 0 || (offset & (minimumBlock - 1)) != 0 || (length & (minimumBlock - 1)) != 0) {
            return NbdProtocol.EINVAL;
        }
        if (type == NbdProtocol.CMD_READ && length > server.options.maxPayloadBytes()) {
            return NbdProtocol.EINVAL;
        }
        long size = export.sizeBytes();
        // offset is an unsigned u64: a negative long is beyond any export.
        if (offset < 0 || offset > size || length > size - offset) {
            return type == NbdProtocol.CMD_WRITE || type == NbdProtocol.CMD_WRITE_ZEROES
                    ? NbdProtocol.ENOSPC : NbdProtocol.EINVAL;
        }
        return 0;
    }

    private String describe(NbdRequest req, int error) {
        return switch (error) {
            case NbdProtocol.ESHUTDOWN -> "the server is shutting down";
            case NbdProtocol.EPERM -> "export '" + exportName + "' is read-only";
            case NbdProtocol.ENOSPC -> "write at " + Long.toUnsignedString(req.offsetBytes()) + "+" + req.lengthBytes()
                    + " ends beyond the export size of " + export.sizeBytes() + " bytes";
            default -> "invalid request " + req + " (export size " + export.sizeBytes() + " bytes, minimum block "
                    + export.minimumBlockSizeBytes() + " bytes, maximum payload " + server.options.maxPayloadBytes()
                    + " bytes)";
        };
    }

    private void dispatch(NbdRequest req) {
        long payloadBytes = req.type() == NbdProtocol.CMD_READ || req.type() == NbdProtocol.CMD_WRITE
                ? req.lengthBytes() : 0;
        inFlightRequests++;
        inFlightBytes += payloadBytes;
        if (!readingPaused && (inFlightRequests >= server.options.maxInFlightRequests()
                || inFlightBytes >= server.options.maxInFlightBytes())) {
            readingPaused = true;
            ctx.channel().config().setAutoRead(false);
        }
        boolean fua = req.hasFlag(NbdProtocol.CMD_FLAG_FUA);
        CompletableFuture<?> future;
        try {
            future = switch (req.type()) {
                case NbdProtocol.CMD_READ -> export.read(req.offsetBytes(), (int) req.lengthBytes(), ctx.alloc());
                case NbdProtocol.CMD_WRITE -> export.write(req.offsetBytes(), req.content(), fua);
                case NbdProtocol.CMD_FLUSH -> export.flush();
                case NbdProtocol.CMD_TRIM -> export.trim(req.offsetBytes(), req.lengthBytes(), fua);
                case NbdProtocol.CMD_WRITE_ZEROES -> export.writeZeroes(req.offsetBytes(), req.lengthBytes(),
                        req.hasFlag(NbdProtocol.CMD_FLAG_NO_HOLE), fua);
                default -> throw new IllegalStateException("validated command " + req.type());
            };
        } catch (RuntimeException e) {
            future = CompletableFuture.failedFuture(e);
        }
        future.whenComplete((result, failure) -> onBackendDone(req, payloadBytes, result, failure));
    }

    /** Any thread: release the request data now, then finish on the event loop. */
    private void onBackendDone(NbdRequest req, long payloadBytes, Object result, Throwable failure) {
        req.release();
        Runnable finish = () -> finish(req, payloadBytes, result, failure);
        if (ctx.executor().inEventLoop()) {
            finish.run();
            return;
        }
        try {
            ctx.executor().execute(finish);
        } catch (RejectedExecutionException e) {
            ReferenceCountUtil.release(result); // event loop gone: nobody will send this reply
        }
    }

    private void finish(NbdRequest req, long payloadBytes, Object result, Throwable failure) {
        inFlightRequests--;
        inFlightBytes -= payloadBytes;
        if (!ctx.channel().isActive()) {
            ReferenceCountUtil.release(result);
        } else if (failure != null) {
            ReferenceCountUtil.release(result);
            int error = NbdBackendException.nbdErrorOf(failure);
            LOG.warn("NBD {} on export '{}' failed, answering {}: {}", req, exportName, error, failure.toString());
            replyError(req, error, String.valueOf(failure.getMessage()));
        } else if (req.type() == NbdProtocol.CMD_READ) {
            ByteBuf data = (ByteBuf) result;
            if (data.readableBytes() != req.lengthBytes()) {
                LOG.error("export '{}' returned {} bytes for {}", exportName, data.readableBytes(), req);
                data.release();
                replyError(req, NbdProtocol.EIO, "short read from the backing store");
            } else if (structuredReplies) {
                write(NbdServerMessage.StructuredReply.offsetData(req.cookie(), req.offsetBytes(), data));
            } else {
                write(new NbdServerMessage.SimpleReply(0, req.cookie(), data));
            }
        } else {
            write(new NbdServerMessage.SimpleReply(0, req.cookie(), null));
        }
        if (readingPaused && inFlightRequests < server.options.maxInFlightRequests()
                && inFlightBytes < server.options.maxInFlightBytes()) {
            readingPaused = false;
            ctx.channel().config().setAutoRead(true);
        }
        if (closeWhenIdle && inFlightRequests == 0) {
            ctx.flush();
            ctx.close();
        }
    }

    private void replyError(NbdRequest req, int error, String message) {
        if (structuredReplies && req.type() == NbdProtocol.CMD_READ) {
            write(NbdServerMessage.StructuredReply.error(req.cookie(), error, message));
        } else {
            write(new NbdServerMessage.SimpleReply(error, req.cookie(), null));
        }
    }

    /**
     * Writes a reply and flushes once per event-loop turn: replies completed together (queue depth
     * > 1) leave in one gathering write instead of one syscall each.
     */
    private void write(NbdServerMessage reply) {
        ctx.write(reply, ctx.voidPromise());
        if (!flushScheduled) {
            flushScheduled = true;
            ctx.executor().execute(flushTask);
        }
    }

    private void flushNow() {
        flushScheduled = false;
        ctx.flush();
    }

    /** Called on the event loop by the server when it shuts down: finish what is open, then close. */
    void closeWhenIdle() {
        closeWhenIdle = true;
        if (inFlightRequests == 0) {
            ctx.flush();
            ctx.close();
        }
    }
}
