package org.drbdj.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.drbdj.testing.Prerequisites;
import org.drbdj.testing.ProcessRunner;
import org.drbdj.testing.TestDirs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ControlServerTest {
    /** Answers every request with its own name; events2 streams three responses. */
    static final class EchoHandler implements RequestHandler {
        final List<String> handled = new ArrayList<>();

        @Override
        public synchronized void handle(ControlRequest request, Caller caller, Consumer<ControlResponse> reply) {
            handled.add(request.command());
            if (request.command().equals("events2")) {
                reply.accept(new ControlResponse(0, List.of("exists resource name:r0"), List.of(), false));
                reply.accept(new ControlResponse(0, List.of("exists -"), List.of(), false));
                reply.accept(new ControlResponse(0, List.of(), List.of(), true));
                return;
            }
            reply.accept(ControlResponse.ok(List.of(request.command() + " " + String.join(" ", request.args())
                    + " uid=" + caller.uid())));
        }

        @Override
        public boolean isReadOnly(ControlRequest request) {
            return ControlServer.READ_ONLY_COMMANDS.contains(request.command());
        }
    }

    private Path dir;
    private ControlServer server;
    private final EchoHandler handler = new EchoHandler();

    @BeforeEach
    void setUp() throws Exception {
        dir = TestDirs.create(getClass(), "sock");
    }

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.close();
        }
    }

    private void start(ControlServer.Access access) throws Exception {
        server = new ControlServer(dir.resolve("drbdd.sock"), handler, access);
        server.start();
    }

    @Test
    void aSocketPathTooLongForSunPathIsRefusedWithTheReasonOnBothSides() throws Exception {
        Path deep = Files.createDirectories(dir.resolve("d".repeat(60)).resolve("e".repeat(60)));
        Path tooLong = deep.resolve("drbdd.sock");
        server = new ControlServer(tooLong, handler, ControlServer.Access.rootOnly());
        org.assertj.core.api.Assertions.assertThatThrownBy(server::start)
                .hasMessageContaining(tooLong.toString()).hasMessageContaining("at most 107")
                .hasMessageContaining("--run-dir");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ControlClient.connect(tooLong))
                .hasMessageContaining("at most 107");
        Path fits = Path.of("/" + "x".repeat(ControlPaths.MAX_SOCKET_PATH_BYTES - 1));
        assertThat(ControlPaths.requireSocketPathFits(fits)).isEqualTo(fits);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ControlPaths.requireSocketPathFits(Path.of(fits + "y")))
                .hasMessageContaining("108 bytes");
    }

    @Test
    void requestsAndStreamsRoundTripAndSocketIsOwnerOnly() throws Exception {
        start(ControlServer.Access.rootOnly());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(server.socketPath())))
                .isEqualTo("rw-------");
        try (ControlClient client = ControlClient.connect(server.socketPath())) {
            ControlResponse r = client.call(ControlRequest.of("status", "r0"));
            assertThat(r.exitCode()).isZero();
            assertThat(r.output()).singleElement().asString().startsWith("status r0 uid=");
            List<String> lines = new ArrayList<>();
            client.stream(ControlRequest.of("events2", "all"), resp -> lines.addAll(resp.output()));
            assertThat(lines).containsExactly("exists resource name:r0", "exists -");
            // The connection stays usable after a stream.
            assertThat(client.call(ControlRequest.of("role", "r0")).exitCode()).isZero();
        }
    }

    @Test
    void aSecondDaemonOnTheSameSocketIsRefusedButAStaleSocketIsReplaced() throws Exception {
        start(ControlServer.Access.rootOnly());
        ControlServer second = new ControlServer(server.socketPath(), handler, ControlServer.Access.rootOnly());
        org.assertj.core.api.Assertions.assertThatThrownBy(second::start).hasMessageContaining("another drbdd");
        second.close(); // as drbdd does after a failed start: must not remove the other daemon's socket
        try (ControlClient client = ControlClient.connect(server.socketPath())) {
            assertThat(client.call(ControlRequest.of("status", "r0")).exitCode()).as("the first keeps serving").isZero();
        }
        server.close();
        Files.writeString(server.socketPath(), ""); // a stale file, as a crashed daemon leaves
        server = new ControlServer(server.socketPath(), handler, ControlServer.Access.rootOnly());
        server.start();
        try (ControlClient client = ControlClient.connect(server.socketPath())) {
            assertThat(client.call(ControlRequest.of("status", "r0")).exitCode()).isZero();
        }
    }

    @Test
    void malformedFramesCloseOnlyThatConnection() throws Exception {
        start(ControlServer.Access.rootOnly());
        try (var ch = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            ch.connect(java.net.UnixDomainSocketAddress.of(server.socketPath()));
            byte[] junk = "{not json".getBytes();
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 + junk.length).putInt(junk.length).put(junk).flip();
            ch.write(b);
            Object reply = ControlFraming.read(ch);
            assertThat(ControlResponse.fromJson(reply).errors()).singleElement().asString()
                    .contains("malformed control request");
            assertThat(ControlFraming.read(ch)).as("server closed the bad connection").isNull();
        }
        try (ControlClient client = ControlClient.connect(server.socketPath())) {
            assertThat(client.call(ControlRequest.of("status", "r0")).exitCode()).isZero();
        }
    }

    @Test
    void unprivilegedCallerMayReadButNotChangeState() throws Exception {
        Prerequisites.requireRoot();
        Prerequisites.requireCommands("setpriv");
        start(new ControlServer.Access(null, null, true));
        // The private directory must be reachable by the unprivileged user.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        String status = asNobody("status");
        assertThat(status).contains("exit=0").contains("uid=65534");
        String primary = asNobody("primary");
        assertThat(primary).contains("exit=20").contains("permission denied").contains("needs root");
        assertThat(handler.handled).containsExactly("status");
    }

    @Test
    void ownerOnlySocketRefusesOtherUsersAtConnect() throws Exception {
        Prerequisites.requireRoot();
        Prerequisites.requireCommands("setpriv");
        start(ControlServer.Access.rootOnly());
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(asNobody("primary")).contains("failed:").containsIgnoringCase("permission");
        assertThat(handler.handled).isEmpty();
    }

    private String asNobody(String command) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        List<String> cmd = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", java, "-cp", cp,
                ControlClientProbe.class.getName(), server.socketPath().toString(), command);
        return ProcessRunner.run(cmd, 60).stdout();
    }
}
