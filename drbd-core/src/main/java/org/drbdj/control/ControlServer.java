package org.drbdj.control;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.PeerCredentials;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * drbdd's control socket: a Unix-domain stream socket (default {@code /run/drbd/drbdd.sock}) that
 * plays the role netlink plays for the kernel module. Each connection carries length-framed JSON
 * requests ({@link ControlFraming}); responses go back in order.
 *
 * <p>Access: the socket file is owner-only ({@code 0600}) unless an admin group is configured
 * ({@code 0660}, that group) or status reading is opened to everyone ({@code 0666}). Independently of
 * the file mode, every request is checked against the caller's peer credentials: only root or a
 * member of the admin group may change state; others may only run read-only requests.
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);

    /** Who may do what on the control socket. */
    public record Access(Integer adminGid, String adminGroupName, boolean worldReadableStatus) {
        public static Access rootOnly() {
            return new Access(null, null, false);
        }
    }

    private final Path socketPath;
    private final RequestHandler handler;
    private final Access access;
    private EventLoopGroup group;
    private Channel serverChannel;

    public ControlServer(Path socketPath, RequestHandler handler, Access access) {
        this.socketPath = socketPath;
        this.handler = handler;
        this.access = access;
    }

    /** Binds the socket; a stale socket file from a crashed daemon is replaced. */
    public void start() throws IOException {
        if (!Epoll.isAvailable()) {
            throw new IOException("the control socket needs Netty's epoll transport: " + Epoll.unavailabilityCause());
        }
        ControlPaths.requireSocketPathFits(socketPath);
        Files.createDirectories(socketPath.getParent());
        if (Files.exists(socketPath) && someoneListens()) {
            throw new IOException("another drbdd is already serving " + socketPath
                    + "; stop it first (or give this one its own --run-dir)");
        }
        Files.deleteIfExists(socketPath); // left behind by a daemon that crashed
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("drbd-control", true),
                EpollIoHandler.newFactory());
        try {
            serverChannel = new ServerBootstrap()
                    .group(group)
                    .channel(EpollServerDomainSocketChannel.class)
                    .childHandler(new ChannelInitializer<EpollDomainSocketChannel>() {
                        @Override
                        protected void initChannel(EpollDomainSocketChannel ch) {
                            ch.pipeline().addLast(
                                    new LengthFieldBasedFrameDecoder(ControlFraming.MAX_MESSAGE_BYTES, 0, 4, 0, 4),
                                    new ConnectionHandler());
                        }
                    })
                    .bind(new DomainSocketAddress(socketPath.toFile()))
                    .sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IOException("interrupted while binding " + socketPath, e);
        }
        applyFileAccess();
        LOG.info("control socket listening on {} ({})", socketPath, describeAccess());
    }

    private boolean someoneListens() {
        try (java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            ch.connect(java.net.UnixDomainSocketAddress.of(socketPath));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void applyFileAccess() throws IOException {
        String mode = access.worldReadableStatus() ? "rw-rw-rw-" : access.adminGid() != null ? "rw-rw----" : "rw-------";
        Files.setPosixFilePermissions(socketPath, PosixFilePermissions.fromString(mode));
        if (access.adminGroupName() != null) {
            GroupPrincipal g = socketPath.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByGroupName(access.adminGroupName());
            Files.getFileAttributeView(socketPath, PosixFileAttributeView.class).setGroup(g);
        }
    }

    private String describeAccess() {
        String admin = access.adminGroupName() == null ? "root" : "root and group " + access.adminGroupName();
        return "state changes: " + admin + (access.worldReadableStatus() ? "; status: everyone" : "");
    }

    public Path socketPath() {
        return socketPath;
    }

    @Override
    public void close() {
        boolean bound = serverChannel != null;
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
            serverChannel = null;
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
            group = null;
        }
        if (!bound) {
            return; // never ours: the file may belong to the daemon that made start() fail
        }
        try {
            Files.deleteIfExists(socketPath);
        } catch (IOException e) {
            LOG.warn("could not remove {}: {}", socketPath, e.getMessage());
        }
    }

    boolean mayChangeState(RequestHandler.Caller caller) {
        return caller.isRoot() || (access.adminGid() != null && caller.gid() == access.adminGid());
    }

    /** One per connection: decodes a frame, checks the caller, dispatches, writes the responses. */
    private final class ConnectionHandler extends SimpleChannelInboundHandler<ByteBuf> {
        private RequestHandler.Caller caller;

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            PeerCredentials cred = ((EpollDomainSocketChannel) ctx.channel()).peerCredentials();
            caller = new RequestHandler.Caller(cred.pid(), cred.uid(), cred.gids().length > 0 ? cred.gids()[0] : -1);
            super.channelActive(ctx);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            ControlRequest request;
            try {
                request = ControlRequest.fromJson(Json.parse(frame.toString(StandardCharsets.UTF_8)));
            } catch (ControlProtocolException | Json.JsonException e) {
                LOG.warn("control: malformed request from pid {}: {}", caller.pid(), e.getMessage());
                send(ctx, ControlResponse.failure(20, "drbdd: malformed control request: " + e.getMessage()));
                ctx.close();
                return;
            }
            if (!handler.isReadOnly(request) && !mayChangeState(caller)) {
                LOG.warn("control: refused {} from uid {} (pid {})", request.command(), caller.uid(), caller.pid());
                send(ctx, ControlResponse.failure(20, "drbdd: permission denied: '" + request.command()
                        + "' changes state and needs root" + (access.adminGroupName() == null ? ""
                        : " or group " + access.adminGroupName())));
                return;
            }
            handler.handle(request, caller, response -> send(ctx, response));
        }

        /** Sends a response; throws when the client has gone, so streams can forget it. */
        private void send(ChannelHandlerContext ctx, ControlResponse response) {
            if (!ctx.channel().isActive()) {
                throw new IllegalStateException("control client pid " + caller.pid() + " disconnected");
            }
            byte[] body = Json.write(response.toJson()).getBytes(StandardCharsets.UTF_8);
            ByteBuf out = Unpooled.buffer(4 + body.length);
            out.writeInt(body.length).writeBytes(body);
            ctx.writeAndFlush(out);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.warn("control connection from pid {} failed: {}", caller == null ? -1 : caller.pid(), cause.toString());
            ctx.close();
        }
    }

    /** The set of commands that only read state, shared by handlers that want the default rule. */
    public static final Set<String> READ_ONLY_COMMANDS = Set.of("status", "role", "cstate", "dstate", "events2",
            "show", "get-gi", "show-gi", "sh-status");
}
