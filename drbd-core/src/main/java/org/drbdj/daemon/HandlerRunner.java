package org.drbdj.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a DRBD handler ({@code handlers { local-io-error "..."; }}) the way the kernel module's
 * usermode helper does: {@code /bin/sh -c CMD} with DRBD's environment ({@code DRBD_RESOURCE},
 * {@code DRBD_MINOR}, {@code DRBD_VOLUME}, {@code DRBD_BACKING_DEV}, the peer address, ...), so the
 * drbd-utils scripts ({@code /usr/lib/drbd/notify-*.sh}) run unmodified. The command's output is
 * logged; it is bounded by a timeout.
 */
final class HandlerRunner {
    private static final Logger LOG = LoggerFactory.getLogger(HandlerRunner.class);
    /** Option-name prefix under which drbdadm passes handlers with {@code new-resource}. */
    static final String OPTION_PREFIX = "handler.";
    static final long TIMEOUT_SECONDS = 120;

    private HandlerRunner() {
    }

    /** Runs handler {@code name} of the resource if configured; returns its exit code, or -1 if none ran. */
    static int run(Resource res, Resource.Minor minor, String name, DaemonOptions options) {
        String command = res.resourceOptions.get(OPTION_PREFIX + name);
        if (command == null || command.isBlank()) {
            return -1;
        }
        java.nio.file.Path output;
        try {
            output = java.nio.file.Files.createTempFile("drbd-handler-", ".log");
        } catch (IOException e) {
            LOG.error("{}: handler {} could not run: {}", res.name, name, e.getMessage());
            return -1;
        }
        // Output goes to a file, so that a silent, hanging handler cannot block us past the timeout.
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true)
                .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("HOME", "/");
        env.put("TERM", "linux");
        env.put("PATH", "/sbin:/usr/sbin:/bin:/usr/bin");
        env.put("DRBD_RESOURCE", res.name);
        env.put("DRBD_MINOR", Integer.toString(minor.minor));
        env.put("DRBD_VOLUME", Integer.toString(minor.vnr));
        env.put("DRBD_MINOR_" + minor.vnr, Integer.toString(minor.minor));
        String backing = res.state.current().device(minor.vnr).backingDeviceText();
        env.put("DRBD_BACKING_DEV", backing);
        env.put("DRBD_BACKING_DEV_" + minor.vnr, backing);
        res.connection.ifPresent(c -> {
            putAddress(env, "DRBD_MY", c.localAddress());
            putAddress(env, "DRBD_PEER", c.peerAddress());
            env.put("DRBD_PEERS", host(c.peerAddress()));
        });
        LOG.info("{}: calling handler {}: {}", res.name, name, command);
        try {
            Process p = pb.start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                LOG.error("{}: handler {} timed out after {} s", res.name, name, TIMEOUT_SECONDS);
                return -1;
            }
            byte[] bytes;
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(output)) {
                bytes = in.readNBytes(1 << 16);
            }
            String text = new String(bytes, StandardCharsets.UTF_8).strip();
            if (!text.isEmpty()) {
                text.lines().forEach(l -> LOG.info("{}: handler {}: {}", res.name, name, l));
            }
            LOG.info("{}: handler {} exited with {}", res.name, name, p.exitValue());
            return p.exitValue();
        } catch (IOException e) {
            LOG.error("{}: handler {} could not run: {}", res.name, name, e.getMessage());
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } finally {
            try {
                java.nio.file.Files.deleteIfExists(output);
            } catch (IOException e) {
                LOG.debug("could not remove {}", output);
            }
        }
    }

    /** {@code ipv4:10.0.0.1:7789} -> {@code DRBD_X_ADDRESS=10.0.0.1}, {@code DRBD_X_AF=ipv4}. */
    private static void putAddress(Map<String, String> env, String prefix, String address) {
        int colon = address.indexOf(':');
        env.put(prefix + "_AF", address.substring(0, colon));
        env.put(prefix + "_ADDRESS", host(address));
    }

    private static String host(String address) {
        String rest = address.substring(address.indexOf(':') + 1);
        String host = rest.substring(0, rest.lastIndexOf(':'));
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }
}
