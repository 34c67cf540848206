package org.drbdj.device;

import java.io.IOException;

/**
 * Undoing an attachment is a sequence of independent steps (remove the node, detach the loop or
 * nbd device, unmount, stop a helper process): every step runs even when an earlier one failed,
 * and the first failure is reported with the later ones suppressed in it.
 */
final class CleanupSteps {
    private CleanupSteps() {
    }

    /** One cleanup step. */
    interface Step {
        void run() throws IOException;
    }

    /** Runs {@code step}; returns the first failure so far ({@code failure}, or this step's). */
    static IOException collect(IOException failure, Step step) {
        try {
            step.run();
            return failure;
        } catch (IOException | RuntimeException e) {
            if (failure == null) {
                return e instanceof IOException io ? io : new IOException(e.getMessage(), e);
            }
            failure.addSuppressed(e);
            return failure;
        }
    }
}
