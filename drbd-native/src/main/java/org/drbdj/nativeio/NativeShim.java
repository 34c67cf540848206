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
}
