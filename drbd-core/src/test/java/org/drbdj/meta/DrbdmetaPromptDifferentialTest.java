package org.drbdj.meta;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.drbdj.testing.Prerequisites;
import org.drbdj.testing.ProcessRunner;
import org.drbdj.testing.TestDirs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * create-md over existing meta-data, against the real drbdmeta: the same questions and messages
 * (stdout and stderr), and the same result when the existing meta-data is of the same version
 * (overwritten) or of the other version (converted, v08 to v09 and back).
 */
@Timeout(300)
class DrbdmetaPromptDifferentialTest {

    record Case(MetaDataVersion existing, MetaDataVersion wanted, MetaDiskLocation location, long bytes) {
        @Override
        public String toString() {
            return existing.tag() + " -> " + wanted.tag() + " " + location + " " + bytes + "B";
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case(MetaDataVersion.V08, MetaDataVersion.V09, MetaDiskLocation.internal(), 50L << 20),
                new Case(MetaDataVersion.V09, MetaDataVersion.V08, MetaDiskLocation.internal(), (50L << 20) + 512),
                new Case(MetaDataVersion.V09, MetaDataVersion.V09, MetaDiskLocation.internal(), 50L << 20),
                new Case(MetaDataVersion.V08, MetaDataVersion.V08, MetaDiskLocation.internal(), 50L << 20),
                new Case(MetaDataVersion.V08, MetaDataVersion.V09, MetaDiskLocation.flexExternal(), 8L << 20),
                new Case(MetaDataVersion.V09, MetaDataVersion.V08, MetaDiskLocation.indexed(0), 129L << 20),
                new Case(MetaDataVersion.V09, MetaDataVersion.V09, MetaDiskLocation.indexed(0), 129L << 20));
    }

    @BeforeEach
    void prerequisites() {
        Prerequisites.requireRoot();
        Prerequisites.requireCommands("drbdmeta", "losetup");
    }

    private static String[] create(MetaDataVersion v) {
        return v == MetaDataVersion.V09 ? new String[] {"create-md", "1"} : new String[] {"create-md"};
    }

    @ParameterizedTest
    @MethodSource("cases")
    void createOverExistingMetaDataAsksAndActsLikeDrbdmeta(Case c) throws Exception {
        Path dir = TestDirs.create(getClass(), "prompt");
        try (LoopDevice a = LoopDevice.create(dir.resolve("a.img"), c.bytes());
                LoopDevice b = LoopDevice.create(dir.resolve("b.img"), c.bytes())) {
            for (LoopDevice d : List.of(a, b)) {
                MetaDataTool.Target old = new MetaDataTool.Target(d.device, c.location(), c.existing());
                Drbdmeta.ok(List.of("--force"), old, create(c.existing()));
                String gi = c.existing() == MetaDataVersion.V09
                        ? "0123456789ABCDEF:FEDCBA9876543210:1111111111111111::1:1:0:1:1:0:0:1:1:0:1:1"
                        : "0123456789ABCDEF:FEDCBA9876543210:1111111111111111::1:1:0:1:1:1:1";
                List<String> opts = c.existing() == MetaDataVersion.V09 ? List.of("--force", "--node-id=0") : List.of("--force");
                Drbdmeta.ok(opts, old, "set-gi", gi);
            }
            MetaDataTool.Target ta = new MetaDataTool.Target(a.device, c.location(), c.wanted());
            MetaDataTool.Target tb = new MetaDataTool.Target(b.device, c.location(), c.wanted());

            // without --force and without a terminal: both refuse, nothing changes
            ProcessRunner.Result theirNo = Drbdmeta.run(List.of(), ta, create(c.wanted()));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            MetaDataTool no = new MetaDataTool(new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8),
                    MetaDataTool.Confirmer.noTerminal(new PrintWriter(new PrintStream(err, true, StandardCharsets.UTF_8), true)));
            int ourNo;
            try {
                ourNo = no.createMd(tb, MetaDataTool.CreateOptions.maxPeers(1));
            } catch (MetaDataException e) {
                ourNo = e.exitCode();
            }
            assertThat(ourNo).isEqualTo(theirNo.exitCode()).isNotZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(theirNo.stdout());
            assertThat(err.toString(StandardCharsets.UTF_8).replace(b.device.toString(), "DEV"))
                    .isEqualTo(theirNo.stderr().replace(a.device.toString(), "DEV"));

            // with --force: the same messages and the same resulting meta-data
            ProcessRunner.Result theirYes = Drbdmeta.ok(List.of("--force"), ta, create(c.wanted()));
            out.reset();
            err.reset();
            PrintStream errPs = new PrintStream(err, true, StandardCharsets.UTF_8);
            MetaDataTool yes = new MetaDataTool(new PrintStream(out, true, StandardCharsets.UTF_8), errPs,
                    MetaDataTool.Confirmer.forced(new PrintWriter(errPs, true)));
            assertThat(yes.createMd(tb, MetaDataTool.CreateOptions.maxPeers(1))).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(theirYes.stdout());
            assertThat(err.toString(StandardCharsets.UTF_8).replace(b.device.toString(), "DEV"))
                    .isEqualTo(theirYes.stderr().replace(a.device.toString(), "DEV"));
            assertThat(Drbdmeta.body(Drbdmeta.dump(tb))).isEqualTo(Drbdmeta.body(Drbdmeta.dump(ta)));
        }
    }
}
