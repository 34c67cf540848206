package org.drbdj.meta;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.drbdj.testing.Prerequisites;
import org.drbdj.testing.TestDirs;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/**
 * A bitmap larger than drbdmeta's 32 MiB I/O buffer (a sparse 1.2 TiB device): drbdmeta cuts
 * runs at its buffer boundaries when printing, and our dump-md must print the same cuts.
 */
@Timeout(600)
class DrbdmetaLargeBitmapTest {
    private static final long DEVICE_BYTES = 1200L << 30;

    @ParameterizedTest
    @ValueSource(strings = {"v08", "v09"})
    void runsAcrossDrbdmetaBufferBoundariesArePrintedAlike(String tag) throws Exception {
        Prerequisites.requireRoot();
        Prerequisites.requireCommands("drbdmeta", "losetup");
        MetaDataVersion v = MetaDataVersion.parse(tag);
        Path dir = TestDirs.create(getClass(), "large-" + tag);
        try (LoopDevice d = LoopDevice.create(dir.resolve("big.img"), DEVICE_BYTES)) {
            MetaDataTool.Target t = new MetaDataTool.Target(d.device, MetaDiskLocation.internal(), v);
            Drbdmeta.ok(List.of("--force"), t, v == MetaDataVersion.V09 ? new String[] {"create-md", "1"}
                    : new String[] {"create-md"});
            long laSize;
            try (MetaDataTool.Opened o = MetaDataTool.open(t, false)) {
                laSize = o.maxUsableSectors() - 5;
            }
            long u64 = MetaDataLayout.bitmapBytes(1, 4096, laSize) / 8;
            long boundary = BitmapText.DRBDMETA_BUFFER_BYTES / 8; // in 64-bit words, one slot
            String bitmap = " " + (boundary - 6) + " times 0x0000000000000000;"
                    + " 20 times 0xFFFFFFFFFFFFFFFF;" // a run crossing the boundary
                    + " 0x00000000000000FF; 0x0000000000000001;"
                    + " " + (u64 - boundary - 16) + " times 0x0000000000000000;";
            String fresh = Drbdmeta.body(Drbdmeta.dump(t));
            String head = v == MetaDataVersion.V09 ? "bitmap[0] {" : "bm {";
            String edited = fresh.replace("la-size-sect 0;", "la-size-sect " + laSize + ";")
                    .replace(head + "\n}", head + bitmap + "\n}");
            if (v == MetaDataVersion.V08) {
                edited = edited.replace("    flags 0x00000000;\n}", "    flags 0x00000080;\n}");
            }
            Path file = dir.resolve("big.dump");
            Files.writeString(file, edited);
            // drbdmeta 9.22's restore-md loses what follows its first 32 MiB window (its own dump
            // then shows zeros there), so the bitmap is written by our restore-md; drbdmeta's
            // dump-md stays the oracle for the printing
            MetaDataTool tool = new MetaDataTool(System.out, System.err,
                    MetaDataTool.Confirmer.forced(new java.io.PrintWriter(System.err, true)));
            assertThat(tool.restoreMd(t, edited)).isZero();

            String theirs = Drbdmeta.body(Drbdmeta.dump(t));
            assertThat(theirs).contains("# bits-set " + (20 * 64 + 8 + 1) + ";");
            String ours = Drbdmeta.as922(v, tool.dumpText(t, false, List.of()));
            assertThat(ours).isEqualTo(theirs);
        }
    }
}
