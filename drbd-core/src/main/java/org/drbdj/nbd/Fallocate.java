package org.drbdj.nbd;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code fallocate(2)} through JNA, for TRIM (punch a hole) and WRITE_ZEROES (zero a range) on a
 * file export: FileChannel has neither. Holds its own descriptor of the file, since the JDK does not
 * expose the FileChannel's. Linux x86_64/aarch64 constants.
 */
final class Fallocate implements AutoCloseable {
    static final int FALLOC_FL_KEEP_SIZE = 0x01;
    static final int FALLOC_FL_PUNCH_HOLE = 0x02;
    static final int FALLOC_FL_ZERO_RANGE = 0x10;
    private static final int O_RDWR = 2;
    private static final int O_CLOEXEC = 0x80000;
    private static final int EOPNOTSUPP = 95;

    interface CLib extends Library {
        int open(String path, int flags) throws LastErrorException;

        int fallocate(int fd, int mode, long offset, long len) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static final CLib LIBC = load();
    private final int fd;

    private Fallocate(int fd) {
        this.fd = fd;
    }

    private static CLib load() {
        try {
            return Native.load("c", CLib.class);
        } catch (Throwable t) { // UnsatisfiedLinkError and friends: run without hole punching
            return null;
        }
    }

    /** Opens {@code file} for fallocate, or returns null when JNA or libc is unavailable. */
    static Fallocate open(Path file) {
        if (LIBC == null) {
            return null;
        }
        try {
            return new Fallocate(LIBC.open(file.toString(), O_RDWR | O_CLOEXEC));
        } catch (LastErrorException e) {
            return null;
        }
    }

    /**
     * Runs fallocate; returns false if the file system does not support {@code mode} (the caller
     * falls back), throws for real errors.
     */
    boolean tryFallocate(int mode, long offsetBytes, long lengthBytes) throws IOException {
        try {
            LIBC.fallocate(fd, mode, offsetBytes, lengthBytes);
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == EOPNOTSUPP) {
                return false;
            }
            throw new IOException("fallocate(mode=0x" + Integer.toHexString(mode) + ", offset=" + offsetBytes
                    + ", length=" + lengthBytes + ") failed: errno " + e.getErrorCode(), e);
        }
    }

    @Override
    public void close() {
        try {
            LIBC.close(fd);
        } catch (LastErrorException e) {
            // close errors on a descriptor used only for fallocate carry no data loss
        }
    }
}
