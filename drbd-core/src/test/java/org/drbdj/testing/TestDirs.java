package org.drbdj.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Private working directories for tests, under the module's {@code target/test-work/} so that a
 * failed run leaves its files for inspection and {@code mvn clean} removes them.
 */
public final class TestDirs {
    private TestDirs() {
    }

    /** A fresh, empty directory named after the test class and a label. */
    public static Path create(Class<?> testClass, String label) throws IOException {
        Path base = Path.of(System.getProperty("user.dir"), "target", "test-work");
        Files.createDirectories(base);
        return Files.createTempDirectory(base, testClass.getSimpleName() + "-" + label + "-");
    }
}
