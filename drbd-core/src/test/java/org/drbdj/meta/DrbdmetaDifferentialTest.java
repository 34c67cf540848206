package org.drbdj.meta;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.drbdj.testing.Prerequisites;
import org.drbdj.testing.ProcessRunner;
import org.drbdj.testing.TestDirs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Differential tests against the real drbdmeta on loop devices, both directions: meta-data we
 * create is read by drbdmeta exactly as its own; meta-data drbdmeta created and edited (set-gi,
 * restore-md with bits in the bitmap) is printed by our dump-md, get-gi and show-gi exactly as by
 * drbdmeta; our restore-md of a drbdmeta dump reads back identically with drbdmeta.
 */
@Timeout(300)
class DrbdmetaDifferentialTest {

    /** One device/layout combination. */
    record Case(MetaDataVersion version, MetaDiskLocation location, long deviceBytes, int maxPeers) {
        @Override
        public String toString() {
            return version.tag() + " " + location + " " + deviceBytes + "B max-peers " + maxPeers;
        }
    }

    static Stream<Case> cases() {
        List<Case> l = new ArrayList<>();
        long[] internalSizes = {68 * 1024, (1 << 20) + 5 * 512, 100L << 20, (1L << 30) + 3 * 512};
        for (long size : internalSizes) {
            l.add(new Case(MetaDataVersion.V08, MetaDiskLocation.internal(), size, 1));
            for (int mp : new int[] {1, 2, 7}) {
                l.add(new Case(MetaDataVersion.V09, MetaDiskLocation.internal(), size, mp));
            }
        }
        long indexed = (260L << 20) + 7 * 512;
        for (int idx : new int[] {0, 1}) {
            l.add(new Case(MetaDataVersion.V08, MetaDiskLocation.indexed(idx), indexed, 1));
            l.add(new Case(MetaDataVersion.V09, MetaDiskLocation.indexed(idx), indexed, idx == 0 ? 2 : 7));
        }
        for (long size : new long[] {(5L << 20) + 7 * 512, 64L << 20}) {
            l.add(new Case(MetaDataVersion.V08, MetaDiskLocation.flexExternal(), size, 1));
            l.add(new Case(MetaDataVersion.V09, MetaDiskLocation.flexExternal(), size, 1));
            l.add(new Case(MetaDataVersion.V09, MetaDiskLocation.flexExternal(), size, 7));
        }
        return l.stream();
    }

    @BeforeEach
    void prerequisites() {
        Prerequisites.requireRoot();
        Prerequisites.requireCommands("drbdmeta", "losetup");
    }

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    private MetaDataTool tool() {
        outBytes.reset();
        errBytes.reset();
        return new MetaDataTool(new PrintStream(outBytes, true, StandardCharsets.UTF_8),
                new PrintStream(errBytes, true, StandardCharsets.UTF_8),
                MetaDataTool.Confirmer.forced(new java.io.PrintWriter(new PrintStream(errBytes, true, StandardCharsets.UTF_8), true)));
    }

    private String toolOut() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private static List<String> createArgs(Case c) {
        return c.version() == MetaDataVersion.V09 ? List.of("create-md", Integer.toString(c.maxPeers()))
                : List.of("create-md");
    }

    private static MetaDataTool.Target target(Case c, LoopDevice d) {
        return new MetaDataTool.Target(d.device, c.location(), c.version());
    }

    private static long maxUsableFromVerbose(String stderr) {
        Matcher m = Pattern.compile("max_usable_sect: (\\d+)").matcher(stderr);
        long last = -1;
        while (m.find()) {
            last = Long.parseLong(m.group(1));
        }
        return last;
    }

    /** Our create-md produces what drbdmeta's create-md produces: same dump, offsets and AL bytes. */
    @ParameterizedTest
    @MethodSource("cases")
    void createMdIsReadByDrbdmetaLikeItsOwn(Case c) throws Exception {
        Path dir = TestDirs.create(getClass(), "create");
        try (LoopDevice theirs = LoopDevice.create(dir.resolve("theirs.img"), c.deviceBytes());
                LoopDevice ours = LoopDevice.create(dir.resolve("ours.img"), c.deviceBytes())) {
            MetaDataTool.Target t = target(c, theirs);
            MetaDataTool.Target o = target(c, ours);
            ProcessRunner.Result created = Drbdmeta.ok(List.of("--force", "-v", "-v"), t,
                    createArgs(c).toArray(new String[0]));
            assertThat(tool().createMd(o, MetaDataTool.CreateOptions.maxPeers(c.maxPeers()))).isZero();
            assertThat(toolOut()).contains("New drbd meta data block successfully created.");

            String theirDump = Drbdmeta.body(Drbdmeta.dump(t));
            String ourDumpByDrbdmeta = Drbdmeta.body(Drbdmeta.dump(o));
            assertThat(ourDumpByDrbdmeta).isEqualTo(theirDump);
            assertThat(ourDumpByDrbdmeta).contains("# md_offset ").contains("# bm_offset ");

            try (MetaDataTool.Opened ot = MetaDataTool.open(t, false); MetaDataTool.Opened oo = MetaDataTool.open(o, false)) {
                assertThat(oo.metaData()).isNotNull();
                assertThat(oo.maxUsableSectors()).isEqualTo(maxUsableFromVerbose(created.stderr()));
                int alBytes = oo.metaData().alSizeSectors() * 512;
                ByteBuffer theirAl = ot.device().read(ot.alOffsetBytes(), alBytes);
                ByteBuffer ourAl = oo.device().read(oo.alOffsetBytes(), alBytes);
                assertThat(ourAl).isEqualTo(theirAl);
                ByteBuffer theirSb = ot.device().read(ot.mdOffsetBytes(), 4096);
                ByteBuffer ourSb = oo.device().read(oo.mdOffsetBytes(), 4096);
                assertThat(ourSb).isEqualTo(theirSb);
            }
        }
    }

    /**
     * Meta-data created and edited by drbdmeta (restore-md with bits in the bitmap, set-gi) is
     * printed by our dump-md, get-gi and show-gi as by drbdmeta; our restore-md of drbdmeta's dump
     * round-trips through drbdmeta.
     */
    @ParameterizedTest
    @MethodSource("cases")
    void drbdmetaEditedMetaDataIsDumpedAndRestoredIdentically(Case c) throws Exception {
        Path dir = TestDirs.create(getClass(), "dump");
        try (LoopDevice theirs = LoopDevice.create(dir.resolve("theirs.img"), c.deviceBytes());
                LoopDevice ours = LoopDevice.create(dir.resolve("ours.img"), c.deviceBytes())) {
            MetaDataTool.Target t = target(c, theirs);
            ProcessRunner.Result created = Drbdmeta.ok(List.of("--force", "-v", "-v"), t,
                    createArgs(c).toArray(new String[0]));
            long usable = maxUsableFromVerbose(created.stderr());
            // external layouts can describe far more than the device holds: keep the bitmap small
            long laSize = Math.max(0, Math.min(usable - 13, 3_000_005));
            String edited = editedDump(c, Drbdmeta.body(Drbdmeta.dump(t)), laSize, new Random(c.toString().hashCode()));
            Path dumpFile = dir.resolve("edited.dump");
            java.nio.file.Files.writeString(dumpFile, edited);
            Drbdmeta.ok(List.of("--force"), t, "restore-md", dumpFile.toString());
            List<String> nodeOpt = c.version() == MetaDataVersion.V09 ? List.of("--force", "--node-id=1") : List.of("--force");
            // v08: c:u:p:C:F:o:k; v09: c:u:p:crashed:al-clean:al-disabled:lost-quorum, then 5 peer flags
            String gi = c.version() == MetaDataVersion.V09
                    ? "0123456789ABCDEF:FEDCBA9876543210:1111111111111111::1:1:0:1:1:0:1:1:0:1:0:1"
                    : "0123456789ABCDEF:FEDCBA9876543210:1111111111111111::1:1:0:1:0:1:1";
            Drbdmeta.ok(nodeOpt, t, "set-gi", gi);

            String theirs1 = Drbdmeta.dump(t);
            String ours1 = tool().dumpText(t, false, List.of());
            assertThat(Drbdmeta.as922(c.version(), ours1)).isEqualTo(Drbdmeta.body(theirs1));
            assertThat(ours1).contains("times 0x");

            int node = c.version() == MetaDataVersion.V09 ? 1 : -1;
            List<String> giOpt = c.version() == MetaDataVersion.V09 ? List.of("--node-id=1") : List.of();
            MetaDataTool tool = tool();
            tool.getGi(t, node);
            assertThat(toolOut()).isEqualTo(Drbdmeta.ok(giOpt, t, "get-gi").stdout());
            tool = tool();
            tool.showGi(t, node);
            assertThat(toolOut()).isEqualTo(Drbdmeta.ok(giOpt, t, "show-gi").stdout());

            // round trip: our restore-md of drbdmeta's dump leaves what drbdmeta's own restore-md
            // leaves (compared through drbdmeta, --force because a v08 dump of drbdmeta 9.22 loses
            // the AL-clean flag), and for v09 exactly the dumped meta-data
            MetaDataTool.Target o = target(c, ours);
            assertThat(tool().restoreMd(o, theirs1)).isZero();
            assertThat(toolOut()).contains("Successfully restored meta data");
            Drbdmeta.ok(List.of("--force"), t, "restore-md", write(dir, "theirs1.dump", theirs1));
            String theirRestored = Drbdmeta.body(Drbdmeta.ok(List.of("--force"), t, "dump-md").stdout());
            assertThat(Drbdmeta.body(Drbdmeta.ok(List.of("--force"), o, "dump-md").stdout())).isEqualTo(theirRestored);
            if (c.version() == MetaDataVersion.V09) {
                assertThat(Drbdmeta.body(Drbdmeta.dump(o))).isEqualTo(Drbdmeta.body(theirs1));
            }
            // and over existing meta-data (confirmation forced)
            assertThat(tool().restoreMd(o, theirs1)).isZero();
            assertThat(Drbdmeta.body(Drbdmeta.ok(List.of("--force"), o, "dump-md").stdout())).isEqualTo(theirRestored);
        }
    }

    private static String write(Path dir, String name, String text) throws java.io.IOException {
        Path p = dir.resolve(name);
        java.nio.file.Files.writeString(p, text);
        return p.toString();
    }

    /**
     * drbdmeta's fresh dump with a la-size, v09 peer fields and a bitmap with runs of every kind
     * (short and long, zeros, ones, repeated random, random), written partly with "N times".
     */
    static String editedDump(Case c, String fresh, long laSize, Random rnd) {
        String s = fresh.replace("la-size-sect 0;", "la-size-sect " + laSize + ";")
                .replace("la-peer-max-bio-size 0;", "la-peer-max-bio-size 1048576;")
                .replace("device-uuid 0x0000000000000000;", "device-uuid 0x5EED5EED12345678;");
        if (c.version() == MetaDataVersion.V08) {
            // drbdmeta 9.22 dumps v08 flags as 0: restore them with AL_CLEAN so the result is dumpable
            s = s.replace("    flags 0x00000000;\n}", "    flags 0x00000080;\n}");
        } else {
            s = s.replace("node-id -1;", "node-id 2;")
                    .replace("peer[1] {\n    bitmap-index -1;\n    bitmap-uuid 0x0000000000000000;\n    bitmap-dagtag 0x0000000000000000;\n    flags 0x00000000;",
                            "peer[1] {\n    bitmap-index 0;\n    bitmap-uuid 0xAAAA00000000BBBB;\n    bitmap-dagtag 0x0000000000001234;\n    flags 0x00010013;")
                    .replace("peer[3] {\n    bitmap-index -1;\n    bitmap-uuid 0x0000000000000000;\n    bitmap-dagtag 0x0000000000000000;\n    flags 0x00000000;",
                            "peer[3] {\n    bitmap-index -1;\n    bitmap-uuid 0x0000000000000000;\n    bitmap-dagtag 0x0000000000000000;\n    flags 0x00200000;")
                    .replaceFirst("history-uuids \\{\n        0x0000000000000000;", "history-uuids {\n        0x00000000DEADBEEF;");
        }
        long bmBytes = MetaDataLayout.bitmapBytes(c.maxPeers(), 4096, laSize);
        long u64PerSlot = bmBytes / 8 / c.maxPeers();
        for (int p = 0; p < c.maxPeers(); p++) {
            String head = c.version() == MetaDataVersion.V08 ? "bm {" : "bitmap[" + p + "] {";
            s = s.replace(head + "\n}", head + bitmapText(rnd, u64PerSlot) + "\n}");
        }
        return s;
    }

    private static String bitmapText(Random rnd, long count) {
        StringBuilder b = new StringBuilder();
        long done = 0;
        while (done < count) {
            int kind = rnd.nextInt(5);
            long len = Math.min(count - done, kind == 0 ? 1 + rnd.nextInt(300) : 1 + rnd.nextInt(12));
            long value = switch (kind) {
                case 0 -> 0L;
                case 1 -> -1L;
                case 2 -> rnd.nextLong();
                case 3 -> 1L << rnd.nextInt(64);
                default -> 0L;
            };
            if (kind == 4) {
                for (long i = 0; i < len; i++) {
                    b.append(String.format(Locale.ROOT, " 0x%016X;", rnd.nextLong()));
                }
            } else if (rnd.nextBoolean()) {
                b.append(' ').append(len).append(String.format(Locale.ROOT, " times 0x%016X;", value));
            } else {
                for (long i = 0; i < len; i++) {
                    b.append(String.format(Locale.ROOT, "\n 0x%016X;", value));
                }
            }
            done += len;
        }
        return b.toString();
    }
}
