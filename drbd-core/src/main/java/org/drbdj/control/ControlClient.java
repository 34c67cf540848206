package org.drbdj.control;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * drbdadm's side of the control socket, on the JDK's own Unix-domain socket channel (no Netty, so
 * the CLI starts fast). One connection per drbdadm invocation; requests are sent one at a time.
 */
public final class ControlClient implements AutoCloseable {
    private final SocketChannel channel;

    private ControlClient(SocketChannel channel) {
        this.channel = channel;
    }

    /**
     * Connects to the daemon's socket.
     *
     * @throws DaemonUnavailableException when nothing listens there, with what to do about it
     */
    public static ControlClient connect(Path socket) throws IOException {
        ControlPaths.requireSocketPathFits(socket);
        if (!Files.exists(socket)) {
            throw new DaemonUnavailableException(socket, "no control socket");
        }
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return new ControlClient(ch);
        } catch (IOException e) {
            ch.close();
            if (e instanceof java.nio.file.AccessDeniedException || String.valueOf(e.getMessage()).contains("ermission")) {
                throw new IOException("permission denied on " + socket + " (state changes need root)", e);
            }
            throw new DaemonUnavailableException(socket, String.valueOf(e.getMessage()));
        }
    }

    /** Sends one request and returns its single response. */
    public ControlResponse call(ControlRequest request) throws IOException {
        ControlFraming.write(channel, request.toJson());
        Object json = ControlFraming.read(channel);
        if (json == null) {
            throw new IOException("drbdd closed the control connection without answering " + request.command());
        }
        return ControlResponse.fromJson(json);
    }

    /** Sends a streaming request and hands every response to {@code sink} until the last one. */
    public ControlResponse stream(ControlRequest request, Consumer<ControlResponse> sink) throws IOException {
        ControlFraming.write(channel, request.toJson());
        while (true) {
            Object json = ControlFraming.read(channel);
            if (json == null) {
                throw new IOException("drbdd closed the control connection during " + request.command());
            }
            ControlResponse r = ControlResponse.fromJson(json);
            sink.accept(r);
            if (r.last()) {
                return r;
            }
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** Nobody listens on the control socket: drbdd is not running (or runs with another run dir). */
    public static final class DaemonUnavailableException extends IOException {
        private static final long serialVersionUID = 1L;

        public DaemonUnavailableException(Path socket, String detail) {
            super("cannot reach drbdd at " + socket + " (" + detail + "); is drbdd running?"
                    + " Start it with 'systemctl start drbdd' (or run drbdd in the foreground).");
        }
    }
}
