package org.drbdj.control;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Where drbdd keeps its run-time files. The directory is {@code /run/drbd} unless the environment
 * variable {@value #RUN_DIR_ENV} (or the system property {@value #RUN_DIR_PROPERTY}) names another;
 * tests and namespace hosts use that to keep several daemons apart.
 */
public final class ControlPaths {
    public static final String RUN_DIR_ENV = "DRBD_RUN_DIR";
    public static final String RUN_DIR_PROPERTY = "drbdj.run.dir";
    public static final Path DEFAULT_RUN_DIR = Path.of("/run/drbd");

    private ControlPaths() {
    }

    public static Path runDir() {
        String p = System.getProperty(RUN_DIR_PROPERTY);
        if (p == null || p.isBlank()) {
            p = System.getenv(RUN_DIR_ENV);
        }
        return p == null || p.isBlank() ? DEFAULT_RUN_DIR : Path.of(p);
    }

    /** The control socket: {@code <run dir>/drbdd.sock}. */
    public static Path controlSocket(Path runDir) {
        return runDir.resolve("drbdd.sock");
    }

    /** Longest Unix socket path Linux accepts: sun_path is 108 bytes including the final NUL. */
    public static final int MAX_SOCKET_PATH_BYTES = 107;

    /**
     * Fails with a clear message when a socket path is too long to bind or connect to; without
     * this the kernel's error ("invalid argument") or a silent truncation says nothing useful.
     */
    public static Path requireSocketPathFits(Path socket) throws IOException {
        int bytes = socket.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_SOCKET_PATH_BYTES) {
            throw new IOException("socket path " + socket.toAbsolutePath() + " is " + bytes
                    + " bytes, Unix sockets allow at most " + MAX_SOCKET_PATH_BYTES
                    + ": use a shorter run directory (--run-dir or " + RUN_DIR_ENV + ")");
        }
        return socket;
    }

    /** The /proc/drbd-style status file: {@code <run dir>/proc}. */
    public static Path procFile(Path runDir) {
        return runDir.resolve("proc");
    }
}
