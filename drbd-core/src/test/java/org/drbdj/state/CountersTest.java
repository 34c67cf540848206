package org.drbdj.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The live counters under concurrent updates, and their snapshots. */
class CountersTest {
    @Test
    @Timeout(60)
    void concurrentUpdatesAddUp() throws Exception {
        DeviceCounters dev = new DeviceCounters();
        PeerDeviceCounters peer = new PeerDeviceCounters();
        ConnectionCounters conn = new ConnectionCounters();
        int threads = 4;
        int perThread = 10_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        dev.upperStarted();
                        dev.lowerStarted();
                        dev.addWritten(4096);
                        dev.addRead(512);
                        peer.pendingStarted();
                        peer.addSent(4096);
                        conn.addApInFlight(4096);
                        // the ack arrives
                        peer.pendingDone();
                        conn.addApInFlight(-4096);
                        dev.lowerDone();
                        dev.upperDone();
                        if (i % 100 == 0) {
                            dev.addAlWrite();
                        }
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        long n = (long) threads * perThread;
        DeviceStats d = dev.snapshot();
        assertThat(d.writtenSectors()).isEqualTo(n * 8);
        assertThat(d.writtenKiB()).isEqualTo(n * 4);
        assertThat(d.readKiB()).isEqualTo(n / 2);
        assertThat(d.alWrites()).isEqualTo(threads * (perThread / 100));
        assertThat(d.upperPending()).isZero();
        assertThat(d.lowerPending()).isZero();
        PeerDeviceStats p = peer.snapshot(16);
        assertThat(p.sentSectors()).isEqualTo(n * 8);
        assertThat(p.pending()).isZero();
        assertThat(p.outOfSyncSectors()).isEqualTo(16);
        assertThat(conn.snapshot().apInFlightSectors()).isZero();
    }

    @Test
    void completionsWithoutStartsAreBugs() {
        DeviceCounters dev = new DeviceCounters();
        assertThatThrownBy(dev::upperDone).hasMessageContaining("upper pending");
        assertThat(dev.snapshot().upperPending()).isZero();
        ConnectionCounters conn = new ConnectionCounters();
        conn.epochOpened();
        conn.epochClosed();
        assertThatThrownBy(conn::epochClosed).hasMessageContaining("epoch");
        conn.setCongested(true);
        assertThat(conn.snapshot()).isEqualTo(new ConnectionStats(true, 0, 0, 0));
    }

    @Test
    void snapshotsRejectNegativeValues() {
        assertThatThrownBy(() -> new DeviceStats(-1, 0, 0, 0, 0, 0)).hasMessage("readSectors must not be negative, got -1");
        assertThatThrownBy(() -> new PeerDeviceStats(0, 0, 0, -2, 0)).hasMessageContaining("pending");
    }
}
