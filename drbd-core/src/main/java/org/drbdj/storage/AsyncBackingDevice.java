package org.drbdj.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Runs the blocking {@link BackingDevice} calls on an I/O executor and completes futures, so that
 * a Netty event loop can submit disk I/O without blocking. A failed future carries the
 * {@link DeviceIoException} (with errno) as its cause. Completion runs on the executor thread;
 * hop back to the event loop with {@code whenCompleteAsync(..., eventLoop)} where needed.
 */
public final class AsyncBackingDevice {
    @FunctionalInterface
    private interface IoAction<T> {
        T run() throws IOException;
    }

    private final BackingDevice device;
    private final Executor executor;

    public AsyncBackingDevice(BackingDevice device, Executor executor) {
        this.device = device;
        this.executor = executor;
    }

    /** The wrapped device. */
    public BackingDevice device() {
        return device;
    }

    /** Reads dst.remaining() bytes at offsetBytes; the buffer must not be touched until completion. */
    public CompletableFuture<Void> read(ByteBuffer dst, long offsetBytes) {
        return submit(() -> {
            device.read(dst, offsetBytes);
            return null;
        });
    }

    /** Writes src.remaining() bytes at offsetBytes, with FUA when asked. */
    public CompletableFuture<Void> write(ByteBuffer src, long offsetBytes, boolean fua) {
        return submit(() -> {
            if (fua) {
                device.writeFua(src, offsetBytes);
            } else {
                device.write(src, offsetBytes);
            }
            return null;
        });
    }

    /** fdatasync. */
    public CompletableFuture<Void> flush() {
        return submit(() -> {
            device.flush();
            return null;
        });
    }

    /** Discard (TRIM) of a range. */
    public CompletableFuture<Void> discard(long offsetBytes, long lengthBytes) {
        return submit(() -> {
            device.discard(offsetBytes, lengthBytes);
            return null;
        });
    }

    /** Write-zeroes of a range. */
    public CompletableFuture<Void> writeZeroes(long offsetBytes, long lengthBytes) {
        return submit(() -> {
            device.writeZeroes(offsetBytes, lengthBytes);
            return null;
        });
    }

    private <T> CompletableFuture<T> submit(IoAction<T> action) {
        CompletableFuture<T> f = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    f.complete(action.run());
                } catch (IOException | RuntimeException e) {
                    f.completeExceptionally(e);
                }
            });
        } catch (RuntimeException rejected) {
            f.completeExceptionally(rejected);
        }
        return f;
    }

    /** Unwraps a future's failure to the IOException it carries, if any (for callers that join()). */
    public static IOException ioCause(Throwable t) {
        Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (c instanceof IOException io) {
            return io;
        }
        if (c instanceof UncheckedIOException u) {
            return u.getCause();
        }
        return null;
    }
}
