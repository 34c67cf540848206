package org.drbdj.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks for what a test needs from the machine (root, Debian tools, device nodes). Outside CI a
 * missing prerequisite skips the test with the reason; in CI ({@code CI=true}) it fails it, so a
 * missing install step in {@code scripts/test} cannot hide behind a skip.
 */
public final class Prerequisites {
    private Prerequisites() {
    }

    /** True when running under CI ({@code CI=true}), where every prerequisite is mandatory. */
    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Skips (or, in CI, fails) the calling test unless {@code condition} holds. */
    public static void require(boolean condition, String reason) {
        if (condition) {
            return;
        }
        if (inCi()) {
            fail("prerequisite missing in CI: " + reason);
        }
        assumeTrue(false, "skipped: " + reason);
    }

    /** The test needs effective uid 0 (loop devices, namespaces, mount). */
    public static void requireRoot() {
        require(isRoot(), "needs root (run scripts/test as root)");
    }

    /** The test needs each of these executables on the PATH (or given as an absolute path). */
    public static void requireCommands(String... commands) {
        for (String command : commands) {
            require(findCommand(command) != null,
                    "needs '" + command + "' (scripts/test installs it with apt-get as root)");
        }
    }

    /** The test needs this path to exist (a device node such as /dev/fuse). */
    public static void requirePath(String path) {
        require(Files.exists(Path.of(path)), "needs " + path);
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** The absolute path of an executable, or null when it is not installed. */
    public static Path findCommand(String command) {
        if (command.startsWith("/")) {
            Path p = Path.of(command);
            return Files.isExecutable(p) ? p : null;
        }
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/lib/drbd:/lib/drbd";
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, command);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
