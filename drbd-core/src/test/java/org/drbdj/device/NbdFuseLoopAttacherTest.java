package org.drbdj.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.drbdj.testing.Prerequisites;
import org.drbdj.testing.ProcessRunner;
import org.drbdj.testing.TestDirs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * nbdfuse + loop against a real NBD export: nbdkit's memory plugin on a Unix socket stands in
 * for our own server. Needs root, /dev/fuse, loop devices and the Debian tools.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NbdFuseLoopAttacherTest {
    private static final long SIZE_BYTES = 64L << 20;
    private static final int MINOR = 7;

    private Path dir;
    private Path runDir;
    private Path devDir;
    private Path socket;
    private Process nbdkit;
    private NbdFuseLoopAttacher attacher;
    private AttachedDevice device;

    @BeforeEach
    void setUp() throws Exception {
        Prerequisites.requireRoot();
        Prerequisites.requirePath("/dev/fuse");
        Prerequisites.requirePath("/dev/loop-control");
        Prerequisites.requireCommands("nbdkit", "nbdfuse", "unshare", "losetup", "fusermount3", "blockdev", "mknod",
                "nbdcopy", "mkfs.ext4", "mount", "umount");
        dir = TestDirs.create(NbdFuseLoopAttacherTest.class, "attach");
        runDir = dir.resolve("run");
        devDir = dir.resolve("dev");
        Files.createDirectories(runDir);
        socket = dir.resolve("export.sock");
        nbdkit = startNbdkit(socket, "memory", "size=" + SIZE_BYTES);
        DeviceNodes nodes = new DeviceNodes(devDir, Path.of("/dev"), Path.of("/sys"), 10_000);
        attacher = new NbdFuseLoopAttacher(NbdFuseLoopAttacher.Settings.defaults(runDir, nodes));
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (device != null) {
                device.close();
            }
            if (attacher != null) {
                attacher.cleanStale(MINOR);
            }
        } finally {
            if (nbdkit != null) {
                nbdkit.destroy();
                if (!nbdkit.waitFor(5, TimeUnit.SECONDS)) {
                    nbdkit.destroyForcibly();
                }
            }
        }
    }

    static Process startNbdkit(Path socket, String... pluginArgs) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("nbdkit", "--unix", socket.toString(), "--foreground",
                "--exit-with-parent"));
        cmd.addAll(List.of(pluginArgs));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(socket.resolveSibling(socket.getFileName() + ".log").toFile()).start();
        for (int i = 0; i < 200 && !Files.exists(socket); i++) {
            if (!p.isAlive()) {
                throw new AssertionError("nbdkit exited: " + Files.readString(socket.resolveSibling(socket.getFileName() + ".log")));
            }
            Thread.sleep(25);
        }
        assertThat(socket).as("nbdkit socket").exists();
        return p;
    }

    private String uri() {
        return "nbd+unix:///?socket=" + socket;
    }

    @Test
    void nodeCarriesTheLoopNumberAndDataRoundTripsToTheExport() throws Exception {
        device = attacher.attach(MINOR, socket, "", SIZE_BYTES);

        Path node = devDir.resolve("drbd" + MINOR);
        assertThat(device.devicePath()).contains(node);
        DeviceNumber number = DeviceNodes.readBlockNode(node).orElseThrow();
        assertThat(number.major()).isEqualTo(DeviceNumber.LOOP_MAJOR);
        assertThat(device.deviceNumber()).contains(number);
        // The loop device behind the node is backed by our nbdfuse file.
        DeviceNodes sys = new DeviceNodes(devDir, Path.of("/dev"), Path.of("/sys"), 10_000);
        assertThat(sys.loopBackingFile(number)).contains(runDir.resolve("nbdfuse/drbd" + MINOR + "/export").toAbsolutePath());
        String mode = run("stat", "-c", "%a %G", node.toString()).strip();
        assertThat(mode).startsWith("660");
        assertThat(run("blockdev", "--getsize64", node.toString()).strip()).isEqualTo(Long.toString(SIZE_BYTES));

        // 4 MiB of random data at 1 MiB, written with O_DIRECT through /dev/drbdN ...
        Path data = dir.resolve("data.bin");
        byte[] bytes = new byte[4 << 20];
        new Random(42).nextBytes(bytes);
        Files.write(data, bytes);
        run("dd", "if=" + data, "of=" + node, "bs=1M", "seek=1", "oflag=direct", "conv=fsync,notrunc", "status=none");
        // ... reads back identically through the node ...
        Path back = dir.resolve("back.bin");
        run("dd", "if=" + node, "of=" + back, "bs=1M", "skip=1", "count=4", "iflag=direct", "status=none");
        assertThat(sha256(back)).isEqualTo(sha256(data));
        // ... and really is in the export, read by an independent NBD client.
        Path whole = dir.resolve("whole.bin");
        run("nbdcopy", uri(), whole.toString());
        assertThat(sha256(slice(whole, 1 << 20, bytes.length))).isEqualTo(sha256(data));
    }

    @Test
    void mkfsMountAndTeardownLeaveNothingBehind() throws Exception {
        device = attacher.attach(MINOR, socket, "", SIZE_BYTES);
        Path node = device.devicePath().orElseThrow();
        DeviceNumber loop = device.deviceNumber().orElseThrow();
        long nbdfusePid = Long.parseLong(Files.readString(runDir.resolve("nbdfuse/drbd" + MINOR + ".pid")).strip());
        assertThat(ProcessHandle.of(nbdfusePid)).isPresent();

        run("mkfs.ext4", "-q", "-F", node.toString());
        Path mnt = dir.resolve("mnt");
        Files.createDirectories(mnt);
        run("mount", node.toString(), mnt.toString());
        try {
            Files.writeString(mnt.resolve("hello.txt"), "hello drbd\n");
            assertThat(device.isInUse()).as("mounted device is in use").isTrue();
        } finally {
            run("umount", mnt.toString());
        }
        assertThat(device.isInUse()).isFalse();
        // Mount again: the file survived a full unmount (fsck-clean ext4 on the export).
        run("mount", "-o", "ro", node.toString(), mnt.toString());
        try {
            assertThat(Files.readString(mnt.resolve("hello.txt"))).isEqualTo("hello drbd\n");
        } finally {
            run("umount", mnt.toString());
        }
        // A mount in another mount namespace is not in our mountinfo: the kernel's exclusive claim shows it.
        Path ready = dir.resolve("ns-mounted");
        Process other = new ProcessBuilder("unshare", "-m", "--propagation", "private", "sh", "-c",
                "mount " + node + " " + mnt + " && touch " + ready + " && exec sleep 60").start();
        try {
            for (int i = 0; i < 100 && !Files.exists(ready); i++) {
                Thread.sleep(100);
            }
            assertThat(ready).as("mounted in a private namespace").exists();
            assertThat(device.isInUse()).as("mounted in another mount namespace").isTrue();
        } finally {
            other.destroyForcibly();
            other.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        boolean released = false;
        for (int i = 0; i < 100 && !(released = !device.isInUse()); i++) {
            Thread.sleep(100); // the namespace's mounts go when its last process is reaped
        }
        assertThat(released).as("free again once that namespace is gone").isTrue();

        device.close();
        device.close(); // idempotent

        assertThat(node).doesNotExist();
        assertThat(loopBackedByOurFile()).isEmpty();
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(runDir.toAbsolutePath().toString());
        assertThat(ProcessHandle.of(nbdfusePid).map(ProcessHandle::isAlive)).isIn(Optional.empty(), Optional.of(false));
        assertThat(runDir.resolve("nbdfuse/drbd" + MINOR)).doesNotExist();
        assertThat(Files.exists(Path.of("/sys/dev/block/" + loop + "/loop/backing_file"))
                && Files.readString(Path.of("/sys/dev/block/" + loop + "/loop/backing_file")).contains(runDir.toString()))
                .isFalse();
    }

    @Test
    void readOnlyFlagMakesWritesFailWithEpermAndIsReversible() throws Exception {
        device = attacher.attach(MINOR, socket, "", SIZE_BYTES);
        Path node = device.devicePath().orElseThrow();
        device.setReadOnly(true);
        assertThat(run("blockdev", "--getro", node.toString()).strip()).isEqualTo("1");
        ProcessRunner.Result w = ProcessRunner.run(List.of("dd", "if=/dev/zero", "of=" + node, "bs=4k", "count=1",
                "oflag=direct", "conv=notrunc", "status=none"), 30);
        assertThat(w.exitCode()).isNotZero();
        assertThat(w.stderr()).contains("Operation not permitted");
        device.setReadOnly(false);
        assertThat(run("blockdev", "--getro", node.toString()).strip()).isEqualTo("0");
        run("dd", "if=/dev/zero", "of=" + node, "bs=4k", "count=1", "oflag=direct", "conv=notrunc", "status=none");
    }

    @Test
    void staleLeftoversOfACrashedDaemonAreCleanedAtAttach() throws Exception {
        AttachedDevice crashed = attacher.attach(MINOR, socket, "", SIZE_BYTES);
        DeviceNumber oldLoop = crashed.deviceNumber().orElseThrow();
        long pid = Long.parseLong(Files.readString(runDir.resolve("nbdfuse/drbd" + MINOR + ".pid")).strip());
        // The crash: nbdfuse dies by SIGKILL, the daemon never runs close(). Left behind are the
        // node, the loop device and a FUSE mount whose server is gone (ENOTCONN).
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
        assertThat(devDir.resolve("drbd" + MINOR)).exists();
        assertThat(loopBackedByOurFile()).contains(oldLoop);

        // A "restarted daemon" (a new attacher instance) attaches the same minor again.
        DeviceNodes nodes = new DeviceNodes(devDir, Path.of("/dev"), Path.of("/sys"), 10_000);
        attacher = new NbdFuseLoopAttacher(NbdFuseLoopAttacher.Settings.defaults(runDir, nodes));
        device = attacher.attach(MINOR, socket, "", SIZE_BYTES);
        DeviceNumber newLoop = device.deviceNumber().orElseThrow();
        assertThat(loopBackedByOurFile()).containsExactly(newLoop);
        assertThat(run("blockdev", "--getsize64", device.devicePath().orElseThrow().toString()).strip())
                .isEqualTo(Long.toString(SIZE_BYTES));
        device.close();
        assertThat(loopBackedByOurFile()).isEmpty();
        assertThat(devDir.resolve("drbd" + MINOR)).doesNotExist();
    }

    @Test
    void aDaemonCrashWithNbdfuseStillAliveIsCleanedButAMountedLeftoverIsRefused() throws Exception {
        AttachedDevice crashed = attacher.attach(MINOR, socket, "", SIZE_BYTES);
        Path node = crashed.devicePath().orElseThrow();
        long pid = Long.parseLong(Files.readString(runDir.resolve("nbdfuse/drbd" + MINOR + ".pid")).strip());
        run("mkfs.ext4", "-q", "-F", node.toString());
        Path mnt = Files.createDirectories(dir.resolve("mnt-stale"));
        run("mount", node.toString(), mnt.toString());
        // The daemon "dies" (close() never runs); nbdfuse, the loop and the mount survive it.
        DeviceNodes nodes = new DeviceNodes(devDir, Path.of("/dev"), Path.of("/sys"), 10_000);
        NbdFuseLoopAttacher restarted = new NbdFuseLoopAttacher(NbdFuseLoopAttacher.Settings.defaults(runDir, nodes));
        try {
            assertThatThrownBy(() -> restarted.attach(MINOR, socket, "", SIZE_BYTES))
                    .hasMessageContaining("still mounted at " + mnt.toAbsolutePath());
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
        } finally {
            run("umount", mnt.toString());
        }
        attacher = restarted;
        device = restarted.attach(MINOR, socket, "", SIZE_BYTES);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isIn(Optional.empty(), Optional.of(false));
        assertThat(loopBackedByOurFile()).containsExactly(device.deviceNumber().orElseThrow());
        // The file system written before the "crash" is intact behind the new device.
        run("fsck.ext4", "-n", device.devicePath().orElseThrow().toString());
    }

    @Test
    void staleCleanupWorksThroughASymlinkedRunDirectory() throws Exception {
        // /var/run -> /run style: mountinfo and sysfs show the resolved path.
        Path real = Files.createDirectories(dir.resolve("real-run"));
        Path link = Files.createSymbolicLink(dir.resolve("run-link"), real);
        DeviceNodes nodes = new DeviceNodes(devDir, Path.of("/dev"), Path.of("/sys"), 10_000);
        NbdFuseLoopAttacher viaLink = new NbdFuseLoopAttacher(NbdFuseLoopAttacher.Settings.defaults(link, nodes));
        AttachedDevice crashed = viaLink.attach(MINOR, socket, "", SIZE_BYTES);
        assertThat(crashed.deviceNumber()).isPresent();
        long pid = Long.parseLong(Files.readString(link.resolve("nbdfuse/drbd" + MINOR + ".pid")).strip());
        ProcessHandle.of(pid).ifPresent(p -> {
            p.destroyForcibly();
            p.onExit().join();
        });
        attacher = new NbdFuseLoopAttacher(NbdFuseLoopAttacher.Settings.defaults(link, nodes));
        device = attacher.attach(MINOR, socket, "", SIZE_BYTES);
        assertThat(nodes.loopsBackedBy(real.resolve("nbdfuse/drbd" + MINOR + "/export")))
                .containsExactly(device.deviceNumber().orElseThrow());
        device.close();
        device = null;
        assertThat(nodes.loopsBackedBy(real.resolve("nbdfuse/drbd" + MINOR + "/export"))).isEmpty();
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(real.toString());
    }

    @Test
    void aPrivateLoopNodeDirectoryGetsTheLoopNodeCreatedAndRemoved() throws Exception {
        // Namespace hosts have a private tmpfs /dev without loopN nodes: we create the node.
        Path privateDev = Files.createDirectories(dir.resolve("private-dev"));
        DeviceNodes nodes = new DeviceNodes(devDir, privateDev, Path.of("/sys"), 10_000);
        attacher = new NbdFuseLoopAttacher(NbdFuseLoopAttacher.Settings.defaults(runDir, nodes));
        device = attacher.attach(MINOR, socket, "", SIZE_BYTES);
        DeviceNumber loop = device.deviceNumber().orElseThrow();
        String name = nodes.kernelName(loop).orElseThrow();
        assertThat(DeviceNodes.readBlockNode(privateDev.resolve(name))).contains(loop);
        assertThat(run("blockdev", "--getsize64", device.devicePath().orElseThrow().toString()).strip())
                .isEqualTo(Long.toString(SIZE_BYTES));
        device.close();
        device = null;
        assertThat(privateDev.resolve(name)).doesNotExist();
        assertThat(loopBackedByOurFile()).isEmpty();
    }

    @Test
    void anExportThatRefusesConnectionsFailsTheAttachAndLeavesNothing() throws Exception {
        Path nobody = dir.resolve("nobody.sock");
        assertThatThrownBy(() -> attacher.attach(MINOR, nobody, "", SIZE_BYTES))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("nbdfuse for drbd" + MINOR + " exited")
                .hasMessageContaining("No such file or directory");
        assertThat(devDir.resolve("drbd" + MINOR)).doesNotExist();
        assertThat(runDir.resolve("nbdfuse/drbd" + MINOR)).doesNotExist();
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(runDir.toAbsolutePath().toString());
    }

    @Test
    void aSizeMismatchIsReportedAndRolledBack() throws Exception {
        assertThatThrownBy(() -> attacher.attach(MINOR, socket, "", SIZE_BYTES * 2))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("size seen: " + SIZE_BYTES);
        assertThat(devDir.resolve("drbd" + MINOR)).doesNotExist();
        assertThat(loopBackedByOurFile()).isEmpty();
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(runDir.toAbsolutePath().toString());
    }

    @Test
    void aSecondaryStyleExportKeepsTheNodeButFailsReadsWritesAndMount() throws Exception {
        // The design recommended for Secondary (docs/devices.md): the export accepts connections
        // but answers every request with EPERM; the daemon also sets the read-only flag.
        Path refusing = dir.resolve("s2.sock");
        Process secondary = startNbdkit(refusing, "--filter=error", "memory", "size=" + SIZE_BYTES,
                "error=EPERM", "error-rate=100%");
        try {
            device = attacher.attach(MINOR, refusing, "", SIZE_BYTES);
            Path node = device.devicePath().orElseThrow();
            device.setReadOnly(true);
            ProcessRunner.Result read = ProcessRunner.run(List.of("dd", "if=" + node, "of=/dev/null", "bs=4k",
                    "count=1", "skip=100", "iflag=direct", "status=none"), 30);
            assertThat(read.exitCode()).isNotZero();
            assertThat(read.stderr()).contains("Input/output error");
            ProcessRunner.Result write = ProcessRunner.run(List.of("dd", "if=/dev/zero", "of=" + node, "bs=4k",
                    "count=1", "oflag=direct", "conv=notrunc", "status=none"), 30);
            assertThat(write.exitCode()).isNotZero();
            assertThat(write.stderr()).contains("Operation not permitted");
            Path mnt = Files.createDirectories(dir.resolve("mnt-secondary"));
            ProcessRunner.Result mount = ProcessRunner.run(List.of("mount", node.toString(), mnt.toString()), 30);
            if (mount.exitCode() == 0) {
                run("umount", mnt.toString());
            }
            assertThat(mount.exitCode()).as("mount of a Secondary must fail: " + mount.stderr()).isNotZero();
            DeviceNumber loop = device.deviceNumber().orElseThrow();
            device.close();
            assertThat(node).doesNotExist();
            // The read-only flag must not stick to the loop device for its next user.
            Path loopDev = new DeviceNodes(devDir, Path.of("/dev"), Path.of("/sys"), 10_000).loopDevicePath(loop);
            assertThat(run("blockdev", "--getro", loopDev.toString()).strip()).isEqualTo("0");
        } finally {
            secondary.destroy();
            secondary.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private List<DeviceNumber> loopBackedByOurFile() throws IOException {
        return new DeviceNodes(devDir, Path.of("/dev"), Path.of("/sys"), 10_000)
                .loopsBackedBy(runDir.resolve("nbdfuse/drbd" + MINOR + "/export"));
    }

    private static String run(String... cmd) throws Exception {
        return ProcessRunner.run(List.of(cmd), 60).requireSuccess(List.of(cmd)).stdout();
    }

    private static Path slice(Path file, long offset, int length) throws IOException {
        byte[] b = new byte[length];
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            raf.seek(offset);
            raf.readFully(b);
        }
        Path out = file.resolveSibling(file.getFileName() + ".slice");
        Files.write(out, b);
        return out;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
