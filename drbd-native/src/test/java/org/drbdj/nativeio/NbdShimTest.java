package org.drbdj.nativeio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The kernel-nbd syscalls of the shim, exercised on a host without the nbd module. */
class NbdShimTest {
    @BeforeEach
    void shim() {
        assumeTrue(NativeLibrary.isAvailable(), () -> "shim unavailable: " + NativeLibrary.unavailableReason());
    }

    private static int errnoOf(Throwable e) {
        return ((NativeIoException) e).errno();
    }

    @Test
    void openingAnAbsentNbdDeviceFailsWithEnoent() {
        assumeTrue(!Files.exists(Path.of("/dev/nbd0")), "this host has /dev/nbd0");
        assertThatThrownBy(() -> NativeShim.openDevice("/dev/nbd0"))
                .isInstanceOf(NativeIoException.class)
                .satisfies(e -> assertThat(errnoOf(e)).isIn(Errno.ENOENT, Errno.ENODEV))
                .hasMessageContaining("/dev/nbd0");
    }

    @Test
    void nbdIoctlsOnANonNbdDescriptorFailCleanlyWithEnotty() throws Exception {
        int fd = NativeShim.openDevice("/dev/null");
        try {
            assertThatThrownBy(() -> NativeShim.nbdIoctl(fd, NbdIoctl.SET_BLKSIZE, 4096))
                    .satisfies(e -> assertThat(errnoOf(e)).isEqualTo(Errno.ENOTTY))
                    .hasMessageContaining("SET_BLKSIZE");
        } finally {
            NativeShim.close(fd);
        }
        assertThatThrownBy(() -> NativeShim.nbdIoctl(fd, NbdIoctl.CLEAR_SOCK, 0))
                .satisfies(e -> assertThat(errnoOf(e)).isEqualTo(Errno.EBADF));
    }

    @Test
    void theCWhitelistRejectsNonNbdRequestNumbers() {
        // Requests 2 (SET_SIZE), 5, 6 and anything else are not in the whitelist.
        for (int request : new int[] {2, 5, 6, 11, -1, 0x5401}) {
            assertThat(NativeShimJni.nbdIoctl(0, request, 0)).as("request " + request).isEqualTo(-Errno.EINVAL);
        }
        assertThat(NativeShimJni.nbdIoctl(0, NbdIoctl.SET_SOCK.number(), -5)).isEqualTo(-Errno.EINVAL);
        assertThatThrownBy(() -> NativeShim.nbdIoctl(0, NbdIoctl.SET_TIMEOUT, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    }

    @Test
    void genericNetlinkSaysWhetherTheNbdFamilyExists() throws Exception {
        try (NbdNetlinkClient client = new NbdNetlinkClient(NbdNetlinkClient.socketTransport(5000))) {
            try {
                int family = client.familyId();
                // Only a host with the nbd module gets here (it may have been auto-loaded).
                assertThat(family).isGreaterThan(NbdNetlink.GENL_ID_CTRL);
            } catch (NativeIoException e) {
                assertThat(e.errno()).as(e.getMessage()).isEqualTo(Errno.ENOENT);
                assertThat(Files.exists(Path.of("/sys/module/nbd"))).isFalse();
            }
        }
    }

    @Test
    void readAndWriteMoveBytesAndTimeOut() throws Exception {
        int[] fds = NativeShim.socketPair();
        try {
            byte[] msg = "NBDMAGIC".getBytes(StandardCharsets.US_ASCII);
            NativeShim.writeFully(fds[0], msg, 0, msg.length, 1000);
            byte[] in = new byte[8];
            NativeShim.readFully(fds[1], in, 0, 8, 1000);
            assertThat(in).isEqualTo(msg);
            assertThatThrownBy(() -> NativeShim.read(fds[1], in, 0, 8, 50))
                    .satisfies(e -> assertThat(errnoOf(e)).isEqualTo(Errno.ETIMEDOUT));
            assertThatThrownBy(() -> NativeShim.read(fds[1], in, 4, 8, 50))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset 4");
            assertThat(NativeShimJni.readFd(fds[1], in, 4, 8, 50)).isEqualTo(-Errno.EINVAL);
            NativeShim.close(fds[0]);
            fds[0] = -1;
            assertThatThrownBy(() -> NativeShim.readFully(fds[1], in, 0, 8, 1000))
                    .satisfies(e -> assertThat(errnoOf(e)).isEqualTo(Errno.EIO))
                    .hasMessageContaining("end of stream");
        } finally {
            if (fds[0] >= 0) {
                NativeShim.close(fds[0]);
            }
            NativeShim.close(fds[1]);
        }
    }

    @Test
    void unixConnectReportsMissingSocketsAndOverlongPaths() throws Exception {
        Path dir = Files.createTempDirectory("nbdshim");
        try {
            assertThatThrownBy(() -> NativeShim.unixConnect(dir.resolve("none.sock").toString()))
                    .satisfies(e -> assertThat(errnoOf(e)).isEqualTo(Errno.ENOENT));
            assertThatThrownBy(() -> NativeShim.unixConnect("/" + "x".repeat(200)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("107");
            assertThat(NativeShimJni.unixConnect("/" + "x".repeat(200))).isEqualTo(-Errno.ENAMETOOLONG);
            assertThat(NativeShimJni.unixConnect("")).isEqualTo(-Errno.EINVAL);
            assertThat(NativeShimJni.openDevice("")).isEqualTo(-Errno.EINVAL);
            assertThat(NativeShimJni.openDevice(null)).isEqualTo(-Errno.EINVAL);
            assertThatThrownBy(() -> NativeShim.openDevice("")).isInstanceOf(IllegalArgumentException.class);
        } finally {
            Files.deleteIfExists(dir);
        }
    }
}
