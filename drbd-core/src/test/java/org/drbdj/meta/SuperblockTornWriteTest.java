package org.drbdj.meta;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.drbdj.testing.TestDirs;
import org.junit.jupiter.api.Test;

/**
 * Crash tests for the superblock write protocol of docs/metadata.md, on real files: each test names
 * the crash moment it models and checks what the next reader sees.
 */
class SuperblockTornWriteTest {
    private static final long SIZE = 16L << 20;

    private static MetaDataTool tool() {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return new MetaDataTool(sink, sink, MetaDataTool.Confirmer.forced(new PrintWriter(sink, true)));
    }

    private static Path file(String label) throws Exception {
        Path f = TestDirs.create(SuperblockTornWriteTest.class, label).resolve("disk.img");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(SIZE);
        }
        return f;
    }

    private static MetaDataTool.Target target(Path f) {
        return new MetaDataTool.Target(f, MetaDiskLocation.internal(), MetaDataVersion.V09);
    }

    /** Writes the 512-byte sectors of {@code block} selected by {@code mask} (bit i = sector i). */
    private static void writeSectors(Path f, long offset, ByteBuffer block, int mask) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            for (int s = 0; s < 8; s++) {
                if ((mask & (1 << s)) != 0) {
                    raf.seek(offset + s * 512L);
                    raf.write(block.array(), s * 512, 512);
                }
            }
        }
    }

    /**
     * Crash moment: create-md on an empty device, after the AL and bitmap were written and flushed,
     * before the superblock write. The next reader must find no meta-data (so create-md is simply
     * run again), never half-initialized meta-data.
     */
    @Test
    void crashBeforeTheFirstSuperblockWriteLeavesNoMetaData() throws Exception {
        Path f = file("before-sb");
        MetaDataTool.Target t = target(f);
        assertThat(tool().createMd(t, MetaDataTool.CreateOptions.maxPeers(3))).isZero();
        long mdOffset;
        try (MetaDataTool.Opened o = MetaDataTool.open(t, false)) {
            mdOffset = o.mdOffsetBytes();
        }
        writeSectors(f, mdOffset, ByteBuffer.allocate(4096), 0xff); // the superblock never reached the disk
        try (MetaDataTool.Opened o = MetaDataTool.open(t, false)) {
            assertThat(o.metaData()).isNull();
            assertThat(o.invalidReason()).contains("Magic number not found");
        }
    }

    /**
     * Crash moment: power loss during the 4 KiB superblock write of an update (for instance a new
     * current UUID with changed flags) on a device with 512-byte sectors, so that any subset of the
     * eight sectors may have reached the disk. Whatever subset, the reader gets a superblock whose
     * sector-0 fields (magic, current UUID, flags, la-size, offsets) all come from one write: the
     * decision-relevant state is never a mix.
     */
    @Test
    void tornUpdateNeverMixesTheFieldsOfSectorZero() throws Exception {
        Path f = file("torn-update");
        MetaDataTool.Target t = target(f);
        assertThat(tool().createMd(t, MetaDataTool.CreateOptions.maxPeers(7))).isZero();
        long mdOffset;
        MetaData old;
        try (MetaDataTool.Opened o = MetaDataTool.open(t, false)) {
            mdOffset = o.mdOffsetBytes();
            old = o.metaData().copy();
        }
        MetaData updated = old.copy();
        updated.currentUuid = 0x0BADC0FFEE000001L;
        updated.flags |= MdFlags.CONSISTENT | MdFlags.WAS_UP_TO_DATE | MdFlags.PRIMARY_IND;
        updated.effectiveSizeSectors = 1000;
        updated.peers[1].bitmapUuid = 0x1111; // sector 0
        updated.peers[20].bitmapUuid = 0x2020; // sector 1
        updated.historyUuids[10] = 0x3030; // sector 2
        ByteBuffer oldBlock = SuperblockV09.encode(old);
        ByteBuffer newBlock = SuperblockV09.encode(updated);
        for (int mask = 0; mask < 256; mask++) {
            writeSectors(f, mdOffset, oldBlock, 0xff);
            writeSectors(f, mdOffset, newBlock, mask);
            try (MetaDataTool.Opened o = MetaDataTool.open(t, false)) {
                MetaData seen = o.metaData();
                assertThat(seen).as("mask %02x", mask).isNotNull();
                MetaData expected = (mask & 1) != 0 ? updated : old;
                assertThat(seen.currentUuid).isEqualTo(expected.currentUuid);
                assertThat(seen.flags).isEqualTo(expected.flags);
                assertThat(seen.effectiveSizeSectors).isEqualTo(expected.effectiveSizeSectors);
                assertThat(seen.peers[1].bitmapUuid).isEqualTo(expected.peers[1].bitmapUuid);
                assertThat(seen.bmOffsetSectors).isEqualTo(old.bmOffsetSectors);
                // documented residual risk (as in DRBD): later sectors may come from the other write
                assertThat(seen.peers[20].bitmapUuid).isEqualTo((mask & 2) != 0 ? 0x2020 : 0);
                assertThat(seen.historyUuids[10]).isEqualTo((mask & 4) != 0 ? 0x3030 : 0);
            }
        }
    }

    /**
     * Crash moment: the very first superblock write torn. Without sector 0 there is no magic and
     * therefore no meta-data; with sector 0 the meta-data is valid and its scalar fields are the
     * new ones.
     */
    @Test
    void tornFirstWriteIsEitherAbsentOrCarriesTheNewScalars() throws Exception {
        Path f = file("torn-first");
        MetaDataTool.Target t = target(f);
        assertThat(tool().createMd(t, MetaDataTool.CreateOptions.maxPeers(2))).isZero();
        long mdOffset;
        ByteBuffer block;
        try (MetaDataTool.Opened o = MetaDataTool.open(t, false)) {
            mdOffset = o.mdOffsetBytes();
            block = o.device().read(mdOffset, 4096);
        }
        ByteBuffer heap = ByteBuffer.allocate(4096).put(block.duplicate());
        for (int mask = 0; mask < 256; mask++) {
            writeSectors(f, mdOffset, ByteBuffer.allocate(4096), 0xff);
            writeSectors(f, mdOffset, heap, mask);
            try (MetaDataTool.Opened o = MetaDataTool.open(t, false)) {
                if ((mask & 1) == 0) {
                    assertThat(o.metaData()).as("mask %02x", mask).isNull();
                } else {
                    assertThat(o.metaData()).as("mask %02x", mask).isNotNull();
                    assertThat(o.metaData().currentUuid).isEqualTo(MetaData.UUID_JUST_CREATED);
                    assertThat(o.metaData().maxPeers).isEqualTo(2);
                }
            }
        }
    }
}
