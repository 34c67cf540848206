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
 * The SPEC runbook (DRBD 8.4's: no auto-promote) on one host, minus the peer, driven
 * as an operator would: create-md, up, primary --force, mkfs.ext4 on /dev/drbdN, mount, write
 * files, umount, secondary (mount now fails), down, restart drbdd, up, primary, mount: the files
 * are intact. The status file shows the resource in each state. /dev/drbdN is made through
 * nbdfuse + loop in a private device directory.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class SingleNodeRunbookTest {
    private DaemonHarness node;
    private Path mnt;

    @BeforeEach
    void setUp() throws Exception {
        Prerequisites.requireRoot();
        Prerequisites.requireCommands("nbdfuse", "losetup", "fusermount3", "mkfs.ext4", "mount", "umount", "blockdev", "nbdinfo");
        Prerequisites.requirePath("/dev/fuse");
        Path dir = TestDirs.create(getClass(), "node1");
        Path disk = DaemonHarness.sparseFile(dir.resolve("disk.img"), 128L << 20);
        mnt = Files.createDirectories(dir.resolve("mnt"));
        // DRBD 8.4's runbook as the SPEC writes it: no auto-promote option, and drbdj's default is
        // 8.4's (none), so a Secondary cannot be mounted (AutoPromoteTest has DRBD 9's).
        node = new DaemonHarness(dir, "global { usage-count no; }\n"
                + "common { protocol C; disk { on-io-error detach; } }\n"
                + DaemonHarness.singleVolumeConfig(9, disk, ""), "node1");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void runbookOnOneHostSurvivesDaemonRestart() throws Exception {
        DaemonHarness.Run created = node.ok("create-md", "r0");
        assertThat(created.out() + created.err()).contains("New drbd meta data block successfully created.");
        assertThat(node.ok("get-gi", "r0").out().trim()).startsWith("0000000000000004:0000000000000000:");
        node.startDaemon();
        node.ok("up", "r0");
        assertThat(node.ok("events2", "--now").out().lines()).contains(
                "exists resource name:r0 role:Secondary suspended:no force-io-failures:no may_promote:no promotion_score:0",
                "exists -");
        assertThat(node.ok("status", "r0").out()).startsWith("r0 role:Secondary").contains("disk:Inconsistent");
        assertThat(node.ok("dstate", "r0").out().trim()).isEqualTo("Inconsistent/DUnknown");
        assertThat(node.ok("role", "r0").out().trim()).isEqualTo("Secondary/Unknown");
        assertThat(node.ok("cstate", "r0").out().trim()).isEqualTo("WFConnection");
        assertThat(node.proc()).contains(" 9: cs:WFConnection ro:Secondary/Unknown ds:Inconsistent/DUnknown C r-----");

        DaemonHarness.Run refused = node.drbdadm("primary", "r0");
        assertThat(refused.exit()).isEqualTo(17);
        assertThat(refused.err()).contains("r0: State change failed: (-2) Need access to UpToDate data");

        node.ok("primary", "--force", "r0");
        assertThat(node.proc()).contains(" 9: cs:WFConnection ro:Primary/Unknown ds:UpToDate/DUnknown C r-----");
        Path dev = node.device(9);
        assertThat(DaemonHarness.sh("blockdev --getsize64 " + dev).stdout().trim()).isNotEmpty();

        DaemonHarness.sh("mkfs.ext4 -q -F " + dev).requireSuccess(List.of("mkfs.ext4"));
        node.mount(dev, mnt);
        Path sums = node.dir.resolve("sums");
        DaemonHarness.sh("for i in 1 2 3 4 5; do head -c 300000 /dev/urandom > " + mnt + "/f$i; done; cd " + mnt
                + " && sha256sum f1 f2 f3 f4 f5 > " + sums).requireSuccess(List.of("write files"));

        DaemonHarness.Run busy = node.drbdadm("secondary", "r0");
        assertThat(busy.exit()).isEqualTo(11);
        assertThat(busy.err()).contains("(-12) Device is held open by someone");

        node.umount(mnt);
        node.ok("secondary", "r0");
        assertThat(node.proc()).contains("ro:Secondary/Unknown ds:UpToDate/DUnknown");
        assertThat(DaemonHarness.sh("mount " + dev + " " + mnt).exitCode()).as("mount while Secondary").isNotZero();
        ProcessRunner.Result nbd = ProcessRunner.run(List.of("nbdinfo",
                "nbd+unix:///drbd9?socket=" + node.nbdSocket()), 30);
        assertThat(nbd.exitCode()).as("NBD clients are refused while Secondary").isNotZero();

        node.ok("down", "r0");
        assertThat(dev).doesNotExist();
        assertThat(node.proc()).doesNotContain(" 9: ");
        node.stopDaemon(false);

        node.startDaemon();
        node.ok("up", "r0");
        assertThat(node.ok("dstate", "r0").out().trim()).as("UpToDate survives the restart via the meta-data")
                .isEqualTo("UpToDate/DUnknown");
        node.ok("primary", "r0");
        node.mount(dev, mnt);
        DaemonHarness.sh("cd " + mnt + " && sha256sum -c " + sums).requireSuccess(List.of("sha256sum -c"));
        node.umount(mnt);
        node.ok("down", "r0");
    }
}
