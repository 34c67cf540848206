package org.drbdj.nativeio;

/**
 * The raw JNI entry points of {@code libdrbdnative.so}. Each returns a value {@code >= 0} on
 * success or {@code -errno} on failure (the C side never throws). Only {@link NativeShim} calls
 * these, after {@link NativeLibrary#isAvailable()} said the library is loaded.
 */
final class NativeShimJni {
    private NativeShimJni() {
    }

    /** Version of the C/Java calling convention; bumped whenever a signature changes. */
    static native int abiVersion();

    /** {@code sysconf(_SC_PAGESIZE)}: bytes per memory page, or -errno. */
    static native long pageSize();

    /** {@code socketpair(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC)} into {@code fds[0..1]}; 0 or -errno. */
    static native int socketPair(int[] fds);

    /** {@code close(fd)}; 0 or -errno. */
    static native int closeFd(int fd);

    /** {@code open(path, O_RDWR|O_CLOEXEC)}: a descriptor or -errno. */
    static native int openDevice(String path);

    /** A connected {@code AF_UNIX} stream socket to {@code path}: a descriptor or -errno. */
    static native int unixConnect(String path);

    /** A bound {@code NETLINK_GENERIC} socket: a descriptor or -errno. */
    static native int netlinkOpen();

    /** One {@code read()} into {@code buf[off..off+len)} after waiting up to {@code timeoutMs}; bytes read, 0 at EOF, or -errno. */
    static native int readFd(int fd, byte[] buf, int off, int len, int timeoutMs);

    /** One {@code send()/write()} of {@code buf[off..off+len)} after waiting up to {@code timeoutMs}; bytes written or -errno. */
    static native int writeFd(int fd, byte[] buf, int off, int len, int timeoutMs);

    /** {@code ioctl(fd, NBD_x, arg)} where {@code request} is the NBD ioctl number (0..10, whitelisted); result or -errno. */
    static native int nbdIoctl(int fd, int request, long arg);
}
