package org.drbdj.device;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the short-lived system tools the device layer relies on ({@code losetup}, {@code mknod},
 * {@code fusermount3}, {@code blockdev}) with a time bound, so a hung tool (for example a
 * {@code losetup -d} blocked on a dead FUSE file) can never hang the daemon.
 */
final class CommandRunner {
    /** Exit code, stdout and stderr of one finished command. */
    record Result(List<String> command, int exitCode, String stdout, String stderr) {
        boolean ok() {
            return exitCode == 0;
        }

        /** Returns this result, or throws naming the command and its stderr when it failed. */
        Result orThrow() throws IOException {
            if (exitCode != 0) {
                throw new IOException("'" + String.join(" ", command) + "' failed with exit code " + exitCode
                        + ": " + stderr.strip());
            }
            return this;
        }
    }

    private final long timeoutMs;

    CommandRunner(long timeoutMs) {
        if (timeoutMs <= 0) {
            throw new IllegalArgumentException("command timeout must be positive, got " + timeoutMs + " ms");
        }
        this.timeoutMs = timeoutMs;
    }

    Result run(List<String> command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try {
            if (!p.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(2, TimeUnit.SECONDS);
                throw new IOException("'" + String.join(" ", command) + "' did not finish within " + timeoutMs + " ms");
            }
            return new Result(command, p.exitValue(), out.join(), err.join());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running '" + String.join(" ", command) + "'", e);
        }
    }

    private static CompletableFuture<String> drain(InputStream in) {
        // A thread per stream (not the common pool, which has one thread on a 2-core host) so
        // neither pipe can fill up and block the tool.
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (in) {
                result.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                result.complete("");
            }
        }, "drbd-device-tool-output");
        t.setDaemon(true);
        t.start();
        return result;
    }
}
