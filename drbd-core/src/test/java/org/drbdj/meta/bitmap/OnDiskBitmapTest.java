package org.drbdj.meta.bitmap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.drbdj.storage.BackingDevice;
import org.drbdj.testing.TestDirs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class OnDiskBitmapTest {
    @Test
    void interleavedLittleEndianWordsAtTheDocumentedOffsets() throws Exception {
        Path img = TestDirs.create(OnDiskBitmapTest.class, "layout").resolve("bm.img");
        long bmOffset = 8192;
        int maxPeers = 3;
        long bits = 100_000;
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            f.setLength(bmOffset + DrbdBitmap.onDiskBytes(bits, maxPeers));
        }
        DrbdBitmap bm = new DrbdBitmap(bits, maxPeers);
        bm.set(2, 37, 38);        // slot 2, word group 1, bit 5
        bm.set(0, 99_999, 100_000);
        try (BackingDevice dev = BackingDevice.open(img)) {
            OnDiskBitmap disk = new OnDiskBitmap(dev, bmOffset, bm);
            assertThat(disk.writeChanged()).isEqualTo(2); // only the two dirty pages
            assertThat(bm.pagesChanged().isEmpty()).isTrue();
        }
        ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(img)).order(ByteOrder.LITTLE_ENDIAN);
        // word = (bit >> 5) * max_peers + slot, little-endian u32
        assertThat(file.getInt((int) bmOffset + 4 * (1 * maxPeers + 2))).isEqualTo(1 << 5);
        long w = (99_999L >> 5) * maxPeers;
        assertThat(file.getInt((int) (bmOffset + 4 * w))).isEqualTo(1 << (99_999 & 31));
        int nonZero = 0;
        for (int i = (int) bmOffset; i < file.capacity(); i++) {
            nonZero += file.get(i) != 0 ? 1 : 0;
        }
        assertThat(nonZero).isEqualTo(2);

        DrbdBitmap back = new DrbdBitmap(bits, maxPeers);
        try (BackingDevice dev = BackingDevice.open(img)) {
            new OnDiskBitmap(dev, bmOffset, back).readAll();
        }
        assertThat(back.count(2)).isEqualTo(1);
        assertThat(back.get(2, 37)).isTrue();
        assertThat(back.count(0)).isEqualTo(1);
        assertThat(back.nextSetBit(0, 0)).isEqualTo(99_999);
        assertThat(back.count(1)).isZero();
    }

    @Test
    void writeOutWritesOnlyChangedPagesOfTheRequestedSet() throws Exception {
        Path img = TestDirs.create(OnDiskBitmapTest.class, "hint").resolve("bm.img");
        long bits = 1 << 20; // 128 KiB of bitmap: 32 pages
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            f.setLength(DrbdBitmap.onDiskBytes(bits, 1));
        }
        DrbdBitmap bm = new DrbdBitmap(bits, 1);
        bm.set(0, 0, 10);                 // page 0
        bm.set(0, 5 * 32768, 5 * 32768 + 1); // page 5
        try (BackingDevice dev = BackingDevice.open(img)) {
            OnDiskBitmap disk = new OnDiskBitmap(dev, 0, bm);
            assertThat(bm.pagesForBits(0, 1024)).containsExactly(0);
            assertThat(disk.writeOut(new int[] {0, 1, 2})).isEqualTo(1);
            assertThat(bm.pagesNeedingWriteout().stream().toArray()).containsExactly(5);
            bm.clear(0, 0, 1);
            assertThat(bm.pagesNeedingWriteout().get(0)).isFalse(); // a clear is only lazy
            assertThat(bm.pagesChanged().get(0)).isTrue();
            assertThat(disk.writeChanged()).isEqualTo(2);
            assertThat(disk.pagesWritten()).isEqualTo(3);
        }
    }
}
