package org.drbdj.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.drbdj.testing.Prerequisites;
import org.drbdj.testing.ProcessRunner;

/**
 * A 64 MiB backing disk that fails every write once {@link #fail()} is called: a file on FUSE
 * (nbdfuse) over an nbdkit memory disk whose error filter fails writes while a trigger file
 * exists. The failures are real EIO from the kernel, as from a dying disk.
 */
final class FailingDisk implements AutoCloseable {
    private final Path dir;
    private final Process nbdkit;
    private final Process nbdfuse;
    private final Path fuseDir;

    /** Skips the test (assumption) unless root with nbdkit, nbdfuse and /dev/fuse. */
    static void requirePrerequisites() {
        Prerequisites.requireRoot();
        Prerequisites.requireCommands("nbdkit", "nbdfuse", "fusermount3");
        Prerequisites.requirePath("/dev/fuse");
    }

    FailingDisk(Path dir) throws Exception {
        this.dir = dir;
        Path sock = dir.resolve("nbdkit.sock");
        nbdkit = new ProcessBuilder("nbdkit", "--foreground", "--unix", sock.toString(), "--filter=error", "memory", "64M",
                "error=EIO", "error-pwrite-rate=100%", "error-pwrite-file=" + trigger())
                .redirectErrorStream(true).redirectOutput(dir.resolve("nbdkit.log").toFile()).start();
        waitFor(sock);
        fuseDir = Files.createDirectories(dir.resolve("fuse"));
        nbdfuse = new ProcessBuilder("nbdfuse", fuseDir.resolve("disk").toString(), "nbd+unix:///?socket=" + sock)
                .redirectErrorStream(true).redirectOutput(dir.resolve("nbdfuse.log").toFile()).start();
        waitFor(path());
    }

    private Path trigger() {
        return dir.resolve("trigger");
    }

    private static void waitFor(Path p) throws InterruptedException {
        for (int i = 0; i < 100 && !Files.exists(p); i++) {
            Thread.sleep(100);
        }
        assertThat(p).exists();
    }

    /** The disk, for {@code disk PATH;} in a configuration. */
    Path path() {
        return fuseDir.resolve("disk");
    }

    /** From now on every write fails with EIO. */
    void fail() throws Exception {
        Files.createFile(trigger());
    }

    /** Writes succeed again. */
    void heal() throws Exception {
        Files.deleteIfExists(trigger());
    }

    @Override
    public void close() throws Exception {
        ProcessRunner.run(List.of("fusermount3", "-u", fuseDir.toString()), 30);
        for (Process p : new Process[] {nbdfuse, nbdkit}) {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
