package org.drbdj.nbd;

import java.io.IOException;

/**
 * A backend failure that carries the NBD error value to report to the client (for example
 * {@link NbdProtocol#ENOSPC} when the backing store is full). Other exceptions are reported as
 * {@link NbdProtocol#EIO}.
 */
public final class NbdBackendException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int nbdError;

    public NbdBackendException(int nbdError, String message, Throwable cause) {
        super(message, cause);
        this.nbdError = nbdError;
    }

    public NbdBackendException(int nbdError, String message) {
        this(nbdError, message, null);
    }

    /** The NBD error value ({@code NbdProtocol.E*}). */
    public int nbdError() {
        return nbdError;
    }

    /** The NBD error value for any failure of a backend future. */
    public static int nbdErrorOf(Throwable t) {
        Throwable cur = t;
        for (int depth = 0; cur != null && depth < 8; depth++, cur = cur.getCause()) {
            if (cur instanceof NbdBackendException e) {
                return e.nbdError();
            }
        }
        return NbdProtocol.EIO;
    }
}
