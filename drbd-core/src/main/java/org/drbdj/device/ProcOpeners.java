package org.drbdj.device;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Whether a process holds a block device open for writing, read from {@code /proc/PID/fd} (which
 * descriptor refers to the device) and {@code /proc/PID/fdinfo} (its access mode). Reading another
 * process's descriptors needs root (ptrace access), which the daemon has.
 */
final class ProcOpeners {
    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;
    private static final int O_ACCMODE = 03;
    private static final int O_RDONLY = 0;

    private final Path proc;

    /** @param proc the proc file system ({@code /proc}) */
    ProcOpeners(Path proc) {
        this.proc = proc;
    }

    /**
     * True when process {@code pid} has a descriptor open for writing ({@code O_WRONLY} or
     * {@code O_RDWR}) on the block device {@code device}, through any node of it. A process that
     * is gone, or descriptors that vanish while we look, count as not holding it.
     */
    boolean holdsForWrite(long pid, DeviceNumber device) {
        Path fdDir = proc.resolve(Long.toString(pid)).resolve("fd");
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
            for (Path fd : fds) {
                if (refersTo(fd, device) && writeAccess(readFdinfo(pid, fd.getFileName().toString()))) {
                    return true;
                }
            }
        } catch (IOException | RuntimeException gone) {
            return false;
        }
        return false;
    }

    private static boolean refersTo(Path fd, DeviceNumber device) {
        try {
            // Sockets, pipes and anonymous inodes cannot be our device: skip the stat for them.
            String target = Files.readSymbolicLink(fd).toString();
            if (!target.startsWith("/")) {
                return false;
            }
            Map<String, Object> a = Files.readAttributes(fd, "unix:mode,rdev");
            return ((Integer) a.get("mode") & S_IFMT) == S_IFBLK
                    && DeviceNumber.fromDevT((Long) a.get("rdev")).equals(device);
        } catch (IOException | RuntimeException closedMeanwhile) {
            return false;
        }
    }

    private String readFdinfo(long pid, String fd) throws IOException {
        return Files.readString(proc.resolve(Long.toString(pid)).resolve("fdinfo").resolve(fd), StandardCharsets.UTF_8);
    }

    /** Parses the octal {@code flags:} line of an fdinfo file: open for write unless O_RDONLY. */
    static boolean writeAccess(String fdinfo) {
        for (String line : fdinfo.split("\n")) {
            if (line.startsWith("flags:")) {
                int flags = Integer.parseInt(line.substring("flags:".length()).strip(), 8);
                return (flags & O_ACCMODE) != O_RDONLY;
            }
        }
        throw new IllegalArgumentException("fdinfo has no flags line: " + fdinfo.strip());
    }
}
