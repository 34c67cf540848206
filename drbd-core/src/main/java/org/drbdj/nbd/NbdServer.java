package org.drbdj.nbd;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.drbdj.nativeio.UnixSocketPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An NBD server (fixed newstyle, NetworkBlockDevice/nbd {@code doc/proto.md}) serving the exports of
 * an {@link NbdExportRegistry} on Unix domain sockets (epoll transport) and, optionally, TCP (epoll,
 * else NIO). It is drbdj's front end for {@code /dev/drbdN}: the kernel's {@code nbd.ko},
 * {@code nbdfuse}, qemu or libnbd clients connect to it.
 *
 * <p>Per connection the pipeline is {@link NbdServerDecoder} → {@link NbdServerEncoder} →
 * {@link NbdHandshakeHandler} (replaced by {@link NbdTransmissionHandler} after {@code GO}) →
 * {@link NbdErrorHandler}. Threads are named {@code drbd-nbd-io-*}.
 *
 * <p>{@link #close()} is idempotent: it stops accepting, answers new requests with
 * {@code ESHUTDOWN}, lets open requests finish for {@link NbdServerOptions#shutdownGraceMs()}, closes
 * the connections, removes the socket files and stops the threads. The exports themselves belong
 * to the caller.
 */
public final class NbdServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NbdServer.class);

    private final NbdServerState state;
    private final ChannelGroup connections = new DefaultChannelGroup("drbd-nbd-connections",
            GlobalEventExecutor.INSTANCE);
    private final List<Channel> listeners = new ArrayList<>();
    private final List<Path> socketFiles = new ArrayList<>();
    private EventLoopGroup group;
    private boolean epollGroup;
    private boolean closed;

    public NbdServer(NbdExportRegistry registry, NbdServerOptions options) {
        this.state = new NbdServerState(registry, options);
    }

    public NbdExportRegistry registry() {
        return state.registry;
    }

    /**
     * Listens on a Unix domain socket at {@code socketPath} (needs the epoll transport). A stale
     * socket file nobody listens on is replaced; a live one is an error.
     */
    public synchronized void start(Path socketPath) throws IOException {
        checkOpen();
        if (!Epoll.isAvailable()) {
            throw new IOException("the NBD server needs Netty's native epoll transport for Unix sockets, but it is"
                    + " unavailable: " + Epoll.unavailabilityCause());
        }
        UnixSocketPaths.requireFits(socketPath, "choose a shorter directory for the NBD socket");
        removeStaleSocket(socketPath);
        ensureGroup();
        Channel ch = bootstrap(EpollServerDomainSocketChannel.class)
                .bind(new DomainSocketAddress(socketPath.toFile())).syncUninterruptibly().channel();
        listeners.add(ch);
        socketFiles.add(socketPath);
        try {
            Files.setPosixFilePermissions(socketPath, PosixFilePermissions.fromString(state.options.socketPermissions()));
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("could not set permissions {} on NBD socket {}: {}", state.options.socketPermissions(), socketPath,
                    e.toString());
        }
        LOG.info("NBD server listening on unix:{} (exports: {})", socketPath, state.registry.names());
    }

    /** Listens on TCP (off unless called): epoll when available, else NIO. Returns the bound address. */
    public synchronized InetSocketAddress startTcp(InetSocketAddress address) {
        checkOpen();
        ensureGroup();
        Channel ch = bootstrap(epollGroup ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .bind(address).syncUninterruptibly().channel();
        listeners.add(ch);
        InetSocketAddress bound = (InetSocketAddress) ch.localAddress();
        LOG.info("NBD server listening on tcp:{} (exports: {})", bound, state.registry.names());
        return bound;
    }

    private ServerBootstrap bootstrap(Class<? extends io.netty.channel.ServerChannel> channelClass) {
        NbdServerOptions options = state.options;
        return new ServerBootstrap()
                .group(group)
                .channel(channelClass)
                // Large writes arrive in big reads instead of many 2 KiB ones.
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(4096, 64 * 1024, 1024 * 1024))
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.add(ch);
                        ch.pipeline()
                                .addLast("nbd-decoder", new NbdServerDecoder(options.maxOptionDataBytes(),
                                        options.maxPayloadBytes()))
                                .addLast("nbd-encoder", new NbdServerEncoder())
                                .addLast("nbd-handshake", new NbdHandshakeHandler(state))
                                .addLast("nbd-errors", new NbdErrorHandler());
                    }
                });
    }

    private void ensureGroup() {
        if (group != null) {
            return;
        }
        DefaultThreadFactory threads = new DefaultThreadFactory("drbd-nbd-io", true);
        epollGroup = Epoll.isAvailable();
        group = new MultiThreadIoEventLoopGroup(state.options.eventLoopThreads(), threads,
                epollGroup ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("NBD server is closed");
        }
    }

    private static void removeStaleSocket(Path socketPath) throws IOException {
        if (!Files.exists(socketPath, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isRegularFile(socketPath, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(socketPath)) {
            throw new IOException("cannot listen on " + socketPath + ": a file or directory is in the way; remove it"
                    + " or choose another socket path");
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socketPath));
            throw new IOException("cannot listen on " + socketPath + ": another process is serving it; stop that"
                    + " server first");
        } catch (java.net.SocketException e) {
            Files.deleteIfExists(socketPath); // left over from a crashed server
        }
    }

    /** Stops the server (idempotent); see the class comment for the order. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        state.shuttingDown = true;
        for (Channel listener : listeners) {
            listener.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        for (Channel ch : connections) {
            ch.eventLoop().execute(() -> {
                NbdTransmissionHandler handler = ch.pipeline().get(NbdTransmissionHandler.class);
                if (handler != null) {
                    handler.closeWhenIdle();
                } else {
                    ch.close();
                }
            });
        }
        if (!connections.newCloseFuture().awaitUninterruptibly(state.options.shutdownGraceMs())) {
            LOG.warn("NBD connections still had requests open after {} ms; cutting them",
                    state.options.shutdownGraceMs());
        }
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
        for (Path socket : socketFiles) {
            try {
                Files.deleteIfExists(socket);
            } catch (IOException e) {
                LOG.warn("could not remove NBD socket {}: {}", socket, e.toString());
            }
        }
        LOG.info("NBD server stopped");
    }
}
