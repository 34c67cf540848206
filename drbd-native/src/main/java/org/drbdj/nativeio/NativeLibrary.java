package org.drbdj.nativeio;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Loads {@code libdrbdnative.so} defensively: first from the path in the system property
 * {@value #PATH_PROPERTY}, then from the copy packed in this jar under
 * {@code native/linux-<arch>/}. Failure is not an error: {@link #isAvailable()} says false and
 * {@link #unavailableReason()} says why, and callers fall back to the tool-based path
 * (nbdfuse + loop) instead of the kernel nbd driver.
 */
public final class NativeLibrary {
    /** System property naming an explicit library file to load instead of the packed one. */
    public static final String PATH_PROPERTY = "drbdj.native.path";
    static final String LIBRARY_FILE = "libdrbdnative.so";
    static final int EXPECTED_ABI = 2;

    private static final String REASON = load();

    private NativeLibrary() {
    }

    /** True when the shim is loaded and speaks the ABI this jar expects. */
    public static boolean isAvailable() {
        return REASON == null;
    }

    /** Why the shim is unavailable, or {@code null} when it is available. */
    public static String unavailableReason() {
        return REASON;
    }

    /** Throws with the reason when the shim is unavailable. */
    public static void ensureAvailable() {
        if (REASON != null) {
            throw new UnsupportedOperationException("native shim unavailable: " + REASON);
        }
    }

    private static String load() {
        String os = System.getProperty("os.name", "");
        if (!os.toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return "not Linux (" + os + ")";
        }
        try {
            String explicit = System.getProperty(PATH_PROPERTY);
            if (explicit != null && !explicit.isBlank()) {
                System.load(Path.of(explicit).toAbsolutePath().toString());
            } else {
                System.load(extractPacked().toString());
            }
            int abi = NativeShimJni.abiVersion();
            if (abi != EXPECTED_ABI) {
                return "ABI mismatch: library " + abi + ", jar expects " + EXPECTED_ABI;
            }
            return null;
        } catch (IOException | UnsatisfiedLinkError | SecurityException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    /** Copies the packed library to a private temp file, since dlopen needs a real path. */
    private static Path extractPacked() throws IOException {
        String resource = "/native/linux-" + System.getProperty("os.arch") + "/" + LIBRARY_FILE;
        try (InputStream in = NativeLibrary.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("no packed library at " + resource + " (built without gcc?)");
            }
            Path dir = Files.createTempDirectory("drbdj-native");
            Path lib = dir.resolve(LIBRARY_FILE);
            Files.copy(in, lib, StandardCopyOption.REPLACE_EXISTING);
            lib.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return lib;
        }
    }
}
