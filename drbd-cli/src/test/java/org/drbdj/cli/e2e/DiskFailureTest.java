package org.drbdj.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.drbdj.testing.Prerequisites;
import org.drbdj.testing.ProcessRunner;
import org.drbdj.testing.TestDirs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A backing disk that starts failing writes, with {@code on-io-error detach}: the disk goes Failed
 * then Diskless, the status shows it, and the {@code local-io-error} handler runs with DRBD's
 * environment. The failing disk is real I/O ({@link FailingDisk}).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DiskFailureTest {
    private Path dir;
    private FailingDisk failing;
    private DaemonHarness node;

    @BeforeEach
    void setUp() throws Exception {
        FailingDisk.requirePrerequisites();
        Prerequisites.requireCommands("losetup", "dd");
        dir = TestDirs.create(getClass(), "disk");
        failing = new FailingDisk(dir);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (node != null) {
            node.close();
        }
        if (failing != null) {
            failing.close();
        }
    }

    @Test
    void writeErrorDetachesAndCallsTheHandlerWithDrbdEnvironment() throws Exception {
        Path disk = failing.path();
        Path handlerOut = dir.resolve("handler.env");
        node = new DaemonHarness(dir.resolve("node"), DaemonHarness.singleVolumeConfig(9, disk,
                "handlers { local-io-error \"env | grep ^DRBD_ | sort > " + handlerOut + "\"; } disk { on-io-error detach; }"),
                "node1");
        node.ok("create-md", "r0");
        node.startDaemon();
        node.ok("up", "r0");
        node.ok("primary", "--force", "r0");
        assertThat(node.proc()).contains("ds:UpToDate/DUnknown");

        failing.fail();
        ProcessRunner.Result dd = DaemonHarness.sh("dd if=/dev/urandom of=" + node.device(9)
                + " bs=4096 count=4 oflag=direct conv=fsync");
        assertThat(dd.exitCode()).as("the write that hit the failing disk fails").isNotZero();

        String dstate = "";
        for (int i = 0; i < 100; i++) {
            dstate = node.ok("dstate", "r0").out().trim();
            if (dstate.startsWith("Diskless")) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(dstate).isEqualTo("Diskless/DUnknown");
        assertThat(node.proc()).contains(" 9: cs:WFConnection ro:Primary/Unknown ds:Diskless/DUnknown");
        assertThat(Files.readString(node.log())).contains("local I/O error").contains("handler local-io-error exited with 0");
        assertThat(Files.readAllLines(handlerOut)).contains(
                "DRBD_RESOURCE=r0", "DRBD_MINOR=9", "DRBD_VOLUME=0", "DRBD_MINOR_0=9",
                "DRBD_BACKING_DEV=" + disk, "DRBD_BACKING_DEV_0=" + disk,
                "DRBD_MY_ADDRESS=127.0.0.1", "DRBD_MY_AF=ipv4", "DRBD_PEER_ADDRESS=127.0.0.2", "DRBD_PEER_AF=ipv4");
        failing.heal();
        node.ok("secondary", "r0");
        node.ok("down", "r0");
    }
}
