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

    /**
     * The "attached, unclean" 8.4 magic (and a v09 superblock without AL_CLEAN): both tools refuse
     * dump-md without --force, and with --force print the same text, made unrestorable.
     */
    @org.junit.jupiter.api.Test
    void uncleanMetaDataIsRefusedAndForcedDumpsMatch() throws Exception {
        Path dir = TestDirs.create(getClass(), "unclean");
        try (LoopDevice d = LoopDevice.create(dir.resolve("d.img"), 20L << 20)) {
            for (MetaDataVersion v : MetaDataVersion.values()) {
                MetaDataTool.Target t = new MetaDataTool.Target(d.device, MetaDiskLocation.internal(), v);
                Drbdmeta.ok(List.of("--force"), t, create(v));
                long mdOffset;
                MetaData md;
                try (MetaDataTool.Opened o = MetaDataTool.open(t, false)) {
                    mdOffset = o.mdOffsetBytes();
                    md = o.metaData().copy();
                }
                if (v == MetaDataVersion.V08) {
                    md.magic = MetaDataVersion.MAGIC_84_UNCLEAN;
                } else {
                    md.flags &= ~MdFlags.AL_CLEAN;
                }
                try (MetaDataDevice dev = MetaDataDevice.open(d.device, true)) {
                    dev.write(mdOffset, MetaDataTool.encode(v, md));
                    dev.flush();
                }
                ProcessRunner.Result refused = Drbdmeta.run(List.of(), t, "dump-md");
                assertThat(refused.exitCode()).isEqualTo(1);
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                PrintStream errPs = new PrintStream(err, true, StandardCharsets.UTF_8);
                MetaDataTool tool = new MetaDataTool(errPs, errPs, MetaDataTool.Confirmer.noTerminal(new PrintWriter(errPs, true)));
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> tool.dumpText(t, false, List.of()))
                        .isInstanceOf(MetaDataException.class)
                        .satisfies(e -> assertThat(((MetaDataException) e).exitCode()).isEqualTo(1));
                assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo(refused.stderr());
                String forced = Drbdmeta.ok(List.of("--force"), t, "dump-md").stdout();
                assertThat(Drbdmeta.as922(v, tool.dumpText(t, true, List.of()))).isEqualTo(Drbdmeta.body(forced));
            }
        }
    }
}
