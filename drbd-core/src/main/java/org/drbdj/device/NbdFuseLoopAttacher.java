package org.drbdj.device;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link DeviceStrategy#NBDFUSE_LOOP} strategy, for hosts without the nbd kernel module:
 * <ol>
 *   <li>{@code nbdfuse} (a child process we own, in the foreground) mounts a FUSE file system at
 *       {@code <runDir>/nbdfuse/drbdN/} whose single file {@code export} is the NBD export;</li>
 *   <li>a loop device is attached to that file ({@code losetup --find --show --direct-io=off});</li>
 *   <li>{@code <devDir>/drbdN} is created as a block node with the loop device's major:minor.</li>
 * </ol>
 * Teardown runs in exactly the reverse order: remove the node, detach the loop device, unmount
 * the FUSE file system ({@code fusermount3 -u}, which makes nbdfuse exit), stop nbdfuse if it is
 * still running, remove the mount directory. Everything is found again by name from the run
 * directory, so leftovers of a crashed daemon are detected and removed by {@link #cleanStale}.
 */
public final class NbdFuseLoopAttacher implements DeviceAttacher {
    private static final Logger LOG = LoggerFactory.getLogger(NbdFuseLoopAttacher.class);
    private static final long POLL_MS = 20;
    private static final int LOOP_ATTEMPTS = 8;

    /**
     * Settings of this strategy.
     *
     * @param runDir the daemon's run directory ({@code /run/drbd}); mounts go under {@code nbdfuse/}
     * @param nodes where {@code drbdN} nodes go and how sysfs is read
     * @param nbdfuse the nbdfuse executable
     * @param losetup the losetup executable
     * @param fusermount the fusermount3 executable
     * @param blockdev the blockdev executable
     * @param startTimeoutMs how long nbdfuse may take until the file shows the export size
     * @param commandTimeoutMs time bound for each tool invocation
     */
    public record Settings(Path runDir, DeviceNodes nodes, String nbdfuse, String losetup, String fusermount,
                           String blockdev, long startTimeoutMs, long commandTimeoutMs) {
        public Settings {
            if (startTimeoutMs <= 0 || commandTimeoutMs <= 0) {
                throw new IllegalArgumentException("timeouts must be positive, got start " + startTimeoutMs
                        + " ms, command " + commandTimeoutMs + " ms");
            }
        }

        /** Defaults: tools from the PATH, 10 s to start, 10 s per tool. */
        public static Settings defaults(Path runDir, DeviceNodes nodes) {
            return new Settings(runDir, nodes, "nbdfuse", "losetup", "fusermount3", "blockdev", 10_000, 10_000);
        }
    }

    private final Settings settings;
    private final CommandRunner runner;

    public NbdFuseLoopAttacher(Settings settings) {
        this.settings = settings;
        this.runner = new CommandRunner(settings.commandTimeoutMs());
    }

    @Override
    public DeviceStrategy strategy() {
        return DeviceStrategy.NBDFUSE_LOOP;
    }

    Path mountDir(int minor) {
        return settings.runDir().resolve("nbdfuse").resolve("drbd" + minor);
    }

    Path backingFile(int minor) {
        return mountDir(minor).resolve("export");
    }

    Path pidFile(int minor) {
        return settings.runDir().resolve("nbdfuse").resolve("drbd" + minor + ".pid");
    }

    Path logFile(int minor) {
        return settings.runDir().resolve("nbdfuse").resolve("drbd" + minor + ".log");
    }

    /**
     * The libnbd URI of a Unix-socket export: {@code nbd+unix:///NAME?socket=PATH}, both parts
     * percent-encoded (nbdfuse's {@code --unix} mode cannot name an export).
     */
    static String nbdUri(Path socket, String exportName) {
        return "nbd+unix:///" + encode(exportName) + "?socket=" + encode(socket.toAbsolutePath().toString());
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("%2F", "/");
    }

    @Override
    public AttachedDevice attach(int minor, Path nbdSocket, String exportName, long sizeBytes) throws IOException {
        DeviceNodes.checkMinor(minor);
        if (sizeBytes <= 0 || sizeBytes % 512 != 0) {
            throw new IllegalArgumentException("export size " + sizeBytes + " bytes must be a positive multiple of 512");
        }
        if (exportName == null) {
            throw new IllegalArgumentException("export name must not be null (use \"\" for the default export)");
        }
        cleanStale(minor);
        Attached dev = new Attached(minor);
        try {
            dev.start(nbdSocket, exportName, sizeBytes);
            return dev;
        } catch (IOException | RuntimeException e) {
            try {
                dev.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    @Override
    public void cleanStale(int minor) throws IOException {
        DeviceNodes.checkMinor(minor);
        DeviceNodes nodes = settings.nodes();
        Path ourFile = backingFile(minor);
        IOException failure = null;
        // 1. A node whose loop device is backed by our file (or by anything under our run dir).
        Path node = nodes.nodePath(minor);
        Optional<DeviceNumber> number = DeviceNodes.readBlockNode(node);
        if (number.isPresent()) {
            if (number.get().major() == DeviceNodes.DRBD_MAJOR) {
                throw new IOException(node + " belongs to the DRBD kernel module (major " + DeviceNodes.DRBD_MAJOR
                        + "); unload drbd.ko or use another minor");
            }
            Optional<Path> backing = nodes.loopBackingFile(number.get());
            refuseIfMounted(minor, number.get());
            if (backing.isPresent() && backing.get().startsWith(DeviceNodes.canonical(settings.runDir()))) {
                LOG.warn("drbd{}: stale {} -> loop {} backed by {}, detaching", minor, node, number.get(), backing.get());
                failure = CleanupSteps.collect(failure, () -> detachStaleLoop(number.get()));
            } else {
                LOG.warn("drbd{}: stale node {} ({}) from an earlier run, removing", minor, node, number.get());
            }
            failure = CleanupSteps.collect(failure, () -> nodes.remove(minor, number));
        }
        // 2. Loop devices still attached to our file even though the node is gone.
        for (DeviceNumber loop : nodes.loopsBackedBy(ourFile)) {
            refuseIfMounted(minor, loop);
            LOG.warn("drbd{}: stale loop device {} backed by {}, detaching", minor, loop, ourFile);
            failure = CleanupSteps.collect(failure, () -> detachStaleLoop(loop));
        }
        // 3. A FUSE mount on our mount directory (live, or dead with ENOTCONN after kill -9).
        if (isMounted(mountDir(minor))) {
            LOG.warn("drbd{}: stale FUSE mount {}, unmounting", minor, mountDir(minor));
            failure = CleanupSteps.collect(failure, () -> unmount(mountDir(minor)));
        }
        // 4. An nbdfuse that outlived its daemon.
        failure = CleanupSteps.collect(failure, () -> stopStaleProcess(minor));
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Tearing a stale device away from a mounted file system would turn every later I/O into
     * EIO; like DRBD refusing {@code down} on a device held open, the operator unmounts first.
     */
    private static void refuseIfMounted(int minor, DeviceNumber device) throws IOException {
        for (MountTable.Mount m : MountTable.read(MountTable.PROC_MOUNTINFO)) {
            if (m.device().equals(device)) {
                throw new IOException("drbd" + minor + ": the device " + device + " left by an earlier daemon is still mounted at "
                        + m.mountPoint() + "; unmount it, then retry");
            }
        }
    }

    private void stopStaleProcess(int minor) throws IOException {
        Path pidFile = pidFile(minor);
        if (!Files.exists(pidFile)) {
            return;
        }
        String text = Files.readString(pidFile, StandardCharsets.UTF_8).strip();
        try {
            long pid = Long.parseLong(text);
            Optional<ProcessHandle> ph = ProcessHandle.of(pid);
            if (ph.isPresent() && ph.get().info().command().map(c -> c.endsWith("nbdfuse")).orElse(false)) {
                LOG.warn("drbd{}: stale nbdfuse pid {}, stopping", minor, pid);
                stop(ph.get());
            }
        } catch (NumberFormatException e) {
            LOG.warn("drbd{}: ignoring unreadable pid file {}: '{}'", minor, pidFile, text);
        }
        Files.deleteIfExists(pidFile);
    }

    private void stop(ProcessHandle ph) {
        ph.destroy();
        try {
            ph.onExit().get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            ph.destroyForcibly();
            try {
                ph.onExit().get(2, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                LOG.error("nbdfuse pid {} survived SIGKILL for 2 s", ph.pid());
            }
        }
    }

    private boolean isMounted(Path dir) throws IOException {
        Path abs = DeviceNodes.canonical(dir);
        return MountTable.read(MountTable.PROC_MOUNTINFO).stream().anyMatch(m -> m.mountPoint().equals(abs));
    }

    private void detachStaleLoop(DeviceNumber loop) throws IOException {
        DeviceNodes nodes = settings.nodes();
        String name = nodes.kernelName(loop).orElseThrow(() -> new IOException("loop device " + loop + " vanished"));
        nodes.ensureNode(nodes.loopDevDir(), name);
        detachLoop(nodes.loopDevDir().resolve(name));
    }

    private void detachLoop(Path loopDevice) throws IOException {
        runner.run(List.of(settings.losetup(), "-d", loopDevice.toString())).orThrow();
    }

    /** fusermount3 -u, then a lazy unmount when the mount is busy or its server is dead. */
    private void unmount(Path dir) throws IOException {
        CommandRunner.Result r = runner.run(List.of(settings.fusermount(), "-u", dir.toString()));
        if (!r.ok() && isMounted(dir)) {
            LOG.warn("fusermount -u {} failed ({}), unmounting lazily", dir, r.stderr().strip());
            runner.run(List.of(settings.fusermount(), "-u", "-z", dir.toString())).orThrow();
        }
    }

    /** One attached minor; holds what was created so that close() undoes exactly that. */
    private final class Attached implements AttachedDevice {
        private final int minor;
        private Process nbdfuse;
        private boolean mounted;
        private Path loopDevice;
        private boolean createdLoopNode;
        private DeviceNumber loopNumber;
        private Path node;
        private boolean readOnlySet;
        private boolean closed;

        Attached(int minor) {
            this.minor = minor;
        }

        void start(Path nbdSocket, String exportName, long sizeBytes) throws IOException {
            Path mountDir = mountDir(minor);
            Files.createDirectories(mountDir);
            Files.deleteIfExists(pidFile(minor));
            List<String> cmd = List.of(settings.nbdfuse(), "-P", pidFile(minor).toString(),
                    backingFile(minor).toString(), nbdUri(nbdSocket, exportName));
            LOG.info("drbd{}: starting {}", minor, String.join(" ", cmd));
            nbdfuse = new ProcessBuilder(cmd)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(minor).toFile()))
                    .start();
            awaitFile(sizeBytes);

            attachLoop();
            Path loop = loopDevice;
            loopNumber = DeviceNodes.readBlockNode(loopDevice).orElseThrow(
                    () -> new IOException("loop device " + loop + " does not exist"));
            // The block layer's read-only flag (BLKROSET) belongs to the loop device and outlives
            // a detach: clear whatever an earlier user of this loop device left behind.
            setFlag(false);
            node = settings.nodes().create(minor, loopNumber);
            LOG.info("drbd{}: {} -> {} ({}) -> {}", minor, node, loopDevice, loopNumber, backingFile(minor));
        }

        /**
         * {@code losetup -f} (LOOP_CTL_GET_FREE, which also creates the kernel device), then
         * attach that device explicitly. Two steps instead of {@code --find --show} so that the
         * node can be created first where /dev is a private tmpfs (namespace hosts); a device
         * taken by someone else in between (EBUSY) means: ask again, a bounded number of times.
         */
        private void attachLoop() throws IOException {
            DeviceNodes nodes = settings.nodes();
            String lastError = "";
            for (int attempt = 0; attempt < LOOP_ATTEMPTS; attempt++) {
                String free = runner.run(List.of(settings.losetup(), "-f")).orThrow().stdout().strip();
                Path name = Path.of(free).getFileName();
                if (free.isEmpty() || name == null || !name.toString().matches("loop\\d+")) {
                    throw new IOException("'losetup -f' printed '" + free + "', not a loop device");
                }
                Path dev = nodes.loopDevDir().resolve(name.toString());
                boolean created = nodes.ensureNode(nodes.loopDevDir(), name.toString());
                CommandRunner.Result r = runner.run(List.of(settings.losetup(), "--direct-io=off", dev.toString(),
                        backingFile(minor).toString()));
                if (r.ok()) {
                    loopDevice = dev;
                    createdLoopNode = created;
                    return;
                }
                if (created) {
                    Files.deleteIfExists(dev);
                }
                lastError = r.stderr().strip();
                if (!lastError.contains("busy")) {
                    r.orThrow();
                }
                LOG.info("drbd{}: {} was taken meanwhile ({}), trying another loop device", minor, dev, lastError);
            }
            throw new IOException("no loop device could be attached to " + backingFile(minor) + " after "
                    + LOOP_ATTEMPTS + " attempts: " + lastError);
        }

        /** Waits until nbdfuse is mounted and its file has the export size, or fails with its log. */
        private void awaitFile(long sizeBytes) throws IOException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.startTimeoutMs());
            Path file = backingFile(minor);
            long lastSize = -1;
            while (true) {
                if (!nbdfuse.isAlive()) {
                    throw new IOException("nbdfuse for drbd" + minor + " exited with code " + nbdfuse.exitValue()
                            + " before the export appeared (is the NBD export listening and accepting?): "
                            + logTail());
                }
                if (!mounted && isMounted(mountDir(minor))) {
                    mounted = true;
                }
                if (mounted) {
                    try {
                        lastSize = Files.size(file);
                        if (lastSize == sizeBytes) {
                            return;
                        }
                    } catch (IOException e) {
                        lastSize = -1;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("nbdfuse for drbd" + minor + " did not present " + file + " with "
                            + sizeBytes + " bytes within " + settings.startTimeoutMs() + " ms (mounted: " + mounted
                            + ", size seen: " + lastSize + "): " + logTail());
                }
                sleep(POLL_MS);
            }
        }

        private String logTail() {
            try {
                String log = Files.readString(logFile(minor), StandardCharsets.UTF_8).strip();
                return log.length() > 500 ? log.substring(log.length() - 500) : log;
            } catch (IOException e) {
                return "(no log)";
            }
        }

        @Override
        public int minor() {
            return minor;
        }

        @Override
        public DeviceStrategy strategy() {
            return DeviceStrategy.NBDFUSE_LOOP;
        }

        @Override
        public synchronized Optional<Path> devicePath() {
            return Optional.ofNullable(node);
        }

        @Override
        public synchronized Optional<DeviceNumber> deviceNumber() {
            return Optional.ofNullable(loopNumber);
        }

        @Override
        public synchronized void setReadOnly(boolean readOnly) throws IOException {
            if (closed || loopDevice == null) {
                throw new IOException("drbd" + minor + " is not attached");
            }
            setFlag(readOnly);
        }

        private void setFlag(boolean readOnly) throws IOException {
            runner.run(List.of(settings.blockdev(), readOnly ? "--setro" : "--setrw", loopDevice.toString())).orThrow();
            readOnlySet = readOnly;
            dropCaches();
        }

        @Override
        public synchronized void flushCaches() throws IOException {
            if (closed || loopDevice == null) {
                throw new IOException("drbd" + minor + " is not attached");
            }
            dropCaches();
        }

        /**
         * Writes back and forgets cached pages of the loop device ({@code BLKFLSBUF}) and of the
         * FUSE file behind it, so that after a role change every read reaches the export (which
         * refuses I/O while Secondary, and whose data a peer may have changed meanwhile) instead of
         * being served from a stale cache.
         */
        private void dropCaches() throws IOException {
            runner.run(List.of(settings.blockdev(), "--flushbufs", loopDevice.toString())).orThrow();
            // dd with iflag=nocache and count=0 only calls posix_fadvise(DONTNEED) on the whole file.
            runner.run(List.of("dd", "if=" + backingFile(minor), "iflag=nocache", "count=0", "status=none")).orThrow();
        }

        @Override
        public synchronized boolean isInUse() throws IOException {
            if (closed || loopNumber == null) {
                return false;
            }
            return settings.nodes().isInUse(loopNumber, loopDevice);
        }

        @Override
        public synchronized void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            IOException failure = null;
            if (node != null) {
                failure = CleanupSteps.collect(failure, () -> settings.nodes().remove(minor, Optional.of(loopNumber)));
            }
            if (loopDevice != null && readOnlySet) {
                // Leave the loop device writable for its next user.
                failure = CleanupSteps.collect(failure, () -> setFlag(false));
            }
            if (loopDevice != null) {
                failure = CleanupSteps.collect(failure, () -> detachLoop(loopDevice));
                if (createdLoopNode) {
                    failure = CleanupSteps.collect(failure, () -> Files.deleteIfExists(loopDevice));
                }
            }
            // Unmount even when we never saw the mount: nbdfuse may have mounted after the timeout.
            failure = CleanupSteps.collect(failure, () -> {
                if (isMounted(mountDir(minor))) {
                    unmount(mountDir(minor));
                }
            });
            if (nbdfuse != null) {
                Process p = nbdfuse;
                failure = CleanupSteps.collect(failure, () -> {
                    try {
                        if (!p.waitFor(2, TimeUnit.SECONDS)) {
                            LOG.warn("drbd{}: nbdfuse still running after unmount, stopping it", minor);
                            stop(p.toHandle());
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        p.destroyForcibly();
                    }
                });
            }
            failure = CleanupSteps.collect(failure, () -> Files.deleteIfExists(pidFile(minor)));
            failure = CleanupSteps.collect(failure, () -> Files.deleteIfExists(mountDir(minor)));
            if (failure != null) {
                throw failure;
            }
            LOG.info("drbd{}: detached", minor);
        }
    }

    private static void sleep(long ms) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
