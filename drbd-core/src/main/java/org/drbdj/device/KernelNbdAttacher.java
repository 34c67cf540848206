package org.drbdj.device;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import org.drbdj.nativeio.Errno;
import org.drbdj.nativeio.NativeIoException;
import org.drbdj.nativeio.NbdIoctl;
import org.drbdj.nativeio.NbdNetlink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link DeviceStrategy#KERNEL_NBD} strategy: connect to the minor's NBD export, do the
 * handshake in userspace, hand the connected socket to the kernel nbd driver, and create
 * {@code /dev/drbdN} with the nbd device's major:minor.
 *
 * <p>Netlink ({@code NBD_CMD_CONNECT}) is tried first: it lets the kernel pick a free device and
 * supports {@code dead-conn-timeout}, so when the daemon restarts the device waits for new
 * sockets ({@code NBD_CMD_RECONFIGURE}, done by the next {@link #attach} of the same minor)
 * instead of failing the mounted file system's I/O. The per-request timeout defaults to 0
 * (never fail I/O; the kernel only logs stuck requests), as DRBD never times out application
 * I/O itself. Kernels without the netlink family fall back to the ioctls
 * ({@code NBD_SET_SOCK ... NBD_DO_IT}); that path cannot survive a daemon restart.
 *
 * <p>Untested end to end on our machines, which have no nbd module: see docs/devices.md.
 */
public final class KernelNbdAttacher implements DeviceAttacher {
    private static final Logger LOG = LoggerFactory.getLogger(KernelNbdAttacher.class);

    /**
     * Settings of this strategy.
     *
     * @param nodes where {@code drbdN} nodes go, and the sysfs mount
     * @param hostDevDir the kernel's {@code /dev}, where {@code nbdX} nodes are
     * @param sysDir the sysfs mount
     * @param requestTimeoutSeconds NBD_ATTR_TIMEOUT; 0 = never fail I/O on a slow daemon
     * @param deadConnTimeoutSeconds how long a dead connection waits for a restarted daemon
     * @param ioTimeoutMs bound on each handshake and netlink exchange
     */
    public record Settings(DeviceNodes nodes, Path hostDevDir, Path sysDir, long requestTimeoutSeconds,
                           long deadConnTimeoutSeconds, int ioTimeoutMs) {
        public Settings {
            if (requestTimeoutSeconds < 0 || deadConnTimeoutSeconds < 0 || ioTimeoutMs <= 0) {
                throw new IllegalArgumentException("bad kernel-nbd timeouts: request " + requestTimeoutSeconds
                        + " s, dead-conn " + deadConnTimeoutSeconds + " s, io " + ioTimeoutMs + " ms");
            }
        }

        /** Production defaults: request timeout 0 (never), dead-conn timeout 120 s, 10 s per exchange. */
        public static Settings defaults(DeviceNodes nodes) {
            return new Settings(nodes, Path.of("/dev"), Path.of("/sys"), 0, 120, 10_000);
        }
    }

    private final Settings settings;
    private final NbdKernelOps ops;
    private final CommandRunner runner = new CommandRunner(10_000);

    public KernelNbdAttacher(Settings settings) {
        this(settings, NbdKernelOps.shim(settings.ioTimeoutMs()));
    }

    KernelNbdAttacher(Settings settings, NbdKernelOps ops) {
        this.settings = settings;
        this.ops = ops;
    }

    @Override
    public DeviceStrategy strategy() {
        return DeviceStrategy.KERNEL_NBD;
    }

    /** The logical block size given to the kernel: 4096 when the size allows, else 512. */
    static long blockSizeFor(long sizeBytes, int exportMinimumBlockBytes) {
        long block = sizeBytes % 4096 == 0 ? 4096 : 512;
        if (exportMinimumBlockBytes > block) {
            throw new IllegalArgumentException("the export needs " + exportMinimumBlockBytes
                    + "-byte blocks but the kernel nbd device can use at most " + block + " for " + sizeBytes + " bytes");
        }
        return block;
    }

    @Override
    public AttachedDevice attach(int minor, Path nbdSocket, String exportName, long sizeBytes) throws IOException {
        DeviceNodes.checkMinor(minor);
        if (sizeBytes <= 0 || sizeBytes % 512 != 0) {
            throw new IllegalArgumentException("export size " + sizeBytes + " bytes must be a positive multiple of 512");
        }
        OptionalInt reconnect = liveDeviceOfNode(minor);
        if (reconnect.isEmpty()) {
            cleanStale(minor);
        }
        Attached dev = new Attached(minor);
        try {
            dev.start(nbdSocket, exportName, sizeBytes, reconnect);
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

    /** The nbd index behind an existing {@code drbdN} node whose device is still configured (waiting in dead-conn). */
    OptionalInt liveDeviceOfNode(int minor) throws IOException {
        Optional<DeviceNumber> n = DeviceNodes.readBlockNode(settings.nodes().nodePath(minor));
        if (n.isEmpty() || n.get().major() != DeviceNumber.NBD_MAJOR) {
            return OptionalInt.empty();
        }
        Optional<String> name = settings.nodes().kernelName(n.get());
        if (name.isEmpty() || !name.get().matches("nbd\\d+")) {
            return OptionalInt.empty();
        }
        if (!Files.exists(settings.sysDir().resolve("block").resolve(name.get()).resolve("pid"))) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(Integer.parseInt(name.get().substring(3)));
    }

    /** The lowest nbd index with a device in sysfs and no connection (no {@code pid} attribute). */
    static OptionalInt findFreeIndex(Path sysDir, int maxDevices) {
        for (int i = 0; i < maxDevices; i++) {
            Path dir = sysDir.resolve("block").resolve("nbd" + i);
            if (!Files.isDirectory(dir)) {
                break;
            }
            if (!Files.exists(dir.resolve("pid"))) {
                return OptionalInt.of(i);
            }
        }
        return OptionalInt.empty();
    }

    /** The major:minor of {@code nbdX} from {@code /sys/block/nbdX/dev}. */
    static DeviceNumber nbdNumber(Path sysDir, int index) throws IOException {
        Path dev = sysDir.resolve("block").resolve("nbd" + index).resolve("dev");
        try {
            return DeviceNumber.parse(Files.readString(dev, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IOException("nbd" + index + " has no " + dev + " (device vanished?)", e);
        }
    }

    @Override
    public void cleanStale(int minor) throws IOException {
        Path node = settings.nodes().nodePath(minor);
        Optional<DeviceNumber> n = DeviceNodes.readBlockNode(node);
        if (n.isEmpty()) {
            return;
        }
        if (n.get().major() == DeviceNodes.DRBD_MAJOR) {
            throw new IOException(node + " belongs to the DRBD kernel module (major " + DeviceNodes.DRBD_MAJOR
                    + "); unload drbd.ko or use another minor");
        }
        OptionalInt live = liveDeviceOfNode(minor);
        if (live.isPresent()) {
            LOG.warn("drbd{}: disconnecting stale nbd{} behind {}", minor, live.getAsInt(), node);
            try {
                ops.netlinkDisconnect(live.getAsInt());
            } catch (IOException e) {
                LOG.warn("drbd{}: could not disconnect nbd{}: {}", minor, live.getAsInt(), e.getMessage());
            }
        }
        LOG.warn("drbd{}: removing stale node {} ({})", minor, node, n.get());
        settings.nodes().remove(minor, n);
    }

    private enum Mode { NETLINK, IOCTL }

    private final class Attached implements AttachedDevice {
        private final int minor;
        private int socketFd = -1;
        private int deviceFd = -1;
        private int index = -1;
        private Mode mode;
        private Thread doIt;
        private final AtomicReference<IOException> doItResult = new AtomicReference<>();
        private DeviceNumber number;
        private Path node;
        private boolean readOnlySet;
        private boolean closed;

        Attached(int minor) {
            this.minor = minor;
        }

        void start(Path socket, String exportName, long sizeBytes, OptionalInt reconnect) throws IOException {
            socketFd = ops.unixConnect(socket);
            NbdClientHandshake.ExportInfo info = NbdClientHandshake.go(ops.io(socketFd), exportName);
            if (info.sizeBytes() != sizeBytes) {
                throw new IOException("export '" + exportName + "' announces " + info.sizeBytes() + " bytes, expected "
                        + sizeBytes);
            }
            long block = blockSizeFor(sizeBytes, info.minimumBlockBytes());
            boolean connected = false;
            if (reconnect.isPresent()) {
                try {
                    ops.netlinkReconfigure(reconnect.getAsInt(), socketFd, settings.requestTimeoutSeconds(),
                            settings.deadConnTimeoutSeconds());
                    index = reconnect.getAsInt();
                    mode = Mode.NETLINK;
                    connected = true;
                    LOG.info("drbd{}: reconnected nbd{} after a daemon restart", minor, index);
                } catch (IOException e) {
                    LOG.warn("drbd{}: RECONFIGURE of nbd{} failed ({}), connecting afresh", minor, reconnect.getAsInt(),
                            e.getMessage());
                    cleanStale(minor);
                }
            }
            if (!connected) {
                try {
                    index = ops.netlinkConnect(new NbdNetlink.ConnectRequest(-1, sizeBytes, block,
                            settings.requestTimeoutSeconds(), settings.deadConnTimeoutSeconds(),
                            info.transmissionFlags(), 0, new int[] {socketFd}));
                    mode = Mode.NETLINK;
                } catch (NativeIoException e) {
                    if (e.errno() != Errno.ENOENT && e.errno() != Errno.EOPNOTSUPP) {
                        throw e;
                    }
                    LOG.info("drbd{}: nbd netlink unavailable ({}), using ioctls", minor, e.getMessage());
                    startIoctl(sizeBytes, block, info.transmissionFlags());
                }
            }
            // The kernel holds its own reference to the socket now.
            int fd = socketFd;
            socketFd = -1;
            ops.close(fd);
            number = nbdNumber(settings.sysDir(), index);
            node = settings.nodes().create(minor, number);
            LOG.info("drbd{}: {} -> nbd{} ({}) via {}", minor, node, index, number, mode);
        }

        private void startIoctl(long sizeBytes, long block, int flags) throws IOException {
            OptionalInt free = findFreeIndex(settings.sysDir(), 1024);
            if (free.isEmpty()) {
                throw new IOException("no free nbd device (all of " + settings.sysDir().resolve("block/nbd*")
                        + " are connected; load nbd with a larger nbds_max)");
            }
            index = free.getAsInt();
            deviceFd = ops.openDevice(settings.hostDevDir().resolve("nbd" + index));
            mode = Mode.IOCTL;
            ops.ioctl(deviceFd, NbdIoctl.SET_BLKSIZE, block);
            ops.ioctl(deviceFd, NbdIoctl.SET_SIZE_BLOCKS, sizeBytes / block);
            ops.ioctl(deviceFd, NbdIoctl.CLEAR_SOCK, 0);
            ops.ioctl(deviceFd, NbdIoctl.SET_FLAGS, flags);
            ops.ioctl(deviceFd, NbdIoctl.SET_TIMEOUT, settings.requestTimeoutSeconds());
            ops.ioctl(deviceFd, NbdIoctl.SET_SOCK, socketFd);
            int devFd = deviceFd;
            doIt = new Thread(() -> {
                try {
                    ops.ioctl(devFd, NbdIoctl.DO_IT, 0);
                } catch (IOException e) {
                    doItResult.set(e);
                    LOG.info("drbd{}: NBD_DO_IT on nbd{} returned: {}", minor, index, e.getMessage());
                }
            }, "drbd-" + minor + "-nbd-do-it");
            doIt.setDaemon(true);
            doIt.start();
        }

        @Override
        public int minor() {
            return minor;
        }

        @Override
        public DeviceStrategy strategy() {
            return DeviceStrategy.KERNEL_NBD;
        }

        @Override
        public synchronized Optional<Path> devicePath() {
            return Optional.ofNullable(node);
        }

        @Override
        public synchronized Optional<DeviceNumber> deviceNumber() {
            return Optional.ofNullable(number);
        }

        @Override
        public synchronized void setReadOnly(boolean readOnly) throws IOException {
            if (closed || index < 0) {
                throw new IOException("drbd" + minor + " is not attached");
            }
            runner.run(List.of("blockdev", readOnly ? "--setro" : "--setrw",
                    settings.hostDevDir().resolve("nbd" + index).toString())).orThrow();
            readOnlySet = readOnly;
        }

        @Override
        public synchronized void flushCaches() throws IOException {
            if (closed || index < 0) {
                throw new IOException("drbd" + minor + " is not attached");
            }
            runner.run(List.of("blockdev", "--flushbufs", settings.hostDevDir().resolve("nbd" + index).toString()))
                    .orThrow();
        }

        @Override
        public synchronized boolean isInUse() throws IOException {
            if (closed || number == null) {
                return false;
            }
            return settings.nodes().isInUse(number, settings.hostDevDir().resolve("nbd" + index));
        }

        @Override
        public synchronized void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            IOException failure = null;
            if (node != null) {
                failure = CleanupSteps.collect(failure, () -> settings.nodes().remove(minor, Optional.of(number)));
            }
            if (readOnlySet) {
                // BLKROSET outlives the connection: leave nbdX writable for its next user.
                failure = CleanupSteps.collect(failure, () -> runner.run(List.of("blockdev", "--setrw",
                        settings.hostDevDir().resolve("nbd" + index).toString())).orThrow());
            }
            if (mode == Mode.NETLINK && index >= 0) {
                failure = CleanupSteps.collect(failure, () -> ops.netlinkDisconnect(index));
            }
            if (mode == Mode.IOCTL && deviceFd >= 0) {
                failure = CleanupSteps.collect(failure, () -> ops.ioctl(deviceFd, NbdIoctl.DISCONNECT, 0));
                if (doIt != null) {
                    failure = CleanupSteps.collect(failure, () -> {
                        try {
                            doIt.join(10_000);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        if (doIt.isAlive()) {
                            throw new IOException("NBD_DO_IT on nbd" + index + " did not return within 10 s of NBD_DISCONNECT");
                        }
                    });
                }
                failure = CleanupSteps.collect(failure, () -> ops.ioctl(deviceFd, NbdIoctl.CLEAR_SOCK, 0));
                failure = CleanupSteps.collect(failure, () -> ops.close(deviceFd));
            }
            if (socketFd >= 0) {
                failure = CleanupSteps.collect(failure, () -> ops.close(socketFd));
            }
            if (failure != null) {
                throw failure;
            }
        }
    }
}
