package org.drbdj.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A backing device: the local disk (a regular file or a block device) under a DRBD volume, the
 * {@code disk} of a {@code volume} section. Data sits at the same byte offsets as with the kernel
 * module, so a disk can move between DRBD and drbdj without a copy.
 *
 * <p>All operations are positional and blocking, and safe to call from several threads at once (no
 * shared file position). Event-loop code must not call them directly: wrap the device in an
 * {@link AsyncBackingDevice} on an I/O executor. Failures surface as {@link DeviceIoException}
 * (carrying errno and the range), the equivalent of a failed bio in the kernel module; requests
 * that fall outside the device are programming errors and throw {@link IllegalArgumentException}.
 *
 * <p>Durability follows the block layer: a completed {@link #write} may sit in a volatile cache
 * until {@link #flush}; {@link #writeFua} is durable on return (REQ_FUA).
 */
public interface BackingDevice extends Closeable {
    /** The path the device was opened with. */
    Path path();

    /** True for a block device, false for a regular file. */
    boolean isBlockDevice();

    /** True when opened with O_DIRECT (I/O bypasses the page cache). */
    boolean isDirect();

    /**
     * Exact size in bytes: BLKGETSIZE64 for block devices, the file length for regular files, as
     * of opening (DRBD, too, samples the backing size at attach and on resize).
     */
    long sizeBytes();

    /**
     * The logical block size in bytes (BLKSSZGET; 512 for regular files). With O_DIRECT, offsets
     * and lengths must be multiples of it.
     */
    int logicalBlockSizeBytes();

    /** Reads exactly {@code dst.remaining()} bytes at {@code offsetBytes}; advances dst's position. */
    void read(ByteBuffer dst, long offsetBytes) throws IOException;

    /** Writes all of {@code src.remaining()} at {@code offsetBytes}; advances src's position. */
    void write(ByteBuffer src, long offsetBytes) throws IOException;

    /** Like {@link #write} but durable on return, the analogue of a REQ_FUA bio. */
    void writeFua(ByteBuffer src, long offsetBytes) throws IOException;

    /**
     * Writes the buffers back to back from {@code offsetBytes}, as one request (a gathering write:
     * the pieces of a large NBD write as they arrived from the socket, without joining them first);
     * advances each buffer's position. With {@code fua} the whole range is durable on return.
     */
    default void write(ByteBuffer[] srcs, long offsetBytes, boolean fua) throws IOException {
        long pos = offsetBytes;
        for (ByteBuffer b : srcs) {
            int n = b.remaining();
            write(b, pos);
            pos += n;
        }
        if (fua) {
            flush();
        }
    }

    /** Makes every completed write durable (fdatasync; a REQ_PREFLUSH). */
    void flush() throws IOException;

    /**
     * Tells the device the range is unused (TRIM): punch a hole in a file, BLKDISCARD on a block
     * device. Afterwards the range reads back as zeroes on files; on block devices only when the
     * device guarantees it, so use {@link #writeZeroes} where zeroes matter.
     */
    void discard(long offsetBytes, long lengthBytes) throws IOException;

    /** Makes the range read back as zeroes (FALLOC_FL_ZERO_RANGE / BLKZEROOUT; REQ_OP_WRITE_ZEROES). */
    void writeZeroes(long offsetBytes, long lengthBytes) throws IOException;

    /** Releases the file descriptor. Idempotent. */
    @Override
    void close() throws IOException;

    /** Opens a regular file or block device read-write, through the page cache. */
    static BackingDevice open(Path path) throws IOException {
        return NativeBackingDevice.open(path, OpenOptions.DEFAULT);
    }

    /** Opens a regular file or block device with the given options. */
    static BackingDevice open(Path path, OpenOptions options) throws IOException {
        return NativeBackingDevice.open(path, options);
    }

    /**
     * How to open a backing device.
     *
     * @param readOnly  O_RDONLY instead of O_RDWR (dump-md and friends)
     * @param direct    O_DIRECT: bypass the page cache; unaligned requests go through pooled
     *                  aligned buffers
     * @param exclusive O_EXCL on a block device: fail with EBUSY when it is mounted or claimed, as
     *                  the kernel's exclusive bdev claim does for DRBD
     */
    record OpenOptions(boolean readOnly, boolean direct, boolean exclusive) {
        public static final OpenOptions DEFAULT = new OpenOptions(false, false, false);
        public static final OpenOptions READ_ONLY = new OpenOptions(true, false, false);
        public static final OpenOptions DIRECT = new OpenOptions(false, true, false);
    }

    /** Throws IllegalArgumentException unless [offsetBytes, offsetBytes+lengthBytes) lies inside a device of sizeBytes. */
    static void checkRange(String operation, Path path, long offsetBytes, long lengthBytes, long sizeBytes) {
        if (offsetBytes < 0 || lengthBytes < 0 || offsetBytes > sizeBytes || lengthBytes > sizeBytes - offsetBytes) {
            throw new IllegalArgumentException(operation + " on " + path + ": range [" + offsetBytes + ", "
                    + (offsetBytes + lengthBytes) + ") is outside the device of " + sizeBytes + " bytes");
        }
    }
}
