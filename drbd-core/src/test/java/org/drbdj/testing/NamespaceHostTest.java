package org.drbdj.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The namespace "hosts" every multi-host test builds on: names, addresses, private /run, reachability. */
class NamespaceHostTest {

    @Test
    void twoHostsHaveOwnNamesPrivateRunAndReachEachOther() throws Exception {
        Prerequisites.requireRoot();
        Prerequisites.requireCommands("nbdkit", "nbdinfo");
        try (NamespaceHost.Network net = new NamespaceHost.Network("10.99.7")) {
            NamespaceHost a = net.addHost("node1");
            NamespaceHost b = net.addHost("node2");
            assertThat(a.run(List.of("uname", "-n"), 10).stdout().trim()).isEqualTo("node1");
            assertThat(b.run(List.of("uname", "-n"), 10).stdout().trim()).isEqualTo("node2");

            a.writeFile(Path.of("/run/marker"), "a");
            assertThat(b.sh("test -e /run/marker && echo present || echo absent", 10).stdout().trim())
                    .as("/run is private per host").isEqualTo("absent");
            assertThat(a.sh("cat /run/marker", 10).stdout()).isEqualTo("a");

            // A real NBD server on node1's address, queried from node2 over the virtual network.
            Path log = TestDirs.create(getClass(), "nbdkit").resolve("nbdkit.log");
            Process server = a.start(List.of("nbdkit", "--foreground", "--exit-with-parent", "-i", a.address(),
                    "-p", "10809", "memory", "1M"), log);
            try {
                String info = null;
                for (int i = 0; i < 50; i++) {
                    ProcessRunner.Result r = b.run(List.of("nbdinfo", "--size", "nbd://" + a.address() + ":10809"), 10);
                    if (r.exitCode() == 0) {
                        info = r.stdout().trim();
                        break;
                    }
                    Thread.sleep(100);
                }
                assertThat(info).isEqualTo("1048576");
            } finally {
                server.destroyForcibly();
            }
        }
    }
}
