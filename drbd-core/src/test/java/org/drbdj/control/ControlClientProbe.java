package org.drbdj.control;

import java.nio.file.Path;

/**
 * A tiny control-socket client run as a separate process (e.g. as an unprivileged user through
 * setpriv) by {@link ControlServerTest}: prints the exit code and lines of one response.
 */
public final class ControlClientProbe {
    private ControlClientProbe() {
    }

    public static void main(String[] args) throws Exception {
        try (ControlClient client = ControlClient.connect(Path.of(args[0]))) {
            ControlResponse r = client.call(ControlRequest.of(args[1], "r0"));
            System.out.println("exit=" + r.exitCode());
            r.output().forEach(System.out::println);
            r.errors().forEach(System.out::println);
        } catch (Exception e) {
            System.out.println("failed: " + e.getMessage());
        }
    }
}
