package org.drbdj.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.drbdj.testing.Prerequisites;
import org.drbdj.testing.ProcessRunner;
import org.drbdj.testing.TestDirs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code drbdd --nbd-listen ADDR:PORT}: the exports are served on TCP as well as on the Unix
 * socket, with the same rules (a Secondary's export refuses the client).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class NbdTcpListenTest {
    private DaemonHarness node;

    @AfterEach
    void tearDown() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void exportsAreServedOnTheTcpAddressToo() throws Exception {
        Prerequisites.requireCommands("nbdinfo");
        Path dir = TestDirs.create(getClass(), "node1");
        Path disk = DaemonHarness.sparseFile(dir.resolve("disk.img"), 64L << 20);
        node = new DaemonHarness(dir, DaemonHarness.singleVolumeConfig(4, disk, ""), "node1");
        node.ok("create-md", "r0");
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort(); // free now; drbdd binds it a moment later
        }
        node.startDaemon("none", Map.of(), List.of("--nbd-listen", "127.0.0.1:" + port));
        node.ok("up", "r0");
        String tcp = "nbd://127.0.0.1:" + port + "/drbd4";
        ProcessRunner.Result secondary = ProcessRunner.run(List.of("nbdinfo", "--size", tcp), 60);
        assertThat(secondary.exitCode()).as("a Secondary's export refuses TCP clients too").isNotZero();
        assertThat(secondary.stdout() + secondary.stderr()).contains("server policy prevents NBD_OPT_GO");

        node.ok("primary", "--force", "r0");
        String overTcp = ProcessRunner.run(List.of("nbdinfo", "--size", tcp), 60)
                .requireSuccess(List.of("nbdinfo", tcp)).stdout().strip();
        String overUnix = ProcessRunner.run(List.of("nbdinfo", "--size",
                "nbd+unix:///drbd4?socket=" + node.nbdSocket()), 60).requireSuccess(List.of("nbdinfo")).stdout().strip();
        assertThat(overTcp).isEqualTo(overUnix).isNotEmpty();
        assertThat(java.nio.file.Files.readString(node.log())).contains("NBD server listening on tcp:/127.0.0.1:" + port);
    }
}
