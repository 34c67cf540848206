package org.drbdj.nativeio;

/**
 * Checked Java face of the JNI shim. The kernel-nbd attach code (device issue) builds on these
 * calls; every method throws {@link UnsupportedOperationException} when the library is not
 * available and {@link NativeIoException} (with errno) when the syscall fails.
 */
public final class NativeShim {
    private NativeShim() {
    }

    /** Bytes per memory page as the kernel reports it. */
    public static long pageSize() throws NativeIoException {
        NativeLibrary.ensureAvailable();
        return NativeIoException.check("sysconf(_SC_PAGESIZE)", NativeShimJni.pageSize());
    }

    /** A connected pair of AF_UNIX stream sockets, as raw file descriptors. */
    public static int[] socketPair() throws NativeIoException {
        NativeLibrary.ensureAvailable();
        int[] fds = new int[2];
        NativeIoException.check("socketpair", NativeShimJni.socketPair(fds));
        return fds;
    }

    /** Closes a raw file descriptor obtained from this shim. */
    public static void close(int fd) throws NativeIoException {
        NativeLibrary.ensureAvailable();
        NativeIoException.check("close(" + fd + ")", NativeShimJni.closeFd(fd));
    }

    /** Opens a device node read-write (for the nbd ioctls). */
    public static int openDevice(String path) throws NativeIoException {
        checkPath(path);
        NativeLibrary.ensureAvailable();
        return (int) NativeIoException.check("open(" + path + ")", NativeShimJni.openDevice(path));
    }

    /** Connects a Unix stream socket to {@code path}; the descriptor can be handed to the kernel. */
    public static int unixConnect(String path) throws NativeIoException {
        checkPath(path);
        if (path.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 107) {
            throw new IllegalArgumentException("Unix socket path longer than 107 bytes: " + path);
        }
        NativeLibrary.ensureAvailable();
        return (int) NativeIoException.check("connect(" + path + ")", NativeShimJni.unixConnect(path));
    }

    /** A generic-netlink socket (for the "nbd" family). */
    public static int netlinkOpen() throws NativeIoException {
        NativeLibrary.ensureAvailable();
        return (int) NativeIoException.check("socket(AF_NETLINK, NETLINK_GENERIC)", NativeShimJni.netlinkOpen());
    }

    /**
     * One read of up to {@code len} bytes (at most 65536), waiting at most {@code timeoutMs}
     * (ETIMEDOUT after that); returns the bytes read, 0 at end of stream.
     */
    public static int read(int fd, byte[] buf, int off, int len, int timeoutMs) throws NativeIoException {
        checkRange(buf, off, len, timeoutMs);
        NativeLibrary.ensureAvailable();
        return (int) NativeIoException.check("read(fd " + fd + ")", NativeShimJni.readFd(fd, buf, off, len, timeoutMs));
    }

    /** Reads exactly {@code len} bytes or throws (EIO on a premature end of stream). */
    public static void readFully(int fd, byte[] buf, int off, int len, int timeoutMs) throws NativeIoException {
        int done = 0;
        while (done < len) {
            int n = read(fd, buf, off + done, Math.min(len - done, MAX_IO_BYTES), timeoutMs);
            if (n == 0) {
                throw new NativeIoException("read(fd " + fd + "): end of stream after " + done + " of " + len + " bytes",
                        Errno.EIO);
            }
            done += n;
        }
    }

    /** Writes all of {@code buf[off..off+len)}, each write waiting at most {@code timeoutMs}. */
    public static void writeFully(int fd, byte[] buf, int off, int len, int timeoutMs) throws NativeIoException {
        int done = 0;
        while (done < len) {
            int chunk = Math.min(len - done, MAX_IO_BYTES);
            checkRange(buf, off + done, chunk, timeoutMs);
            NativeLibrary.ensureAvailable();
            done += (int) NativeIoException.check("write(fd " + fd + ")",
                    NativeShimJni.writeFd(fd, buf, off + done, chunk, timeoutMs));
        }
    }

    /** One of the whitelisted NBD ioctls on an open {@code /dev/nbdX}; returns the ioctl result. */
    public static int nbdIoctl(int fd, NbdIoctl request, long arg) throws NativeIoException {
        if (arg < 0) {
            throw new IllegalArgumentException(request + " argument must not be negative, got " + arg);
        }
        NativeLibrary.ensureAvailable();
        return (int) NativeIoException.check("ioctl(" + request + ")", NativeShimJni.nbdIoctl(fd, request.number(), arg));
    }

    /** Largest single transfer the C side accepts. */
    static final int MAX_IO_BYTES = 1 << 16;

    static void checkRange(byte[] buf, int off, int len, int timeoutMs) {
        if (buf == null || off < 0 || len <= 0 || len > MAX_IO_BYTES || off > buf.length - len) {
            throw new IllegalArgumentException("bad buffer range: offset " + off + ", length " + len
                    + " in a buffer of " + (buf == null ? "null" : buf.length + " bytes") + " (max " + MAX_IO_BYTES + " per call)");
        }
        if (timeoutMs < 0) {
            throw new IllegalArgumentException("timeout must not be negative, got " + timeoutMs + " ms");
        }
    }

    private static void checkPath(String path) {
        if (path == null || path.isEmpty() || path.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("bad path '" + path + "': must be non-empty without NUL bytes");
        }
    }
}
