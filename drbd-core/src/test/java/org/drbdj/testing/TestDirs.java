package org.drbdj.testing;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Private working directories for tests. Tests bind Unix sockets in them, and a socket path may be
 * at most 107 bytes, which a checkout in a deep directory would exceed; so the directory itself
 * lives under the temporary directory ({@code /tmp/drbdj-test-USER/}) where paths stay short, and the
 * module's {@code target/test-work/} holds a symlink of the same name to it, so that a failed run
 * is easy to find and inspect.
 */
public final class TestDirs {
    /** Per user, so that one user's directory does not block another's tests on a shared machine. */
    private static final Path ROOT = Path.of(System.getProperty("java.io.tmpdir"),
            "drbdj-test-" + System.getProperty("user.name"));

    private TestDirs() {
    }

    /** A fresh, empty directory named after the test class and a label. */
    public static Path create(Class<?> testClass, String label) throws IOException {
        Files.createDirectories(ROOT);
        Path index = Files.createDirectories(Path.of(System.getProperty("user.dir"), "target", "test-work"));
        for (int attempt = 0; ; attempt++) {
            String name = testClass.getSimpleName() + "-" + label + "-"
                    + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36 * 36), 36);
            try {
                Path dir = Files.createDirectory(ROOT.resolve(name));
                Files.createSymbolicLink(index.resolve(name), dir);
                return dir;
            } catch (FileAlreadyExistsException e) {
                if (attempt == 100) {
                    throw e;
                }
            }
        }
    }
}
