package org.drbdj.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.drbdj.nativeio.Errno;
import org.drbdj.nativeio.NativeIoException;
import org.drbdj.nativeio.NativeLibrary;
import org.drbdj.nativeio.NbdIoctl;
import org.drbdj.nativeio.NbdNetlink;
import org.drbdj.testing.Prerequisites;
import org.drbdj.testing.TestDirs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The kernel-nbd attach logic around the syscalls, with a fake kernel (recorded calls, a fake
 * sysfs tree), plus the real shim on this host, which has no nbd module.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KernelNbdAttacherTest {
    private static final long SIZE = 64L << 20;
    private Path dir;
    private Path sys;
    private Path dev;
    private DeviceNodes nodes;

    @BeforeEach
    void setUp() throws Exception {
        dir = TestDirs.create(KernelNbdAttacherTest.class, "knbd");
        sys = dir.resolve("sys");
        dev = dir.resolve("dev");
        nodes = new DeviceNodes(dev, dev, sys, 10_000);
    }

    /** A fake /sys/block/nbdI with dev MAJ:MIN, connected (pid attribute) or not. */
    private void fakeNbd(int index, boolean connected) throws IOException {
        Path block = Files.createDirectories(sys.resolve("block/nbd" + index));
        DeviceNumber n = new DeviceNumber(DeviceNumber.NBD_MAJOR, index * 32);
        Files.writeString(block.resolve("dev"), n + "\n");
        if (connected) {
            Files.writeString(block.resolve("pid"), "4242\n");
        }
        Files.createDirectories(sys.resolve("dev/block"));
        Path link = sys.resolve("dev/block/" + n);
        if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(link, Path.of("../../block/nbd" + index));
        }
    }

    private static byte[] serverHandshake(long sizeBytes, int flags) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(18).putLong(NbdClientHandshake.NBDMAGIC).putLong(NbdClientHandshake.IHAVEOPT)
                .putShort((short) 1).array());
        byte[] export = ByteBuffer.allocate(12).putShort((short) 0).putLong(sizeBytes).putShort((short) flags).array();
        out.writeBytes(ByteBuffer.allocate(32).putLong(NbdClientHandshake.REPLY_MAGIC).putInt(7).putInt(3).putInt(12)
                .put(export).array());
        out.writeBytes(ByteBuffer.allocate(20).putLong(NbdClientHandshake.REPLY_MAGIC).putInt(7).putInt(1).putInt(0).array());
        return out.toByteArray();
    }

    /** Records every call; netlink behaviour is configurable; DO_IT blocks until DISCONNECT. */
    private static final class FakeKernel implements NbdKernelOps {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final CountDownLatch disconnected = new CountDownLatch(1);
        long exportSize = SIZE;
        int netlinkErrno;
        int connectIndex = 2;
        int reconfigureErrno;
        NbdNetlink.ConnectRequest lastConnect;

        @Override
        public int unixConnect(Path socket) {
            calls.add("connect " + socket.getFileName());
            return 100;
        }

        @Override
        public NbdClientHandshake.Io io(int fd) {
            ByteBuffer script = ByteBuffer.wrap(serverHandshake(exportSize, 0x12d));
            return new NbdClientHandshake.Io() {
                @Override
                public void readFully(byte[] buf) throws IOException {
                    if (script.remaining() < buf.length) {
                        throw new EOFException();
                    }
                    script.get(buf);
                }

                @Override
                public void writeFully(byte[] buf) {
                    calls.add("handshake-write " + fd);
                }
            };
        }

        @Override
        public int netlinkConnect(NbdNetlink.ConnectRequest request) throws IOException {
            lastConnect = request;
            calls.add("nl-connect fd=" + request.socketFds()[0]);
            if (netlinkErrno != 0) {
                throw new NativeIoException("NBD_CMD_CONNECT", netlinkErrno);
            }
            return connectIndex;
        }

        @Override
        public void netlinkReconfigure(int index, int socketFd, long t, long d) throws IOException {
            calls.add("nl-reconfigure nbd" + index + " fd=" + socketFd);
            if (reconfigureErrno != 0) {
                throw new NativeIoException("NBD_CMD_RECONFIGURE", reconfigureErrno);
            }
        }

        @Override
        public void netlinkDisconnect(int index) {
            calls.add("nl-disconnect nbd" + index);
        }

        @Override
        public int openDevice(Path device) {
            calls.add("open " + device.getFileName());
            return 200;
        }

        @Override
        public void ioctl(int fd, NbdIoctl request, long arg) throws IOException {
            calls.add("ioctl " + request + " " + arg);
            if (request == NbdIoctl.DISCONNECT) {
                disconnected.countDown();
            }
            if (request == NbdIoctl.DO_IT) {
                try {
                    disconnected.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new NativeIoException("ioctl(DO_IT)", Errno.EBUSY);
            }
        }

        @Override
        public void close(int fd) {
            calls.add("close " + fd);
        }
    }

    private KernelNbdAttacher attacher(FakeKernel k) {
        return new KernelNbdAttacher(new KernelNbdAttacher.Settings(nodes, dev, sys, 0, 120, 1000), k);
    }

    @Test
    void netlinkConnectHandsTheSocketOverAndCreatesTheNode() throws Exception {
        Prerequisites.requireRoot();
        fakeNbd(2, false);
        FakeKernel k = new FakeKernel();
        AttachedDevice d = attacher(k).attach(5, dir.resolve("drbd5.sock"), "r0", SIZE);
        assertThat(d.devicePath()).contains(dev.resolve("drbd5"));
        assertThat(DeviceNodes.readBlockNode(dev.resolve("drbd5"))).contains(new DeviceNumber(43, 64));
        assertThat(k.lastConnect.sizeBytes()).isEqualTo(SIZE);
        assertThat(k.lastConnect.blockSizeBytes()).isEqualTo(4096);
        assertThat(k.lastConnect.serverFlags()).isEqualTo(0x12d);
        assertThat(k.lastConnect.timeoutSeconds()).as("never fail I/O on a slow daemon").isZero();
        assertThat(k.lastConnect.deadConnTimeoutSeconds()).isEqualTo(120);
        assertThat(k.lastConnect.index()).as("kernel picks the device").isEqualTo(-1);
        // Our copy of the socket is closed once the kernel has it.
        assertThat(k.calls).containsSubsequence("connect drbd5.sock", "nl-connect fd=100", "close 100");
        d.close();
        d.close();
        assertThat(dev.resolve("drbd5")).doesNotExist();
        assertThat(k.calls).endsWith("nl-disconnect nbd2");
        assertThat(k.calls.stream().filter(c -> c.equals("nl-disconnect nbd2")).count()).isEqualTo(1);
    }

    @Test
    void withoutTheNetlinkFamilyTheIoctlsAreUsedInNbdClientOrder() throws Exception {
        Prerequisites.requireRoot();
        fakeNbd(0, true);
        fakeNbd(1, false);
        FakeKernel k = new FakeKernel();
        k.netlinkErrno = Errno.ENOENT;
        AttachedDevice d = attacher(k).attach(1, dir.resolve("s.sock"), "", SIZE);
        assertThat(DeviceNodes.readBlockNode(dev.resolve("drbd1"))).contains(new DeviceNumber(43, 32));
        for (int i = 0; i < 100 && !k.calls.contains("ioctl DO_IT 0"); i++) {
            Thread.sleep(10);
        }
        assertThat(k.calls).containsSubsequence("open nbd1", "ioctl SET_BLKSIZE 4096",
                "ioctl SET_SIZE_BLOCKS " + (SIZE / 4096), "ioctl CLEAR_SOCK 0", "ioctl SET_FLAGS " + 0x12d,
                "ioctl SET_TIMEOUT 0", "ioctl SET_SOCK 100", "ioctl DO_IT 0");
        d.close();
        assertThat(k.calls).containsSubsequence("ioctl DISCONNECT 0", "ioctl CLEAR_SOCK 0", "close 200");
        assertThat(dev.resolve("drbd1")).doesNotExist();
    }

    @Test
    void otherNetlinkErrorsFailTheAttachAndRollBack() throws Exception {
        Prerequisites.requireRoot();
        fakeNbd(0, false);
        FakeKernel k = new FakeKernel();
        k.netlinkErrno = Errno.EPERM;
        assertThatThrownBy(() -> attacher(k).attach(1, dir.resolve("s.sock"), "", SIZE))
                .isInstanceOf(NativeIoException.class)
                .satisfies(e -> assertThat(((NativeIoException) e).errno()).isEqualTo(Errno.EPERM));
        assertThat(k.calls).endsWith("close 100").doesNotContain("open nbd0");
        assertThat(dev.resolve("drbd1")).doesNotExist();
    }

    @Test
    void aSizeMismatchIsRefusedBeforeTheKernelSeesTheSocket() throws Exception {
        FakeKernel k = new FakeKernel();
        k.exportSize = SIZE / 2;
        assertThatThrownBy(() -> attacher(k).attach(1, dir.resolve("s.sock"), "r1", SIZE))
                .hasMessageContaining(Long.toString(SIZE / 2)).hasMessageContaining("'r1'");
        assertThat(k.calls).noneMatch(c -> c.startsWith("nl-")).endsWith("close 100");
    }

    @Test
    void afterADaemonRestartTheLiveDeviceIsReconfiguredNotReplaced() throws Exception {
        Prerequisites.requireRoot();
        fakeNbd(3, true);
        nodes.create(4, new DeviceNumber(43, 96));
        FakeKernel k = new FakeKernel();
        AttachedDevice d = attacher(k).attach(4, dir.resolve("s.sock"), "", SIZE);
        assertThat(k.calls).contains("nl-reconfigure nbd3 fd=100").noneMatch(c -> c.startsWith("nl-connect"));
        assertThat(d.deviceNumber()).contains(new DeviceNumber(43, 96));
        d.close();
        assertThat(k.calls).endsWith("nl-disconnect nbd3");
    }

    @Test
    void aFailedReconfigureDisconnectsTheOldDeviceAndConnectsAfresh() throws Exception {
        Prerequisites.requireRoot();
        fakeNbd(3, true);
        fakeNbd(2, false);
        nodes.create(4, new DeviceNumber(43, 96));
        FakeKernel k = new FakeKernel();
        k.reconfigureErrno = Errno.EINVAL;
        AttachedDevice d = attacher(k).attach(4, dir.resolve("s.sock"), "", SIZE);
        assertThat(k.calls).containsSubsequence("nl-reconfigure nbd3 fd=100", "nl-disconnect nbd3", "nl-connect fd=100");
        assertThat(d.deviceNumber()).contains(new DeviceNumber(43, 64));
        d.close();
    }

    @Test
    void blockSizeAndFreeIndexRules() throws Exception {
        assertThat(KernelNbdAttacher.blockSizeFor(SIZE, 1)).isEqualTo(4096);
        assertThat(KernelNbdAttacher.blockSizeFor(SIZE + 512, 512)).isEqualTo(512);
        assertThatThrownBy(() -> KernelNbdAttacher.blockSizeFor(SIZE + 512, 4096)).hasMessageContaining("4096-byte");
        assertThat(KernelNbdAttacher.findFreeIndex(sys, 16)).isEmpty();
        fakeNbd(0, true);
        fakeNbd(1, true);
        assertThat(KernelNbdAttacher.findFreeIndex(sys, 16)).isEmpty();
        fakeNbd(2, false);
        assertThat(KernelNbdAttacher.findFreeIndex(sys, 16)).hasValue(2);
        assertThatThrownBy(() -> KernelNbdAttacher.nbdNumber(sys, 9)).hasMessageContaining("nbd9");
        assertThatThrownBy(() -> new KernelNbdAttacher.Settings(nodes, dev, sys, -1, 0, 1))
                .hasMessageContaining("request -1");
    }

    @Test
    void onThisHostWithoutNbdTheRealShimFailsCleanly() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(!Files.exists(Path.of("/dev/nbd0")), "host has nbd");
        org.junit.jupiter.api.Assumptions.assumeTrue(NativeLibrary.isAvailable(), "no shim");
        Prerequisites.requireCommands("nbdkit");
        Path sock = dir.resolve("k.sock");
        Process nbdkit = NbdFuseLoopAttacherTest.startNbdkit(sock, "memory", "size=" + SIZE);
        try {
            KernelNbdAttacher real = new KernelNbdAttacher(KernelNbdAttacher.Settings.defaults(nodes));
            // The handshake with the real export succeeds; netlink says ENOENT (no "nbd" family),
            // the ioctl fallback finds no /sys/block/nbd*: a clear error, nothing left behind.
            assertThatThrownBy(() -> real.attach(9, sock, "", SIZE))
                    .isInstanceOf(IOException.class).hasMessageContaining("no free nbd device");
            assertThat(dev.resolve("drbd9")).doesNotExist();
        } finally {
            nbdkit.destroy();
            nbdkit.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
