package org.drbdj.meta.al;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.drbdj.meta.bitmap.DrbdBitmap;
import org.drbdj.meta.bitmap.OnDiskBitmap;
import org.drbdj.storage.BackingDevice;
import org.drbdj.storage.FaultInjectingDevice;
import org.drbdj.storage.FaultInjectingDevice.WriteRecord;
import org.drbdj.testing.TestDirs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Crash tests on real files: a small "primary" runs a seeded write workload through the activity
 * log and the bitmap onto an image file, the fault seam cuts the power at a chosen moment (or
 * damages a block afterwards), and a "reboot" recovers the out-of-sync set from the file alone
 * (AL replay, as apply-al does, plus the on-disk bitmap). Each test names the crash moment it
 * models and asserts that the recovered set covers every block that may differ from the peer:
 * every block of a write that was submitted but not completed, and every block marked out of sync
 * while disconnected.
 */
@Timeout(600)
class AlBitmapCrashTest {
    private static final long DATA_BYTES = 256L << 20; // 64 extents
    private static final long BITS = DATA_BYTES / 4096;
    private static final long BM_OFFSET = DATA_BYTES;
    private static final long AL_OFFSET = BM_OFFSET + DrbdBitmap.onDiskBytes(BITS, 1);
    private static final AlLayout LAYOUT = new AlLayout(AL_OFFSET, 1, 4);
    private static final long IMAGE_BYTES = AL_OFFSET + LAYOUT.sizeBytes();
    private static final int AL_EXTENTS = 3;
    private static final int OPS = 50;
    private static final long SEED = 20261125L;

    private Path dir;
    private int imageCounter;

    @BeforeEach
    void setUp() throws IOException {
        dir = TestDirs.create(AlBitmapCrashTest.class, "crash");
    }

    /** What the workload knew when it stopped. */
    private static final class Run {
        final BitSet possiblyDifferent = new BitSet();
        List<WriteRecord> writes;
        boolean crashed;
    }

    private Path freshImage() throws IOException {
        Path p = dir.resolve("img-" + (imageCounter++) + ".img");
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(IMAGE_BYTES);
        }
        try (BackingDevice d = BackingDevice.open(p)) {
            ActivityLog.initializeRing(d, LAYOUT); // as create-md leaves it
        }
        return p;
    }

    /**
     * The workload: 4 KiB writes to seeded random blocks, up to 3 in flight, the peer sometimes
     * disconnected (then completed writes are marked out of sync), the bitmap written lazily every
     * 10 writes. Power loss surfaces as SimulatedCrashException from any device call and ends the run.
     */
    private Run runWorkload(Path image, java.util.function.Consumer<FaultInjectingDevice> faults) throws IOException {
        Run run = new Run();
        DrbdBitmap bm = new DrbdBitmap(BITS, 1);
        try (FaultInjectingDevice dev = new FaultInjectingDevice(BackingDevice.open(image), SEED)) {
            faults.accept(dev);
            OnDiskBitmap disk = new OnDiskBitmap(dev, BM_OFFSET, bm);
            ActivityLog al = new ActivityLog(dev, LAYOUT, AL_EXTENTS, 0, ActivityLog.EvictionHook.writingBitmap(disk));
            Random r = new Random(SEED);
            ArrayDeque<Long> inFlight = new ArrayDeque<>();
            boolean connected = true;
            try {
                for (int op = 0; op < OPS; op++) {
                    if (r.nextInt(8) == 0) {
                        connected = !connected;
                    }
                    // Skewed: half the writes go to 6 extents, so some extents stay hot.
                    long extent = r.nextBoolean() ? r.nextInt(6) : r.nextInt(64);
                    long block = extent * DrbdBitmap.BITS_PER_AL_EXTENT + r.nextInt(DrbdBitmap.BITS_PER_AL_EXTENT);
                    long offset = block * 4096;
                    ActivityLog.Begin b;
                    while ((b = al.tryBegin(offset, 4096)) == ActivityLog.Begin.BUSY) {
                        complete(al, bm, inFlight.removeFirst(), connected, run);
                    }
                    if (b == ActivityLog.Begin.NEEDS_COMMIT) {
                        al.commit();
                    }
                    run.possiblyDifferent.set((int) block); // from here on the block may differ
                    inFlight.addLast(block);
                    byte[] data = new byte[4096];
                    r.nextBytes(data);
                    dev.write(ByteBuffer.wrap(data), offset);
                    if (inFlight.size() > 2) {
                        complete(al, bm, inFlight.removeFirst(), connected, run);
                    }
                    if (op % 10 == 9) {
                        disk.writeChanged();
                    }
                }
            } catch (FaultInjectingDevice.SimulatedCrashException crash) {
                run.crashed = true;
            }
            run.writes = dev.writes();
        }
        return run;
    }

    /** A write completes: acknowledged by the peer (in sync), or marked out of sync while disconnected. */
    private static void complete(ActivityLog al, DrbdBitmap bm, long block, boolean connected, Run run) {
        if (connected) {
            run.possiblyDifferent.clear((int) block);
        } else {
            bm.set(0, block, block + 1); // before the AL may forget the extent
        }
        al.complete(block * 4096, 4096);
    }

    /** Reboot: the out-of-sync set the next attach would resync, from the image alone. */
    private static Recovered recover(Path image) throws IOException {
        try (BackingDevice d = BackingDevice.open(image)) {
            AlRecovery.Result r = AlRecovery.read(d, LAYOUT);
            DrbdBitmap bm = new DrbdBitmap(BITS, 1);
            new OnDiskBitmap(d, BM_OFFSET, bm).readAll();
            BitSet oos = new BitSet();
            if (!r.trustworthy()) {
                oos.set(0, (int) BITS);
            } else {
                for (long e : r.hotExtents()) {
                    oos.set((int) (e * 1024), (int) ((e + 1) * 1024));
                }
                for (long b = bm.nextSetBit(0, 0); b >= 0; b = bm.nextSetBit(0, b + 1)) {
                    oos.set((int) b);
                }
            }
            return new Recovered(r, oos);
        }
    }

    private record Recovered(AlRecovery.Result al, BitSet outOfSync) {
    }

    private static void assertCovers(Recovered rec, Run run, String moment) {
        BitSet missed = (BitSet) run.possiblyDifferent.clone();
        missed.andNot(rec.outOfSync());
        assertThat(missed.isEmpty())
                .as("%s: blocks that may differ but would not be resynced: %s (AL %s)", moment, missed, rec.al())
                .isTrue();
    }

    private static boolean isAlWrite(WriteRecord w) {
        return w.offsetBytes() >= AL_OFFSET;
    }

    private static boolean isBitmapWrite(WriteRecord w) {
        return w.offsetBytes() >= BM_OFFSET && w.offsetBytes() < AL_OFFSET;
    }

    @Test
    void powerLossAfterEveryWriteOfTheWorkload() throws IOException {
        Run clean = runWorkload(freshImage(), d -> { });
        assertThat(clean.crashed).isFalse();
        int total = clean.writes.size();
        assertThat(clean.writes.stream().filter(AlBitmapCrashTest::isAlWrite).count()).isGreaterThan(10);
        assertThat(clean.writes.stream().filter(AlBitmapCrashTest::isBitmapWrite).count()).isGreaterThan(3);
        // Crash moment k: the power fails after k writes reached the disk, before write k+1
        // (data, AL transaction or bitmap page). k = 0 .. total covers "between data write and AL commit".
        for (int k = 0; k <= total; k++) {
            Path img = freshImage();
            final int crashAfter = k;
            Run run = runWorkload(img, d -> d.crashAfterWrites(crashAfter));
            assertThat(run.crashed).isEqualTo(k < total);
            Recovered rec = recover(img);
            assertThat(rec.al().trustworthy()).as("crash after %d writes", k).isTrue();
            assertCovers(rec, run, "power loss after write " + k + " of " + total);
        }
    }

    @Test
    void dataNeverReachesAColdExtentBeforeItsTransaction() throws IOException {
        Path img = freshImage();
        Run run = runWorkload(img, d -> { });
        // Replay the write log: the AL on disk after each transaction vs the extent of each data write.
        BitSet onDiskActive = new BitSet();
        byte[] ring = new byte[(int) LAYOUT.sizeBytes()];
        try (BackingDevice fresh = BackingDevice.open(freshImage())) {
            fresh.read(ByteBuffer.wrap(ring), AL_OFFSET);
        }
        // Re-run with a crash right after each AL write and read what the AL says at that moment.
        int i = 0;
        for (WriteRecord w : run.writes) {
            i++;
            if (isAlWrite(w)) {
                Path snap = freshImage();
                final int n = i;
                runWorkload(snap, d -> d.crashAfterWrites(n));
                onDiskActive.clear();
                try (BackingDevice d = BackingDevice.open(snap)) {
                    for (long e : AlRecovery.read(d, LAYOUT).hotExtents()) {
                        onDiskActive.set((int) e);
                    }
                }
            } else if (!isBitmapWrite(w)) {
                long extent = w.offsetBytes() >> 22;
                assertThat(onDiskActive.get((int) extent))
                        .as("data write #%d to extent %d precedes the AL transaction activating it", w.number(), extent)
                        .isTrue();
            }
        }
    }

    @Test
    void alTransactionTornHalfWay() throws IOException {
        Run clean = runWorkload(freshImage(), d -> { });
        // Crash moment: power fails while an AL transaction is written; only its first half lands
        // (and, second variant, only the first sector).
        for (WriteRecord w : clean.writes) {
            if (!isAlWrite(w)) {
                continue;
            }
            for (int keep : new int[] {2048, 512}) {
                Path img = freshImage();
                Run run = runWorkload(img, d -> d.tearWrite(w.number(), keep));
                assertThat(run.crashed).isTrue();
                Recovered rec = recover(img);
                assertThat(rec.al().trustworthy()).isTrue();
                assertCovers(rec, run, "AL transaction (write #" + w.number() + ") torn after " + keep + " bytes");
            }
        }
    }

    @Test
    void bitmapPageHalfWritten() throws IOException {
        Run clean = runWorkload(freshImage(), d -> { });
        long bitmapWrites = 0;
        // Crash moment: power fails while a bitmap page is written (eviction write-out or lazy
        // write-out); only its first 2 KiB land.
        for (WriteRecord w : clean.writes) {
            if (!isBitmapWrite(w)) {
                continue;
            }
            bitmapWrites++;
            Path img = freshImage();
            Run run = runWorkload(img, d -> d.tearWrite(w.number(), 2048));
            assertThat(run.crashed).isTrue();
            assertCovers(recover(img), run, "bitmap page (write #" + w.number() + ") torn after 2048 bytes");
        }
        assertThat(bitmapWrites).isGreaterThan(3);
    }

    @Test
    void flippedByteInAnAlTransaction() throws IOException {
        // Crash moment: power loss at the end of the workload (nothing completes afterwards), then
        // one byte of an AL block flips on the medium before the reboot.
        Path base = freshImage();
        Run run = runWorkload(base, d -> d.crashAfterWrites(Long.MAX_VALUE));
        AlRecovery.Result intact = recover(base).al();
        assertThat(intact.updateTransactions()).isEqualTo(4); // the ring is full of update transactions
        long newest = intact.newestTrNumber();
        for (int age = 0; age < LAYOUT.ringBlocks(); age++) {
            for (int offsetInBlock : new int[] {600, 3000, 20}) {
                Path img = dir.resolve("flip-" + age + "-" + offsetInBlock + ".img");
                java.nio.file.Files.copy(base, img);
                long blockOffset = LAYOUT.offsetOfTransaction(newest - age);
                try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
                    f.seek(blockOffset + offsetInBlock);
                    int b = f.read();
                    f.seek(blockOffset + offsetInBlock);
                    f.write(b ^ 0x10);
                }
                Recovered rec = recover(img);
                String moment = "byte " + offsetInBlock + " of the transaction " + age + " before the newest flipped";
                assertCovers(rec, run, moment);
                if (age == LAYOUT.ringBlocks() - 1) {
                    // The oldest block sits where the next transaction goes, and its content is
                    // superseded (al-extents <= 919 * (ring blocks - 1)): losing it loses nothing.
                    assertThat(rec.al().hotExtents()).as(moment).containsExactly(intact.hotExtents());
                } else if (age > 0) {
                    // Transactions may be lost from the middle of the log: everything is resynced.
                    assertThat(rec.al().trustworthy()).as(moment).isFalse();
                } else if (offsetInBlock >= 512) {
                    // Looks like a torn newest transaction: its updates are still honoured.
                    assertThat(rec.al().trustworthy()).as(moment).isTrue();
                }
            }
        }
    }
}
