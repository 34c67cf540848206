package org.drbdj.status;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Publishes a rendered status file (the {@code /proc/drbd}-style {@code /run/drbd/proc}) so that a
 * reader never sees a half-written file: the text goes to a temporary file in the same directory,
 * which is then renamed over the old one. The file is world-readable ({@code 0644}), like
 * {@code /proc/drbd}.
 */
public final class StatusFiles {
    private StatusFiles() {
    }

    /**
     * Atomically replaces {@code target} with {@code text}.
     *
     * @throws IOException if the directory is missing or not writable; the message names the file
     */
    public static void publish(Path target, String text) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IOException("cannot write status file " + target + ": directory " + dir
                    + " does not exist (create it or configure another run directory)");
        }
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: keep the default permissions
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
