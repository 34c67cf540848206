package org.drbdj.nativeio;

import java.io.IOException;

/** An I/O failure from a native call, carrying the {@code errno} the kernel returned. */
public class NativeIoException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    public NativeIoException(String operation, int errno) {
        super(operation + " failed: errno " + errno + " (" + Errno.name(errno) + ")");
        this.errno = errno;
    }

    /** The positive errno value (e.g. 5 for EIO). */
    public int errno() {
        return errno;
    }

    /** Throws for a negative return value of a shim call, else returns it unchanged. */
    static long check(String operation, long rc) throws NativeIoException {
        if (rc < 0) {
            throw new NativeIoException(operation, (int) -rc);
        }
        return rc;
    }
}
