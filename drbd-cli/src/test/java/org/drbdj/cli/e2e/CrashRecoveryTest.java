package org.drbdj.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.drbdj.testing.Prerequisites;
import org.drbdj.testing.ProcessRunner;
import org.drbdj.testing.TestDirs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code kill -9} of drbdd while a filesystem on /dev/drbdN is being written: after a restart,
 * {@code up} finds the meta-data unclean, applies the activity log (the hot extents are marked out
 * of sync, the region a resync would cover after a primary crash), and the filesystem mounts after
 * fsck. Crash moment modelled: the daemon process dies with writes in flight.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class CrashRecoveryTest {
    private DaemonHarness node;
    private Path mnt;
    private Process writer;

    @BeforeEach
    void setUp() throws Exception {
        Prerequisites.requireRoot();
        Prerequisites.requireCommands("nbdfuse", "losetup", "fusermount3", "mkfs.ext4", "e2fsck", "mount", "umount");
        Prerequisites.requirePath("/dev/fuse");
        Path dir = TestDirs.create(getClass(), "node1");
        Path disk = DaemonHarness.sparseFile(dir.resolve("disk.img"), 192L << 20);
        mnt = Files.createDirectories(dir.resolve("mnt"));
        node = new DaemonHarness(dir, DaemonHarness.singleVolumeConfig(9, disk, ""), "node1");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (writer != null) {
            writer.destroyForcibly();
            writer.waitFor(10, TimeUnit.SECONDS);
        }
        ProcessRunner.run(List.of("umount", "-l", mnt.toString()), 30);
        if (node != null) {
            node.close();
        }
    }

    @Test
    void killDuringWritesThenRestartAppliesTheActivityLogAndTheFilesystemMounts() throws Exception {
        node.ok("create-md", "r0");
        node.startDaemon();
        node.ok("up", "r0");
        node.ok("primary", "--force", "r0");
        Path dev = node.device(9);
        DaemonHarness.sh("mkfs.ext4 -q -F " + dev).requireSuccess(List.of("mkfs.ext4"));
        node.mount(dev, mnt);
        // Bounded write load: up to 400 files of 256 KiB, each synced, stopped by the crash at the latest.
        writer = new ProcessBuilder("sh", "-c", "i=0; while [ $i -lt 400 ]; do dd if=/dev/urandom of=" + mnt
                + "/f$i bs=64k count=4 conv=fsync status=none || exit 0; i=$((i+1)); done")
                .redirectErrorStream(true).redirectOutput(node.dir.resolve("writer.log").toFile()).start();
        for (int i = 0; i < 100 && countFiles() < 20; i++) {
            Thread.sleep(100);
        }
        assertThat(countFiles()).as("the writer got going").isGreaterThanOrEqualTo(20);

        node.stopDaemon(true);
        writer.waitFor(60, TimeUnit.SECONDS);
        ProcessRunner.run(List.of("umount", "-l", mnt.toString()), 30);

        node.startDaemon();
        node.ok("up", "r0");
        String log = Files.readString(node.log());
        Matcher m = Pattern.compile("meta-data was unclean; applied the activity log: (\\d+) blocks marked out of sync")
                .matcher(log);
        assertThat(m.find()).as("up after the crash applies the AL:\n" + log).isTrue();
        assertThat(Long.parseLong(m.group(1))).as("the hot extents are marked out of sync").isPositive();
        assertThat(node.ok("dstate", "r0").out().trim()).isEqualTo("UpToDate/DUnknown");

        node.ok("primary", "r0");
        ProcessRunner.Result fsck = DaemonHarness.sh("e2fsck -fy " + dev);
        assertThat(fsck.exitCode()).as("e2fsck: " + fsck.stdout()).isLessThanOrEqualTo(1);
        node.mount(dev, mnt);
        assertThat(countFiles()).isPositive();
        node.umount(mnt);
        node.ok("down", "r0");

        // The meta-data is consistent again after a clean down: drbdmeta's dump-md accepts it.
        DaemonHarness.Run dump = node.ok("dump-md", "r0");
        assertThat(dump.out()).contains("version \"v09\";").contains("bitmap[0] {")
                .as("the AL-marked blocks stay out of sync in the on-disk bitmap").contains("0xFFFFFFFFFFFFFFFF");
    }

    private long countFiles() throws Exception {
        ProcessRunner.Result r = ProcessRunner.run(List.of("sh", "-c", "ls " + mnt + " | grep -c '^f' || true"), 30);
        String t = r.stdout().trim();
        return t.isEmpty() ? 0 : Long.parseLong(t);
    }
}
