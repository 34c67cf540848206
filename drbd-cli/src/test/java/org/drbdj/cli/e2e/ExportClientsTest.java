package org.drbdj.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.drbdj.testing.Prerequisites;
import org.drbdj.testing.ProcessRunner;
import org.drbdj.testing.TestDirs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real NBD clients against the export of a Primary drbdd volume (not a test double): nbdinfo,
 * nbdcopy round trip with checksums, qemu-img convert in and out, fio with crc32c verification.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ExportClientsTest {
    private DaemonHarness node;
    private Path dir;

    @BeforeEach
    void setUp() throws Exception {
        Prerequisites.requireRoot();
        Prerequisites.requireCommands("nbdinfo", "nbdcopy", "qemu-img", "fio", "sha256sum");
        dir = TestDirs.create(getClass(), "node1");
        node = DaemonHarness.primaryOnNbdSocket(dir, 5, 96L << 20);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    private String uri() {
        return "nbd+unix:///drbd5?socket=" + node.nbdSocket();
    }

    private static ProcessRunner.Result run(String... cmd) throws Exception {
        ProcessRunner.Result r = ProcessRunner.run(List.of(cmd), 240);
        return r.requireSuccess(List.of(cmd));
    }

    @Test
    void realClientsReadWriteAndVerifyThroughTheExport() throws Exception {
        String size = run("nbdinfo", "--size", uri()).stdout().trim();
        long sizeBytes = Long.parseLong(size);
        assertThat(sizeBytes).isPositive().isLessThan(96L << 20).isEqualTo(sizeBytes / 4096 * 4096);
        String info = run("nbdinfo", uri()).stdout();
        assertThat(info).contains("can_flush: true").contains("can_fua: true").contains("can_trim: true")
                .contains("is_read_only: false");
        assertThat(run("nbdinfo", "--list", "nbd+unix:///?socket=" + node.nbdSocket()).stdout()).contains("drbd5");

        Path in = dir.resolve("in.img");
        Path out = dir.resolve("out.img");
        run("sh", "-c", "head -c " + sizeBytes + " /dev/urandom > " + in);
        run("nbdcopy", in.toString(), uri());
        run("nbdcopy", uri(), out.toString());
        assertThat(sha(out)).isEqualTo(sha(in));

        Path q = dir.resolve("q.qcow2");
        Path back = dir.resolve("back.img");
        run("qemu-img", "convert", "-f", "raw", "-O", "qcow2", uri(), q.toString());
        run("qemu-img", "convert", "-f", "qcow2", "-O", "raw", q.toString(), back.toString());
        assertThat(sha(back)).isEqualTo(sha(in));
        run("qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", back.toString(), uri());
        run("nbdcopy", uri(), out.toString());
        assertThat(sha(out)).as("qemu-img convert into the export").isEqualTo(sha(in));

        ProcessRunner.Result fio = run("fio", "--name=verify", "--ioengine=nbd", "--uri=" + uri(), "--rw=randwrite",
                "--bs=4k", "--iodepth=16", "--size=32M", "--verify=crc32c", "--verify_fatal=1", "--do_verify=1", "--verify_state_save=0",
                "--output-format=terse");
        assertThat(fio.stdout()).isNotBlank();
        ProcessRunner.Result trim = run("fio", "--name=trim", "--ioengine=nbd", "--uri=" + uri(), "--rw=randtrim",
                "--bs=64k", "--iodepth=4", "--size=16M", "--output-format=terse");
        assertThat(trim.exitCode()).isZero();
    }

    private static String sha(Path p) throws Exception {
        return run("sha256sum", p.toString()).stdout().split(" ")[0];
    }
}
