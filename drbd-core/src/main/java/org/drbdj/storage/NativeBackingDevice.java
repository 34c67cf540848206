package org.drbdj.storage;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.drbdj.nativeio.Errno;

/**
 * {@link BackingDevice} on a file descriptor, through plain libc syscalls (JNA): pread/pwrite,
 * pwritev2(RWF_DSYNC) for FUA, fdatasync, fallocate, and the BLK* ioctls for block devices.
 *
 * <p>Heap buffers, and (with O_DIRECT) unaligned buffers, go through pooled aligned bounce buffers.
 * With O_DIRECT, writes must start and end on a logical block boundary (as bios do); reads may be
 * unaligned (the covering blocks are read).
 */
public final class NativeBackingDevice implements BackingDevice {
    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFREG = 0100000;
    /** Largest bounce buffer; bigger requests are split. */
    private static final int MAX_CHUNK_BYTES = 1 << 20;
    private static final AlignedBufferPool POOL = new AlignedBufferPool(16);

    private final Path path;
    private final int fd;
    private final boolean blockDevice;
    private final boolean direct;
    private final long sizeBytes;
    private final int logicalBlockSizeBytes;
    /** I/O holds the read lock, close the write lock: no syscall ever runs on a closed (and reused) fd. */
    private final ReentrantReadWriteLock closeLock = new ReentrantReadWriteLock();
    private volatile boolean closed;
    private volatile boolean pwritev2Unsupported;

    private NativeBackingDevice(Path path, int fd, boolean blockDevice, boolean direct, long sizeBytes,
            int logicalBlockSizeBytes) {
        this.path = path;
        this.fd = fd;
        this.blockDevice = blockDevice;
        this.direct = direct;
        this.sizeBytes = sizeBytes;
        this.logicalBlockSizeBytes = logicalBlockSizeBytes;
    }

    /** Opens path (a regular file or block device); see {@link BackingDevice#open(Path, OpenOptions)}. */
    public static NativeBackingDevice open(Path path, OpenOptions options) throws IOException {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(path, "unix:mode");
        } catch (NoSuchFileException e) {
            throw new DeviceIoException("open", path.toString(), 0, 0, Errno.ENOENT);
        }
        boolean block = (mode & S_IFMT) == S_IFBLK;
        if (!block && (mode & S_IFMT) != S_IFREG) {
            throw new IllegalArgumentException(path + " is neither a block device nor a regular file;"
                    + " give the backing disk (e.g. /dev/sdb1, an LV, or an image file)");
        }
        int flags = (options.readOnly() ? LibC.O_RDONLY : LibC.O_RDWR) | LibC.O_CLOEXEC;
        if (options.direct()) {
            flags |= LibC.O_DIRECT;
        }
        if (options.exclusive() && block) {
            flags |= LibC.O_EXCL;
        }
        int fd;
        try {
            fd = LibC.open(path.toString(), flags, 0);
        } catch (LastErrorException e) {
            throw new DeviceIoException("open", path.toString(), 0, 0, e.getErrorCode());
        }
        try {
            long size;
            int lbs = 512;
            if (block) {
                try (Memory m = new Memory(8)) {
                    LibC.ioctl(fd, LibC.BLKGETSIZE64, m);
                    size = m.getLong(0);
                    m.setLong(0, 0);
                    LibC.ioctl(fd, LibC.BLKSSZGET, m);
                    lbs = m.getInt(0);
                }
            } else {
                size = LibC.lseek(fd, 0, LibC.SEEK_END);
            }
            return new NativeBackingDevice(path, fd, block, options.direct(), size, lbs);
        } catch (LastErrorException e) {
            closeQuietly(fd);
            throw new DeviceIoException("open/size", path.toString(), 0, 0, e.getErrorCode());
        }
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public boolean isBlockDevice() {
        return blockDevice;
    }

    @Override
    public boolean isDirect() {
        return direct;
    }

    @Override
    public long sizeBytes() {
        return sizeBytes;
    }

    @Override
    public int logicalBlockSizeBytes() {
        return logicalBlockSizeBytes;
    }

    @Override
    public void read(ByteBuffer dst, long offsetBytes) throws IOException {
        int length = dst.remaining();
        BackingDevice.checkRange("read", path, offsetBytes, length, sizeBytes);
        enter();
        try {
            if (canUseDirectly(dst, offsetBytes, length)) {
                preadFully(address(dst), length, offsetBytes, length);
                dst.position(dst.position() + length);
                return;
            }
            while (dst.hasRemaining()) {
                long pos = offsetBytes + (length - dst.remaining());
                int chunk = Math.min(dst.remaining(), MAX_CHUNK_BYTES - logicalBlockSizeBytes);
                long start = direct ? alignDown(pos) : pos;
                long end = direct ? alignUp(pos + chunk) : pos + chunk;
                ByteBuffer bounce = POOL.acquire((int) (end - start));
                try {
                    // A file's O_DIRECT tail may be shorter than a block: only the requested bytes must arrive.
                    preadFully(address(bounce), (int) (end - start), start, (int) (pos - start) + chunk);
                    bounce.position((int) (pos - start)).limit((int) (pos - start) + chunk);
                    int oldLimit = dst.limit();
                    dst.limit(dst.position() + chunk);
                    dst.put(bounce);
                    dst.limit(oldLimit);
                } finally {
                    POOL.release(bounce);
                }
            }
        } finally {
            exit();
        }
    }

    @Override
    public void write(ByteBuffer src, long offsetBytes) throws IOException {
        write(src, offsetBytes, false);
    }

    @Override
    public void writeFua(ByteBuffer src, long offsetBytes) throws IOException {
        write(src, offsetBytes, true);
    }

    /**
     * One pwritev (pwritev2 with RWF_DSYNC for FUA) over the buffers when the kernel can take them
     * as they are (direct memory; aligned under O_DIRECT); otherwise one write per buffer.
     */
    @Override
    public void write(ByteBuffer[] srcs, long offsetBytes, boolean fua) throws IOException {
        long total = 0;
        boolean usable = srcs.length <= LibC.IOV_MAX;
        for (ByteBuffer b : srcs) {
            total += b.remaining();
            usable &= canUseDirectly(b, offsetBytes, b.remaining());
        }
        BackingDevice.checkRange(fua ? "writeFua" : "write", path, offsetBytes, total, sizeBytes);
        if (srcs.length == 1) {
            write(srcs[0], offsetBytes, fua);
            return;
        }
        if (!usable || (fua && pwritev2Unsupported)) {
            BackingDevice.super.write(srcs, offsetBytes, fua);
            return;
        }
        enter();
        try (Memory iov = new Memory(16L * srcs.length)) {
            for (int i = 0; i < srcs.length; i++) {
                iov.setLong(16L * i, address(srcs[i]));
                iov.setLong(16L * i + 8, srcs[i].remaining());
            }
            long n;
            try {
                n = fua ? LibC.pwritev2(fd, iov, srcs.length, offsetBytes, LibC.RWF_DSYNC)
                        : LibC.pwritev(fd, iov, srcs.length, offsetBytes);
            } catch (LastErrorException e) {
                throw new DeviceIoException(fua ? "pwritev2(RWF_DSYNC)" : "pwritev", path.toString(), offsetBytes,
                        total, e.getErrorCode());
            }
            // A short write (rare: signals, a full file system) finishes buffer by buffer.
            long pos = offsetBytes;
            for (ByteBuffer b : srcs) {
                int done = (int) Math.min(n, b.remaining());
                b.position(b.position() + done);
                n -= done;
                pos += done;
                if (b.hasRemaining()) {
                    int rest = b.remaining();
                    pwriteFully(address(b), rest, pos, fua);
                    b.position(b.limit());
                    pos += rest;
                }
            }
        } finally {
            exit();
        }
    }

    private void write(ByteBuffer src, long offsetBytes, boolean fua) throws IOException {
        int length = src.remaining();
        BackingDevice.checkRange(fua ? "writeFua" : "write", path, offsetBytes, length, sizeBytes);
        if (direct && (offsetBytes % logicalBlockSizeBytes != 0 || length % logicalBlockSizeBytes != 0)) {
            throw new IllegalArgumentException("write on " + path + " (O_DIRECT): offset " + offsetBytes
                    + " and length " + length + " must be multiples of the logical block size "
                    + logicalBlockSizeBytes);
        }
        enter();
        try {
            if (canUseDirectly(src, offsetBytes, length)) {
                pwriteFully(address(src), length, offsetBytes, fua);
                src.position(src.position() + length);
                return;
            }
            while (src.hasRemaining()) {
                long pos = offsetBytes + (length - src.remaining());
                int chunk = Math.min(src.remaining(), MAX_CHUNK_BYTES);
                ByteBuffer bounce = POOL.acquire(chunk);
                try {
                    int oldLimit = src.limit();
                    src.limit(src.position() + chunk);
                    bounce.put(src).flip();
                    src.limit(oldLimit);
                    pwriteFully(address(bounce), chunk, pos, fua);
                } finally {
                    POOL.release(bounce);
                }
            }
        } finally {
            exit();
        }
    }

    @Override
    public void flush() throws IOException {
        enter();
        try {
            LibC.fdatasync(fd);
        } catch (LastErrorException e) {
            throw new DeviceIoException("fdatasync", path.toString(), 0, 0, e.getErrorCode());
        } finally {
            exit();
        }
    }

    @Override
    public void discard(long offsetBytes, long lengthBytes) throws IOException {
        BackingDevice.checkRange("discard", path, offsetBytes, lengthBytes, sizeBytes);
        if (lengthBytes == 0) {
            return;
        }
        enter();
        try {
            if (blockDevice) {
                rangeIoctl("ioctl(BLKDISCARD)", LibC.BLKDISCARD, offsetBytes, lengthBytes);
            } else {
                fallocate("fallocate(PUNCH_HOLE)", LibC.FALLOC_FL_PUNCH_HOLE | LibC.FALLOC_FL_KEEP_SIZE,
                        offsetBytes, lengthBytes);
            }
        } finally {
            exit();
        }
    }

    @Override
    public void writeZeroes(long offsetBytes, long lengthBytes) throws IOException {
        BackingDevice.checkRange("writeZeroes", path, offsetBytes, lengthBytes, sizeBytes);
        if (lengthBytes == 0) {
            return;
        }
        enter();
        try {
            if (blockDevice) {
                rangeIoctl("ioctl(BLKZEROOUT)", LibC.BLKZEROOUT, offsetBytes, lengthBytes);
                return;
            }
            try {
                LibC.fallocate(fd, LibC.FALLOC_FL_ZERO_RANGE | LibC.FALLOC_FL_KEEP_SIZE, offsetBytes, lengthBytes);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != Errno.EOPNOTSUPP) {
                    throw new DeviceIoException("fallocate(ZERO_RANGE)", path.toString(), offsetBytes, lengthBytes,
                            e.getErrorCode());
                }
                // Some filesystems (tmpfs, older NFS) lack ZERO_RANGE but can punch holes, which also read as zeroes.
                fallocate("fallocate(PUNCH_HOLE)", LibC.FALLOC_FL_PUNCH_HOLE | LibC.FALLOC_FL_KEEP_SIZE,
                        offsetBytes, lengthBytes);
            }
        } finally {
            exit();
        }
    }

    @Override
    public void close() throws IOException {
        closeLock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                LibC.close(fd);
            } catch (LastErrorException e) {
                throw new DeviceIoException("close", path.toString(), 0, 0, e.getErrorCode());
            }
        } finally {
            closeLock.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "NativeBackingDevice[" + path + ", " + sizeBytes + " bytes" + (blockDevice ? ", block" : ", file")
                + (direct ? ", O_DIRECT" : "") + "]";
    }

    private void enter() throws DeviceIoException {
        closeLock.readLock().lock();
        if (closed) {
            closeLock.readLock().unlock();
            throw new DeviceIoException("I/O on closed device", path.toString(), 0, 0, Errno.EBADF);
        }
    }

    private void exit() {
        closeLock.readLock().unlock();
    }

    private boolean canUseDirectly(ByteBuffer buf, long offsetBytes, int length) {
        if (!buf.isDirect()) {
            return false;
        }
        if (!direct) {
            return true;
        }
        return address(buf) % logicalBlockSizeBytes == 0 && offsetBytes % logicalBlockSizeBytes == 0
                && length % logicalBlockSizeBytes == 0;
    }

    private static long address(ByteBuffer buf) {
        return Pointer.nativeValue(Native.getDirectBufferPointer(buf)) + buf.position();
    }

    private long alignDown(long pos) {
        return pos / logicalBlockSizeBytes * logicalBlockSizeBytes;
    }

    private long alignUp(long pos) {
        return (pos + logicalBlockSizeBytes - 1) / logicalBlockSizeBytes * logicalBlockSizeBytes;
    }

    private void preadFully(long address, int length, long offsetBytes, int minimumBytes) throws DeviceIoException {
        int done = 0;
        while (done < minimumBytes) {
            long n;
            try {
                n = LibC.pread(fd, new Pointer(address + done), length - done, offsetBytes + done);
            } catch (LastErrorException e) {
                throw new DeviceIoException("pread", path.toString(), offsetBytes, length, e.getErrorCode());
            }
            if (n == 0) {
                // The device shrank under us (or a file was truncated): report as an I/O error, like a failed bio.
                throw new DeviceIoException("pread hit end of device", path.toString(), offsetBytes, length, Errno.EIO);
            }
            done += (int) n;
        }
    }

    private void pwriteFully(long address, int length, long offsetBytes, boolean fua) throws DeviceIoException {
        int done = 0;
        while (done < length) {
            long n;
            try {
                n = fua ? pwriteFua(address + done, length - done, offsetBytes + done)
                        : LibC.pwrite(fd, new Pointer(address + done), length - done, offsetBytes + done);
            } catch (LastErrorException e) {
                throw new DeviceIoException(fua ? "pwritev2(RWF_DSYNC)" : "pwrite", path.toString(), offsetBytes,
                        length, e.getErrorCode());
            }
            if (n == 0) {
                throw new DeviceIoException("pwrite wrote nothing", path.toString(), offsetBytes, length, Errno.EIO);
            }
            done += (int) n;
        }
    }

    private long pwriteFua(long address, int length, long offsetBytes) {
        if (!pwritev2Unsupported) {
            try (Memory iov = new Memory(16)) {
                iov.setLong(0, address);
                iov.setLong(8, length);
                return LibC.pwritev2(fd, iov, 1, offsetBytes, LibC.RWF_DSYNC);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != 38 /* ENOSYS */ && e.getErrorCode() != Errno.EOPNOTSUPP) {
                    throw e;
                }
                pwritev2Unsupported = true;
            }
        }
        // Old kernel: a plain write followed by fdatasync gives the same guarantee, at the cost of a full flush.
        long n = LibC.pwrite(fd, new Pointer(address), length, offsetBytes);
        LibC.fdatasync(fd);
        return n;
    }

    private void fallocate(String operation, int mode, long offsetBytes, long lengthBytes) throws DeviceIoException {
        try {
            LibC.fallocate(fd, mode, offsetBytes, lengthBytes);
        } catch (LastErrorException e) {
            throw new DeviceIoException(operation, path.toString(), offsetBytes, lengthBytes, e.getErrorCode());
        }
    }

    private void rangeIoctl(String operation, long request, long offsetBytes, long lengthBytes)
            throws DeviceIoException {
        try (Memory range = new Memory(16)) {
            range.setLong(0, offsetBytes);
            range.setLong(8, lengthBytes);
            LibC.ioctl(fd, request, range);
        } catch (LastErrorException e) {
            throw new DeviceIoException(operation, path.toString(), offsetBytes, lengthBytes, e.getErrorCode());
        }
    }

    private static void closeQuietly(int fd) {
        try {
            LibC.close(fd);
        } catch (LastErrorException ignored) {
            // already failing; the original error is what matters
        }
    }
}
