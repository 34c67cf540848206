package org.drbdj.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.drbdj.cli.Drbdadm;
import org.drbdj.control.ControlPaths;
import org.drbdj.testing.Prerequisites;
import org.drbdj.testing.ProcessRunner;
import org.drbdj.testing.TestDirs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The SPEC runbook on one host, minus the peer, driven as an operator would: create-md, up,
 * primary --force, mkfs.ext4 on /dev/drbdN, mount, write files, umount, secondary (mount now
 * fails), down, restart drbdd, up, primary, mount: the files are intact. The status file shows the
 * resource in each state. Runs the real daemon as a separate process, /dev/drbdN through
 * nbdfuse + loop in a private device directory.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class SingleNodeRunbookTest {
    record Run(int exit, String out, String err) {
    }

    private Path dir;
    private Path runDir;
    private Path devDir;
    private Path mnt;
    private Path config;
    private Process daemon;
    private final List<String> mounted = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        Prerequisites.requireRoot();
        Prerequisites.requireCommands("nbdfuse", "losetup", "fusermount3", "mkfs.ext4", "mount", "umount", "blockdev", "nbdinfo");
        Prerequisites.requirePath("/dev/fuse");
        dir = TestDirs.create(getClass(), "node1");
        runDir = Files.createDirectories(dir.resolve("run"));
        devDir = Files.createDirectories(dir.resolve("dev"));
        mnt = Files.createDirectories(dir.resolve("mnt"));
        Path disk = dir.resolve("disk.img");
        try (var raf = new java.io.RandomAccessFile(disk.toFile(), "rw")) {
            raf.setLength(128L << 20);
        }
        config = dir.resolve("drbd.conf");
        Files.writeString(config, String.join("\n",
                "global { usage-count no; }",
                "common { protocol C; disk { on-io-error detach; } }",
                "resource r0 {",
                "  device /dev/drbd9; disk " + disk + "; meta-disk internal;",
                "  on node1 { address 127.0.0.1:7789; }",
                "  on node2 { address 127.0.0.2:7789; }",
                "}", ""));
        System.setProperty(ControlPaths.RUN_DIR_PROPERTY, runDir.toString());
    }

    @AfterEach
    void tearDown() throws Exception {
        for (String m : mounted) {
            ProcessRunner.run(List.of("umount", m), 30);
        }
        if (daemon != null && daemon.isAlive()) {
            drbdadm("down", "r0");
            stopDaemon();
        }
        System.clearProperty(ControlPaths.RUN_DIR_PROPERTY);
    }

    private void startDaemon() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        daemon = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "org.drbdj.daemon.Drbdd",
                "--run-dir", runDir.toString(), "--dev-dir", devDir.toString(), "--device", "nbdfuse-loop")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("drbdd.log").toFile()))
                .start();
        Path socket = ControlPaths.controlSocket(runDir);
        for (int i = 0; i < 200 && !Files.exists(socket); i++) {
            assertThat(daemon.isAlive()).as("drbdd died: " + Files.readString(dir.resolve("drbdd.log"))).isTrue();
            Thread.sleep(100);
        }
        assertThat(socket).exists();
    }

    private void stopDaemon() throws Exception {
        daemon.destroy(); // SIGTERM: the clean shutdown path
        assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }

    private Run drbdadm(String... args) {
        List<String> all = new ArrayList<>(List.of("-c", config.toString(), "--node-name", "node1"));
        all.addAll(List.of(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Drbdadm.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Run ok(String... args) {
        Run r = drbdadm(args);
        assertThat(r.exit).as("drbdadm " + String.join(" ", args) + ": " + r.err).isZero();
        return r;
    }

    private String proc() throws IOException {
        return Files.readString(ControlPaths.procFile(runDir));
    }

    private ProcessRunner.Result sh(String script) throws Exception {
        return ProcessRunner.run(List.of("sh", "-c", script), 120);
    }

    @Test
    void runbookOnOneHostSurvivesDaemonRestart() throws Exception {
        Run created = ok("create-md", "r0");
        assertThat(created.out + created.err).contains("New drbd meta data block successfully created.");
        assertThat(ok("get-gi", "r0").out.trim()).startsWith("0000000000000004:0000000000000000:");
        startDaemon();
        ok("up", "r0");
        assertThat(ok("events2", "--now").out.lines()).contains(
                "exists resource name:r0 role:Secondary suspended:no force-io-failures:no may_promote:no promotion_score:0",
                "exists -");
        assertThat(ok("status", "r0").out).startsWith("r0 role:Secondary").contains("disk:Inconsistent");
        assertThat(ok("dstate", "r0").out.trim()).isEqualTo("Inconsistent/DUnknown");
        assertThat(ok("role", "r0").out.trim()).isEqualTo("Secondary/Unknown");
        assertThat(ok("cstate", "r0").out.trim()).isEqualTo("WFConnection");
        assertThat(proc()).contains(" 9: cs:WFConnection ro:Secondary/Unknown ds:Inconsistent/DUnknown C r-----");

        Run refused = drbdadm("primary", "r0");
        assertThat(refused.exit).isEqualTo(17);
        assertThat(refused.err).contains("r0: State change failed: (-2) Need access to UpToDate data");

        ok("primary", "--force", "r0");
        assertThat(proc()).contains(" 9: cs:WFConnection ro:Primary/Unknown ds:UpToDate/DUnknown C r-----");
        Path dev = devDir.resolve("drbd9");
        assertThat(sh("blockdev --getsize64 " + dev).stdout().trim()).isNotEmpty();

        sh("mkfs.ext4 -q -F " + dev).requireSuccess(List.of("mkfs.ext4"));
        mountIt(dev);
        sh("for i in 1 2 3 4 5; do head -c 300000 /dev/urandom > " + mnt + "/f$i; done; cd " + mnt
                + " && sha256sum f1 f2 f3 f4 f5 > " + dir.resolve("sums")).requireSuccess(List.of("write files"));

        Run busy = drbdadm("secondary", "r0");
        assertThat(busy.exit).isEqualTo(11);
        assertThat(busy.err).contains("(-12) Device is held open by someone");

        unmountIt();
        ok("secondary", "r0");
        assertThat(proc()).contains("ro:Secondary/Unknown ds:UpToDate/DUnknown");
        assertThat(sh("mount " + dev + " " + mnt).exitCode()).as("mount while Secondary").isNotZero();
        ProcessRunner.Result nbd = ProcessRunner.run(List.of("nbdinfo",
                "nbd+unix:///drbd9?socket=" + runDir.resolve("nbd.sock")), 30);
        assertThat(nbd.exitCode()).as("NBD clients are refused while Secondary").isNotZero();

        ok("down", "r0");
        assertThat(dev).doesNotExist();
        assertThat(proc()).doesNotContain(" 9: ");
        stopDaemon();

        startDaemon();
        ok("up", "r0");
        assertThat(ok("dstate", "r0").out.trim()).as("UpToDate survives the restart via the meta-data")
                .isEqualTo("UpToDate/DUnknown");
        ok("primary", "r0");
        mountIt(dev);
        sh("cd " + mnt + " && sha256sum -c " + dir.resolve("sums")).requireSuccess(List.of("sha256sum -c"));
        unmountIt();
        ok("down", "r0");
    }

    private void mountIt(Path dev) throws Exception {
        sh("mount " + dev + " " + mnt).requireSuccess(List.of("mount"));
        mounted.add(mnt.toString());
    }

    private void unmountIt() throws Exception {
        sh("umount " + mnt).requireSuccess(List.of("umount"));
        mounted.remove(mnt.toString());
    }
}
