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
import org.drbdj.control.ControlClient;
import org.drbdj.control.ControlPaths;
import org.drbdj.control.ControlRequest;
import org.drbdj.control.ControlResponse;
import org.drbdj.testing.ProcessRunner;

/**
 * One node for end-to-end tests: a private run directory and device directory, the real drbdd
 * started as its own process (as systemd would), and drbdadm run in-process against it with a
 * configuration file, exactly as an operator types the commands.
 */
final class DaemonHarness implements AutoCloseable {
    record Run(int exit, String out, String err) {
    }

    final Path dir;
    final Path runDir;
    final Path devDir;
    final Path config;
    private final String nodeName;
    private Process daemon;
    private final List<Path> mounts = new ArrayList<>();

    DaemonHarness(Path dir, String configText, String nodeName) throws IOException {
        this.dir = dir;
        this.runDir = Files.createDirectories(dir.resolve("run"));
        this.devDir = Files.createDirectories(dir.resolve("dev"));
        this.config = dir.resolve("drbd.conf");
        this.nodeName = nodeName;
        Files.writeString(config, configText);
        System.setProperty(ControlPaths.RUN_DIR_PROPERTY, runDir.toString());
    }

    /**
     * The resource most tests use: {@code r0} on node1 with one volume on {@code disk}, internal
     * meta-data, a peer node2 that never comes (replication is not part of these tests); {@code
     * extra} is spliced into the resource section (handlers, disk options).
     */
    static String singleVolumeConfig(int minor, Path disk, String extra) {
        return String.join("\n",
                "resource r0 {",
                extra.isEmpty() ? "" : "  " + extra,
                "  device /dev/drbd" + minor + "; disk " + disk + "; meta-disk internal;",
                "  on node1 { address 127.0.0.1:7789; }",
                "  on node2 { address 127.0.0.2:7789; }",
                "}", "");
    }

    /**
     * The usual start of an export test: {@code r0} with one volume (minor {@code minor}) on a
     * sparse disk of {@code diskBytes} in {@code dir}, created, up and forced Primary, served on the
     * NBD socket only (no /dev node).
     */
    static DaemonHarness primaryOnNbdSocket(Path dir, int minor, long diskBytes) throws Exception {
        Path disk = sparseFile(dir.resolve("disk.img"), diskBytes);
        DaemonHarness node = new DaemonHarness(dir, singleVolumeConfig(minor, disk, ""), "node1");
        node.ok("create-md", "r0");
        node.startDaemon("none");
        node.ok("up", "r0");
        node.ok("primary", "--force", "r0");
        return node;
    }

    static Path sparseFile(Path file, long sizeBytes) throws IOException {
        try (var raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(sizeBytes);
        }
        return file;
    }

    void startDaemon() throws Exception {
        startDaemon("nbdfuse-loop");
    }

    /** Starts drbdd with the given /dev/drbdN strategy ({@code none}: the NBD socket only). */
    void startDaemon(String deviceStrategy) throws Exception {
        startDaemon(deviceStrategy, java.util.Map.of());
    }

    /** Starts drbdd with extra environment variables (e.g. systemd's NOTIFY_SOCKET). */
    void startDaemon(String deviceStrategy, java.util.Map<String, String> env) throws Exception {
        startDaemon(deviceStrategy, env, List.of());
    }

    /** Starts drbdd with extra environment variables and extra command-line options. */
    void startDaemon(String deviceStrategy, java.util.Map<String, String> env, List<String> extraArgs) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "org.drbdj.daemon.Drbdd", "--run-dir", runDir.toString(), "--dev-dir", devDir.toString(),
                "--device", deviceStrategy));
        cmd.addAll(extraArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
        pb.environment().putAll(env);
        daemon = pb.start();
        // A crashed predecessor leaves its socket file behind: wait until the new daemon answers.
        Path socket = ControlPaths.controlSocket(runDir);
        for (int i = 0; i < 300 && !answers(socket); i++) {
            assertThat(daemon.isAlive()).as("drbdd died: " + Files.readString(log())).isTrue();
            Thread.sleep(100);
        }
        assertThat(answers(socket)).as("drbdd answers on its control socket within 30 s").isTrue();
    }

    private static boolean answers(Path socket) {
        try (ControlClient c = ControlClient.connect(socket)) {
            return c.call(ControlRequest.of("status", "all")).exitCode() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    Path log() {
        return dir.resolve("drbdd.log");
    }

    /** SIGTERM (the clean path) or SIGKILL (a crash). */
    void stopDaemon(boolean kill) throws Exception {
        if (kill) {
            daemon.destroyForcibly();
        } else {
            daemon.destroy();
        }
        assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).as("drbdd exits").isTrue();
    }

    Path device(int minor) {
        return devDir.resolve("drbd" + minor);
    }

    Path nbdSocket() {
        return runDir.resolve("nbd.sock");
    }

    String proc() throws IOException {
        return Files.readString(ControlPaths.procFile(runDir));
    }

    /** Replaces the configuration file (as an operator edits /etc/drbd.conf before adjust). */
    void writeConfig(String configText) throws IOException {
        Files.writeString(config, configText);
    }

    /** Sends one request straight to drbdd, as drbdsetup talks to the kernel module. */
    ControlResponse call(ControlRequest request) throws IOException {
        try (ControlClient c = ControlClient.connect(ControlPaths.controlSocket(runDir))) {
            return c.call(request);
        }
    }

    /** drbdd's running configuration of a resource, as drbdsetup-show text. */
    String show(String resource) throws IOException {
        ControlResponse r = call(ControlRequest.of("show", resource));
        assertThat(r.exitCode()).as("show " + resource + ": " + r.errors()).isZero();
        return String.join("\n", r.output());
    }

    Run drbdadm(String... args) {
        List<String> all = new ArrayList<>(List.of("-c", config.toString(), "--node-name", nodeName));
        all.addAll(List.of(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Drbdadm.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Run ok(String... args) {
        Run r = drbdadm(args);
        assertThat(r.exit).as("drbdadm " + String.join(" ", args) + ": " + r.err).isZero();
        return r;
    }

    static ProcessRunner.Result sh(String script) throws Exception {
        return ProcessRunner.run(List.of("sh", "-c", script), 180);
    }

    void mount(Path dev, Path mnt) throws Exception {
        sh("mount " + dev + " " + mnt).requireSuccess(List.of("mount " + dev));
        mounts.add(mnt);
    }

    void umount(Path mnt) throws Exception {
        sh("umount " + mnt).requireSuccess(List.of("umount " + mnt));
        mounts.remove(mnt);
    }

    /** Unmounts what the test left mounted, takes resources down and stops the daemon. */
    @Override
    public void close() throws Exception {
        for (Path m : List.copyOf(mounts)) {
            ProcessRunner.run(List.of("umount", m.toString()), 30);
        }
        if (daemon != null && daemon.isAlive()) {
            drbdadm("down", "all");
            stopDaemon(false);
        }
        System.clearProperty(ControlPaths.RUN_DIR_PROPERTY);
    }
}
