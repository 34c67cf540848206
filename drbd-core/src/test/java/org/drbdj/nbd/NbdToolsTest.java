package org.drbdj.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.drbdj.testing.Prerequisites;
import org.drbdj.testing.ProcessRunner;
import org.drbdj.testing.TestDirs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server against the real NBD clients an operator uses: {@code nbdinfo}, {@code nbdcopy},
 * {@code qemu-img} and fio's nbd engine, over {@code nbd+unix:///NAME?socket=PATH} URIs. Checksums
 * of the backing file are the oracle. Root is not needed.
 */
@Timeout(300)
class NbdToolsTest {
    private static final long SIZE = 64L * 1024 * 1024;

    private Path dir;
    private Path socket;
    private Path diskFile;
    private NbdServer server;
    private final List<FileNbdExport> exports = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        dir = TestDirs.create(NbdToolsTest.class, "tools");
        socket = dir.resolve("nbd.sock");
        diskFile = dir.resolve("disk.img");
        createFile(diskFile, SIZE, null);
        Path roFile = dir.resolve("ro.img");
        createFile(roFile, 1024 * 1024, 5L);
        NbdExportRegistry registry = new NbdExportRegistry();
        registry.register("disk", open(diskFile, FileNbdExport.Settings.defaults().withDescription("drbdj test disk")));
        registry.register("ro", open(roFile, FileNbdExport.Settings.defaults().withReadOnly(true)));
        FileNbdExport secondary = open(roFile, FileNbdExport.Settings.defaults().withReadOnly(true));
        secondary.setRefusal("the resource is Secondary; promote it with drbdadm primary");
        registry.register("secondary", secondary);
        server = new NbdServer(registry, NbdServerOptions.defaults());
        server.start(socket);
    }

    private FileNbdExport open(Path file, FileNbdExport.Settings settings) throws Exception {
        FileNbdExport e = FileNbdExport.open(file, settings);
        exports.add(e);
        return e;
    }

    @AfterEach
    void tearDown() throws Exception {
        server.close();
        for (FileNbdExport e : exports) {
            e.close();
        }
    }

    private String uri(String name) {
        return "nbd+unix:///" + name + "?socket=" + socket;
    }

    @Test
    void nbdinfoShowsSizeFlagsAndTheExportList() throws Exception {
        Prerequisites.requireCommands("nbdinfo");
        String info = run(List.of("nbdinfo", uri("disk"))).stdout();
        assertThat(info).contains("export-size: " + SIZE).contains("description: drbdj test disk")
                .contains("is_read_only: false").contains("can_flush: true").contains("can_fua: true")
                .contains("can_trim: true").contains("can_zero: true").contains("can_multi_conn: true")
                .contains("block_size_maximum: 33554432");
        assertThat(run(List.of("nbdinfo", "--size", uri("disk"))).stdout().trim()).isEqualTo(Long.toString(SIZE));
        String ro = run(List.of("nbdinfo", uri("ro"))).stdout();
        assertThat(ro).contains("is_read_only: true").contains("export-size: 1048576");

        String list = run(List.of("nbdinfo", "--list", uri(""))).stdout();
        assertThat(list).contains("export=\"disk\"").contains("export=\"ro\"").contains("drbdj test disk");
    }

    @Test
    void optionalTcpListenerServesTheSameExports() throws Exception {
        Prerequisites.requireCommands("nbdinfo");
        java.net.InetSocketAddress bound = server.startTcp(new java.net.InetSocketAddress("127.0.0.1", 0));
        String uri = "nbd://127.0.0.1:" + bound.getPort() + "/disk";
        assertThat(run(List.of("nbdinfo", "--size", uri)).stdout().trim()).isEqualTo(Long.toString(SIZE));
    }

    @Test
    void aRefusedExportFailsWithTheReason() throws Exception {
        Prerequisites.requireCommands("nbdinfo");
        // libnbd prints the server's message only in its debug output; the failure itself is always shown.
        ProcessRunner.Result r = ProcessRunner.run(List.of("nbdinfo", uri("secondary")),
                java.util.Map.of("LIBNBD_DEBUG", "1"), null, 60);
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).contains("server error message: the resource is Secondary; promote it with drbdadm primary")
                .contains("nbd_opt_go: server replied with error");
        // INFO still answers, so the export shows up in a listing.
        assertThat(run(List.of("nbdinfo", "--list", uri(""))).stdout()).contains("export=\"secondary\"");
        ProcessRunner.Result unknown = ProcessRunner.run(List.of("nbdinfo", uri("nosuch")), 60);
        assertThat(unknown.exitCode()).isNotZero();
        assertThat(unknown.stderr()).contains("nosuch");
    }

    @Test
    void nbdcopyRoundTripPreservesEveryByte() throws Exception {
        Prerequisites.requireCommands("nbdcopy");
        Path source = dir.resolve("source.img");
        createFile(source, SIZE, 11L);
        // Four connections at once: nbdcopy uses multi-conn because the export advertises it.
        run(List.of("nbdcopy", "--connections=4", "--flush", source.toString(), uri("disk")));
        assertThat(sha256(diskFile)).isEqualTo(sha256(source));
        Path back = dir.resolve("back.img");
        run(List.of("nbdcopy", "--connections=4", uri("disk"), back.toString()));
        assertThat(sha256(back)).isEqualTo(sha256(source));
    }

    @Test
    void qemuImgConvertsOutOfAndIntoTheExport() throws Exception {
        Prerequisites.requireCommands("qemu-img");
        Path first = dir.resolve("first.img");
        createFile(first, SIZE, 21L);
        createFile(diskFile, SIZE, 21L); // same content, rewritten in place: the export keeps its inode
        Path out = dir.resolve("out.img");
        run(List.of("qemu-img", "convert", "-O", "raw", uri("disk"), out.toString()));
        assertThat(sha256(out)).isEqualTo(sha256(first));

        Path second = dir.resolve("second.img");
        createFile(second, SIZE, 22L);
        run(List.of("qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", second.toString(), uri("disk")));
        assertThat(sha256(diskFile)).isEqualTo(sha256(second));
    }

    @Test
    void fioVerifiesRandomWritesFromSeveralConnections() throws Exception {
        Prerequisites.requireCommands("fio");
        // Three jobs, each its own NBD connection and its own 8 MiB region, verified with crc32c.
        ProcessRunner.Result r = run(List.of("fio", "--name=randwrite", "--ioengine=nbd", "--uri=" + uri("disk"),
                "--rw=randwrite", "--bs=4k", "--size=8M", "--numjobs=3", "--offset_increment=8M", "--iodepth=16",
                "--verify=crc32c", "--verify_fatal=1", "--do_verify=1", "--verify_state_save=0", "--output-format=json"));
        assertFioClean(r, 3);
    }

    @Test
    void fioVerifiesTrimThenWrite() throws Exception {
        Prerequisites.requireCommands("fio");
        ProcessRunner.Result r = run(List.of("fio", "--name=trimwrite", "--ioengine=nbd", "--uri=" + uri("disk"),
                "--rw=trimwrite", "--bs=64k", "--size=16M", "--offset=32M", "--iodepth=8",
                "--verify=crc32c", "--verify_fatal=1", "--verify_state_save=0", "--output-format=json"));
        assertFioClean(r, 1);
        // The sparse region fio never touched still reads as zeroes through the export.
        Path head = dir.resolve("head.img");
        Prerequisites.requireCommands("nbdcopy");
        run(List.of("nbdcopy", uri("disk"), head.toString()));
        byte[] all = Files.readAllBytes(head);
        for (int i = 0; i < 32 * 1024 * 1024; i += 4096) {
            assertThat(all[i]).isZero();
        }
    }

    @Test
    void garbageFromOneClientDoesNotDisturbTheTools() throws Exception {
        Prerequisites.requireCommands("nbdinfo");
        for (int i = 0; i < 3; i++) {
            try (RawNbdClient c = RawNbdClient.connect(socket)) {
                c.readGreeting();
                c.send(io.netty.buffer.Unpooled.wrappedBuffer("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes()));
                assertThat(c.closedByServer()).isTrue();
            }
        }
        assertThat(run(List.of("nbdinfo", "--size", uri("disk"))).stdout().trim()).isEqualTo(Long.toString(SIZE));
    }

    private static void assertFioClean(ProcessRunner.Result r, int jobs) {
        String json = r.stdout();
        assertThat(json).contains("\"jobs\"");
        // Every job reports "error" : 0 and wrote something; verify_fatal makes a mismatch an error.
        assertThat(json.split("\"error\" : 0", -1).length - 1).as(json).isEqualTo(jobs);
        assertThat(json).doesNotContain("verify: bad");
        assertThat(r.stderr()).doesNotContain("verify:");
    }

    private static ProcessRunner.Result run(List<String> cmd) throws Exception {
        return ProcessRunner.run(cmd, 240).requireSuccess(cmd);
    }

    private static void createFile(Path file, long size, Long seed) throws Exception {
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
            if (seed == null) {
                ch.truncate(0);
                ch.write(java.nio.ByteBuffer.allocate(1), size - 1);
                return;
            }
            Random random = new Random(seed);
            byte[] block = new byte[1024 * 1024];
            for (long pos = 0; pos < size; pos += block.length) {
                random.nextBytes(block);
                ch.write(java.nio.ByteBuffer.wrap(block, 0, (int) Math.min(block.length, size - pos)), pos);
            }
        }
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
