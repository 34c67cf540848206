package org.drbdj.daemon;

import java.util.List;
import java.util.function.Consumer;
import org.drbdj.control.ControlRequest;
import org.drbdj.control.ControlResponse;
import org.drbdj.control.ControlServer;
import org.drbdj.control.RequestHandler;

/**
 * The daemon's resources and the dispatch of control requests to them. Requests for a resource
 * drbdd does not know answer as drbdsetup does for an unknown object.
 */
final class ResourceManager implements RequestHandler, AutoCloseable {
    private final DaemonOptions options;

    ResourceManager(DaemonOptions options) {
        this.options = options;
    }

    void start() {
        // Resources are created by requests (drbdadm up / adjust); nothing to restore on start.
    }

    @Override
    public boolean isReadOnly(ControlRequest request) {
        return ControlServer.READ_ONLY_COMMANDS.contains(request.command());
    }

    @Override
    public void handle(ControlRequest request, Caller caller, Consumer<ControlResponse> reply) {
        String target = request.args().isEmpty() ? "all" : request.args().get(0);
        if ("status".equals(request.command()) && "all".equals(target)) {
            reply.accept(ControlResponse.ok(List.of()));
            return;
        }
        reply.accept(ControlResponse.failure(10, target + ": No such resource"));
    }

    @Override
    public void close() {
        // Nothing held yet; resources are demoted, flushed and detached here once they exist.
    }

    DaemonOptions options() {
        return options;
    }
}
