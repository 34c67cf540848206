package org.drbdj.nbd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.drbdj.nativeio.Errno;
import org.drbdj.storage.BackingDevice;
import org.drbdj.storage.DeviceIoException;

/**
 * An {@link NbdExport} on a plain file (or block device): positional {@link FileChannel} I/O (by
 * default on the caller's event loop, see {@link Settings#inlineDataIo()}), {@code force(false)}
 * (fdatasync) for FLUSH and FUA on a small pool of worker threads ({@code drbd-nbd-file-*}),
 * the storage package's discard (hole punching) for TRIM and zeroing for WRITE_ZEROES. Writes go to the
 * page cache, so a FLUSH (device-wide fdatasync) makes every completed write stable, whichever
 * connection sent it: {@link #flushCoversAllConnections()} is true.
 *
 * <p>This is the single-node stand-in until the storage engine provides the real backend, and the
 * export the NBD tests use. The refusal reason can be switched at run time
 * ({@link #setRefusal(String)}) to model a Secondary.
 */
public final class FileNbdExport implements NbdExport, AutoCloseable {
    private static final int ZERO_CHUNK_BYTES = 1024 * 1024;
    private static final ByteBuffer ZEROES = ByteBuffer.allocateDirect(ZERO_CHUNK_BYTES).asReadOnlyBuffer();

    private final Path file;
    private final FileChannel channel;
    /** The same file through the storage package, for discard and write-zeroes (FileChannel has neither). */
    private final BackingDevice holes;
    private final ExecutorService workers;
    private final long sizeBytes;
    private final boolean readOnly;
    private final int minimumBlockSizeBytes;
    private final String description;
    private final boolean inlineDataIo;
    private volatile String refusal;
    private volatile boolean closed;

    private FileNbdExport(Path file, FileChannel channel, BackingDevice holes, ExecutorService workers,
            Settings settings) throws IOException {
        this.file = file;
        this.channel = channel;
        this.holes = holes;
        this.workers = workers;
        this.sizeBytes = channel.size();
        this.readOnly = settings.readOnly();
        this.minimumBlockSizeBytes = settings.minimumBlockSizeBytes();
        this.description = settings.description();
        this.inlineDataIo = settings.inlineDataIo();
    }

    /**
     * How a file export behaves.
     *
     * @param readOnly              refuse writes with EPERM (and open the file read-only)
     * @param ioThreads             worker threads for blocking file I/O (at least 1)
     * @param minimumBlockSizeBytes alignment clients must honour (1 for byte-granular files, 512 or
     *                              4096 to model a block device)
     * @param description           shown by {@code nbdinfo}
     * @param inlineDataIo          run reads, writes, trims and zeroing on the calling thread, the
     *                              server's event loop, instead of a worker: saves two thread hops
     *                              per request (page-cache I/O takes microseconds) and applies
     *                              changes in arrival order, at the price of stalling that loop when
     *                              the page cache must go to disk. fdatasync (FLUSH, FUA) always
     *                              runs on a worker.
     */
    public record Settings(boolean readOnly, int ioThreads, int minimumBlockSizeBytes, String description,
            boolean inlineDataIo) {
        public Settings {
            if (ioThreads < 1) {
                throw new IllegalArgumentException("ioThreads must be >= 1, got " + ioThreads);
            }
            if (Integer.bitCount(minimumBlockSizeBytes) != 1 || minimumBlockSizeBytes > 65536) {
                throw new IllegalArgumentException("minimumBlockSizeBytes must be a power of two up to 65536, got "
                        + minimumBlockSizeBytes);
            }
        }

        /** Writable, byte-granular, 4 workers, inline data I/O. */
        public static Settings defaults() {
            return new Settings(false, 4, 1, "", true);
        }

        public Settings withReadOnly(boolean value) {
            return new Settings(value, ioThreads, minimumBlockSizeBytes, description, inlineDataIo);
        }

        public Settings withMinimumBlockSizeBytes(int value) {
            return new Settings(readOnly, ioThreads, value, description, inlineDataIo);
        }

        public Settings withDescription(String value) {
            return new Settings(readOnly, ioThreads, minimumBlockSizeBytes, value, inlineDataIo);
        }

        public Settings withInlineDataIo(boolean value) {
            return new Settings(readOnly, ioThreads, minimumBlockSizeBytes, description, value);
        }

        public Settings withIoThreads(int value) {
            return new Settings(readOnly, value, minimumBlockSizeBytes, description, inlineDataIo);
        }
    }

    /** Opens {@code file} as an export of its current size. */
    public static FileNbdExport open(Path file, Settings settings) throws IOException {
        boolean readOnly = settings.readOnly();
        FileChannel channel = readOnly ? FileChannel.open(file, StandardOpenOption.READ)
                : FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        BackingDevice holes = readOnly ? null : openForHoles(file);
        ExecutorService workers = Executors.newFixedThreadPool(settings.ioThreads(),
                new DefaultThreadFactory("drbd-nbd-file", true));
        try {
            return new FileNbdExport(file, channel, holes, workers, settings);
        } catch (IOException | RuntimeException e) {
            workers.shutdownNow();
            channel.close();
            if (holes != null) {
                holes.close();
            }
            throw e;
        }
    }

    /** The file through JNA for discard and write-zeroes, or null without JNA: TRIM is then a no-op. */
    private static BackingDevice openForHoles(Path file) {
        try {
            return BackingDevice.open(file);
        } catch (IOException | LinkageError e) {
            return null;
        }
    }

    /** A writable, byte-granular export with the default settings. */
    public static FileNbdExport open(Path file) throws IOException {
        return open(file, Settings.defaults());
    }

    /** Sets (non-null) or clears (null) the reason clients are refused; see {@link NbdExport#refusal()}. */
    public void setRefusal(String reason) {
        this.refusal = reason;
    }

    public Path file() {
        return file;
    }

    @Override
    public long sizeBytes() {
        return sizeBytes;
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public Optional<String> refusal() {
        return Optional.ofNullable(refusal);
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public int minimumBlockSizeBytes() {
        return minimumBlockSizeBytes;
    }

    @Override
    public int preferredBlockSizeBytes() {
        return Math.max(4096, minimumBlockSizeBytes);
    }

    @Override
    public CompletableFuture<ByteBuf> read(long offsetBytes, int lengthBytes, ByteBufAllocator alloc) {
        return run(inlineDataIo, () -> {
            ByteBuf buf = alloc.directBuffer(lengthBytes, lengthBytes);
            try {
                ByteBuffer target = buf.nioBuffer(0, lengthBytes);
                long position = offsetBytes;
                while (target.hasRemaining()) {
                    int n = channel.read(target, position);
                    if (n < 0) {
                        // The file shrank under us: what lies beyond its end reads as zeroes.
                        while (target.hasRemaining()) {
                            target.put((byte) 0);
                        }
                        break;
                    }
                    position += n;
                }
                buf.writerIndex(lengthBytes);
                ByteBuf result = buf;
                buf = null;
                return result;
            } finally {
                if (buf != null) {
                    buf.release();
                }
            }
        });
    }

    @Override
    public CompletableFuture<Void> write(long offsetBytes, ByteBuf data, boolean fua) {
        return mutate(fua, () -> {
            long position = offsetBytes;
            int count = data.nioBufferCount();
            ByteBuffer[] sources = count == 1 ? new ByteBuffer[] {data.nioBuffer()} : data.nioBuffers();
            for (ByteBuffer source : sources) {
                while (source.hasRemaining()) {
                    position += channel.write(source, position);
                }
            }
        });
    }

    @Override
    public CompletableFuture<Void> flush() {
        return submit(() -> {
            channel.force(false);
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> trim(long offsetBytes, long lengthBytes, boolean fua) {
        return mutate(fua, () -> {
            // TRIM is a hint: without hole punching the data simply stays.
            if (holes != null) {
                try {
                    holes.discard(offsetBytes, lengthBytes);
                } catch (DeviceIoException e) {
                    if (e.errno() != Errno.EOPNOTSUPP) {
                        throw e;
                    }
                }
            }
        });
    }

    @Override
    public CompletableFuture<Void> writeZeroes(long offsetBytes, long lengthBytes, boolean noHole, boolean fua) {
        return mutate(fua, () -> {
            // Zeroing (ZERO_RANGE, BLKZEROOUT) keeps the blocks allocated, so it serves NO_HOLE too.
            boolean done = false;
            if (holes != null) {
                try {
                    holes.writeZeroes(offsetBytes, lengthBytes);
                    done = true;
                } catch (DeviceIoException e) {
                    if (e.errno() != Errno.EOPNOTSUPP) {
                        throw e;
                    }
                }
            }
            if (!done) {
                writeZeroBuffers(offsetBytes, lengthBytes);
            }
        });
    }

    private interface Mutation {
        void apply() throws IOException;
    }

    /**
     * Applies a change to the file, then (FUA) makes it stable. Inline mode applies it on the calling
     * event loop, so changes land in the order the client sent them (fio's trimwrite relies on this)
     * and only the fdatasync goes to a worker.
     */
    private CompletableFuture<Void> mutate(boolean fua, Mutation mutation) {
        if (!inlineDataIo) {
            return submit(() -> {
                mutation.apply();
                if (fua) {
                    channel.force(false);
                }
                return null;
            });
        }
        CompletableFuture<Void> applied = run(true, () -> {
            mutation.apply();
            return null;
        });
        if (!fua || applied.isCompletedExceptionally()) {
            return applied;
        }
        return flush();
    }

    private void writeZeroBuffers(long offsetBytes, long lengthBytes) throws IOException {
        long position = offsetBytes;
        long end = offsetBytes + lengthBytes;
        while (position < end) {
            ByteBuffer zeroes = ZEROES.duplicate();
            zeroes.limit((int) Math.min(ZERO_CHUNK_BYTES, end - position));
            while (zeroes.hasRemaining()) {
                position += channel.write(zeroes, position);
            }
        }
    }

    private interface IoCall<T> {
        T call() throws IOException;
    }

    private <T> CompletableFuture<T> run(boolean inline, IoCall<T> call) {
        if (!inline) {
            return submit(call);
        }
        if (closed) {
            return CompletableFuture.failedFuture(new NbdBackendException(NbdProtocol.ESHUTDOWN,
                    "export on " + file + " is closed"));
        }
        try {
            return CompletableFuture.completedFuture(call.call());
        } catch (IOException e) {
            return CompletableFuture.failedFuture(translate(e));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private <T> CompletableFuture<T> submit(IoCall<T> call) {
        CompletableFuture<T> future = new CompletableFuture<>();
        try {
            workers.execute(() -> {
                try {
                    future.complete(call.call());
                } catch (IOException e) {
                    future.completeExceptionally(translate(e));
                } catch (RuntimeException | Error e) {
                    future.completeExceptionally(e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            future.completeExceptionally(new NbdBackendException(NbdProtocol.ESHUTDOWN,
                    "export on " + file + " is closed", e));
        }
        return future;
    }

    /** ENOSPC-like failures become NBD_ENOSPC as the protocol asks; everything else stays EIO. */
    private IOException translate(IOException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("No space left") || message.contains("Disk quota exceeded")
                || message.contains("File too large")) {
            return new NbdBackendException(NbdProtocol.ENOSPC, message, e);
        }
        return e;
    }

    /** Stops the workers (after the queued I/O) and closes the file. Idempotent. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        workers.shutdown();
        try {
            if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        if (holes != null) {
            holes.close();
        }
        channel.close();
    }
}
