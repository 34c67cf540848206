package org.drbdj.nbd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The block device behind one NBD export: what the server calls for each request. It is the seam
 * between the NBD front end and the storage/replication engine, the role DRBD's request path plays
 * behind {@code /dev/drbdN}.
 *
 * <p>All operations are asynchronous and may complete on any thread. The server never talks to a
 * file itself, so "stable" is whatever the implementation decides: the local disk today, local disk
 * plus the peer's acknowledgement under protocol C later.
 *
 * <p>Durability contract (NBD "Ordering of messages and writes"):
 * <ul>
 * <li>{@link #flush()} completes only when every write that completed before the flush was called
 *     is on stable storage;</li>
 * <li>a write with {@code fua} completes only when that write is stable.</li>
 * </ul>
 * A future failing with {@link NbdBackendException} reports its NBD error value; any other failure
 * is reported as {@code EIO}.
 *
 * <p>Offsets and lengths are in bytes and already checked by the server against
 * {@link #sizeBytes()} and {@link #minimumBlockSizeBytes()}.
 */
public interface NbdExport {

    /** Size of the export in bytes. */
    long sizeBytes();

    /** True when writes, trims and write-zeroes must fail with {@code EPERM}. */
    boolean readOnly();

    /**
     * Why a client may not use the export right now, sent as {@code NBD_REP_ERR_POLICY} with this
     * message during {@code NBD_OPT_GO} (a Secondary refuses: "the resource is Secondary; promote it
     * with drbdadm primary"). Empty when the export may be used.
     */
    default Optional<String> refusal() {
        return Optional.empty();
    }

    /** Free text shown by {@code nbdinfo} and {@code NBD_OPT_LIST}; empty for none. */
    default String description() {
        return "";
    }

    /** Smallest addressable unit and alignment in bytes (power of two, 1..65536). */
    default int minimumBlockSizeBytes() {
        return 1;
    }

    /** Size at which I/O is efficient, in bytes (power of two, at least 512 and the minimum). */
    default int preferredBlockSizeBytes() {
        return 4096;
    }

    /**
     * True when a completed {@link #flush()} (or FUA write) makes every write completed through
     * <em>any</em> connection to this export stable, which allows advertising
     * {@code NBD_FLAG_CAN_MULTI_CONN}. True for a device-wide flush such as {@code fdatasync}.
     */
    default boolean flushCoversAllConnections() {
        return true;
    }

    /**
     * Reads {@code lengthBytes} at {@code offsetBytes} into a buffer allocated from {@code alloc}; the
     * caller owns the returned buffer and releases it.
     */
    CompletableFuture<ByteBuf> read(long offsetBytes, int lengthBytes, ByteBufAllocator alloc);

    /**
     * Writes the readable bytes of {@code data} at {@code offsetBytes}. The caller keeps ownership of
     * {@code data} and releases it once the future completes; an implementation that needs the data
     * longer (e.g. queued for a peer) retains it.
     */
    CompletableFuture<Void> write(long offsetBytes, ByteBuf data, boolean fua);

    /** Makes every write completed so far stable (see the class comment). */
    CompletableFuture<Void> flush();

    /**
     * Discards a range (a hint: the data read back afterwards is unspecified, but must not be
     * garbage from elsewhere). {@code fua}: the discard is stable when the future completes.
     */
    CompletableFuture<Void> trim(long offsetBytes, long lengthBytes, boolean fua);

    /**
     * Makes a range read back as zeroes. {@code noHole}: the range must stay allocated (no punched
     * hole), so later writes there cannot fail with ENOSPC.
     */
    CompletableFuture<Void> writeZeroes(long offsetBytes, long lengthBytes, boolean noHole, boolean fua);
}
