package org.drbdj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.drbdj.testing.TestDirs;
import org.junit.jupiter.api.Test;

/** {@code drbdadm dump} and the shared configuration options, through {@link Drbdadm#run}. */
class DumpCommandTest {
    record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Drbdadm.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String specConf() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("conf/drbd.d"))) {
            p = p.getParent();
        }
        return p.resolve("conf/drbd.conf").toString();
    }

    @Test
    void dumpsTheSpecResourceWithGlobalOptionsBeforeTheCommand() {
        Run r = run("-c", specConf(), "--node-name", "node1", "dump", "test");
        assertThat(r.err()).isEmpty();
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("# resource test on node1: not ignored, not stacked\n# defined at ")
                .contains("conf/drbd.d/test.res:1\nresource test {\n")
                .contains("    on node1 {\n        node-id 1;\n        disk             /dev/vdb;\n"
                        + "        address          ipv4 172.16.0.3:7789;\n    }\n")
                .contains("        verify-alg       sha1;\n");
    }

    @Test
    void optionsAfterTheCommandAndDumpAllPrintsHeaderAndCommon() {
        Run r = run("dump", "-c", specConf(), "--node-name", "node2");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("# " + Path.of(specConf()).toAbsolutePath().normalize() + "\n")
                .contains("global {\n    usage-count no;\n}\n")
                .contains("        resync-rate      1024M;\n")
                .contains("# resource test on node2: not ignored, not stacked");
    }

    @Test
    void unknownResourceIsAUsageError() {
        Run r = run("-c", specConf(), "--node-name", "node1", "dump", "nope");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("'nope' not defined in your config (for this host).");
        Run other = run("-c", specConf(), "--node-name", "node3", "dump", "test");
        assertThat(other.exitCode()).as("a resource without a section for this node").isEqualTo(1);
    }

    @Test
    void configErrorsNameFileAndLineAndExitTen() throws IOException {
        Path dir = TestDirs.create(DumpCommandTest.class, "errors");
        Path bad = dir.resolve("bad.conf");
        Files.writeString(bad, "resource r {\n  net {\n    protocol D;\n  }\n}\n");
        Run r = run("-c", bad.toString(), "--node-name", "n1", "dump", "all");
        assertThat(r.exitCode()).isEqualTo(10);
        assertThat(r.err()).startsWith("drbdadm: " + bad + ":3: Parse error: while parsing value ('D')\nfor protocol.");
        Run missing = run("-c", dir.resolve("absent.conf").toString(), "dump");
        assertThat(missing.exitCode()).isEqualTo(10);
        assertThat(missing.err()).contains("Can not open '" + dir.resolve("absent.conf") + "'");
    }

    @Test
    void volumeAndMinorArguments() throws IOException {
        Path dir = TestDirs.create(DumpCommandTest.class, "select");
        Path f = dir.resolve("drbd.conf");
        Files.writeString(f, """
                resource r { volume 0 { device minor 7; disk /dev/a; } volume 1 { device minor 8; disk /dev/b; }
                  on n1 { address 10.0.0.1:7000; } on n2 { address 10.0.0.2:7000; } }
                """);
        assertThat(run("-c", f.toString(), "--node-name", "n1", "dump", "r/1").exitCode()).isZero();
        assertThat(run("-c", f.toString(), "--node-name", "n1", "dump", "minor-8").out()).contains("resource r {");
        Run noVol = run("-c", f.toString(), "--node-name", "n1", "dump", "r/5");
        assertThat(noVol.exitCode()).isEqualTo(1);
        assertThat(noVol.err()).contains("Resource 'r' has no volume 5");
    }
}
