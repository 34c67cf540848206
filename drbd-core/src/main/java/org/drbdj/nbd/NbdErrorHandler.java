package org.drbdj.nbd;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler of every NBD connection: any exception that reaches it (a corrupt or oversized
 * frame from the decoder, a handler bug, a socket error) closes that connection with a logged
 * reason. A broken client never takes down the server or other connections.
 */
final class NbdErrorHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(NbdErrorHandler.class);

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException) {
            LOG.warn("NBD client {} sent a malformed frame, closing the connection: {}",
                    ctx.channel().remoteAddress(), cause.getMessage());
        } else if (cause instanceof IOException) {
            LOG.debug("NBD connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            LOG.error("NBD connection {} failed unexpectedly, closing it", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }
}
