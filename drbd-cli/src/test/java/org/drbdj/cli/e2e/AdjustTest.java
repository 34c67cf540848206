package org.drbdj.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.drbdj.control.ControlRequest;
import org.drbdj.control.ControlResponse;
import org.drbdj.testing.Prerequisites;
import org.drbdj.testing.ProcessRunner;
import org.drbdj.testing.TestDirs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code drbdadm adjust} against a running drbdd, as an operator uses it after editing drbd.conf:
 * it sends exactly the difference between the configuration and drbdd's running configuration
 * ({@code -d} prints it, nothing when they agree), and the running resource changes accordingly.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AdjustTest {
    private DaemonHarness node;
    private FailingDisk failing;

    @AfterEach
    void tearDown() throws Exception {
        if (node != null) {
            node.close();
        }
        if (failing != null) {
            failing.close();
        }
    }

    private List<String> dryRunAdjust() {
        return node.ok("-d", "adjust", "r0").out().lines().toList();
    }

    @Test
    void afterUpAdjustHasNothingToDoAndANotRunningResourceIsBroughtUp() throws Exception {
        Prerequisites.requireRoot();
        Path dir = TestDirs.create(getClass(), "insync");
        Path disk = DaemonHarness.sparseFile(dir.resolve("disk.img"), 64L << 20);
        // Options at every level, with units and a default written out, so that "in sync" is not trivial.
        node = new DaemonHarness(dir, "global { usage-count no; }\ncommon { disk { resync-rate 10M; } }\n"
                + DaemonHarness.singleVolumeConfig(9, disk, "options { on-no-data-accessible io-error; }"
                        + " handlers { local-io-error \"echo io-error on $DRBD_MINOR\"; }"
                        + " disk { on-io-error detach; al-extents 1237; } net { protocol c; ping-timeout 10; }"), "node1");
        node.ok("create-md", "r0");
        node.startDaemon("none");

        List<String> up = node.ok("-d", "up", "r0").out().lines().toList();
        assertThat(up).hasSize(4);
        assertThat(dryRunAdjust()).as("a resource that is not running is brought up").isEqualTo(up);

        node.ok("up", "r0");
        assertThat(dryRunAdjust()).isEmpty();
        assertThat(node.ok("-d", "adjust", "all").out()).isEmpty();
        assertThat(node.show("r0")).contains("resync-rate     \t10M;", "protocol        \tc;",
                "local-io-error  \t\"echo io-error on $DRBD_MINOR\";", "device\t\t\tminor 9;");

        // drbdd checks what it is sent, whoever sends it.
        ControlResponse bad = node.call(new ControlRequest("disk-options", List.of("9"), Map.of("on-io-error", "detatch")));
        assertThat(bad.exitCode()).isEqualTo(10);
        assertThat(bad.errors()).containsExactly("9: Failure: (162) Invalid configuration request\n"
                + "additional info from drbdd: disk option on-io-error 'detatch' is not valid;"
                + " valid: pass_on, call-local-io-error, detach");

        node.ok("down", "r0");
        node.ok("adjust", "r0");
        assertThat(node.ok("status", "r0").out()).startsWith("r0 role:Secondary").contains("disk:Inconsistent");
        assertThat(dryRunAdjust()).isEmpty();
    }

    @Test
    void changedOnIoErrorHandlerAndAlExtentsApplyToTheRunningVolume() throws Exception {
        FailingDisk.requirePrerequisites();
        Prerequisites.requireCommands("nbdcopy");
        Path dir = TestDirs.create(getClass(), "options");
        failing = new FailingDisk(dir);
        Path calledA = dir.resolve("handler-a");
        Path calledB = dir.resolve("handler-b");
        node = new DaemonHarness(dir.resolve("node"), DaemonHarness.singleVolumeConfig(9, failing.path(),
                "handlers { local-io-error \"touch " + calledA + "\"; } disk { on-io-error detach; }"), "node1");
        node.ok("create-md", "r0");
        node.startDaemon("none");
        node.ok("up", "r0");
        node.ok("primary", "--force", "r0");

        node.writeConfig(DaemonHarness.singleVolumeConfig(9, failing.path(), "handlers { local-io-error \"touch "
                + calledB + "\"; } disk { on-io-error call-local-io-error; al-extents 3833; }"));
        assertThat(dryRunAdjust()).containsExactly(
                "drbdd resource-options r0 --handler.local-io-error='touch " + calledB + "' --set-defaults=yes",
                "drbdd disk-options 9 --al-extents=3833 --on-io-error=call-local-io-error --set-defaults=yes");
        node.ok("adjust", "r0");
        assertThat(dryRunAdjust()).as("adjusted: nothing left to do").isEmpty();
        assertThat(node.show("r0")).contains("on-io-error     \tcall-local-io-error;", "al-extents      \t3833;",
                "local-io-error  \t\"touch " + calledB + "\";");
        assertThat(Files.readString(node.log())).contains("activity log resized to 3833 extents");

        // The running volume now follows the new policy: the new handler runs and the disk stays.
        failing.fail();
        Path data = DaemonHarness.sparseFile(dir.resolve("data.img"), 1L << 20);
        ProcessRunner.Result write = ProcessRunner.run(List.of("nbdcopy", data.toString(),
                "nbd+unix:///drbd9?socket=" + node.nbdSocket()), 60);
        assertThat(write.exitCode()).as("the write that hit the failing disk fails").isNotZero();
        for (int i = 0; i < 100 && !Files.exists(calledB); i++) {
            Thread.sleep(100);
        }
        assertThat(calledB).as("the handler from the adjusted configuration ran").exists();
        assertThat(calledA).as("the old handler did not").doesNotExist();
        assertThat(node.ok("dstate", "r0").out().trim()).as("call-local-io-error keeps the disk")
                .isEqualTo("Failed/DUnknown");
        failing.heal();
    }

    @Test
    void volumesComeAndGoWithTheConfiguration() throws Exception {
        Prerequisites.requireRoot();
        Prerequisites.requireCommands("nbdfuse", "losetup", "fusermount3");
        Prerequisites.requirePath("/dev/fuse");
        Path dir = TestDirs.create(getClass(), "volumes");
        Path disk0 = DaemonHarness.sparseFile(dir.resolve("disk0.img"), 64L << 20);
        Path disk1 = DaemonHarness.sparseFile(dir.resolve("disk1.img"), 64L << 20);
        String oneVolume = volumes("  volume 0 { device /dev/drbd11; disk " + disk0 + "; meta-disk internal; }");
        String twoVolumes = volumes("  volume 0 { device /dev/drbd11; disk " + disk0 + "; meta-disk internal; }",
                "  volume 1 { device /dev/drbd12; disk " + disk1 + "; meta-disk internal; }");
        node = new DaemonHarness(dir, oneVolume, "node1");
        node.ok("create-md", "r0");
        node.startDaemon();
        node.ok("up", "r0");
        assertThat(dryRunAdjust()).isEmpty();

        node.writeConfig(twoVolumes);
        node.ok("create-md", "r0/1");
        assertThat(dryRunAdjust()).containsExactly(
                "drbdd new-minor r0 12 1",
                "drbdd attach 12 " + disk1 + " " + disk1 + " internal");
        node.ok("adjust", "r0");
        assertThat(node.ok("status", "r0").out()).contains("volume:0 disk:Inconsistent", "volume:1 disk:Inconsistent");
        assertThat(node.device(12)).exists();
        assertThat(dryRunAdjust()).isEmpty();

        node.writeConfig(oneVolume);
        assertThat(dryRunAdjust()).containsExactly("drbdd detach r0/1", "drbdd del-minor 12");
        node.ok("adjust", "r0");
        // With volume 0 alone, the status lists no volume numbers (as DRBD 9's does).
        assertThat(node.ok("status", "r0").out()).contains("disk:Inconsistent").doesNotContain("volume:1");
        assertThat(node.device(12)).doesNotExist();
        assertThat(node.device(11)).exists();
        assertThat(node.show("r0")).doesNotContain("volume 1");
        assertThat(dryRunAdjust()).isEmpty();
    }

    private static String volumes(String... volumeSections) {
        return String.join("\n", "resource r0 {", String.join("\n", volumeSections),
                "  on node1 { address 127.0.0.1:7789; }",
                "  on node2 { address 127.0.0.2:7789; }",
                "}", "");
    }
}
