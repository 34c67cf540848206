package org.drbdj.daemon;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.drbdj.meta.MdFlags;
import org.drbdj.meta.al.ActivityLog;
import org.drbdj.meta.al.AlLayout;
import org.drbdj.nbd.NbdBackendException;
import org.drbdj.nbd.NbdExport;
import org.drbdj.nbd.NbdProtocol;
import org.drbdj.state.AutoPromotion;
import org.drbdj.state.Role;
import org.drbdj.storage.BackingDevice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One volume (minor) of a resource while it has a disk: the backing device, its meta-data and the
 * activity log, and the NBD export in front of them. This is the local half of DRBD's write path:
 * every write first makes its 4 MiB extents hot in the activity log (committing a transaction when
 * an extent was cold), then goes to the backing device; replication will add the peer here.
 *
 * <p>Two views are exported: the public one ({@link #publicExport()}) refuses clients while the
 * resource is not Primary, as DRBD refuses to open a Secondary's device; the device view
 * ({@link #deviceExport()}), which backs {@code /dev/drbdN}, stays connected while Secondary and
 * asks the {@link RoleGate} what each request gets: with auto-promote a write promotes first and
 * reads of UpToDate data are served; without it every request fails with EPERM, so {@code mount}
 * fails there too.
 */
final class Volume implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Volume.class);

    /** What to do when the backing device fails a request ({@code disk { on-io-error }}). */
    enum OnIoError { DETACH, PASS_ON, CALL_LOCAL_IO_ERROR }

    /** The resource's role as the I/O path needs it; called on NBD threads, must not block. */
    interface RoleGate {
        /** The current role. */
        Role role();

        /** What a read of this volume through {@code /dev/drbdN} gets now. */
        AutoPromotion.Access deviceRead();

        /** What a write of this volume through {@code /dev/drbdN} gets now. */
        AutoPromotion.Access deviceWrite();

        /** Promotes the resource for a write; completes with true once Primary, false when refused. */
        CompletableFuture<Boolean> promoteForWrite();
    }

    private final String resource;
    private final int vnr;
    private final int minor;
    private final BackingDevice device;
    /** Where the activity log lives: the data device for internal meta-data, else the meta-data device. */
    private final BackingDevice metaDevice;
    private final VolumeMetaData meta;
    private final ActivityLog al;
    private final long sizeBytes;
    private final OnIoError onIoError;
    private final ExecutorService io;
    private final RoleGate gate;
    private final LongSupplier nanoClock;
    private final Consumer<IOException> diskFailure;
    private volatile boolean failed;
    /** Clock time the last write (or trim, zeroing) reached /dev/drbdN: auto-demote waits for quiet. */
    private volatile long lastWriteNs;

    Volume(String resource, int vnr, int minor, BackingDevice device, BackingDevice metaDevice, VolumeMetaData meta,
           int alExtents,
           long alNextTrNumber, OnIoError onIoError, RoleGate gate, LongSupplier nanoClock,
           Consumer<IOException> diskFailure) {
        this.resource = resource;
        this.vnr = vnr;
        this.minor = minor;
        this.device = device;
        this.metaDevice = metaDevice;
        this.meta = meta;
        this.sizeBytes = meta.usableBytes(device.sizeBytes());
        AlLayout layout = AlLayout.ofSize(meta.alOffsetBytes(), meta.alSizeBytes());
        this.al = new ActivityLog(metaDevice, layout, Math.min(alExtents, layout.maxAlExtents()), alNextTrNumber,
                extents -> metaDevice.flush());
        this.onIoError = onIoError;
        this.gate = gate;
        this.nanoClock = nanoClock;
        this.lastWriteNs = nanoClock.getAsLong();
        this.diskFailure = diskFailure;
        this.io = Executors.newFixedThreadPool(2, new io.netty.util.concurrent.DefaultThreadFactory(
                "drbd-" + resource + "-io" + vnr, true));
    }

    int vnr() {
        return vnr;
    }

    int minor() {
        return minor;
    }

    long sizeBytes() {
        return sizeBytes;
    }

    VolumeMetaData meta() {
        return meta;
    }

    BackingDevice device() {
        return device;
    }

    String exportName() {
        return "drbd" + minor;
    }

    NbdExport publicExport() {
        return new Export(false);
    }

    NbdExport deviceExport() {
        return new Export(true);
    }

    /** Clock time the last write reached {@code /dev/drbdN} (the attach time before any). */
    long lastWriteNs() {
        return lastWriteNs;
    }

    private boolean primary() {
        return gate.role() == Role.PRIMARY;
    }

    private CompletableFuture<Void> submit(IoAction action, String what) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (failed) {
            f.completeExceptionally(new NbdBackendException(NbdProtocol.EIO, minor + ": disk failed, " + what + " refused"));
            return f;
        }
        io.execute(() -> {
            try {
                action.run();
                f.complete(null);
            } catch (IOException e) {
                onError(e, what);
                f.completeExceptionally(new NbdBackendException(NbdProtocol.EIO, e.getMessage(), e));
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    private void onError(IOException e, String what) {
        LOG.error("{}/{} (minor {}): local disk {} failed: {}", resource, vnr, minor, what, e.getMessage());
        if (onIoError != OnIoError.PASS_ON) {
            failed = onIoError == OnIoError.DETACH;
            diskFailure.accept(e);
        }
    }

    /** A write: make the extents hot in the AL, write, release the extents. */
    private void write(ByteBuffer data, long offsetBytes, boolean fua) throws IOException {
        al.begin(offsetBytes, data.remaining());
        writeReserved(data, offsetBytes, fua);
    }

    /**
     * Largest write done on the event loop: small writes gain most from skipping the thread hop,
     * while large ones are better spread over the I/O pool (measured with blockbench, see
     * docs/benchmarks.md).
     */
    private static final int INLINE_MAX_BYTES = 128 * 1024;

    /** Writes into extents already reserved (and committed) in the activity log, then releases them. */
    private void writeReserved(ByteBuffer data, long offsetBytes, boolean fua) throws IOException {
        int length = data.remaining();
        try {
            if (fua) {
                device.writeFua(data, offsetBytes);
            } else {
                device.write(data, offsetBytes);
            }
        } finally {
            al.complete(offsetBytes, length);
        }
    }

    /** Runs an I/O on the calling thread (used only where it cannot wait on anything but the disk). */
    private CompletableFuture<Void> inline(IoAction action, String what) {
        try {
            action.run();
            return CompletableFuture.completedFuture(null);
        } catch (IOException e) {
            onError(e, what);
            return CompletableFuture.failedFuture(new NbdBackendException(NbdProtocol.EIO, e.getMessage(), e));
        }
    }

    /** Largest range one discard/zeroing holds in the activity log at once (16 extents). */
    private static final long AL_CHUNK_BYTES = 16 * ActivityLog.EXTENT_BYTES;

    @FunctionalInterface
    private interface RangeOp {
        void apply(long offsetBytes, long lengthBytes) throws IOException;
    }

    /** A large discard or zeroing walks the range in pieces, so it never needs the whole AL at once. */
    private void inAlChunks(long offsetBytes, long lengthBytes, boolean fua, RangeOp op) throws IOException {
        long end = offsetBytes + lengthBytes;
        for (long pos = offsetBytes; pos < end; ) {
            long len = Math.min(AL_CHUNK_BYTES - (pos % ActivityLog.EXTENT_BYTES), end - pos);
            al.begin(pos, len);
            try {
                op.apply(pos, len);
            } finally {
                al.complete(pos, len);
            }
            pos += len;
        }
        if (fua) {
            device.flush();
        }
    }

    /** Marks the meta-data clean and closes the backing device; called on detach/down. */
    @Override
    public void close() {
        io.shutdown();
        try {
            if (!io.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)) {
                LOG.warn("{}/{}: I/O still pending after 30 s at detach", resource, vnr);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (!failed) {
                device.flush();
                meta.updateFlags(MdFlags.AL_CLEAN, MdFlags.PRIMARY_IND);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}/{}: could not mark the meta-data clean: {}", resource, vnr, e.getMessage());
        }
        meta.close();
        for (BackingDevice d : metaDevice == device ? List.of(device) : List.of(device, metaDevice)) {
            try {
                d.close();
            } catch (IOException e) {
                LOG.warn("{}/{}: closing {}: {}", resource, vnr, d.path(), e.getMessage());
            }
        }
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }

    /** The NBD face of this volume. */
    private final class Export implements NbdExport {
        private final boolean deviceView;

        Export(boolean deviceView) {
            this.deviceView = deviceView;
        }

        @Override
        public long sizeBytes() {
            return sizeBytes;
        }

        @Override
        public boolean readOnly() {
            return false;
        }

        @Override
        public Optional<String> refusal() {
            if (deviceView || primary()) {
                return Optional.empty();
            }
            return Optional.of("resource " + resource + " is Secondary; promote it with 'drbdadm primary "
                    + resource + "' first");
        }

        @Override
        public String description() {
            return "drbdj " + resource + "/" + vnr + " (minor " + minor + ")";
        }

        @Override
        public int minimumBlockSizeBytes() {
            return 512;
        }

        private AutoPromotion.Access readAccess() {
            if (deviceView) {
                return gate.deviceRead();
            }
            return primary() ? AutoPromotion.Access.SERVE : AutoPromotion.Access.REFUSE;
        }

        private AutoPromotion.Access writeAccess() {
            if (deviceView) {
                lastWriteNs = nanoClock.getAsLong();
                return gate.deviceWrite();
            }
            return primary() ? AutoPromotion.Access.SERVE : AutoPromotion.Access.REFUSE;
        }

        private <T> CompletableFuture<T> refused() {
            return CompletableFuture.failedFuture(new NbdBackendException(NbdProtocol.EPERM,
                    resource + " is Secondary: I/O refused"));
        }

        /**
         * Runs {@code io} once the resource is Primary. The continuation runs on whichever thread
         * completed the promotion, so {@code io} must only queue work, never do it.
         */
        private <T> CompletableFuture<T> afterPromotion(Supplier<CompletableFuture<T>> io) {
            return gate.promoteForWrite().thenCompose(promoted -> promoted ? io.get()
                    : CompletableFuture.failedFuture(new NbdBackendException(NbdProtocol.EPERM,
                            resource + " is Secondary and auto-promote was refused: I/O refused")));
        }

        @Override
        public CompletableFuture<ByteBuf> read(long offsetBytes, int lengthBytes, ByteBufAllocator alloc) {
            if (readAccess() != AutoPromotion.Access.SERVE) {
                return refused();
            }
            ByteBuf buf = alloc.directBuffer(lengthBytes, lengthBytes);
            ByteBuffer nio = buf.nioBuffer(0, lengthBytes);
            return submit(() -> device.read(nio, offsetBytes), "read").handle((v, e) -> {
                if (e != null) {
                    buf.release();
                    throw e instanceof RuntimeException re ? re : new java.util.concurrent.CompletionException(e);
                }
                return buf.writerIndex(lengthBytes);
            });
        }

        @Override
        public CompletableFuture<Void> write(long offsetBytes, ByteBuf data, boolean fua) {
            // The server releases data once the future completes, so the NIO view stays valid until then.
            ByteBuffer nio = data.nioBuffer();
            switch (writeAccess()) {
                case SERVE:
                    return writeNow(nio, offsetBytes, fua);
                case PROMOTE_FIRST:
                    return afterPromotion(() -> submit(() -> Volume.this.write(nio, offsetBytes, fua), "write"));
                default:
                    return refused();
            }
        }

        private CompletableFuture<Void> writeNow(ByteBuffer nio, long offsetBytes, boolean fua) {
            if (failed || fua || nio.remaining() > INLINE_MAX_BYTES) {
                return submit(() -> Volume.this.write(nio, offsetBytes, fua), "write");
            }
            switch (al.tryBegin(offsetBytes, nio.remaining())) {
                case ACTIVE:
                    // Fast path: the extents are hot and committed, nothing to wait for but the page
                    // cache, so the write runs right here instead of hopping to the I/O pool and back.
                    return inline(() -> writeReserved(nio, offsetBytes, false), "write");
                case NEEDS_COMMIT:
                    // Reserved, but the AL transaction must reach the disk first: that waits, so on the pool.
                    return submit(() -> {
                        try {
                            al.commit();
                        } catch (IOException e) {
                            al.complete(offsetBytes, nio.remaining());
                            throw e;
                        }
                        writeReserved(nio, offsetBytes, false);
                    }, "write");
                default:
                    return submit(() -> Volume.this.write(nio, offsetBytes, false), "write");
            }
        }

        @Override
        public CompletableFuture<Void> flush() {
            // A flush changes no data, so a Secondary honours it too (nbdfuse flushes when it connects).
            return submit(device::flush, "flush");
        }

        @Override
        public CompletableFuture<Void> trim(long offsetBytes, long lengthBytes, boolean fua) {
            return rangeOp(() -> submit(() -> inAlChunks(offsetBytes, lengthBytes, fua, device::discard), "discard"));
        }

        @Override
        public CompletableFuture<Void> writeZeroes(long offsetBytes, long lengthBytes, boolean noHole, boolean fua) {
            return rangeOp(() -> submit(() -> inAlChunks(offsetBytes, lengthBytes, fua, device::writeZeroes),
                    "write-zeroes"));
        }

        /** Discards and zeroing change data like writes: the same gate, always on the I/O pool. */
        private CompletableFuture<Void> rangeOp(Supplier<CompletableFuture<Void>> op) {
            switch (writeAccess()) {
                case SERVE:
                    return op.get();
                case PROMOTE_FIRST:
                    return afterPromotion(op);
                default:
                    return refused();
            }
        }
    }
}
