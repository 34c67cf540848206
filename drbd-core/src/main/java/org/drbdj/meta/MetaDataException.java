package org.drbdj.meta;

/**
 * A meta-data command could not be carried out. Carries the exit code drbdmeta uses for the same
 * situation (10: bad input or device, 20: cannot open / usage, 40: refused because of existing data,
 * 1: cancelled or nothing valid found), so that drbdadm's callers see the codes they know.
 */
public class MetaDataException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public MetaDataException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public MetaDataException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** The process exit code a command-line front end should use. */
    public int exitCode() {
        return exitCode;
    }
}
