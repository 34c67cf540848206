package org.drbdj.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.drbdj.meta.bitmap.DrbdBitmap;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@link DrbdBitmap} on a 4 TiB device: 2^30 bits (one per 4 KiB), one peer slot, 128 MiB of
 * bitmap. Measures what the I/O path and the resync walker do: mark one 4 KiB write out of sync,
 * mark a whole 4 MiB extent (apply-al), count, and walk the set bits (resync) of a clean, a sparse
 * (0.1 %) and a full bitmap.
 *
 * <p>Run: {@code mvn -Pbench -pl drbd-bench -am package -DskipTests && java -jar
 * drbd-bench/target/benchmarks.jar BitmapBenchmark}
 */
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class BitmapBenchmark {
    /** 4 TiB / 4 KiB. */
    static final long BITS = 1L << 30;

    private DrbdBitmap clean;
    private DrbdBitmap sparse;
    private DrbdBitmap full;
    private DrbdBitmap scratch;
    private SplittableRandom random;

    @Setup(Level.Trial)
    public void setUp() {
        random = new SplittableRandom(42);
        clean = new DrbdBitmap(BITS, 1);
        sparse = new DrbdBitmap(BITS, 1);
        for (long i = 0; i < BITS / 1000; i++) {
            long b = random.nextLong(BITS);
            sparse.set(0, b, b + 1);
        }
        full = new DrbdBitmap(BITS, 1);
        full.setAll(0);
        scratch = new DrbdBitmap(BITS, 1);
    }

    /** One application write of 4 KiB while disconnected: set one bit at a random position. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long setOneBit() {
        long b = random.nextLong(BITS);
        return scratch.set(0, b, b + 1);
    }

    /** apply-al of one 4 MiB extent: set 1024 bits. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long setOneExtent() {
        long e = random.nextLong(BITS / 1024);
        return scratch.set(0, e * 1024, e * 1024 + 1024);
    }

    /** Full sync: set all 2^30 bits, then clear them again (two whole-bitmap passes). */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long setAllThenClearAll() {
        return scratch.setAll(0) + scratch.clearAll(0);
    }

    /** Resync walk of a clean bitmap: nextSetBit from 0 finds nothing (skips clean pages). */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long scanClean() {
        return clean.nextSetBit(0, 0);
    }

    /** Resync walk of a sparse bitmap (~1.07 M set bits, 0.1 %): visit every set bit. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long scanSparse() {
        long n = 0;
        for (long b = sparse.nextSetBit(0, 0); b >= 0; b = sparse.nextSetBit(0, b + 1)) {
            n++;
        }
        return n;
    }

    /** Count of a range covering the whole full bitmap (popcount of 128 MiB). */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long countFullRange() {
        return full.count(0, 0, BITS);
    }

    /** Resync walk of a full bitmap in 1 MiB requests: nextSetBit, then skip 256 bits, to the end. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long scanFullIn1MiBSteps() {
        long n = 0;
        for (long b = full.nextSetBit(0, 0); b >= 0 && b + 256 < BITS; b = full.nextSetBit(0, b + 256)) {
            n++;
        }
        return n;
    }
}
