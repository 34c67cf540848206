package org.drbdj.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Private working directories for tests, under the module's {@code target/test-work/} so that a
 * failed run leaves its files for inspection and {@code mvn clean} removes them.
 *
 * <p>Tests bind Unix sockets in these directories, and a socket path may be at most 107 bytes: a
 * checkout in a deep directory would push it over. So the path handed out is a short symlink in
 * the temporary directory ({@code /tmp/drbdj-…}) pointing at the directory under {@code target/}.
 */
public final class TestDirs {
    private TestDirs() {
    }

    /** A fresh, empty directory named after the test class and a label, reached by a short path. */
    public static Path create(Class<?> testClass, String label) throws IOException {
        Path base = Path.of(System.getProperty("user.dir"), "target", "test-work");
        Files.createDirectories(base);
        Path real = Files.createTempDirectory(base, testClass.getSimpleName() + "-" + label + "-");
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        for (int attempt = 0; attempt < 100; attempt++) {
            Path link = tmp.resolve("drbdj-" + Long.toString(System.nanoTime() & 0xffffffffffL, 36));
            try {
                return Files.createSymbolicLink(link, real);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                Thread.onSpinWait();
            }
        }
        return real;
    }
}
