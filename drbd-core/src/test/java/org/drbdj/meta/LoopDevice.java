package org.drbdj.meta;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import org.drbdj.testing.ProcessRunner;

/**
 * A loop device over a sparse file, detached on close; the image is deleted then too, because
 * the meta-data tests write up to tens of MiB into each and would fill target/ over many runs.
 */
final class LoopDevice implements AutoCloseable {
    final Path file;
    final Path device;

    private LoopDevice(Path file, Path device) {
        this.file = file;
        this.device = device;
    }

    static LoopDevice create(Path file, long sizeBytes) throws IOException, InterruptedException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(sizeBytes);
        }
        ProcessRunner.Result r = ProcessRunner.run(List.of("losetup", "-f", "--show", file.toString()), 30);
        r.requireSuccess(List.of("losetup", "-f", "--show", file.toString()));
        return new LoopDevice(file, Path.of(r.stdout().trim()));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        ProcessRunner.run(List.of("losetup", "-d", device.toString()), 30);
        java.nio.file.Files.deleteIfExists(file);
    }

    @Override
    public String toString() {
        return device.toString();
    }
}
