package org.drbdj.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.drbdj.control.ControlPaths;
import org.drbdj.control.ControlServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code drbdd}: the replication daemon. Runs in the foreground (systemd {@code Type=notify});
 * SIGTERM stops it cleanly: resources are demoted, flushed and detached, devices released, then
 * the control socket is removed.
 */
public final class Drbdd implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Drbdd.class);

    private final DaemonOptions options;
    private final ResourceManager resources;
    private final ControlServer control;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closed;

    Drbdd(DaemonOptions options) {
        this.options = options;
        this.resources = new ResourceManager(options);
        Integer gid = options.adminGroup() == null ? null : GroupLookup.gidOf(options.adminGroup());
        this.control = new ControlServer(ControlPaths.controlSocket(options.runDir()), resources,
                new ControlServer.Access(gid, options.adminGroup(), options.statusForAll()));
    }

    public static void main(String[] args) {
        List<String> argList = Arrays.asList(args);
        if (argList.contains("--help") || argList.contains("-h")) {
            System.out.println(DaemonOptions.USAGE);
            return;
        }
        DaemonOptions options;
        try {
            options = DaemonOptions.parse(argList);
        } catch (IllegalArgumentException e) {
            System.err.println("drbdd: " + e.getMessage());
            System.err.println("Try 'drbdd --help' for more information.");
            System.exit(1);
            return;
        }
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> LOG.error("uncaught exception on thread {}", t.getName(), e));
        Drbdd daemon = new Drbdd(options);
        Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "drbd-shutdown"));
        try {
            daemon.start();
        } catch (IOException e) {
            LOG.error("drbdd could not start: {}", e.getMessage());
            daemon.close();
            System.exit(20);
        }
        daemon.awaitStop();
    }

    void start() throws IOException {
        Files.createDirectories(options.runDir());
        resources.start();
        control.start();
        SystemdNotify.ready("control socket " + control.socketPath());
        LOG.info("drbdd ready (run dir {})", options.runDir());
    }

    void awaitStop() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops in a fixed order: no new requests, then resources down, then the socket file. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        SystemdNotify.stopping();
        LOG.info("drbdd stopping");
        control.close();
        resources.close();
        stopped.countDown();
        LOG.info("drbdd stopped");
    }
}
