package org.drbdj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.drbdj.meta.MetaDataTool;
import org.drbdj.meta.MetaDataVersion;
import org.drbdj.meta.MetaDiskLocation;
import org.drbdj.meta.al.ActivityLog;
import org.drbdj.meta.al.AlLayout;
import org.drbdj.meta.al.AlRecovery;
import org.drbdj.meta.bitmap.DrbdBitmap;
import org.drbdj.meta.bitmap.OnDiskBitmap;
import org.drbdj.storage.BackingDevice;
import org.junit.jupiter.api.Test;

class ApplyAlCommandTest {
    private static final long BITS = 16384; // 64 MiB of data
    private static final long BM_OFFSET = 64L << 20;
    private static final long AL_OFFSET = BM_OFFSET + 4096;

    private record Run(int exit, String out, String err) {
    }

    private static Run drbdadm(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Drbdadm.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void appliesTheHotExtentsToTheBitmapAndResetsTheLog() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "test-work"));
        Path img = Files.createTempFile(dir, "apply-al-", ".img");
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            f.setLength(AL_OFFSET + 32768);
        }
        AlLayout layout = AlLayout.ofDefault(AL_OFFSET);
        try (BackingDevice d = BackingDevice.open(img)) {
            ActivityLog.initializeRing(d, layout);
            ActivityLog al = new ActivityLog(d, layout, 61, 0, e -> { });
            al.begin(5L << 22, 4096);     // extent 5
            al.begin((2L << 22) - 512, 1024); // crosses extents 1 and 2
        }
        String[] args = {"apply-al", "r0", "--backing-dev", img.toString(), "--al-offset-bytes", Long.toString(AL_OFFSET),
            "--bm-offset-bytes", Long.toString(BM_OFFSET), "--bits", Long.toString(BITS)};
        Run r = drbdadm(args);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("Marked additional 12 MB as out-of-sync based on AL.");
        DrbdBitmap bm = new DrbdBitmap(BITS, 1);
        try (BackingDevice d = BackingDevice.open(img)) {
            new OnDiskBitmap(d, BM_OFFSET, bm).readAll();
            assertThat(AlRecovery.read(d, layout).clean()).isTrue();
        }
        assertThat(bm.count(0)).isEqualTo(3 * 1024);
        assertThat(bm.nextSetBit(0, 0)).isEqualTo(1024);
        assertThat(bm.nextSetBit(0, 3072)).isEqualTo(5 * 1024);

        Run again = drbdadm(args);
        assertThat(again.exit()).isZero();
        assertThat(again.err()).contains("Nothing to do.");
    }

    @Test
    void resolvesTheMetaDataThroughTheConfigurationAndItsSuperblock() throws Exception {
        Path dir = org.drbdj.testing.TestDirs.create(getClass(), "conf");
        Path img = dir.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            f.setLength(64L << 20);
        }
        Path conf = Files.writeString(dir.resolve("drbd.conf"), "resource r0 {\n  device /dev/drbd1; disk " + img
                + "; meta-disk internal;\n  on node1 { address 127.0.0.1:7789; }\n"
                + "  on node2 { address 127.0.0.2:7789; }\n}\n");
        String[] base = {"-c", conf.toString(), "--node-name", "node1"};
        Run created = drbdadm(concat(base, "create-md", "--force", "r0", "--max-peers", "1"));
        assertThat(created.exit()).as(created.err()).isZero();

        // Where the superblock puts the AL and bitmap: the command must find the same places.
        long alOffset;
        long bmOffset;
        try (MetaDataTool.Opened o = MetaDataTool.open(new MetaDataTool.Target(img, MetaDiskLocation.internal(),
                MetaDataVersion.V09), false)) {
            alOffset = o.alOffsetBytes();
            bmOffset = o.bmOffsetBytes();
        }
        AlLayout layout = AlLayout.ofDefault(alOffset);
        try (BackingDevice d = BackingDevice.open(img)) {
            ActivityLog al = new ActivityLog(d, layout, 61, 0, e -> { });
            al.begin(3L << 22, 4096); // extent 3
            al.begin(7L << 22, 4096); // extent 7
        }
        Run r = drbdadm(concat(base, "apply-al", "r0"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("Marked additional 8192 KB as out-of-sync based on AL.");
        DrbdBitmap bm = new DrbdBitmap(BITS, 1);
        try (BackingDevice d = BackingDevice.open(img)) {
            new OnDiskBitmap(d, bmOffset, bm).readAll();
            assertThat(AlRecovery.read(d, layout).clean()).isTrue();
        }
        assertThat(bm.count(0)).isEqualTo(2 * 1024);
        assertThat(bm.nextSetBit(0, 0)).isEqualTo(3 * 1024);
        assertThat(bm.nextSetBit(0, 4 * 1024)).isEqualTo(7 * 1024);
        assertThat(drbdadm(concat(base, "apply-al", "r0")).err()).contains("Nothing to do.");
    }

    @Test
    void theRawFormNeedsTheWholeLocation() {
        Run r = drbdadm("apply-al", "r0", "--al-offset-bytes", "4096");
        assertThat(r.exit()).isEqualTo(Drbdadm.EXIT_USAGE);
        assertThat(r.err()).contains("--backing-dev").contains("--bits");
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void ppsizeMatchesDrbdUtils() {
        assertThat(ApplyAlCommand.ppsize(4)).isEqualTo("4 KB");
        assertThat(ApplyAlCommand.ppsize(9999)).isEqualTo("9999 KB");
        assertThat(ApplyAlCommand.ppsize(20480)).isEqualTo("20 MB"); // as drbdmeta printed it in ApplyAlDrbdmetaTest
        assertThat(ApplyAlCommand.ppsize(40960)).isEqualTo("40 MB");
    }
}
