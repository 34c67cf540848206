package org.drbdj.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.drbdj.testing.TestDirs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server against a byte-level client over a real Unix socket: handshake options, every command,
 * the error mapping, and malformed input that must end in an error reply or a disconnect while the
 * server keeps serving other clients. The backing file is the oracle for reads.
 */
@Timeout(60)
class NbdServerProtocolTest {
    private static final int SIZE = 1024 * 1024;

    private Path dir;
    private Path socket;
    private Path diskFile;
    private byte[] initial;
    private NbdServer server;
    private final List<AutoCloseable> toClose = new java.util.ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        dir = TestDirs.create(NbdServerProtocolTest.class, "proto");
        socket = dir.resolve("nbd.sock");
        initial = new byte[SIZE];
        new Random(42).nextBytes(initial);
        diskFile = dir.resolve("disk.img");
        Files.write(diskFile, initial);
        Path alignedFile = dir.resolve("aligned.img");
        Files.write(alignedFile, initial);
        Path roFile = dir.resolve("ro.img");
        Files.write(roFile, initial);

        NbdExportRegistry registry = new NbdExportRegistry();
        registry.register("disk", track(FileNbdExport.open(diskFile,
                FileNbdExport.Settings.defaults().withDescription("test disk"))));
        registry.register("aligned", track(FileNbdExport.open(alignedFile,
                FileNbdExport.Settings.defaults().withMinimumBlockSizeBytes(512))));
        registry.register("ro", track(FileNbdExport.open(roFile, FileNbdExport.Settings.defaults().withReadOnly(true))));
        FileNbdExport secondary = track(FileNbdExport.open(roFile, FileNbdExport.Settings.defaults().withReadOnly(true)));
        secondary.setRefusal("the resource is Secondary; promote it with drbdadm primary");
        registry.register("secondary", secondary);
        registry.register("failing", new FailingExport());
        Path workersFile = dir.resolve("workers.img");
        Files.write(workersFile, initial);
        registry.register("workers", track(FileNbdExport.open(workersFile,
                FileNbdExport.Settings.defaults().withInlineDataIo(false).withIoThreads(2))));
        server = new NbdServer(registry, NbdServerOptions.defaults().withShutdownGraceMs(2000));
        server.start(socket);
    }

    private <T extends AutoCloseable> T track(T c) {
        toClose.add(c);
        return c;
    }

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) {
            server.close();
        }
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    // ---- handshake ----

    @Test
    void greetingAdvertisesFixedNewstyleAndNoZeroes() throws Exception {
        try (RawNbdClient c = RawNbdClient.connect(socket)) {
            assertThat(c.readGreeting()).isEqualTo(NbdProtocol.FLAG_FIXED_NEWSTYLE | NbdProtocol.FLAG_NO_ZEROES);
        }
    }

    @Test
    void unknownClientFlagsDropTheConnection() throws Exception {
        try (RawNbdClient c = RawNbdClient.connect(socket)) {
            c.readGreeting();
            c.sendInt(NbdProtocol.FLAG_C_FIXED_NEWSTYLE | 0x100);
            assertThat(c.closedByServer()).isTrue();
        }
        assertServerStillServes();
    }

    @Test
    void goReportsSizeFlagsNameDescriptionAndBlockSize() throws Exception {
        try (RawNbdClient c = RawNbdClient.connect(socket).handshake()) {
            c.sendOption(NbdProtocol.OPT_GO, RawNbdClient.goData("disk", NbdProtocol.INFO_NAME,
                    NbdProtocol.INFO_DESCRIPTION, NbdProtocol.INFO_BLOCK_SIZE));
            List<RawNbdClient.OptionReply> replies = c.readOptionReplies();
            assertThat(replies).allMatch(r -> r.option() == NbdProtocol.OPT_GO);
            assertThat(replies.get(replies.size() - 1).type()).isEqualTo(NbdProtocol.REP_ACK);
            ByteBuf export = info(replies, NbdProtocol.INFO_EXPORT);
            assertThat(export.readableBytes()).isEqualTo(InfoItem.EXPORT_LENGTH);
            assertThat(export.getLong(InfoItem.EXPORT_OFFSET_SIZE)).isEqualTo(SIZE);
            int flags = export.getUnsignedShort(InfoItem.EXPORT_OFFSET_TRANSMISSION_FLAGS);
            assertThat(flags).isEqualTo(NbdProtocol.TFLAG_HAS_FLAGS | NbdProtocol.TFLAG_SEND_FLUSH
                    | NbdProtocol.TFLAG_SEND_FUA | NbdProtocol.TFLAG_SEND_TRIM | NbdProtocol.TFLAG_SEND_WRITE_ZEROES
                    | NbdProtocol.TFLAG_CAN_MULTI_CONN);
            assertThat(infoText(replies, NbdProtocol.INFO_NAME)).isEqualTo("disk");
            assertThat(infoText(replies, NbdProtocol.INFO_DESCRIPTION)).isEqualTo("test disk");
            ByteBuf bs = info(replies, NbdProtocol.INFO_BLOCK_SIZE);
            assertThat(bs.getInt(InfoItem.BLOCK_SIZE_OFFSET_MINIMUM)).isEqualTo(1);
            assertThat(bs.getInt(InfoItem.BLOCK_SIZE_OFFSET_PREFERRED)).isEqualTo(4096);
            assertThat(bs.getInt(InfoItem.BLOCK_SIZE_OFFSET_MAXIMUM_PAYLOAD))
                    .isEqualTo(NbdServerOptions.DEFAULT_MAX_PAYLOAD_BYTES);
            // In transmission now: a read of the first 4 KiB returns the file's bytes.
            c.sendRequest(0, NbdProtocol.CMD_READ, 7, 0, 4096, null);
            RawNbdClient.SimpleReply r = c.readSimpleReply(4096);
            assertThat(r.error()).isZero();
            assertThat(r.cookie()).isEqualTo(7);
            assertThat(r.data()).isEqualTo(Arrays.copyOf(initial, 4096));
        }
    }

    @Test
    void readOnlyExportAdvertisesReadOnlyAndRefusesWritesWithEperm() throws Exception {
        try (RawNbdClient c = RawNbdClient.connect(socket).handshake()) {
            List<RawNbdClient.OptionReply> replies = c.go("ro");
            int flags = info(replies, NbdProtocol.INFO_EXPORT).getUnsignedShort(InfoItem.EXPORT_OFFSET_TRANSMISSION_FLAGS);
            assertThat(flags & NbdProtocol.TFLAG_READ_ONLY).isNotZero();
            assertThat(flags & NbdProtocol.TFLAG_SEND_TRIM).isZero();
            c.sendRequest(0, NbdProtocol.CMD_WRITE, 1, 0, 512, new byte[512]);
            assertThat(c.readSimpleReply(0).error()).isEqualTo(NbdProtocol.EPERM);
            c.sendRequest(0, NbdProtocol.CMD_TRIM, 2, 0, 512, null);
            assertThat(c.readSimpleReply(0).error()).isEqualTo(NbdProtocol.EPERM);
            c.sendRequest(0, NbdProtocol.CMD_WRITE_ZEROES, 3, 0, 512, null);
            assertThat(c.readSimpleReply(0).error()).isEqualTo(NbdProtocol.EPERM);
            c.sendRequest(0, NbdProtocol.CMD_FLUSH, 4, 0, 0, null);
            assertThat(c.readSimpleReply(0).error()).isZero();
        }
        assertThat(Files.readAllBytes(dir.resolve("ro.img"))).isEqualTo(initial);
    }

    @Test
    void infoDoesNotEnterTransmissionAndGoStillWorksAfterIt() throws Exception {
        try (RawNbdClient c = RawNbdClient.connect(socket).handshake()) {
            c.sendOption(NbdProtocol.OPT_INFO, RawNbdClient.goData("disk"));
            List<RawNbdClient.OptionReply> replies = c.readOptionReplies();
            assertThat(info(replies, NbdProtocol.INFO_EXPORT).getLong(InfoItem.EXPORT_OFFSET_SIZE)).isEqualTo(SIZE);
            assertThat(c.go("disk").get(0).type()).isEqualTo(NbdProtocol.REP_INFO);
        }
    }

    @Test
    void unknownExportGetsErrUnknownAndTheClientMayRetry() throws Exception {
        try (RawNbdClient c = RawNbdClient.connect(socket).handshake()) {
            RawNbdClient.OptionReply r = c.go("nosuch").get(0);
            assertThat(r.type()).isEqualTo(NbdProtocol.REP_ERR_UNKNOWN);
            assertThat(r.text()).contains("nosuch");
            assertThat(c.go("disk").get(0).type()).isEqualTo(NbdProtocol.REP_INFO);
        }
    }

    @Test
    void refusedExportGetsErrPolicyWithTheReason() throws Exception {
        try (RawNbdClient c = RawNbdClient.connect(socket).handshake()) {
            RawNbdClient.OptionReply r = c.go("secondary").get(0);
            assertThat(r.type()).isEqualTo(NbdProtocol.REP_ERR_POLICY);
            assertThat(r.text()).isEqualTo("the resource is Secondary; promote it with drbdadm primary");
        }
    }

    @Test
    void unknownOptionsGetErrUnsupAndTheHandshakeContinues() throws Exception {
        try (RawNbdClient c = RawNbdClient.connect(socket).handshake()) {
            for (int option : new int[] {NbdProtocol.OPT_STARTTLS, NbdProtocol.OPT_LIST_META_CONTEXT, 4, 99, -5}) {
                c.sendOption(option, new byte[] {1, 2, 3});
                RawNbdClient.OptionReply r = c.readOptionReply();
                assertThat(r.option()).isEqualTo(option);
                assertThat(r.type()).isEqualTo(NbdProtocol.REP_ERR_UNSUP);
            }
            assertThat(c.go("disk").get(0).type()).isEqualTo(NbdProtocol.REP_INFO);
        }
    }

    @Test
    void malformedGoDataGetsErrInvalid() throws Exception {
        try (RawNbdClient c = RawNbdClient.connect(socket).handshake()) {
            c.sendOption(NbdProtocol.OPT_GO, new byte[] {0, 0, 0, 100, 'a', 0, 0}); // name length 100 > data
            assertThat(c.readOptionReply().type()).isEqualTo(NbdProtocol.REP_ERR_INVALID);
            c.sendOption(NbdProtocol.OPT_GO, new byte[] {0, 0});
            assertThat(c.readOptionReply().type()).isEqualTo(NbdProtocol.REP_ERR_INVALID);
            c.sendOption(NbdProtocol.OPT_STRUCTURED_REPLY, new byte[] {1});
            assertThat(c.readOptionReply().type()).isEqualTo(NbdProtocol.REP_ERR_INVALID);
            c.sendOption(NbdProtocol.OPT_LIST, new byte[] {1});
            assertThat(c.readOptionReply().type()).isEqualTo(NbdProtocol.REP_ERR_INVALID);
        }
    }

    @Test
    void listNamesEveryExportWithItsDescription() throws Exception {
        try (RawNbdClient c = RawNbdClient.connect(socket).handshake()) {
            c.sendOption(NbdProtocol.OPT_LIST, new byte[0]);
            List<RawNbdClient.OptionReply> replies = c.readOptionReplies();
            assertThat(replies.get(replies.size() - 1).type()).isEqualTo(NbdProtocol.REP_ACK);
            List<String> names = replies.stream().filter(r -> r.type() == NbdProtocol.REP_SERVER).map(r -> {
                ByteBuf b = Unpooled.wrappedBuffer(r.data());
                return b.readCharSequence(b.readInt(), StandardCharsets.UTF_8) + "|"
                        + b.readCharSequence(b.readableBytes(), StandardCharsets.UTF_8);
            }).toList();
            assertThat(names).containsExactly("aligned|", "disk|test disk", "failing|", "ro|", "secondary|", "workers|");
        }
    }

    @Test
    void abortIsAcknowledgedThenClosed() throws Exception {
        try (RawNbdClient c = RawNbdClient.connect(socket).handshake()) {
            c.sendOption(NbdProtocol.OPT_ABORT, new byte[0]);
            assertThat(c.readOptionReply().type()).isEqualTo(NbdProtocol.REP_ACK);
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void exportNameHonoursNoZeroes() throws Exception {
        for (boolean noZeroes : new boolean[] {true, false}) {
            try (RawNbdClient c = RawNbdClient.connect(socket)) {
                c.readGreeting();
                c.sendInt(NbdProtocol.FLAG_C_FIXED_NEWSTYLE | (noZeroes ? NbdProtocol.FLAG_C_NO_ZEROES : 0));
                c.sendOption(NbdProtocol.OPT_EXPORT_NAME, "disk".getBytes(StandardCharsets.UTF_8));
                int length = noZeroes ? ExportNameReply.LENGTH_NO_ZEROES : ExportNameReply.LENGTH_WITH_ZEROES;
                ByteBuf reply = Unpooled.wrappedBuffer(c.readExactly(length));
                assertThat(reply.getLong(ExportNameReply.OFFSET_SIZE)).isEqualTo(SIZE);
                assertThat(reply.getUnsignedShort(ExportNameReply.OFFSET_TRANSMISSION_FLAGS)
                        & NbdProtocol.TFLAG_HAS_FLAGS).isNotZero();
                // The first transmission reply follows the answer directly: no stray padding.
                c.sendRequest(0, NbdProtocol.CMD_READ, 9, 4096, 16, null);
                RawNbdClient.SimpleReply r = c.readSimpleReply(16);
                assertThat(r.cookie()).isEqualTo(9);
                assertThat(r.data()).isEqualTo(Arrays.copyOfRange(initial, 4096, 4096 + 16));
            }
        }
    }

    @Test
    void structuredRepliesNegotiatedBeforeExportNameStillApply() throws Exception {
        try (RawNbdClient c = RawNbdClient.connect(socket).handshake()) {
            c.sendOption(NbdProtocol.OPT_STRUCTURED_REPLY, new byte[0]);
            assertThat(c.readOptionReply().type()).isEqualTo(NbdProtocol.REP_ACK);
            c.sendOption(NbdProtocol.OPT_EXPORT_NAME, "disk".getBytes(StandardCharsets.UTF_8));
            ByteBuf reply = Unpooled.wrappedBuffer(c.readExactly(ExportNameReply.LENGTH_NO_ZEROES));
            assertThat(reply.getUnsignedShort(ExportNameReply.OFFSET_TRANSMISSION_FLAGS) & NbdProtocol.TFLAG_SEND_DF)
                    .isNotZero();
            c.sendRequest(0, NbdProtocol.CMD_READ, 5, 0, 4, null);
            RawNbdClient.Chunk chunk = c.readChunk();
            assertThat(chunk.type()).isEqualTo(NbdProtocol.REPLY_TYPE_OFFSET_DATA);
            assertThat(Arrays.copyOfRange(chunk.payload(), 8, 12)).isEqualTo(Arrays.copyOf(initial, 4));
        }
    }

    @Test
    void exportNameForARefusedExportHangsUp() throws Exception {
        try (RawNbdClient c = RawNbdClient.connect(socket).handshake()) {
            c.sendOption(NbdProtocol.OPT_EXPORT_NAME, "secondary".getBytes(StandardCharsets.UTF_8));
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void badOptionMagicDisconnects() throws Exception {
        try (RawNbdClient c = RawNbdClient.connect(socket).handshake()) {
            ByteBuf b = Unpooled.buffer();
            b.writeLong(0x1234567812345678L).writeInt(NbdProtocol.OPT_GO).writeInt(0);
            c.send(b);
            assertThat(c.closedByServer()).isTrue();
        }
        assertServerStillServes();
    }

    @Test
    void oversizedOptionDisconnects() throws Exception {
        try (RawNbdClient c = RawNbdClient.connect(socket).handshake()) {
            ByteBuf b = Unpooled.buffer();
            OptionHeader.encode(b, NbdProtocol.OPT_GO, Integer.MAX_VALUE);
            c.send(b);
            assertThat(c.closedByServer()).isTrue();
        }
        assertServerStillServes();
    }

    // ---- transmission ----

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"disk", "workers"})
    void writeReadFlushFuaRoundTripLandsInTheFile(String exportName) throws Exception {
        Path file = dir.resolve(exportName + ".img");
        byte[] data = new byte[12345];
        new Random(7).nextBytes(data);
        try (RawNbdClient c = transmission(exportName, false)) {
            c.sendRequest(0, NbdProtocol.CMD_WRITE, 1, 1000, data.length, data);
            assertThat(c.readSimpleReply(0)).isEqualTo(new RawNbdClient.SimpleReply(0, 1, new byte[0]));
            c.sendRequest(NbdProtocol.CMD_FLAG_FUA, NbdProtocol.CMD_WRITE, 2, 900000, 100, Arrays.copyOf(data, 100));
            assertThat(c.readSimpleReply(0).error()).isZero();
            c.sendRequest(0, NbdProtocol.CMD_FLUSH, 3, 0, 0, null);
            assertThat(c.readSimpleReply(0).error()).isZero();
            c.sendRequest(0, NbdProtocol.CMD_READ, 4, 1000, data.length, null);
            assertThat(c.readSimpleReply(data.length).data()).isEqualTo(data);
        }
        byte[] expected = initial.clone();
        System.arraycopy(data, 0, expected, 1000, data.length);
        System.arraycopy(data, 0, expected, 900000, 100);
        assertThat(Files.readAllBytes(file)).isEqualTo(expected);
    }

    @Test
    void pipelinedRequestsAreAllAnswered() throws Exception {
        try (RawNbdClient c = transmission("disk", false)) {
            int n = 64;
            ByteBuf batch = Unpooled.buffer();
            for (int i = 0; i < n; i++) {
                byte[] block = new byte[4096];
                Arrays.fill(block, (byte) i);
                RequestHeader.encode(batch, 0, NbdProtocol.CMD_WRITE, 1000 + i, i * 4096L, 4096);
                batch.writeBytes(block);
            }
            c.send(batch);
            java.util.Set<Long> cookies = new java.util.HashSet<>();
            for (int i = 0; i < n; i++) {
                RawNbdClient.SimpleReply r = c.readSimpleReply(0);
                assertThat(r.error()).isZero();
                cookies.add(r.cookie());
            }
            assertThat(cookies).hasSize(n);
        }
        byte[] file = Files.readAllBytes(diskFile);
        for (int i = 0; i < 64; i++) {
            assertThat(file[i * 4096]).isEqualTo((byte) i);
            assertThat(file[i * 4096 + 4095]).isEqualTo((byte) i);
        }
    }

    @Test
    void trimAndWriteZeroesReadBackAsZeroes() throws Exception {
        try (RawNbdClient c = transmission("disk", false)) {
            c.sendRequest(0, NbdProtocol.CMD_WRITE_ZEROES, 1, 8192, 8192, null);
            assertThat(c.readSimpleReply(0).error()).isZero();
            c.sendRequest(NbdProtocol.CMD_FLAG_NO_HOLE | NbdProtocol.CMD_FLAG_FUA, NbdProtocol.CMD_WRITE_ZEROES, 2,
                    65536, 100, null);
            assertThat(c.readSimpleReply(0).error()).isZero();
            c.sendRequest(0, NbdProtocol.CMD_TRIM, 3, 131072, 65536, null);
            assertThat(c.readSimpleReply(0).error()).isZero();
        }
        byte[] file = Files.readAllBytes(diskFile);
        assertThat(Arrays.copyOfRange(file, 8192, 16384)).containsOnly(0);
        assertThat(Arrays.copyOfRange(file, 65536, 65636)).containsOnly(0);
        assertThat(file[65636]).isEqualTo(initial[65636]);
        assertThat(file[8191]).isEqualTo(initial[8191]);
        // TRIM is a hint: the range holds either the old data or zeroes, nothing else.
        byte[] trimmed = Arrays.copyOfRange(file, 131072, 196608);
        assertThat(Arrays.equals(trimmed, Arrays.copyOfRange(initial, 131072, 196608))
                || Arrays.equals(trimmed, new byte[65536])).isTrue();
    }

    @Test
    void errorMappingFollowsTheProtocol() throws Exception {
        try (RawNbdClient c = transmission("disk", false)) {
            c.sendRequest(0, NbdProtocol.CMD_READ, 1, SIZE - 100, 200, null);
            assertThat(c.readSimpleReply(200)).isEqualTo(new RawNbdClient.SimpleReply(NbdProtocol.EINVAL, 1, new byte[0]));
            c.sendRequest(0, NbdProtocol.CMD_WRITE, 2, SIZE - 100, 200, new byte[200]);
            assertThat(c.readSimpleReply(0).error()).isEqualTo(NbdProtocol.ENOSPC);
            c.sendRequest(0, NbdProtocol.CMD_WRITE_ZEROES, 3, SIZE, 1, null);
            assertThat(c.readSimpleReply(0).error()).isEqualTo(NbdProtocol.ENOSPC);
            c.sendRequest(0, NbdProtocol.CMD_TRIM, 4, -4096, 4096, null); // offset 2^64-4096
            assertThat(c.readSimpleReply(0).error()).isEqualTo(NbdProtocol.EINVAL);
            c.sendRequest(0, 42, 5, 0, 512, null); // unknown command
            assertThat(c.readSimpleReply(0).error()).isEqualTo(NbdProtocol.EINVAL);
            c.sendRequest(0, NbdProtocol.CMD_BLOCK_STATUS, 6, 0, 512, null); // not negotiated
            assertThat(c.readSimpleReply(0).error()).isEqualTo(NbdProtocol.EINVAL);
            c.sendRequest(0x80, NbdProtocol.CMD_READ, 7, 0, 512, null); // unknown flag
            assertThat(c.readSimpleReply(512).error()).isEqualTo(NbdProtocol.EINVAL);
            c.sendRequest(NbdProtocol.CMD_FLAG_NO_HOLE, NbdProtocol.CMD_WRITE, 8, 0, 4, new byte[4]); // misplaced flag
            assertThat(c.readSimpleReply(0).error()).isEqualTo(NbdProtocol.EINVAL);
            c.sendRequest(NbdProtocol.CMD_FLAG_DF, NbdProtocol.CMD_READ, 9, 0, 512, null); // DF needs structured
            assertThat(c.readSimpleReply(512).error()).isEqualTo(NbdProtocol.EINVAL);
            c.sendRequest(0, NbdProtocol.CMD_READ, 10, 0, NbdServerOptions.DEFAULT_MAX_PAYLOAD_BYTES + 1, null);
            assertThat(c.readSimpleReply(0).error()).isEqualTo(NbdProtocol.EINVAL);
            c.sendRequest(0, NbdProtocol.CMD_READ, 11, 0, 0, null);
            assertThat(c.readSimpleReply(0).error()).isEqualTo(NbdProtocol.EINVAL);
            // Still usable after all of that.
            c.sendRequest(0, NbdProtocol.CMD_READ, 12, 0, 8, null);
            assertThat(c.readSimpleReply(8).data()).isEqualTo(Arrays.copyOf(initial, 8));
        }
        assertThat(Files.readAllBytes(diskFile)).isEqualTo(initial);
    }

    @Test
    void unalignedRequestsGetEinvalOnAnExportWithAMinimumBlockSize() throws Exception {
        try (RawNbdClient c = RawNbdClient.connect(socket).handshake()) {
            List<RawNbdClient.OptionReply> replies = c.go("aligned");
            assertThat(info(replies, NbdProtocol.INFO_BLOCK_SIZE).getInt(InfoItem.BLOCK_SIZE_OFFSET_MINIMUM))
                    .isEqualTo(512);
            c.sendRequest(0, NbdProtocol.CMD_READ, 1, 100, 512, null);
            assertThat(c.readSimpleReply(512).error()).isEqualTo(NbdProtocol.EINVAL);
            c.sendRequest(0, NbdProtocol.CMD_WRITE, 2, 512, 100, new byte[100]);
            assertThat(c.readSimpleReply(0).error()).isEqualTo(NbdProtocol.EINVAL);
            c.sendRequest(0, NbdProtocol.CMD_TRIM, 3, 512, 1000, null);
            assertThat(c.readSimpleReply(0).error()).isEqualTo(NbdProtocol.EINVAL);
            c.sendRequest(0, NbdProtocol.CMD_READ, 4, 1024, 512, null);
            assertThat(c.readSimpleReply(512).data()).isEqualTo(Arrays.copyOfRange(initial, 1024, 1536));
        }
        assertThat(Files.readAllBytes(dir.resolve("aligned.img"))).isEqualTo(initial);
    }

    @Test
    void structuredRepliesCarryReadDataAndErrorsAsChunks() throws Exception {
        try (RawNbdClient c = transmission("disk", true)) {
            c.sendRequest(NbdProtocol.CMD_FLAG_DF, NbdProtocol.CMD_READ, 1, 5000, 300, null);
            RawNbdClient.Chunk chunk = c.readChunk();
            assertThat(chunk.flags()).isEqualTo(NbdProtocol.REPLY_FLAG_DONE);
            assertThat(chunk.type()).isEqualTo(NbdProtocol.REPLY_TYPE_OFFSET_DATA);
            assertThat(chunk.cookie()).isEqualTo(1);
            ByteBuf p = Unpooled.wrappedBuffer(chunk.payload());
            assertThat(p.readLong()).isEqualTo(5000);
            byte[] data = new byte[300];
            p.readBytes(data);
            assertThat(data).isEqualTo(Arrays.copyOfRange(initial, 5000, 5300));

            c.sendRequest(0, NbdProtocol.CMD_READ, 2, SIZE, 512, null);
            RawNbdClient.Chunk error = c.readChunk();
            assertThat(error.type()).isEqualTo(NbdProtocol.REPLY_TYPE_ERROR);
            assertThat(error.flags()).isEqualTo(NbdProtocol.REPLY_FLAG_DONE);
            ByteBuf e = Unpooled.wrappedBuffer(error.payload());
            assertThat(e.readInt()).isEqualTo(NbdProtocol.EINVAL);
            int messageLength = e.readUnsignedShort();
            assertThat(e.readableBytes()).isEqualTo(messageLength);
            assertThat(e.readCharSequence(messageLength, StandardCharsets.UTF_8).toString()).contains("invalid request");

            // Commands without payload keep simple replies.
            c.sendRequest(0, NbdProtocol.CMD_FLUSH, 3, 0, 0, null);
            assertThat(c.readSimpleReply(0)).isEqualTo(new RawNbdClient.SimpleReply(0, 3, new byte[0]));
        }
    }

    @Test
    void backendFailuresMapToTheirErrorOrEio() throws Exception {
        try (RawNbdClient c = transmission("failing", false)) {
            c.sendRequest(0, NbdProtocol.CMD_WRITE, 1, 0, 512, new byte[512]);
            assertThat(c.readSimpleReply(0).error()).isEqualTo(NbdProtocol.EIO);
            c.sendRequest(0, NbdProtocol.CMD_WRITE_ZEROES, 2, 0, 512, null);
            assertThat(c.readSimpleReply(0).error()).isEqualTo(NbdProtocol.ENOSPC);
            c.sendRequest(0, NbdProtocol.CMD_READ, 3, 0, 512, null);
            assertThat(c.readSimpleReply(512).error()).isEqualTo(NbdProtocol.EIO);
            c.sendRequest(0, NbdProtocol.CMD_FLUSH, 4, 0, 0, null);
            assertThat(c.readSimpleReply(0).error()).isEqualTo(NbdProtocol.EIO);
        }
    }

    @Test
    void badRequestMagicDisconnectsAndTheServerKeepsServing() throws Exception {
        try (RawNbdClient c = transmission("disk", false)) {
            ByteBuf b = Unpooled.buffer();
            b.writeInt(0xdeadbeef).writeShort(0).writeShort(NbdProtocol.CMD_READ).writeLong(1).writeLong(0).writeInt(512);
            c.send(b);
            assertThat(c.closedByServer()).isTrue();
        }
        assertServerStillServes();
    }

    @Test
    void oversizedWriteDisconnectsWithoutBufferingIt() throws Exception {
        try (RawNbdClient c = transmission("disk", false)) {
            // Only the header: the server must not wait for (or allocate) 1 GiB.
            c.sendRequest(0, NbdProtocol.CMD_WRITE, 1, 0, 1 << 30, null);
            assertThat(c.closedByServer()).isTrue();
        }
        assertServerStillServes();
    }

    @Test
    void discAnswersOutstandingRequestsThenCloses() throws Exception {
        try (RawNbdClient c = transmission("disk", false)) {
            ByteBuf b = Unpooled.buffer();
            RequestHeader.encode(b, 0, NbdProtocol.CMD_FLUSH, 1, 0, 0);
            RequestHeader.encode(b, 0, NbdProtocol.CMD_DISC, 2, 0, 0);
            c.send(b);
            assertThat(c.readSimpleReply(0)).isEqualTo(new RawNbdClient.SimpleReply(0, 1, new byte[0]));
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void severalClientsAtOnceEachSeeTheirOwnWrites() throws Exception {
        int clients = 6;
        List<CompletableFuture<Void>> runs = new java.util.ArrayList<>();
        for (int i = 0; i < clients; i++) {
            int id = i;
            runs.add(CompletableFuture.runAsync(() -> {
                try (RawNbdClient c = transmission("disk", id % 2 == 0)) {
                    byte[] block = new byte[65536];
                    new Random(id).nextBytes(block);
                    for (int round = 0; round < 20; round++) {
                        long offset = (id * 2L + (round % 2)) * 65536;
                        c.sendRequest(0, NbdProtocol.CMD_WRITE, round, offset, block.length, block);
                        assertThat(c.readSimpleReply(0).error()).isZero();
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        }
        CompletableFuture.allOf(runs.toArray(new CompletableFuture[0])).get(50, java.util.concurrent.TimeUnit.SECONDS);
        byte[] file = Files.readAllBytes(diskFile);
        for (int id = 0; id < clients; id++) {
            byte[] block = new byte[65536];
            new Random(id).nextBytes(block);
            assertThat(Arrays.copyOfRange(file, id * 2 * 65536, id * 2 * 65536 + 65536)).isEqualTo(block);
            assertThat(Arrays.copyOfRange(file, (id * 2 + 1) * 65536, (id * 2 + 2) * 65536)).isEqualTo(block);
        }
    }

    @Test
    void closeAnswersNewRequestsWithEshutdownOrDisconnectsAndIsIdempotent() throws Exception {
        try (RawNbdClient c = transmission("disk", false)) {
            server.close();
            // The idle connection is closed; a request racing the close may still get ESHUTDOWN.
            try {
                c.sendRequest(0, NbdProtocol.CMD_READ, 1, 0, 512, null);
                RawNbdClient.SimpleReply r = c.readSimpleReply(512);
                assertThat(r.error()).isEqualTo(NbdProtocol.ESHUTDOWN);
            } catch (IOException expected) {
                // connection already gone
            }
            assertThat(c.closedByServer()).isTrue();
        }
        server.close();
        assertThat(Files.exists(socket)).isFalse();
        server = null;
    }

    @Test
    void aSilentClientIsDroppedAfterTheHandshakeTimeout() throws Exception {
        Path otherSocket = dir.resolve("timeout.sock");
        NbdExportRegistry registry = new NbdExportRegistry();
        try (NbdServer quick = new NbdServer(registry, NbdServerOptions.defaults().withHandshakeTimeoutMs(300))) {
            quick.start(otherSocket);
            try (RawNbdClient c = RawNbdClient.connect(otherSocket)) {
                c.readGreeting();
                long start = System.nanoTime();
                assertThat(c.closedByServer()).isTrue();
                assertThat(System.nanoTime() - start).isGreaterThan(200_000_000L);
            }
        }
    }

    @Test
    void shutdownLetsOpenRequestsFinishAndAnswersNewOnesWithEshutdown() throws Exception {
        Path otherSocket = dir.resolve("gated.sock");
        GatedExport gated = new GatedExport();
        NbdExportRegistry registry = new NbdExportRegistry();
        registry.register("gated", gated);
        NbdServer gatedServer = new NbdServer(registry, NbdServerOptions.defaults().withShutdownGraceMs(20_000));
        gatedServer.start(otherSocket);
        try (RawNbdClient c = RawNbdClient.connect(otherSocket).handshake()) {
            assertThat(c.go("gated").get(0).type()).isEqualTo(NbdProtocol.REP_INFO);
            c.sendRequest(0, NbdProtocol.CMD_WRITE, 1, 0, 512, new byte[512]);
            assertThat(gated.started.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Void> closing = CompletableFuture.runAsync(gatedServer::close);
            // Once the listener is gone the server is shutting down.
            for (int i = 0; i < 200 && Files.exists(otherSocket) && canConnect(otherSocket); i++) {
                Thread.sleep(25);
            }
            c.sendRequest(0, NbdProtocol.CMD_READ, 2, 0, 512, null);
            assertThat(c.readSimpleReply(0)).isEqualTo(new RawNbdClient.SimpleReply(NbdProtocol.ESHUTDOWN, 2, new byte[0]));
            assertThat(closing).isNotDone();
            gated.gate.complete(null);
            assertThat(c.readSimpleReply(0)).isEqualTo(new RawNbdClient.SimpleReply(0, 1, new byte[0]));
            assertThat(c.closedByServer()).isTrue();
            closing.get(20, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            gated.gate.complete(null);
            gatedServer.close();
        }
        assertThat(gated.writeData.refCnt()).isZero();
    }

    private static boolean canConnect(Path socketPath) {
        try (java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            ch.connect(java.net.UnixDomainSocketAddress.of(socketPath));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Writes complete only when the test opens the gate; it keeps the data to check its release. */
    private static final class GatedExport implements NbdExport {
        final CompletableFuture<Void> gate = new CompletableFuture<>();
        final java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        volatile ByteBuf writeData;

        @Override
        public long sizeBytes() {
            return SIZE;
        }

        @Override
        public boolean readOnly() {
            return false;
        }

        @Override
        public CompletableFuture<ByteBuf> read(long offsetBytes, int lengthBytes, ByteBufAllocator alloc) {
            return CompletableFuture.completedFuture(alloc.buffer(lengthBytes).writeZero(lengthBytes));
        }

        @Override
        public CompletableFuture<Void> write(long offsetBytes, ByteBuf data, boolean fua) {
            writeData = data;
            started.countDown();
            return gate;
        }

        @Override
        public CompletableFuture<Void> flush() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> trim(long offsetBytes, long lengthBytes, boolean fua) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> writeZeroes(long offsetBytes, long lengthBytes, boolean noHole, boolean fua) {
            return CompletableFuture.completedFuture(null);
        }
    }

    // ---- helpers ----

    private RawNbdClient transmission(String name, boolean structured) throws IOException {
        RawNbdClient c = RawNbdClient.connect(socket).handshake();
        if (structured) {
            c.sendOption(NbdProtocol.OPT_STRUCTURED_REPLY, new byte[0]);
            assertThat(c.readOptionReply().type()).isEqualTo(NbdProtocol.REP_ACK);
        }
        List<RawNbdClient.OptionReply> replies = c.go(name);
        assertThat(replies.get(replies.size() - 1).type()).isEqualTo(NbdProtocol.REP_ACK);
        int flags = info(replies, NbdProtocol.INFO_EXPORT).getUnsignedShort(InfoItem.EXPORT_OFFSET_TRANSMISSION_FLAGS);
        assertThat((flags & NbdProtocol.TFLAG_SEND_DF) != 0).isEqualTo(structured);
        return c;
    }

    private void assertServerStillServes() throws IOException {
        try (RawNbdClient c = transmission("disk", false)) {
            c.sendRequest(0, NbdProtocol.CMD_READ, 99, 512, 64, null);
            assertThat(c.readSimpleReply(64).data()).isEqualTo(Arrays.copyOfRange(initial, 512, 576));
        }
    }

    private static ByteBuf info(List<RawNbdClient.OptionReply> replies, int infoType) {
        return replies.stream().filter(r -> r.type() == NbdProtocol.REP_INFO)
                .map(r -> Unpooled.wrappedBuffer(r.data()))
                .filter(b -> b.getUnsignedShort(InfoItem.OFFSET_TYPE) == infoType)
                .findFirst().orElseThrow(() -> new AssertionError("no info item " + infoType + " in " + replies));
    }

    private static String infoText(List<RawNbdClient.OptionReply> replies, int infoType) {
        ByteBuf b = info(replies, infoType);
        return b.toString(InfoItem.STRING_OFFSET_TEXT, b.readableBytes() - InfoItem.STRING_OFFSET_TEXT,
                StandardCharsets.UTF_8);
    }

    /** A backend whose every operation fails: plain IOException (EIO) or an explicit ENOSPC. */
    private static final class FailingExport implements NbdExport {
        @Override
        public long sizeBytes() {
            return SIZE;
        }

        @Override
        public boolean readOnly() {
            return false;
        }

        @Override
        public CompletableFuture<ByteBuf> read(long offsetBytes, int lengthBytes, ByteBufAllocator alloc) {
            return CompletableFuture.failedFuture(new IOException("injected read error"));
        }

        @Override
        public CompletableFuture<Void> write(long offsetBytes, ByteBuf data, boolean fua) {
            return CompletableFuture.supplyAsync(() -> {
                throw new java.io.UncheckedIOException(new IOException("injected write error"));
            });
        }

        @Override
        public CompletableFuture<Void> flush() {
            throw new IllegalStateException("injected synchronous failure");
        }

        @Override
        public CompletableFuture<Void> trim(long offsetBytes, long lengthBytes, boolean fua) {
            return CompletableFuture.failedFuture(new IOException("injected trim error"));
        }

        @Override
        public CompletableFuture<Void> writeZeroes(long offsetBytes, long lengthBytes, boolean noHole, boolean fua) {
            return CompletableFuture.failedFuture(new NbdBackendException(NbdProtocol.ENOSPC, "injected: disk full"));
        }
    }
}
