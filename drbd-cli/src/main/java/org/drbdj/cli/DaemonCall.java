package org.drbdj.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import org.drbdj.control.ControlClient;
import org.drbdj.control.ControlPaths;
import org.drbdj.control.ControlRequest;
import org.drbdj.control.ControlResponse;

/**
 * Sends a planned sequence of control requests to drbdd, or prints them under {@code -d}, the way
 * drbdadm runs (or prints) a sequence of drbdsetup calls. Stops at the first failing request and
 * returns its exit code, as drbdadm does.
 */
final class DaemonCall {
    private DaemonCall() {
    }

    static int execute(List<ControlRequest> plan, boolean dryRun, PrintWriter out, PrintWriter err) {
        if (dryRun) {
            plan.forEach(r -> out.println(r.toDryRunLine()));
            out.flush();
            return 0;
        }
        Path socket = ControlPaths.controlSocket(ControlPaths.runDir());
        try (ControlClient client = ControlClient.connect(socket)) {
            for (ControlRequest request : plan) {
                ControlResponse response = client.call(request);
                print(response, out, err);
                if (response.exitCode() != 0) {
                    return response.exitCode();
                }
            }
            return 0;
        } catch (IOException e) {
            err.println("drbdadm: " + e.getMessage());
            err.flush();
            return Drbdadm.EXIT_EXEC_ERROR;
        }
    }

    /**
     * Sends one read-only request and returns its output lines, even under {@code -d}: a dry run
     * of adjust still has to know the running state, as drbdadm still runs {@code drbdsetup show}.
     *
     * @throws IOException when drbdd cannot be reached or refuses the request (with its message)
     */
    static List<String> query(ControlRequest request) throws IOException {
        Path socket = ControlPaths.controlSocket(ControlPaths.runDir());
        try (ControlClient client = ControlClient.connect(socket)) {
            ControlResponse response = client.call(request);
            if (response.exitCode() != 0) {
                throw new IOException(request.command() + ": " + String.join("; ", response.errors()));
            }
            return response.output();
        }
    }

    /** Sends one streaming request (events2) and prints every response as it arrives. */
    static int stream(ControlRequest request, boolean dryRun, PrintWriter out, PrintWriter err) {
        if (dryRun) {
            return execute(List.of(request), true, out, err);
        }
        Path socket = ControlPaths.controlSocket(ControlPaths.runDir());
        try (ControlClient client = ControlClient.connect(socket)) {
            return client.stream(request, r -> print(r, out, err)).exitCode();
        } catch (IOException e) {
            err.println("drbdadm: " + e.getMessage());
            err.flush();
            return Drbdadm.EXIT_EXEC_ERROR;
        }
    }

    private static void print(ControlResponse response, PrintWriter out, PrintWriter err) {
        response.output().forEach(out::println);
        response.errors().forEach(err::println);
        out.flush();
        err.flush();
    }
}
