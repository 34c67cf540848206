package org.drbdj.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.drbdj.testing.Prerequisites;
import org.drbdj.testing.ProcessRunner;
import org.drbdj.testing.TestDirs;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our dump is byte-for-byte drbd-utils 9's {@code drbdadm dump all} for DRBD 9 dialect files:
 * same sections, order, indentation, column widths, quoting, derived node-ids. The oracle runs as
 * host {@code node1} in its own UTS namespace. (Semantic equality over a larger corpus, both
 * dialects, is drbd-cli's ConfigDifferentialTest.)
 */
class DumpLayoutTest {
    private static final Path DIR = resources();

    private static Path resources() {
        try {
            return Path.of(DumpLayoutTest.class.getResource("dump").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<String> configs() throws IOException {
        try (Stream<Path> s = Files.list(DIR)) {
            List<String> files = s.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".conf")).sorted().toList();
            return Stream.concat(files.stream(), Stream.of("spec9/drbd.conf"));
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void dumpEqualsDrbdUtilsText(String name) throws Exception {
        Prerequisites.requireRoot();
        Prerequisites.requireCommands("drbdadm", "unshare", "hostname", "ip");
        Path work = TestDirs.create(DumpLayoutTest.class, name.replace('/', '_'));
        copyTree(DIR, work);
        Path file = work.resolve(name);

        // drbdadm checks that node1's own address is on an interface: give the namespace's lo both.
        ProcessRunner.Result real = ProcessRunner.run(List.of("unshare", "--uts", "--net", "sh", "-c",
                "hostname node1 && ip link set lo up && ip addr add 172.16.0.3/32 dev lo"
                        + " && ip -6 addr add fd00::3/128 dev lo && exec drbdadm -c \"$0\" dump all",
                file.toString()), 60);
        assertThat(real.exitCode()).as("drbdadm: %s", real.stderr()).isZero();

        DrbdConfig cfg = ConfigLoader.load(file, file.toString(), "node1", a -> false, false);
        assertThat(ConfigDumper.all(cfg)).isEqualTo(real.stdout());
    }
}
