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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.drbdj.meta.MdFlags;
import org.drbdj.meta.al.ActivityLog;
import org.drbdj.meta.al.AlLayout;
import org.drbdj.meta.bitmap.DrbdBitmap;
import org.drbdj.meta.bitmap.OnDiskBitmap;
import org.drbdj.nbd.NbdBackendException;
import org.drbdj.nbd.NbdExport;
import org.drbdj.nbd.NbdProtocol;
import org.drbdj.state.AutoPromotion;
import org.drbdj.state.DeviceStats;
import org.drbdj.state.Role;
import org.drbdj.storage.BackingDevice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One volume (minor) of a resource while it has a disk: the backing device, its meta-data (the
 * activity log and the bitmap), and the NBD export in front of them. This is the local half of
 * DRBD's write path: every write first makes its 4 MiB extents hot in the activity log (committing
 * a transaction when an extent was cold), then goes to the backing device, and the blocks it
 * changed are marked out of sync towards the peer in the bitmap while the extents are still hot
 * (replication will send them to the peer instead when connected).
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
    enum OnIoError {
        DETACH, PASS_ON, CALL_LOCAL_IO_ERROR;

        /** The policy of an on-io-error value as drbdsetup names it; unset means detach (DRBD's default). */
        static OnIoError of(String value) {
            return switch (value == null ? "detach" : value) {
                case "pass_on" -> PASS_ON;
                case "call-local-io-error" -> CALL_LOCAL_IO_ERROR;
                case "detach" -> DETACH;
                default -> throw new IllegalArgumentException("on-io-error '" + value
                        + "' is not valid; valid: pass_on, call-local-io-error, detach");
            };
        }
    }

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
    /** The bitmap (every peer slot) and its area on the meta-data device. */
    private final OnDiskBitmap bitmap;
    /** The peer's bitmap slot: 0, as DRBD 8.4 has one peer (v09 meta-data gives it slot 0 too). */
    private final int peerSlot = 0;
    private final LongAdder readBytes = new LongAdder();
    private final LongAdder writtenBytes = new LongAdder();
    /** Requests accepted but not answered ({@code ap:}/upper-pending) and those at the disk ({@code lo:}). */
    private final AtomicInteger upperPending = new AtomicInteger();
    private final AtomicInteger lowerPending = new AtomicInteger();
    private final long sizeBytes;
    /** Changed live by disk-options; read by the I/O threads. */
    private volatile OnIoError onIoError;
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
           Consumer<IOException> diskFailure) throws IOException {
        this.resource = resource;
        this.vnr = vnr;
        this.minor = minor;
        this.device = device;
        this.metaDevice = metaDevice;
        this.meta = meta;
        this.sizeBytes = meta.usableBytes(device.sizeBytes());
        this.bitmap = new OnDiskBitmap(metaDevice, meta.bmOffsetBytes(),
                new DrbdBitmap(DrbdBitmap.bitsForSizeBytes(sizeBytes), meta.maxPeers()));
        bitmap.readAll();
        AlLayout layout = AlLayout.ofSize(meta.alOffsetBytes(), meta.alSizeBytes());
        // Bits of an extent leaving the AL must be on disk first: after a crash only AL extents are re-marked.
        this.al = new ActivityLog(metaDevice, layout, Math.min(alExtents, layout.maxAlExtents()), alNextTrNumber,
                ActivityLog.EvictionHook.writingBitmap(bitmap));
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

    /** Applies a new on-io-error policy to the I/O that fails from now on. */
    void onIoError(OnIoError policy) {
        this.onIoError = policy;
    }

    int alExtents() {
        return al.alExtents();
    }

    /**
     * Changes al-extents (disk-options), clamped to what the AL ring holds as DRBD clamps it. The
     * activity log can only be resized while no write holds an extent, so this retries until the
     * writes in flight have completed, for at most {@code waitMs}.
     *
     * @return false when the log stayed in use for {@code waitMs}; nothing changed then
     */
    boolean resizeActivityLog(int alExtents, long waitMs) throws IOException {
        int n = Math.min(alExtents, al.layout().maxAlExtents());
        if (n == al.alExtents()) {
            return true;
        }
        // The evicted extents leave the AL's protection: their completed writes must be durable.
        device.flush();
        long deadline = System.nanoTime() + waitMs * 1_000_000L;
        while (!al.resize(n)) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        LOG.info("{}/{} (minor {}): activity log resized to {} extents", resource, vnr, minor, n);
        return true;
    }

    String exportName() {
        return "drbd" + minor;
    }

    /** Data known to differ from the peer's copy, from the bitmap ({@code oos:}, {@code out-of-sync:}). */
    long outOfSyncSectors() {
        return bitmap.bitmap().count(peerSlot) * (DrbdBitmap.BYTES_PER_BIT / 512);
    }

    /** The device counters of /proc/drbd and {@code events2 --statistics} ({@code dw dr al bm lo ap}). */
    DeviceStats stats() {
        return new DeviceStats(readBytes.sum() / 512, writtenBytes.sum() / 512, al.transactionsWritten(),
                bitmap.pagesWritten(), upperPending.get(), lowerPending.get());
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
        upperPending.incrementAndGet();
        io.execute(() -> {
            Exception failure = null;
            lowerPending.incrementAndGet();
            try {
                action.run();
            } catch (IOException | RuntimeException e) {
                failure = e;
            } finally {
                lowerPending.decrementAndGet();
                upperPending.decrementAndGet();
            }
            if (failure == null) {
                f.complete(null);
            } else if (failure instanceof IOException e) {
                onError(e, what);
                f.completeExceptionally(new NbdBackendException(NbdProtocol.EIO, e.getMessage(), e));
            } else {
                f.completeExceptionally(failure);
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
    private void write(ByteBuffer[] data, int length, long offsetBytes, boolean fua) throws IOException {
        al.begin(offsetBytes, length);
        writeReserved(data, length, offsetBytes, fua);
    }

    /**
     * Largest write done on the event loop: small writes gain most from skipping the thread hop,
     * while large ones are better spread over the I/O pool (measured with blockbench, see
     * docs/benchmarks.md).
     */
    private static final int INLINE_MAX_BYTES = 128 * 1024;

    /**
     * Writes into extents already reserved (and committed) in the activity log, marks the blocks out
     * of sync, then releases the extents: the bits must be set while the extents are hot, since the
     * AL writes a page of bits to disk only when it evicts their extent.
     */
    private void writeReserved(ByteBuffer[] data, int length, long offsetBytes, boolean fua) throws IOException {
        try {
            // Gathering: the pieces of a large write as they came off the socket, never joined in a copy.
            device.write(data, offsetBytes, fua);
            writtenBytes.add(length);
        } finally {
            markUnreplicated(offsetBytes, length);
            al.complete(offsetBytes, length);
        }
    }

    /**
     * Records a change the peer has not received. Without replication (not connected, DRBD's
     * StandAlone/WFConnection) that is every change, as the kernel's drbd_set_out_of_sync; even a
     * failed local write counts, since the blocks may now differ from the peer's.
     */
    private void markUnreplicated(long offsetBytes, long lengthBytes) {
        bitmap.bitmap().markOutOfSync(peerSlot, offsetBytes, lengthBytes);
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
                markUnreplicated(pos, len);
                al.complete(pos, len);
            }
            pos += len;
        }
        if (fua) {
            device.flush();
        }
    }

    /**
     * Writes the changed bitmap pages, marks the meta-data clean and closes the backing device;
     * called on detach/down. The order matters: only with the bits on disk may the AL be declared
     * clean, since a clean AL is not re-marked at the next attach.
     */
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
                bitmap.writeChanged();
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
            return submit(() -> {
                device.read(nio, offsetBytes);
                readBytes.add(lengthBytes);
            }, "read").handle((v, e) -> {
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
            ByteBuffer[] nio = data.nioBuffers();
            int length = data.readableBytes();
            switch (writeAccess()) {
                case SERVE:
                    return writeNow(nio, length, offsetBytes, fua);
                case PROMOTE_FIRST:
                    return afterPromotion(() -> submit(() -> Volume.this.write(nio, length, offsetBytes, fua), "write"));
                default:
                    return refused();
            }
        }

        private CompletableFuture<Void> writeNow(ByteBuffer[] nio, int length, long offsetBytes, boolean fua) {
            if (failed || fua || length > INLINE_MAX_BYTES) {
                return submit(() -> Volume.this.write(nio, length, offsetBytes, fua), "write");
            }
            switch (al.tryBegin(offsetBytes, length)) {
                case ACTIVE:
                    // Fast path: the extents are hot and committed, nothing to wait for but the page
                    // cache, so the write runs right here instead of hopping to the I/O pool and back.
                    return inline(() -> writeReserved(nio, length, offsetBytes, false), "write");
                case NEEDS_COMMIT:
                    // Reserved, but the AL transaction must reach the disk first: that waits, so on the pool.
                    return submit(() -> {
                        try {
                            al.commit();
                        } catch (IOException e) {
                            al.complete(offsetBytes, length);
                            throw e;
                        }
                        writeReserved(nio, length, offsetBytes, false);
                    }, "write");
                default:
                    return submit(() -> Volume.this.write(nio, length, offsetBytes, false), "write");
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
