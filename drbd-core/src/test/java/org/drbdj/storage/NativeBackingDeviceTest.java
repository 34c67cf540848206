package org.drbdj.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.drbdj.nativeio.Errno;
import org.drbdj.testing.TestDirs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class NativeBackingDeviceTest {
    private static final int SIZE = 8 << 20;
    private Path dir;

    @BeforeEach
    void setUp() throws IOException {
        dir = TestDirs.create(NativeBackingDeviceTest.class, "dev");
    }

    private Path image(String name) throws IOException {
        Path p = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(SIZE);
        }
        return p;
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] fileBytes(Path p, long offset, int n) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "r")) {
            byte[] b = new byte[n];
            f.seek(offset);
            f.readFully(b);
            return b;
        }
    }

    @Test
    void regularFileRoundTripsHeapAndDirectBuffersAtUnalignedOffsets() throws IOException {
        Path img = image("a.img");
        try (BackingDevice dev = BackingDevice.open(img)) {
            assertThat(dev.isBlockDevice()).isFalse();
            assertThat(dev.sizeBytes()).isEqualTo(SIZE);
            byte[] data = random(10_000, 1);
            dev.write(ByteBuffer.wrap(data), 12_345);
            ByteBuffer direct = ByteBuffer.allocateDirect(3000);
            direct.put(random(3000, 2)).flip();
            dev.writeFua(direct, 1_000_001);
            assertThat(direct.hasRemaining()).isFalse();
            dev.flush();

            ByteBuffer back = ByteBuffer.allocate(10_000);
            dev.read(back, 12_345);
            assertThat(back.array()).isEqualTo(data);
            ByteBuffer backDirect = ByteBuffer.allocateDirect(3000);
            dev.read(backDirect, 1_000_001);
            backDirect.flip();
            byte[] got = new byte[3000];
            backDirect.get(got);
            assertThat(got).isEqualTo(random(3000, 2));
        }
        // The bytes are where a plain reader of the file expects them (same offsets as DRBD).
        assertThat(fileBytes(img, 12_345, 10_000)).isEqualTo(random(10_000, 1));
    }

    /** Pieces of one request, like the slices of an NBD write as they came off the socket. */
    private static ByteBuffer[] pieces(byte[] data, int[] sizes, boolean direct) {
        ByteBuffer[] out = new ByteBuffer[sizes.length];
        int at = 0;
        for (int i = 0; i < sizes.length; i++) {
            ByteBuffer b = direct ? ByteBuffer.allocateDirect(sizes[i]) : ByteBuffer.allocate(sizes[i]);
            b.put(data, at, sizes[i]).flip();
            at += sizes[i];
            out[i] = b;
        }
        return out;
    }

    @Test
    void gatheringWritesLandBackToBackWithAndWithoutFuaAndWithHeapPieces() throws IOException {
        Path img = image("gather.img");
        int[] sizes = {65536, 1000, 4096, 300_000, 7};
        int total = java.util.Arrays.stream(sizes).sum();
        try (BackingDevice dev = BackingDevice.open(img)) {
            for (int round = 0; round < 3; round++) {
                byte[] data = random(total, 10 + round);
                ByteBuffer[] bufs = pieces(data, sizes, round != 2); // round 2: heap pieces (the copying path)
                long offset = 777 + round * 2_000_000L;
                dev.write(bufs, offset, round == 1);
                assertThat(bufs).allMatch(b -> !b.hasRemaining());
                assertThat(fileBytes(img, offset, total)).isEqualTo(data);
            }
            ByteBuffer[] tooFar = pieces(new byte[8192], new int[] {4096, 4096}, true);
            assertThatThrownBy(() -> dev.write(tooFar, SIZE - 4096, false)).isInstanceOf(IllegalArgumentException.class);
        }
        try (BackingDevice dev = BackingDevice.open(img, BackingDevice.OpenOptions.DIRECT)) {
            byte[] data = random(3 * 4096, 20);
            ByteBuffer[] aligned = new ByteBuffer[3];
            for (int i = 0; i < 3; i++) {
                aligned[i] = AlignedBufferPool.allocateAligned(4096);
                aligned[i].put(data, i * 4096, 4096).flip();
            }
            dev.write(aligned, 8192, true);
            assertThat(fileBytes(img, 8192, data.length)).isEqualTo(data);
        }
    }

    @Test
    void largeWriteIsSplitAcrossBounceBuffers() throws IOException {
        Path img = image("big.img");
        byte[] data = random(3 * (1 << 20) + 77, 3);
        try (BackingDevice dev = BackingDevice.open(img)) {
            dev.write(ByteBuffer.wrap(data), 4096 + 5);
            ByteBuffer back = ByteBuffer.allocate(data.length);
            dev.read(back, 4096 + 5);
            assertThat(back.array()).isEqualTo(data);
        }
    }

    @Test
    void discardAndWriteZeroesReadBackAsZeroesOnAFile() throws IOException {
        Path img = image("z.img");
        try (BackingDevice dev = BackingDevice.open(img)) {
            dev.write(ByteBuffer.wrap(random(1 << 20, 4)), 0);
            dev.discard(65536, 65536);
            dev.writeZeroes(262144, 8192);
            byte[] all = new byte[1 << 20];
            dev.read(ByteBuffer.wrap(all), 0);
            assertThat(Arrays.copyOfRange(all, 65536, 131072)).containsOnly(0);
            assertThat(Arrays.copyOfRange(all, 262144, 262144 + 8192)).containsOnly(0);
            // Neighbours are untouched.
            assertThat(Arrays.copyOfRange(all, 0, 65536)).isEqualTo(Arrays.copyOfRange(random(1 << 20, 4), 0, 65536));
            assertThat(all[262144 + 8192]).isEqualTo(random(1 << 20, 4)[262144 + 8192]);
            assertThat(dev.sizeBytes()).isEqualTo(SIZE); // KEEP_SIZE
        }
        assertThat(Files.size(img)).isEqualTo(SIZE);
    }

    @Test
    void outOfRangeRequestsAreRejectedNamingTheRange() throws IOException {
        try (BackingDevice dev = BackingDevice.open(image("r.img"))) {
            assertThatThrownBy(() -> dev.read(ByteBuffer.allocate(4096), SIZE - 100))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside the device of " + SIZE);
            assertThatThrownBy(() -> dev.write(ByteBuffer.allocate(1), -1))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void errorsCarryErrno() throws IOException {
        assertThatThrownBy(() -> BackingDevice.open(dir.resolve("missing.img")))
                .isInstanceOfSatisfying(DeviceIoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
        Path img = image("ro.img");
        BackingDevice ro = BackingDevice.open(img, BackingDevice.OpenOptions.READ_ONLY);
        try {
            assertThatThrownBy(() -> ro.write(ByteBuffer.allocate(512), 0))
                    .isInstanceOfSatisfying(DeviceIoException.class, e -> {
                        assertThat(e.errno()).isEqualTo(Errno.EBADF);
                        assertThat(e.offsetBytes()).isZero();
                        assertThat(e.lengthBytes()).isEqualTo(512);
                        assertThat(e.getMessage()).contains(img.toString());
                    });
        } finally {
            ro.close();
            ro.close(); // idempotent
        }
        assertThatThrownBy(() -> ro.read(ByteBuffer.allocate(512), 0))
                .isInstanceOfSatisfying(DeviceIoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EBADF));
        assertThatThrownBy(() -> BackingDevice.open(dir))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("neither a block device");
    }

    @Test
    void directIoOnAFileHandlesUnalignedBuffersAndReads() throws IOException {
        Path img = image("d.img");
        byte[] data = random(64 * 1024, 5);
        try (BackingDevice dev = BackingDevice.open(img, BackingDevice.OpenOptions.DIRECT)) {
            assertThat(dev.isDirect()).isTrue();
            dev.write(ByteBuffer.wrap(data), 8192); // heap buffer: bounced through an aligned one
            ByteBuffer aligned = AlignedBufferPool.allocateAligned(4096);
            aligned.put(data, 0, 4096).flip();
            dev.writeFua(aligned, 1 << 20);
            byte[] part = new byte[1000];
            dev.read(ByteBuffer.wrap(part), 8192 + 333); // unaligned range
            assertThat(part).isEqualTo(Arrays.copyOfRange(data, 333, 1333));
            assertThatThrownBy(() -> dev.write(ByteBuffer.allocate(100), 512))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("logical block size");
        }
        assertThat(fileBytes(img, 8192, data.length)).isEqualTo(data);
        assertThat(fileBytes(img, 1 << 20, 4096)).isEqualTo(Arrays.copyOf(data, 4096));
    }

    @Test
    void loopDeviceReportsExactSizeAndSupportsDiscardZeroesAndDirectIo() throws Exception {
        Path img = dir.resolve("loop.img");
        long size = 16L * 1024 * 1024 + 3 * 512; // not a multiple of 4 KiB: BLKGETSIZE64 must be exact
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            f.setLength(size);
        }
        try (LoopDevice loop = LoopDevice.attach(img)) {
            byte[] data = random(1 << 20, 6);
            try (BackingDevice dev = BackingDevice.open(loop.path())) {
                assertThat(dev.isBlockDevice()).isTrue();
                assertThat(dev.sizeBytes()).isEqualTo(size);
                assertThat(dev.logicalBlockSizeBytes()).isEqualTo(512);
                dev.write(ByteBuffer.wrap(data), 0);
                dev.flush();
                dev.discard(4096, 4096);
                dev.writeZeroes(65536, 65536);
                byte[] back = new byte[data.length];
                dev.read(ByteBuffer.wrap(back), 0);
                assertThat(Arrays.copyOfRange(back, 65536, 131072)).containsOnly(0);
                assertThat(Arrays.copyOfRange(back, 0, 4096)).isEqualTo(Arrays.copyOfRange(data, 0, 4096));
                assertThat(Arrays.copyOfRange(back, 131072, back.length))
                        .isEqualTo(Arrays.copyOfRange(data, 131072, data.length));
                dev.write(ByteBuffer.wrap(data, 0, 512), size - 512); // last sector
            }
            try (BackingDevice direct = BackingDevice.open(loop.path(), BackingDevice.OpenOptions.DIRECT)) {
                byte[] tail = new byte[512];
                direct.read(ByteBuffer.wrap(tail), size - 512);
                assertThat(tail).isEqualTo(Arrays.copyOf(data, 512));
            }
            try (BackingDevice exclusive = BackingDevice.open(loop.path(), new BackingDevice.OpenOptions(false, false, true))) {
                assertThatThrownBy(() -> BackingDevice.open(loop.path(), new BackingDevice.OpenOptions(false, false, true)))
                        .isInstanceOfSatisfying(DeviceIoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EBUSY));
                assertThat(exclusive.sizeBytes()).isEqualTo(size);
            }
        }
        // Written through the loop device, visible at the same offset in the image.
        assertThat(fileBytes(img, 0, 4096)).isEqualTo(Arrays.copyOf(random(1 << 20, 6), 4096));
    }
}
