package org.drbdj.storage;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * JNA direct mapping of the few libc calls the backing devices need. Direct mapping (rather than
 * an interface proxy) keeps the per-call overhead low on the I/O path; every call reports its
 * failure as a {@link LastErrorException} carrying errno.
 *
 * <p>Constants are the Linux x86_64/aarch64 values (asm-generic), the only platforms we ship.
 */
final class LibC {
    static final int O_RDONLY = 0;
    static final int O_RDWR = 2;
    static final int O_EXCL = 0200;
    static final int O_DIRECT = Platform.isARM() ? 0200000 : 040000;
    static final int O_CLOEXEC = 02000000;

    static final int SEEK_END = 2;

    /** Most iovecs one pwritev takes (UIO_MAXIOV). */
    static final int IOV_MAX = 1024;

    static final int FALLOC_FL_KEEP_SIZE = 0x01;
    static final int FALLOC_FL_PUNCH_HOLE = 0x02;
    static final int FALLOC_FL_ZERO_RANGE = 0x10;

    /** RWF_DSYNC for pwritev2: this one write is durable on return (a FUA write). */
    static final int RWF_DSYNC = 0x02;

    /** ioctl numbers from linux/fs.h: _IOR(0x12,114,size_t), _IO(0x12,119), _IO(0x12,127), _IO(0x12,104). */
    static final long BLKGETSIZE64 = 0x80081272L;
    static final long BLKDISCARD = 0x1277L;
    static final long BLKZEROOUT = 0x127fL;
    static final long BLKSSZGET = 0x1268L;

    static {
        Native.register(LibC.class, Platform.C_LIBRARY_NAME);
    }

    private LibC() {
    }

    static native int open(String path, int flags, int mode) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native long pread(int fd, Pointer buf, long count, long offset) throws LastErrorException;

    static native long pwrite(int fd, Pointer buf, long count, long offset) throws LastErrorException;

    static native long pwritev(int fd, Pointer iov, int iovcnt, long offset) throws LastErrorException;

    static native long pwritev2(int fd, Pointer iov, int iovcnt, long offset, int flags) throws LastErrorException;

    static native int fdatasync(int fd) throws LastErrorException;

    static native int fallocate(int fd, int mode, long offset, long len) throws LastErrorException;

    static native int ioctl(int fd, long request, Pointer arg) throws LastErrorException;

    static native long lseek(int fd, long offset, int whence) throws LastErrorException;
}
