package org.drbdj.control;

import java.util.function.Consumer;

/**
 * What the control server dispatches requests to (the daemon's resource manager). Implementations
 * run on the control server's event loop thread and must not block on disk or network: long
 * operations complete the response asynchronously through {@code reply}.
 */
public interface RequestHandler {
    /**
     * Handles one request. {@code reply} is called once with a response whose {@code last} is true,
     * or, for streaming requests, several times with {@code last} true on the final one. It may be
     * called from any thread.
     */
    void handle(ControlRequest request, Caller caller, Consumer<ControlResponse> reply);

    /** Whether a request only reads state (may be served to callers without admin rights). */
    boolean isReadOnly(ControlRequest request);

    /** Who sent a request, from the socket's peer credentials (SO_PEERCRED). */
    record Caller(int pid, int uid, int gid) {
        public boolean isRoot() {
            return uid == 0;
        }
    }
}
