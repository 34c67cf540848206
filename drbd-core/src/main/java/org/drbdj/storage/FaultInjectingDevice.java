package org.drbdj.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.drbdj.nativeio.Errno;

/**
 * A {@link BackingDevice} decorator that injects faults, the named seam for disk failures in tests
 * (the analogue of DRBD's {@code fault_rate}/{@code enable_faults} module parameters and of
 * dm-error/dm-delay in LINBIT's test suite). Faults: fail the Nth write, fail every request
 * touching a range, fail writes at random with a seeded {@link Random} (so a failure reproduces),
 * delay every request, and simulate power loss: after a given number of writes, or in the middle of
 * one (a torn write), nothing more reaches the disk.
 *
 * <p>Write numbers count {@link #write} and {@link #writeFua} calls from 1. Configure the faults
 * before starting I/O; the methods are thread-safe.
 */
public final class FaultInjectingDevice implements BackingDevice {
    /** Which requests a range fault applies to. */
    public enum Ops { READS, WRITES, ALL }

    /** One write that reached the device: what the crash tests inspect. */
    public record WriteRecord(long number, long offsetBytes, int lengthBytes, boolean fua) {
    }

    /**
     * Thrown for every request after a simulated power loss. Callers treat it like any I/O error;
     * tests then reopen the underlying file to "reboot".
     */
    public static final class SimulatedCrashException extends DeviceIoException {
        private static final long serialVersionUID = 1L;

        SimulatedCrashException(String operation, Path path, long offsetBytes, long lengthBytes) {
            super(operation + " after simulated power loss", path.toString(), offsetBytes, lengthBytes, Errno.EIO);
        }
    }

    private record RangeFault(long offsetBytes, long lengthBytes, int errno, Ops ops) {
    }

    private final BackingDevice delegate;
    private final Random random;
    private final List<RangeFault> rangeFaults = new ArrayList<>();
    private final List<WriteRecord> writes = new ArrayList<>();
    private long writeCount;
    private long failNthWrite = -1;
    private int failNthWriteErrno;
    private double randomWriteFailureProbability;
    private int randomWriteFailureErrno;
    private long delayNanos;
    private long crashAfterWrites = -1;
    private long tornWriteNumber = -1;
    private int tornWriteKeepBytes;
    private boolean crashed;

    /** Wraps delegate; {@code seed} drives every random decision. */
    public FaultInjectingDevice(BackingDevice delegate, long seed) {
        this.delegate = delegate;
        this.random = new Random(seed);
    }

    /** The Nth write (counting from 1) fails with errno and does not reach the disk. */
    public synchronized FaultInjectingDevice failNthWrite(long n, int errno) {
        this.failNthWrite = n;
        this.failNthWriteErrno = errno;
        return this;
    }

    /** Every request of the given kind overlapping [offsetBytes, offsetBytes+lengthBytes) fails with errno. */
    public synchronized FaultInjectingDevice failRange(long offsetBytes, long lengthBytes, int errno, Ops ops) {
        rangeFaults.add(new RangeFault(offsetBytes, lengthBytes, errno, ops));
        return this;
    }

    /** Each write fails with the given probability (seeded), with errno. */
    public synchronized FaultInjectingDevice failWritesRandomly(double probability, int errno) {
        this.randomWriteFailureProbability = probability;
        this.randomWriteFailureErrno = errno;
        return this;
    }

    /** Every request first sleeps this long (a slow disk; for timeout tests). */
    public synchronized FaultInjectingDevice delay(long amount, TimeUnit unit) {
        this.delayNanos = unit.toNanos(amount);
        return this;
    }

    /**
     * Power loss after {@code n} writes have reached the disk: write n+1 and every later request
     * fail with {@link SimulatedCrashException} and change nothing. n = 0 crashes before any write.
     */
    public synchronized FaultInjectingDevice crashAfterWrites(long n) {
        this.crashAfterWrites = n;
        return this;
    }

    /**
     * Power loss in the middle of write {@code n}: only its first {@code keepBytes} bytes reach the
     * disk (a torn write), then the device is gone as with {@link #crashAfterWrites}.
     */
    public synchronized FaultInjectingDevice tearWrite(long n, int keepBytes) {
        this.tornWriteNumber = n;
        this.tornWriteKeepBytes = keepBytes;
        return this;
    }

    /** True once a simulated power loss happened. */
    public synchronized boolean crashed() {
        return crashed;
    }

    /** Writes that reached the disk (fully or torn), in order. */
    public synchronized List<WriteRecord> writes() {
        return List.copyOf(writes);
    }

    /** Number of writes issued so far (including failed ones). */
    public synchronized long writeCount() {
        return writeCount;
    }

    @Override
    public Path path() {
        return delegate.path();
    }

    @Override
    public boolean isBlockDevice() {
        return delegate.isBlockDevice();
    }

    @Override
    public boolean isDirect() {
        return delegate.isDirect();
    }

    @Override
    public long sizeBytes() {
        return delegate.sizeBytes();
    }

    @Override
    public int logicalBlockSizeBytes() {
        return delegate.logicalBlockSizeBytes();
    }

    @Override
    public void read(ByteBuffer dst, long offsetBytes) throws IOException {
        before("read", offsetBytes, dst.remaining(), Ops.READS);
        delegate.read(dst, offsetBytes);
    }

    @Override
    public void write(ByteBuffer src, long offsetBytes) throws IOException {
        doWrite(src, offsetBytes, false);
    }

    @Override
    public void writeFua(ByteBuffer src, long offsetBytes) throws IOException {
        doWrite(src, offsetBytes, true);
    }

    /** One request, one write to count and fault: the pieces are joined (a copy; this is a test seam). */
    @Override
    public void write(ByteBuffer[] srcs, long offsetBytes, boolean fua) throws IOException {
        int total = 0;
        for (ByteBuffer b : srcs) {
            total += b.remaining();
        }
        ByteBuffer joined = ByteBuffer.allocate(total);
        for (ByteBuffer b : srcs) {
            joined.put(b.duplicate());
        }
        doWrite(joined.flip(), offsetBytes, fua);
        for (ByteBuffer b : srcs) {
            b.position(b.limit());
        }
    }

    private void doWrite(ByteBuffer src, long offsetBytes, boolean fua) throws IOException {
        String op = fua ? "writeFua" : "write";
        int length = src.remaining();
        long number;
        int keep = -1;
        synchronized (this) {
            before(op, offsetBytes, length, Ops.WRITES);
            number = ++writeCount;
            if (crashAfterWrites >= 0 && number > crashAfterWrites) {
                crashed = true;
                throw new SimulatedCrashException(op, path(), offsetBytes, length);
            }
            if (number == failNthWrite) {
                throw new DeviceIoException(op + " (injected fault, write #" + number + ")", path().toString(),
                        offsetBytes, length, failNthWriteErrno);
            }
            if (randomWriteFailureProbability > 0 && random.nextDouble() < randomWriteFailureProbability) {
                throw new DeviceIoException(op + " (injected random fault, write #" + number + ")",
                        path().toString(), offsetBytes, length, randomWriteFailureErrno);
            }
            if (number == tornWriteNumber) {
                keep = Math.min(tornWriteKeepBytes, length);
                crashed = true;
            }
            writes.add(new WriteRecord(number, offsetBytes, keep >= 0 ? keep : length, fua));
        }
        if (keep >= 0) {
            ByteBuffer head = src.duplicate();
            head.limit(head.position() + keep);
            delegate.write(head, offsetBytes);
            delegate.flush(); // the torn prefix is what survives the power loss
            throw new SimulatedCrashException(op + " (torn after " + keep + " bytes)", path(), offsetBytes, length);
        }
        if (fua) {
            delegate.writeFua(src, offsetBytes);
        } else {
            delegate.write(src, offsetBytes);
        }
    }

    @Override
    public void flush() throws IOException {
        before("flush", 0, 0, Ops.WRITES);
        delegate.flush();
    }

    @Override
    public void discard(long offsetBytes, long lengthBytes) throws IOException {
        before("discard", offsetBytes, lengthBytes, Ops.WRITES);
        delegate.discard(offsetBytes, lengthBytes);
    }

    @Override
    public void writeZeroes(long offsetBytes, long lengthBytes) throws IOException {
        before("writeZeroes", offsetBytes, lengthBytes, Ops.WRITES);
        delegate.writeZeroes(offsetBytes, lengthBytes);
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }

    private void before(String op, long offsetBytes, long lengthBytes, Ops kind) throws IOException {
        long sleep;
        synchronized (this) {
            if (crashed) {
                throw new SimulatedCrashException(op, path(), offsetBytes, lengthBytes);
            }
            for (RangeFault f : rangeFaults) {
                boolean applies = f.ops() == Ops.ALL || f.ops() == kind;
                boolean overlaps = lengthBytes > 0 && offsetBytes < f.offsetBytes() + f.lengthBytes()
                        && f.offsetBytes() < offsetBytes + lengthBytes;
                if (applies && overlaps) {
                    throw new DeviceIoException(op + " (injected range fault)", path().toString(), offsetBytes,
                            lengthBytes, f.errno());
                }
            }
            sleep = delayNanos;
        }
        if (sleep > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DeviceIoException(op + " interrupted during injected delay", path().toString(),
                        offsetBytes, lengthBytes, 4 /* EINTR */);
            }
        }
    }
}
