package org.drbdj.meta.al;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.drbdj.meta.bitmap.DrbdBitmap;
import org.drbdj.meta.bitmap.OnDiskBitmap;
import org.drbdj.storage.BackingDevice;
import org.drbdj.storage.LoopDevice;
import org.drbdj.testing.Prerequisites;
import org.drbdj.testing.ProcessRunner;
import org.drbdj.testing.TestDirs;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Differential test against the real drbdmeta (drbd-utils): an activity log written by our
 * {@link ActivityLog} on drbdmeta-created meta-data is accepted by {@code drbdmeta apply-al}, and
 * drbdmeta's result (bitmap and re-initialized ring) is byte-identical to our {@link ApplyAl}'s.
 */
@Timeout(180)
class ApplyAlDrbdmetaTest {
    private static final long IMAGE_BYTES = 64L << 20;
    /** Usable size drbdmeta accepts for a 64 MiB device with internal meta-data. */
    private static final long LA_SIZE_SECT = 130_992;
    /** DRBD 8.4/9 MDF_PRIMARY_IND: apply-al only marks bits when the node was primary. */
    private static final int MDF_PRIMARY_IND = 2;

    private record Offsets(long mdOffset, long alOffset, long bmOffset) {
    }

    private static ProcessRunner.Result drbdmeta(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("drbdmeta"));
        cmd.addAll(Arrays.asList(args));
        return ProcessRunner.run(cmd, 60);
    }

    private static List<String> md(String version, Path dev, String... command) {
        List<String> l = new ArrayList<>(List.of("0", version, dev.toString(), "internal"));
        l.addAll(Arrays.asList(command));
        return l;
    }

    private static Offsets offsets(String dump) {
        return new Offsets(field(dump, "md_offset"), field(dump, "al_offset"), field(dump, "bm_offset"));
    }

    private static long field(String dump, String name) {
        Matcher m = Pattern.compile("# " + name + " (\\d+)").matcher(dump);
        assertThat(m.find()).as("dump-md prints %s", name).isTrue();
        return Long.parseLong(m.group(1));
    }

    @ParameterizedTest(name = "{0} max-peers {1}")
    @CsvSource({"v08, 1", "v09, 1", "v09, 2"})
    void drbdmetaAppliesOurActivityLogExactlyAsWeDo(String version, int maxPeers) throws Exception {
        Prerequisites.requireRoot();
        Prerequisites.requireCommands("drbdmeta", "losetup");
        Path dir = TestDirs.create(ApplyAlDrbdmetaTest.class, version + "-" + maxPeers);
        Path imgA = dir.resolve("ours.img");
        Path imgB = dir.resolve("drbdmeta.img");
        try (var f = new java.io.RandomAccessFile(imgA.toFile(), "rw")) {
            f.setLength(IMAGE_BYTES);
        }
        Offsets off;
        long[] expectedHot = {3, 9, 10, 11, 12};
        try (LoopDevice loop = LoopDevice.attach(imgA)) {
            Path dev = loop.path();
            List<String> create = new ArrayList<>(List.of("--force"));
            create.addAll(md(version, dev, "create-md"));
            if (version.equals("v09")) {
                create.add(Integer.toString(maxPeers));
            }
            drbdmeta(create.toArray(String[]::new)).requireSuccess(create);
            // Give the device a size (la-size) so that drbdmeta's bitmap covers it, via dump/restore.
            String dump = drbdmeta(md(version, dev, "dump-md").toArray(String[]::new)).stdout();
            Path dumpFile = dir.resolve("dump.txt");
            Files.writeString(dumpFile, dump.replace("la-size-sect 0;", "la-size-sect " + LA_SIZE_SECT + ";"));
            List<String> restore = new ArrayList<>(List.of("--force"));
            restore.addAll(md(version, dev, "restore-md", dumpFile.toString()));
            drbdmeta(restore.toArray(String[]::new)).requireSuccess(restore);
            drbdmeta(md(version, dev, "apply-al").toArray(String[]::new)); // v08 restore leaves it "unclean"
            off = offsets(drbdmeta(md(version, dev, "dump-md").toArray(String[]::new)).stdout());
            AlLayout layout = AlLayout.ofDefault(off.alOffset());

            try (BackingDevice d = BackingDevice.open(dev)) {
                // drbdmeta's freshly initialized ring passes our magic/crc32c validation.
                AlRecovery.Result fresh = AlRecovery.read(d, layout);
                assertThat(fresh.validBlocks()).isEqualTo(8);
                assertThat(fresh.clean()).isTrue();

                ActivityLog al = new ActivityLog(d, layout, 5, fresh.nextTrNumber(), ex -> { });
                long[] writes = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 3}; // 14 transactions: the ring wraps
                for (long e : writes) {
                    al.begin(e << 22, 4096);
                    al.complete(e << 22, 4096);
                }
                assertThat(al.committedExtents()).containsExactly(expectedHot);
                // Mark the node as having been primary so that drbdmeta applies the AL.
                ByteBuffer flags = ByteBuffer.allocate(4);
                d.read(flags, off.mdOffset() + 56);
                flags.putInt(0, flags.getInt(0) | MDF_PRIMARY_IND).rewind();
                d.write(flags, off.mdOffset() + 56);
                d.flush();
            }
            // drbdmeta's own AL printer (dump-md at verbosity 10) decodes every block of our ring.
            List<String> verbose = new ArrayList<>(List.of("-vvvvvvvvvv"));
            verbose.addAll(md(version, dev, "dump-md"));
            String printed = drbdmeta(verbose.toArray(String[]::new)).stdout();
            assertThat(printed).contains("# al {").doesNotContain("INVALID").doesNotContain("INITIALIZED");
            Matcher tr = Pattern.compile("#\\s+tr:\\s+(\\d+)").matcher(printed);
            List<Long> trNumbers = new ArrayList<>();
            while (tr.find()) {
                trNumbers.add(Long.parseLong(tr.group(1)));
            }
            assertThat(trNumbers).containsExactlyInAnyOrder(6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L);
            assertThat(printed).contains("active set size: 5");
        }
        Files.copy(imgA, imgB, StandardCopyOption.REPLACE_EXISTING);

        long bits = (off.alOffset() - off.bmOffset()) * 8 / maxPeers;
        try (LoopDevice loopA = LoopDevice.attach(imgA); LoopDevice loopB = LoopDevice.attach(imgB)) {
            ProcessRunner.Result real = drbdmeta(md(version, loopB.path(), "apply-al").toArray(String[]::new));
            real.requireSuccess(md(version, loopB.path(), "apply-al"));
            // drbdmeta counts the bits of every peer slot.
            assertThat(real.stderr()).contains("Marked additional " + 20 * maxPeers + " MB as out-of-sync based on AL");

            ApplyAl.Outcome ours;
            try (BackingDevice d = BackingDevice.open(loopA.path())) {
                ours = ApplyAl.apply(d, AlLayout.ofDefault(off.alOffset()), off.bmOffset(), bits, maxPeers);
            }
            assertThat(ours.fullSync()).isFalse();
            assertThat(ours.recovery().hotExtents()).containsExactly(expectedHot);
            assertThat(ours.bitsNewlySet()).isEqualTo(5L * 1024 * maxPeers);

            byte[] a = readRange(loopA.path(), off.bmOffset(), off.mdOffset() - off.bmOffset());
            byte[] b = readRange(loopB.path(), off.bmOffset(), off.mdOffset() - off.bmOffset());
            assertThat(a).as("bitmap and AL areas after our apply-al vs drbdmeta's").isEqualTo(b);

            DrbdBitmap bm = new DrbdBitmap(bits, maxPeers);
            try (BackingDevice d = BackingDevice.open(loopB.path())) {
                new OnDiskBitmap(d, off.bmOffset(), bm).readAll();
            }
            for (int slot = 0; slot < maxPeers; slot++) {
                assertThat(bm.count(slot)).isEqualTo(5L * 1024);
                assertThat(bm.nextSetBit(slot, 0)).isEqualTo(3L * 1024);
                assertThat(bm.count(slot, 9L * 1024, 13L * 1024)).isEqualTo(4L * 1024);
            }
        }
    }

    private static byte[] readRange(Path dev, long offset, long length) throws Exception {
        try (BackingDevice d = BackingDevice.open(dev, BackingDevice.OpenOptions.READ_ONLY)) {
            byte[] r = new byte[(int) length];
            d.read(ByteBuffer.wrap(r), offset);
            return r;
        }
    }
}
