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
 * DRBD 9's {@code auto-promote} on /dev/drbdN (nbdfuse + loop), driven as an operator would: a
 * Secondary with UpToDate data is mounted, written with dd, held open by a shell; it becomes
 * Primary by itself and goes back to Secondary once released. With {@code auto-promote no} (drbdj's
 * default, DRBD 8.4's behaviour) mount and writes fail while Secondary; without UpToDate data the
 * promotion is refused and the writes fail.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class AutoPromoteTest {
    /** Bound for a release to show as Secondary: the quiet period plus two checks, with room for a busy machine. */
    private static final long DEMOTE_WITHIN_MS = 15_000;
    private static final int MINOR = 7;
    /** drbdj's default is DRBD 8.4's (no auto-promote); these tests turn DRBD 9's behaviour on. */
    private static final String AUTO_PROMOTE = "options { auto-promote yes; }";

    private Path dir;
    private Path disk;
    private Path mnt;
    private DaemonHarness node;
    private Process holder;

    @BeforeEach
    void setUp() throws Exception {
        Prerequisites.requireRoot();
        Prerequisites.requireCommands("nbdfuse", "losetup", "fusermount3", "mkfs.ext4", "mount", "umount", "blockdev", "dd");
        Prerequisites.requirePath("/dev/fuse");
        dir = TestDirs.create(getClass(), "node1");
        disk = DaemonHarness.sparseFile(dir.resolve("disk.img"), 128L << 20);
        mnt = Files.createDirectories(dir.resolve("mnt"));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (holder != null) {
            holder.destroyForcibly();
            holder.waitFor(10, TimeUnit.SECONDS);
        }
        if (node != null) {
            node.close();
        }
    }

    private void start(String extra) throws Exception {
        node = new DaemonHarness(dir, "global { usage-count no; }\n"
                + DaemonHarness.singleVolumeConfig(MINOR, disk, extra), "node1");
        node.ok("create-md", "r0");
        node.startDaemon();
        node.ok("up", "r0");
    }

    /** up, primary --force, mkfs, secondary: an UpToDate Secondary with a file system. */
    private Path upToDateSecondaryWithFilesystem(String extra) throws Exception {
        start(extra);
        node.ok("primary", "--force", "r0");
        Path dev = node.device(MINOR);
        DaemonHarness.sh("mkfs.ext4 -q -F " + dev).requireSuccess(List.of("mkfs.ext4"));
        node.ok("secondary", "r0");
        assertThat(role()).isEqualTo("Secondary/Unknown");
        return dev;
    }

    private String role() {
        return node.ok("role", "r0").out().trim();
    }

    private void awaitRole(String expected, long withinMs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(withinMs);
        String seen = role();
        while (!seen.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            seen = role();
        }
        assertThat(seen).as("role within " + withinMs + " ms").isEqualTo(expected);
    }

    private int logCount(String text) throws Exception {
        Matcher m = Pattern.compile(Pattern.quote(text)).matcher(Files.readString(node.log()));
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void mountPromotesAndUmountDemotes() throws Exception {
        Path dev = upToDateSecondaryWithFilesystem(AUTO_PROMOTE);
        assertThat(DaemonHarness.sh("dd if=" + dev + " of=/dev/null bs=4096 count=16 iflag=direct status=none")
                .exitCode()).as("a Secondary serves reads of UpToDate data").isZero();
        assertThat(role()).as("reading does not promote").isEqualTo("Secondary/Unknown");

        node.mount(dev, mnt);
        assertThat(role()).as("the mount's first write promoted").isEqualTo("Primary/Unknown");
        assertThat(node.proc()).contains(" " + MINOR + ": cs:WFConnection ro:Primary/Unknown ds:UpToDate/DUnknown");
        assertThat(node.ok("status", "r0").out()).startsWith("r0 role:Primary");
        assertThat(Files.readString(node.log())).contains("r0: auto-promoted to Primary: a write reached volume 0");
        Path sums = dir.resolve("sums");
        DaemonHarness.sh("head -c 300000 /dev/urandom > " + mnt + "/f1 && cd " + mnt + " && sha256sum f1 > " + sums
                + " && sync").requireSuccess(List.of("write a file"));

        DaemonHarness.Run busy = node.drbdadm("secondary", "r0");
        assertThat(busy.exit()).as("held open by the mount").isEqualTo(11);
        Thread.sleep(2 * AutoPromoterTiming.RELEASE_MS);
        assertThat(role()).as("a mounted device stays Primary").isEqualTo("Primary/Unknown");

        node.umount(mnt);
        awaitRole("Secondary/Unknown", DEMOTE_WITHIN_MS);
        assertThat(Files.readString(node.log())).contains("r0: auto-demoted to Secondary");
        assertThat(node.ok("events2", "--now").out()).contains("exists resource name:r0 role:Secondary");

        node.mount(dev, mnt);
        DaemonHarness.sh("cd " + mnt + " && sha256sum -c " + sums).requireSuccess(List.of("sha256sum -c"));
        node.umount(mnt);
        awaitRole("Secondary/Unknown", DEMOTE_WITHIN_MS);
        node.ok("down", "r0");
    }

    @Test
    void ddPromotesAndItsExitDemotes() throws Exception {
        Path dev = upToDateSecondaryWithFilesystem(AUTO_PROMOTE);
        int promotions = logCount("auto-promoted to Primary");
        ProcessRunner.Result dd = DaemonHarness.sh("dd if=/dev/urandom of=" + dev
                + " bs=1M count=4 seek=64 oflag=direct status=none");
        assertThat(dd.exitCode()).as("dd: " + dd.stderr()).isZero();
        assertThat(logCount("auto-promoted to Primary")).as("dd promoted").isEqualTo(promotions + 1);
        awaitRole("Secondary/Unknown", DEMOTE_WITHIN_MS);

        // A process holding the device open for write keeps it Primary without writing, as in DRBD 9.
        holder = new ProcessBuilder("sh", "-c", "exec 3<>" + dev + " && exec sleep 120").start();
        awaitRole("Primary/Unknown", 10_000);
        assertThat(Files.readString(node.log())).containsPattern(
                "auto-promoted to Primary: /dev/drbd" + MINOR + " opened for writing by pid " + holder.pid());
        Thread.sleep(2 * AutoPromoterTiming.RELEASE_MS);
        assertThat(role()).as("held open for write").isEqualTo("Primary/Unknown");
        for (String refused : new String[] {"secondary", "down"}) {
            DaemonHarness.Run busy = node.drbdadm(refused, "r0");
            assertThat(busy.exit()).as(refused + " while a process holds the device open for write").isEqualTo(11);
            assertThat(busy.err()).contains("(-12) Device is held open by someone");
        }
        holder.destroy();
        assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();
        awaitRole("Secondary/Unknown", DEMOTE_WITHIN_MS);

        // drbdadm primary is the operator's: never demoted automatically.
        node.ok("primary", "r0");
        Thread.sleep(2 * AutoPromoterTiming.RELEASE_MS);
        assertThat(role()).isEqualTo("Primary/Unknown");
        node.ok("secondary", "r0");
        node.ok("down", "r0");
    }

    @Test
    void withAutoPromoteNoASecondaryRefusesMountAndWritesUntilAdjusted() throws Exception {
        Path dev = upToDateSecondaryWithFilesystem("options { auto-promote no; }");
        assertThat(DaemonHarness.sh("mount " + dev + " " + mnt).exitCode()).as("mount while Secondary").isNotZero();
        assertThat(DaemonHarness.sh("dd if=/dev/zero of=" + dev + " bs=4096 count=1 oflag=direct status=none")
                .exitCode()).as("write while Secondary").isNotZero();
        assertThat(DaemonHarness.sh("dd if=" + dev + " of=/dev/null bs=4096 count=1 iflag=direct status=none")
                .exitCode()).as("read while Secondary").isNotZero();
        assertThat(role()).isEqualTo("Secondary/Unknown");

        // adjust applies a changed auto-promote at once, as drbdadm adjust does resource-options.
        Files.writeString(node.config, Files.readString(node.config).replace("auto-promote no;", "auto-promote yes;"));
        node.ok("adjust", "r0");
        node.mount(dev, mnt);
        assertThat(role()).isEqualTo("Primary/Unknown");
        node.umount(mnt);
        awaitRole("Secondary/Unknown", DEMOTE_WITHIN_MS);
        node.ok("down", "r0");
    }

    @Test
    void withoutUpToDateDataThePromotionIsRefusedAndTheWritesFail() throws Exception {
        start(AUTO_PROMOTE);
        Path dev = node.device(MINOR);
        assertThat(node.ok("dstate", "r0").out().trim()).isEqualTo("Inconsistent/DUnknown");
        ProcessRunner.Result dd = DaemonHarness.sh("dd if=/dev/zero of=" + dev + " bs=4096 count=1 oflag=direct status=none");
        assertThat(dd.exitCode()).as("write to an Inconsistent Secondary").isNotZero();
        assertThat(DaemonHarness.sh("mount " + dev + " " + mnt).exitCode()).as("mount").isNotZero();
        assertThat(role()).isEqualTo("Secondary/Unknown");
        assertThat(Files.readString(node.log())).contains("r0: auto-promote refused (")
                .contains("State change failed: (-2) Need access to UpToDate data");
        node.ok("down", "r0");
    }

    /** The daemon's release timing (AutoPromoter): quiet period plus one check period. */
    private static final class AutoPromoterTiming {
        static final long RELEASE_MS = 1000 + 500;
    }
}
