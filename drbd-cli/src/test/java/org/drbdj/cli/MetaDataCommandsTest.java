package org.drbdj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.drbdj.meta.MetaDataTool;
import org.drbdj.meta.MetaDataVersion;
import org.drbdj.meta.MetaDiskLocation;
import org.drbdj.testing.Prerequisites;
import org.drbdj.testing.ProcessRunner;
import org.drbdj.testing.TestDirs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The drbdadm meta-data subcommands on backing files given in the low-level form: the command
 * flow an operator sees (confirmations, refusals, exit codes) and the texts they print.
 */
@Timeout(120)
class MetaDataCommandsTest {
    record Run(int exit, String out, String err) {
    }

    private static Run drbdadm(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Drbdadm.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String[] withTarget(Path file, String... cmd) {
        List<String> a = new ArrayList<>(List.of(cmd));
        a.addAll(List.of("--backing-dev", file.toString(), "--meta-disk", "internal"));
        return a.toArray(new String[0]);
    }

    private static Path sparse(Path dir, String name, long bytes) throws Exception {
        Path f = dir.resolve(name);
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(bytes);
        }
        return f;
    }

    @Test
    void createDumpRestoreWipeOnABackingFile() throws Exception {
        Path dir = TestDirs.create(getClass(), "flow");
        Path disk = sparse(dir, "disk.img", 64L << 20);

        Run created = drbdadm(withTarget(disk, "create-md", "r0", "--max-peers", "2"));
        assertThat(created.exit()).isZero();
        assertThat(created.out()).contains("initializing activity log", "New drbd meta data block successfully created.");

        // a second create-md must not silently overwrite: no terminal, so the answer is no
        Run again = drbdadm(withTarget(disk, "create-md", "r0", "--max-peers", "2"));
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("Do you really want to overwrite the existing meta-data?",
                "stdin not a TTY, not waiting for confirmation");

        Run dump = drbdadm(withTarget(disk, "dump-md", "r0"));
        assertThat(dump.exit()).isZero();
        assertThat(dump.out()).startsWith("# DRBD meta data dump").contains("version \"v09\";", "max-peers 2;",
                "current-uuid 0x0000000000000004;", "bitmap[1] {");
        assertThat(dump.out()).doesNotContain("device-uuid 0x0000000000000000;"); // drbdadm writes a random one

        Run gi = drbdadm(withTarget(disk, "get-gi", "r0", "--node-id", "1"));
        assertThat(gi.exit()).isZero();
        assertThat(gi.out()).isEqualTo(
                "0000000000000004:0000000000000000:0000000000000000:0000000000000000:0:0:0:0:1:0:0:0:0:0:0:0\n");
        Run noNode = drbdadm(withTarget(disk, "get-gi", "r0"));
        assertThat(noNode.exit()).isEqualTo(10);
        assertThat(noNode.err()).contains("requires the --node-id option");

        // edit the dump, restore it, and read the edit back
        String edited = dump.out().replace("current-uuid 0x0000000000000004;", "current-uuid 0x00000000CAFEBABE;");
        Path file = dir.resolve("edited.dump");
        Files.writeString(file, edited);
        Run refused = drbdadm(withTarget(disk, "restore-md", "r0", file.toString()));
        assertThat(refused.exit()).isEqualTo(1);
        Run restored = drbdadm(withTarget(disk, "restore-md", "r0", file.toString(), "--force"));
        assertThat(restored.exit()).isZero();
        assertThat(restored.out()).contains("Successfully restored meta data");
        Run show = drbdadm(withTarget(disk, "show-gi", "r0", "--node-id", "0"));
        assertThat(show.out()).contains("00000000CAFEBABE:").contains("zero size device -- never seen peer yet?");

        Run wiped = drbdadm(withTarget(disk, "wipe-md", "r0", "--force"));
        assertThat(wiped.exit()).isZero();
        assertThat(wiped.out()).contains("DRBD meta data block successfully wiped out.");
        Run gone = drbdadm(withTarget(disk, "dump-md", "r0"));
        assertThat(gone.exit()).isEqualTo(1);
        assertThat(gone.err()).contains("No valid meta data found");
    }

    @Test
    void v08OnRequestAndIndexedExternal() throws Exception {
        Path dir = TestDirs.create(getClass(), "v08");
        Path meta = sparse(dir, "meta.img", 300L << 20);
        Run created = drbdadm("create-md", "r0", "--md-version", "v08", "--backing-dev", "/nonexistent",
                "--meta-disk", meta + ":1");
        assertThat(created.exit()).isZero();
        MetaDataTool.Target t = new MetaDataTool.Target(meta, MetaDiskLocation.indexed(1), MetaDataVersion.V08);
        try (MetaDataTool.Opened o = MetaDataTool.open(t, false)) {
            assertThat(o.metaData()).isNotNull();
            assertThat(o.mdOffsetBytes()).isEqualTo(128L << 20);
        }
        Run gi = drbdadm("get-gi", "r0", "--md-version", "v08", "--meta-disk", meta + ":1");
        assertThat(gi.out()).isEqualTo("0000000000000004:0000000000000000:0000000000000000:0000000000000000:0:0:0:0:0:0:0\n");
    }

    @Test
    void refusesToOverwriteAFilesystemThatInternalMetaDataWouldTruncate() throws Exception {
        Prerequisites.requireCommands("mkfs.ext4");
        Path dir = TestDirs.create(getClass(), "fs");
        Path whole = sparse(dir, "whole.img", 32L << 20);
        ProcessRunner.run(List.of("mkfs.ext4", "-q", "-F", whole.toString()), 60).requireSuccess(List.of("mkfs.ext4"));
        Run r = drbdadm(withTarget(whole, "create-md", "r0", "--force"));
        assertThat(r.exit()).isEqualTo(40);
        assertThat(r.out()).contains("Found ext3 filesystem", "Device size would be truncated", "Operation refused.");

        // a filesystem that leaves room for the meta-data needs confirmation, --force gives it
        Path room = sparse(dir, "room.img", 32L << 20);
        ProcessRunner.run(List.of("mkfs.ext4", "-q", "-F", room.toString(), "16M"), 60).requireSuccess(List.of("mkfs.ext4"));
        Run asked = drbdadm(withTarget(room, "create-md", "r0"));
        assertThat(asked.exit()).isEqualTo(1);
        assertThat(asked.out()).contains("Even though it looks like this would place the new meta data into");
        assertThat(drbdadm(withTarget(room, "create-md", "r0", "--force")).exit()).isZero();
    }

    @Test
    void withoutLowLevelOptionsTheResourceComesFromTheConfiguration() {
        String conf = Path.of("..", "conf", "drbd.conf").toAbsolutePath().normalize().toString();
        Run unknown = drbdadm("dump-md", "-c", conf, "--node-name", "node1", "r0");
        assertThat(unknown.exit()).isEqualTo(Drbdadm.EXIT_USAGE);
        assertThat(unknown.err()).contains("'r0' not defined in your config (for this host).");
        // The SPEC's resource names /dev/vdb, which this machine does not have: the error names it.
        Run spec = drbdadm("dump-md", "-c", conf, "--node-name", "node1", "test");
        assertThat(spec.exit()).isNotZero();
        assertThat(spec.out() + spec.err()).contains("/dev/vdb");
    }
}
