package org.drbdj.control;

import java.io.IOException;
import java.nio.file.Path;
import org.drbdj.nativeio.UnixSocketPaths;

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

    /** Longest Unix socket path Linux accepts (see {@link UnixSocketPaths}). */
    public static final int MAX_SOCKET_PATH_BYTES = UnixSocketPaths.MAX_BYTES;

    /** Fails with a clear message, naming the run-directory options, when a socket path is too long. */
    public static Path requireSocketPathFits(Path socket) throws IOException {
        return UnixSocketPaths.requireFits(socket, "use a shorter run directory (--run-dir or " + RUN_DIR_ENV + ")");
    }

    /** The /proc/drbd-style status file: {@code <run dir>/proc}. */
    public static Path procFile(Path runDir) {
        return runDir.resolve("proc");
    }
}
