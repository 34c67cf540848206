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
}
