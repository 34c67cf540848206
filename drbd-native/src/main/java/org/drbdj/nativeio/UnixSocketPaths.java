package org.drbdj.nativeio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The kernel's limit on Unix socket paths, checked before binding or connecting: past it the
 * kernel says only "invalid argument" (or a library truncates the path silently).
 */
public final class UnixSocketPaths {
    /** Longest Unix socket path Linux accepts: sun_path is 108 bytes including the final NUL. */
    public static final int MAX_BYTES = 107;

    private UnixSocketPaths() {
    }

    /**
     * Returns {@code socket} when its absolute path fits, else fails naming the path, its length,
     * the limit and {@code advice} (what the caller's user can do about it).
     */
    public static Path requireFits(Path socket, String advice) throws IOException {
        String path = socket.toAbsolutePath().toString();
        int bytes = path.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            throw new IOException("socket path " + path + " is " + bytes + " bytes, Unix sockets allow at most "
                    + MAX_BYTES + ": " + advice);
        }
        return socket;
    }
}
