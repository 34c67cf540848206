package org.drbdj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.drbdj.testing.Prerequisites;
import org.drbdj.testing.ProcessRunner;
import org.drbdj.testing.TestDirs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * drbdadm's meta-data commands and drbd-utils' drbdmeta on the same loop device: what our
 * {@code drbdadm create-md} writes, drbdmeta reads, and our {@code drbdadm dump-md} prints what
 * drbdmeta prints.
 */
@Timeout(120)
class DrbdadmMetaDrbdmetaTest {

    private static String drbdadm(int expectedExit, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Drbdadm.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(rc).as("drbdadm %s: %s", String.join(" ", args), err).isEqualTo(expectedExit);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String body(String dump) {
        return dump.substring(dump.indexOf("version \""));
    }

    @Test
    void drbdmetaReadsWhatDrbdadmCreatesAndBothDumpTheSame() throws Exception {
        Prerequisites.requireRoot();
        Prerequisites.requireCommands("drbdmeta", "losetup");
        Path img = TestDirs.create(getClass(), "loop").resolve("disk.img");
        try (RandomAccessFile raf = new RandomAccessFile(img.toFile(), "rw")) {
            raf.setLength((40L << 20) + 3 * 512);
        }
        ProcessRunner.Result loop = ProcessRunner.run(List.of("losetup", "-f", "--show", img.toString()), 30);
        loop.requireSuccess(List.of("losetup"));
        String dev = loop.stdout().trim();
        try {
            drbdadm(0, "create-md", "r0", "--max-peers", "3", "--force", "--backing-dev", dev, "--meta-disk", "internal");
            ProcessRunner.Result theirs = ProcessRunner.run(List.of("drbdmeta", "63", "v09", dev, "internal", "dump-md"), 60);
            theirs.requireSuccess(List.of("drbdmeta dump-md"));
            assertThat(theirs.stdout()).contains("max-peers 3;").doesNotContain("device-uuid 0x0000000000000000;");
            String ours = drbdadm(0, "dump-md", "r0", "--backing-dev", dev, "--meta-disk", "internal");
            assertThat(body(ours)).isEqualTo(body(theirs.stdout()));

            ProcessRunner.Result gi = ProcessRunner.run(
                    List.of("drbdmeta", "--node-id=2", "63", "v09", dev, "internal", "show-gi"), 60);
            assertThat(drbdadm(0, "show-gi", "r0", "--node-id", "2", "--backing-dev", dev, "--meta-disk", "internal"))
                    .isEqualTo(gi.stdout());
        } finally {
            ProcessRunner.run(List.of("losetup", "-d", dev), 30);
        }
    }
}
