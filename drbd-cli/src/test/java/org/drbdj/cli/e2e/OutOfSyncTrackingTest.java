package org.drbdj.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.drbdj.testing.Prerequisites;
import org.drbdj.testing.ProcessRunner;
import org.drbdj.testing.TestDirs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Primary without its peer records every change in the bitmap, as DRBD does in WFConnection:
 * {@code oos:} in the status file and {@code out-of-sync:} in {@code drbdadm status} count the
 * changed 4 KiB blocks (a partly written block counts whole), and the bits survive {@code down}
 * and {@code up} (written at detach) and a {@code kill -9} (the activity log covers them).
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class OutOfSyncTrackingTest {
    private DaemonHarness node;

    @BeforeEach
    void setUp() throws Exception {
        Prerequisites.requireRoot();
        Prerequisites.requireCommands("qemu-io");
        node = DaemonHarness.primaryOnNbdSocket(TestDirs.create(getClass(), "node1"), 6, 64L << 20);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    private void qemuIo(String command) throws Exception {
        List<String> cmd = List.of("qemu-io", "-f", "raw", "-c", command,
                "nbd+unix:///drbd6?socket=" + node.nbdSocket());
        ProcessRunner.run(cmd, 120).requireSuccess(cmd);
    }

    /**
     * The {@code oos:} of minor 6 in the status file once it satisfies {@code settled}, or whatever
     * it is after 10 s: the file's counters are refreshed once a second.
     */
    private long procOos(LongPredicate settled) throws Exception {
        long oos = -1;
        for (int i = 0; i < 100; i++) {
            Matcher m = Pattern.compile(" oos:(\\d+)").matcher(node.proc());
            oos = m.find() ? Long.parseLong(m.group(1)) : -1;
            if (settled.test(oos)) {
                break;
            }
            Thread.sleep(100);
        }
        return oos;
    }

    private long procOos(long expected) throws Exception {
        return procOos(v -> v == expected);
    }

    @Test
    void writesAndDiscardsWithoutThePeerAreCountedAndPersist() throws Exception {
        assertThat(procOos(0)).isZero();
        qemuIo("write -P 0xab 0 1M");
        qemuIo("write -P 0xcd 10M 8k");
        qemuIo("write -P 0xef 20971520 512"); // 512 bytes: the whole 4 KiB block is out of sync
        qemuIo("discard 30M 64k");
        long expectedKiB = 1024 + 8 + 4 + 64;
        assertThat(procOos(expectedKiB)).as(node.proc()).isEqualTo(expectedKiB);
        assertThat(node.ok("status", "--statistics", "r0").out()).contains("out-of-sync:" + expectedKiB)
                .contains("written:1032"); // KiB: the 512-byte write rounds down

        node.ok("secondary", "r0");
        node.ok("down", "r0");
        node.ok("up", "r0");
        assertThat(procOos(expectedKiB)).as("the bitmap was written at down and read at up").isEqualTo(expectedKiB);

        // More changes, then a crash: the new bits may not have reached the disk, but their extents
        // are in the activity log, which the next attach marks out of sync as a whole.
        node.ok("primary", "r0");
        qemuIo("write -P 0x11 40M 4k");
        node.stopDaemon(true);
        node.startDaemon("none");
        node.ok("up", "r0");
        long afterCrash = procOos(v -> v >= expectedKiB + 4);
        assertThat(afterCrash).as("every change before the crash stays out of sync")
                .isGreaterThanOrEqualTo(expectedKiB + 4);
        assertThat(afterCrash % 4).isZero();
    }
}
