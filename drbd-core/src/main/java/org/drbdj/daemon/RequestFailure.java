package org.drbdj.daemon;

/**
 * A control request refused with drbdsetup's exit code and message (e.g. exit 10 and {@code 9:
 * Failure: (138) Device does not have a disk}); the daemon answers it and carries on.
 */
final class RequestFailure extends Exception {
    private static final long serialVersionUID = 1L;
    final int exitCode;

    RequestFailure(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    /** drbdsetup's "(162) Invalid configuration request" with drbdd's reason, exit code 10. */
    static RequestFailure invalid(String target, String reason) {
        return new RequestFailure(10, target + ": Failure: (162) Invalid configuration request\n"
                + "additional info from drbdd: " + reason);
    }
}
