package org.drbdj.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.drbdj.testing.Prerequisites;
import org.drbdj.testing.ProcessRunner;

/** A loop device attached to an image file for the duration of a test; detached on close. */
public final class LoopDevice implements AutoCloseable {
    private final Path device;

    private LoopDevice(Path device) {
        this.device = device;
    }

    /** Attaches image (needs root and losetup; skips or, in CI, fails otherwise). */
    public static LoopDevice attach(Path image) throws IOException, InterruptedException {
        Prerequisites.requireRoot();
        Prerequisites.requireCommands("losetup");
        ProcessRunner.Result r = ProcessRunner.run(List.of("losetup", "--find", "--show", image.toString()), 30);
        r.requireSuccess(List.of("losetup", "--find", "--show", image.toString()));
        LoopDevice loop = new LoopDevice(Path.of(r.stdout().trim()));
        loop.awaitUnclaimed();
        return loop;
    }

    /**
     * Waits (bounded) until nobody holds the fresh device exclusively: on kernels that refuse
     * writes to exclusively claimed block devices (EPERM), a transient claim by another process
     * on this shared machine would otherwise fail the first write.
     */
    private void awaitUnclaimed() throws IOException, InterruptedException {
        DeviceIoException last = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            try (BackingDevice probe = BackingDevice.open(device, new BackingDevice.OpenOptions(true, false, true))) {
                return;
            } catch (DeviceIoException e) {
                last = e;
                Thread.sleep(100);
            }
        }
        close();
        throw new IOException("loop device " + device + " stayed claimed by another process for 5 s", last);
    }

    /** The /dev/loopN node. */
    public Path path() {
        return device;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        ProcessRunner.run(List.of("losetup", "-d", device.toString()), 30)
                .requireSuccess(List.of("losetup", "-d", device.toString()));
    }
}
