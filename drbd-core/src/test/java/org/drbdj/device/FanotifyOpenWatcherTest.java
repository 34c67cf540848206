package org.drbdj.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.drbdj.storage.LoopDevice;
import org.drbdj.testing.Prerequisites;
import org.drbdj.testing.ProcessRunner;
import org.drbdj.testing.TestDirs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fanotify watcher on a real block node (a loop device's number under a private directory,
 * like /dev/drbdN): opens for write are reported with the opener, read-only opens are not, and a
 * writer that exits is reported closed and forgotten.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FanotifyOpenWatcherTest {
    private static final int MINOR = 9;

    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private LoopDevice loop;
    private OpenWatcher watcher;
    private Path node;
    private DeviceNumber number;
    private Process holder;

    @BeforeEach
    void setUp() throws Exception {
        Prerequisites.requireRoot();
        Prerequisites.requireCommands("losetup", "mknod", "sh", "sleep");
        Path dir = TestDirs.create(getClass(), "node");
        Path image = dir.resolve("disk.img");
        try (var raf = new java.io.RandomAccessFile(image.toFile(), "rw")) {
            raf.setLength(8L << 20);
        }
        loop = LoopDevice.attach(image);
        number = DeviceNodes.readBlockNode(loop.path()).orElseThrow();
        node = dir.resolve("drbd" + MINOR);
        ProcessRunner.run(List.of("mknod", node.toString(), "b", Integer.toString(number.major()),
                Integer.toString(number.minor())), 30).requireSuccess(List.of("mknod"));
        watcher = FanotifyOpenWatcher.start(new OpenWatcher.Listener() {
            @Override
            public void openedForWrite(int minor, long pid) {
                events.add("open " + minor + " " + pid);
            }

            @Override
            public void closedAfterWrite(int minor) {
                events.add("close " + minor);
            }
        });
        assertThat(watcher.isAvailable()).as(watcher.reason()).isTrue();
        watcher.watch(MINOR, node, number);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (holder != null) {
            holder.destroyForcibly();
            holder.waitFor(10, TimeUnit.SECONDS);
        }
        if (watcher != null) {
            watcher.close();
        }
        if (loop != null) {
            loop.close();
        }
    }

    /** A process that opens the node with the shell redirection {@code redirect} and keeps it open. */
    private Process hold(String redirect) throws Exception {
        return new ProcessBuilder("sh", "-c", "exec 3" + redirect + node + " && exec sleep 60").start();
    }

    @Test
    void reportsWritersWithTheirPidAndForgetsThemWhenTheyExit() throws Exception {
        holder = hold("<>");
        assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("open " + MINOR + " " + holder.pid());
        assertThat(watcher.writers(MINOR)).containsExactly(holder.pid());

        holder.destroy();
        assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("close " + MINOR);
        assertThat(watcher.writers(MINOR)).isEmpty();
    }

    @Test
    void ignoresReadOnlyOpensAndOpensOfUnwatchedNodes() throws Exception {
        holder = hold("<");
        assertThat(events.poll(1, TimeUnit.SECONDS)).as("a read-only open").isNull();
        assertThat(watcher.writers(MINOR)).isEmpty();
        holder.destroyForcibly();
        holder.waitFor(10, TimeUnit.SECONDS);

        // The loop device's own node is another inode: not watched.
        ProcessRunner.run(List.of("sh", "-c", "exec 3<>" + loop.path()), 30).requireSuccess(List.of("open loop"));
        assertThat(events.poll(1, TimeUnit.SECONDS)).as("an open of /dev/loopN").isNull();

        watcher.unwatch(MINOR);
        watcher.unwatch(MINOR); // idempotent
        ProcessRunner.run(List.of("sh", "-c", "exec 3<>" + node), 30).requireSuccess(List.of("open node"));
        assertThat(events.poll(1, TimeUnit.SECONDS)).as("after unwatch").isNull();
        assertThat(watcher.writers(MINOR)).isEmpty();
    }

    @Test
    void aWriterThatOpensAndClosesAtOnceIsReportedClosed() throws Exception {
        ProcessRunner.run(List.of("dd", "if=/dev/zero", "of=" + node, "bs=4096", "count=1", "oflag=direct",
                "status=none"), 30).requireSuccess(List.of("dd"));
        // The open may or may not be seen before dd exits; the close always is.
        String first = events.poll(10, TimeUnit.SECONDS);
        String last = first != null && first.startsWith("open") ? events.poll(10, TimeUnit.SECONDS) : first;
        assertThat(last).isEqualTo("close " + MINOR);
        assertThat(watcher.writers(MINOR)).isEmpty();
        assertThat(Files.exists(node)).isTrue();
    }
}
