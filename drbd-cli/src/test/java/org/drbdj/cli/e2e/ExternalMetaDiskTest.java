package org.drbdj.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.drbdj.testing.Prerequisites;
import org.drbdj.testing.ProcessRunner;
import org.drbdj.testing.TestDirs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With external meta-data ({@code meta-disk FILE [0]}) the activity log lives on the meta-data
 * device: data written through the export reads back unchanged, and the meta-data device carries
 * the AL transactions (drbdmeta-compatible dump-md still reads it after a clean down).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ExternalMetaDiskTest {

    @Test
    void activityLogGoesToTheMetaDeviceNotIntoTheData() throws Exception {
        Prerequisites.requireRoot();
        Prerequisites.requireCommands("nbdcopy", "sha256sum");
        Path dir = TestDirs.create(getClass(), "node1");
        Path disk = DaemonHarness.sparseFile(dir.resolve("disk.img"), 64L << 20);
        Path md = DaemonHarness.sparseFile(dir.resolve("md.img"), 129L << 20);
        try (DaemonHarness node = new DaemonHarness(dir, String.join("\n",
                "resource r0 {",
                "  device /dev/drbd5; disk " + disk + "; meta-disk " + md + " [0];",
                "  on node1 { address 127.0.0.1:7789; }",
                "  on node2 { address 127.0.0.2:7789; }",
                "}", ""), "node1")) {
            node.ok("create-md", "r0");
            node.startDaemon("none");
            node.ok("up", "r0");
            node.ok("primary", "--force", "r0");
            String uri = "nbd+unix:///drbd5?socket=" + node.nbdSocket();
            assertThat(ProcessRunner.run(List.of("nbdinfo", "--size", uri), 60).stdout().trim())
                    .as("external meta-data leaves the whole disk for data").isEqualTo(Long.toString(64L << 20));
            Path in = dir.resolve("in.img");
            Path out = dir.resolve("out.img");
            DaemonHarness.sh("head -c " + (64L << 20) + " /dev/urandom > " + in).requireSuccess(List.of("random data"));
            // Every 4 MiB extent is cold once, so the copy commits many AL transactions on the way.
            ProcessRunner.run(List.of("nbdcopy", in.toString(), uri), 120).requireSuccess(List.of("nbdcopy in"));
            ProcessRunner.run(List.of("nbdcopy", uri, out.toString()), 120).requireSuccess(List.of("nbdcopy out"));
            assertThat(sha(out)).as("data read back through the export").isEqualTo(sha(in));
            node.ok("secondary", "r0");
            node.ok("down", "r0");
            assertThat(sha(disk)).as("the backing disk holds exactly the data").isEqualTo(sha(in));
            assertThat(node.ok("dump-md", "r0").out()).contains("al-stripes 1;");
        }
    }

    private static String sha(Path p) throws Exception {
        return DaemonHarness.sh("sha256sum " + p).stdout().split(" ")[0];
    }
}
