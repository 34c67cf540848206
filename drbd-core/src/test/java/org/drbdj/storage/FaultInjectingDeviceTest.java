package org.drbdj.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.drbdj.nativeio.Errno;
import org.drbdj.testing.TestDirs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class FaultInjectingDeviceTest {
    private Path img;

    @BeforeEach
    void setUp() throws IOException {
        img = TestDirs.create(FaultInjectingDeviceTest.class, "fault").resolve("f.img");
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            f.setLength(1 << 20);
        }
    }

    private static ByteBuffer filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return ByteBuffer.wrap(b);
    }

    private byte[] readBack(long offset, int n) throws IOException {
        try (BackingDevice dev = BackingDevice.open(img)) {
            byte[] b = new byte[n];
            dev.read(ByteBuffer.wrap(b), offset);
            return b;
        }
    }

    @Test
    void nthWriteFailsWithTheGivenErrnoAndDoesNotReachTheDisk() throws IOException {
        try (FaultInjectingDevice dev = new FaultInjectingDevice(BackingDevice.open(img), 1).failNthWrite(2, Errno.EIO)) {
            dev.write(filled(4096, 1), 0);
            assertThatThrownBy(() -> dev.write(filled(4096, 2), 4096))
                    .isInstanceOfSatisfying(DeviceIoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EIO));
            dev.write(filled(4096, 3), 8192);
            assertThat(dev.writes()).extracting(FaultInjectingDevice.WriteRecord::number).containsExactly(1L, 3L);
        }
        assertThat(readBack(4096, 4096)).containsOnly(0);
        assertThat(readBack(8192, 4096)).containsOnly(3);
    }

    @Test
    void rangeFaultHitsOnlyOverlappingRequestsOfItsKind() throws IOException {
        try (FaultInjectingDevice dev = new FaultInjectingDevice(BackingDevice.open(img), 1)
                .failRange(65536, 4096, Errno.ENOSPC, FaultInjectingDevice.Ops.WRITES)) {
            dev.write(filled(4096, 1), 61440);
            assertThatThrownBy(() -> dev.write(filled(8192, 1), 61440))
                    .isInstanceOfSatisfying(DeviceIoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOSPC));
            dev.read(ByteBuffer.allocate(4096), 65536); // reads are not affected
        }
    }

    @Test
    void randomFaultsReproduceWithTheSameSeed() throws IOException {
        assertThat(failurePattern(42)).isEqualTo(failurePattern(42));
        assertThat(failurePattern(42)).contains(true).contains(false);
    }

    private List<Boolean> failurePattern(long seed) throws IOException {
        List<Boolean> failed = new ArrayList<>();
        try (FaultInjectingDevice dev = new FaultInjectingDevice(BackingDevice.open(img), seed)
                .failWritesRandomly(0.3, Errno.EIO)) {
            for (int i = 0; i < 50; i++) {
                try {
                    dev.write(filled(512, i), i * 512L);
                    failed.add(false);
                } catch (DeviceIoException e) {
                    failed.add(true);
                }
            }
        }
        return failed;
    }

    @Test
    void tornWriteLeavesOnlyThePrefixAndEverythingAfterFails() throws IOException {
        try (FaultInjectingDevice dev = new FaultInjectingDevice(BackingDevice.open(img), 1).tearWrite(2, 1000)) {
            dev.write(filled(4096, 1), 0);
            assertThatThrownBy(() -> dev.write(filled(4096, 2), 4096))
                    .isInstanceOf(FaultInjectingDevice.SimulatedCrashException.class);
            assertThat(dev.crashed()).isTrue();
            assertThatThrownBy(() -> dev.flush()).isInstanceOf(FaultInjectingDevice.SimulatedCrashException.class);
        }
        byte[] b = readBack(4096, 4096);
        assertThat(Arrays.copyOf(b, 1000)).containsOnly(2);
        assertThat(Arrays.copyOfRange(b, 1000, 4096)).containsOnly(0);
    }

    @Test
    void asyncWrapperCompletesAndCarriesErrno() throws Exception {
        ExecutorService io = Executors.newSingleThreadExecutor(r -> new Thread(r, "drbd-test-io"));
        try (FaultInjectingDevice dev = new FaultInjectingDevice(BackingDevice.open(img), 1)
                .crashAfterWrites(1).delay(1, TimeUnit.MILLISECONDS)) {
            AsyncBackingDevice async = new AsyncBackingDevice(dev, io);
            async.write(filled(512, 9), 0, true).get(10, TimeUnit.SECONDS);
            ByteBuffer dst = ByteBuffer.allocate(512);
            async.read(dst, 0).get(10, TimeUnit.SECONDS);
            assertThat(dst.array()).containsOnly(9);
            assertThatThrownBy(() -> async.write(filled(512, 1), 512, false).join())
                    .isInstanceOf(CompletionException.class)
                    .satisfies(t -> assertThat(((DeviceIoException) AsyncBackingDevice.ioCause(t)).errno())
                            .isEqualTo(Errno.EIO));
        } finally {
            io.shutdownNow();
            assertThat(io.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
