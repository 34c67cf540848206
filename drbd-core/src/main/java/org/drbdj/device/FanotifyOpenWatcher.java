package org.drbdj.device;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.drbdj.nativeio.NativeIoException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link OpenWatcher} on fanotify: one notification group that reports file handles
 * ({@code FAN_REPORT_FID}, the only mode in which fanotify reports events on device nodes), an
 * inode mark with {@code FAN_OPEN | FAN_CLOSE_WRITE} on each {@code /dev/drbdN}, and a thread
 * ({@code drbd-open-watch}) that reads the events.
 *
 * <p>An open event does not say for what the node was opened, and comes after the open; so the
 * opener's descriptors are read from {@code /proc/PID/fdinfo} ({@link ProcOpeners}) while it
 * still holds them. A close-write event does not say who held the descriptor either, so the
 * tracked writers are re-checked in {@code /proc} whenever the daemon asks for them: a writer that
 * exited, closed, or whose open failed later is simply not there any more.
 *
 * <p>Needs root (CAP_SYS_ADMIN for fanotify, ptrace access for other processes' fdinfo).
 */
public final class FanotifyOpenWatcher implements OpenWatcher {
    private static final Logger LOG = LoggerFactory.getLogger(FanotifyOpenWatcher.class);
    private static final int POLL_MS = 200;
    private static final int BUFFER_BYTES = 16 * 1024;

    /** A watched node: its minor, the device behind it, and the processes seen opening it for write. */
    private record Watched(int minor, Path node, DeviceNumber device, Set<Long> writers) {
    }

    private final int fd;
    private final Listener listener;
    private final ProcOpeners proc;
    private final Map<String, Watched> byHandle = new ConcurrentHashMap<>();
    private final Map<Integer, String> handleOfMinor = new ConcurrentHashMap<>();
    private final Thread reader;
    private volatile boolean closed;

    private FanotifyOpenWatcher(int fd, Listener listener, ProcOpeners proc) {
        this.fd = fd;
        this.listener = listener;
        this.proc = proc;
        this.reader = new Thread(this::readLoop, "drbd-open-watch");
        this.reader.setDaemon(true);
    }

    /**
     * Starts a fanotify watcher, or returns an {@link OpenWatcher#unavailable unavailable} one with
     * the reason (not root, fanotify not in the kernel, libc without it).
     */
    public static OpenWatcher start(Listener listener) {
        int fd;
        try {
            fd = Fanotify.fanotify_init(Fanotify.FAN_CLASS_NOTIF | Fanotify.FAN_REPORT_FID | Fanotify.FAN_CLOEXEC
                    | Fanotify.FAN_NONBLOCK, Fanotify.O_RDONLY | Fanotify.O_CLOEXEC);
        } catch (LastErrorException e) {
            return OpenWatcher.unavailable(new NativeIoException("fanotify_init(FAN_REPORT_FID)", e.getErrorCode())
                    .getMessage() + (e.getErrorCode() == 1 ? " (needs root)" : ""));
        } catch (LinkageError e) {
            return OpenWatcher.unavailable("fanotify cannot be called through JNA: " + e);
        }
        FanotifyOpenWatcher w = new FanotifyOpenWatcher(fd, listener, new ProcOpeners(Path.of("/proc")));
        w.reader.start();
        return w;
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public String reason() {
        return "fanotify (FAN_OPEN, FAN_CLOSE_WRITE on each /dev/drbdN) with writers checked in /proc";
    }

    @Override
    public void watch(int minor, Path node, DeviceNumber device) throws IOException {
        String handle = handleOf(node);
        unwatch(minor);
        byHandle.put(handle, new Watched(minor, node, device, ConcurrentHashMap.newKeySet()));
        handleOfMinor.put(minor, handle);
        try {
            Fanotify.fanotify_mark(fd, Fanotify.FAN_MARK_ADD, Fanotify.FAN_OPEN | Fanotify.FAN_CLOSE_WRITE,
                    Fanotify.AT_FDCWD, node.toString());
        } catch (LastErrorException e) {
            byHandle.remove(handle);
            handleOfMinor.remove(minor);
            throw new NativeIoException("fanotify_mark(" + node + ")", e.getErrorCode());
        }
    }

    private static String handleOf(Path node) throws IOException {
        try (Memory h = new Memory(8 + Fanotify.MAX_HANDLE_SZ)) {
            h.setInt(0, Fanotify.MAX_HANDLE_SZ);
            Fanotify.name_to_handle_at(Fanotify.AT_FDCWD, node.toString(), h, new int[1], 0);
            int bytes = h.getInt(0);
            return FanotifyEvent.handleKey(h.getInt(4), h.getByteArray(8, bytes));
        } catch (LastErrorException e) {
            // EOPNOTSUPP: the file system of the device directory has no file handles (fanotify needs them).
            throw new NativeIoException("name_to_handle_at(" + node + ")", e.getErrorCode());
        }
    }

    @Override
    public void unwatch(int minor) {
        String handle = handleOfMinor.remove(minor);
        if (handle == null) {
            return;
        }
        Watched w = byHandle.remove(handle);
        try {
            Fanotify.fanotify_mark(fd, Fanotify.FAN_MARK_REMOVE, Fanotify.FAN_OPEN | Fanotify.FAN_CLOSE_WRITE,
                    Fanotify.AT_FDCWD, w.node().toString());
        } catch (LastErrorException e) {
            // The node is gone already: its mark went with the inode.
            LOG.debug("drbd{}: removing the fanotify mark of {}: errno {}", minor, w.node(), e.getErrorCode());
        }
    }

    @Override
    public Set<Long> writers(int minor) {
        String handle = handleOfMinor.get(minor);
        Watched w = handle == null ? null : byHandle.get(handle);
        if (w == null) {
            return Set.of();
        }
        w.writers().removeIf(pid -> !proc.holdsForWrite(pid, w.device()));
        return Set.copyOf(w.writers());
    }

    private void readLoop() {
        try (Memory pollFd = new Memory(8); Memory buf = new Memory(BUFFER_BYTES)) {
            pollFd.setInt(0, fd);
            pollFd.setShort(4, Fanotify.POLLIN);
            while (!closed) {
                if (!await(pollFd)) {
                    continue;
                }
                long n;
                try {
                    n = Fanotify.read(fd, buf, BUFFER_BYTES);
                } catch (LastErrorException e) {
                    if (e.getErrorCode() == Fanotify.EAGAIN || e.getErrorCode() == Fanotify.EINTR) {
                        continue;
                    }
                    throw new NativeIoException("read(fanotify)", e.getErrorCode());
                }
                for (FanotifyEvent event : FanotifyEvent.parse(buf.getByteBuffer(0, n))) {
                    handle(event);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Without the watcher the daemon still promotes on writes and demotes by mounts and quiet time.
            LOG.error("open watcher stopped: {}; writers of /dev/drbdN are no longer tracked", e.toString(), e);
        }
    }

    private boolean await(Memory pollFd) throws NativeIoException {
        pollFd.setShort(6, (short) 0);
        try {
            return Fanotify.poll(pollFd, 1, POLL_MS) > 0;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Fanotify.EINTR) {
                return false;
            }
            throw new NativeIoException("poll(fanotify)", e.getErrorCode());
        }
    }

    private void handle(FanotifyEvent event) {
        if (event.has(Fanotify.FAN_Q_OVERFLOW)) {
            LOG.warn("fanotify queue overflowed: opens of /dev/drbdN may have been missed (writes still promote)");
            return;
        }
        Watched w = event.handle() == null ? null : byHandle.get(event.handle());
        if (w == null) {
            return; // a node unwatched meanwhile
        }
        // The kernel merges an open and a close of the same process into one event: open first.
        if (event.has(Fanotify.FAN_OPEN) && event.pid() > 0 && proc.holdsForWrite(event.pid(), w.device())) {
            w.writers().add((long) event.pid());
            listener.openedForWrite(w.minor(), event.pid());
        }
        if (event.has(Fanotify.FAN_CLOSE_WRITE)) {
            listener.closedAfterWrite(w.minor());
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            reader.join(5L * POLL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (reader.isAlive()) {
            LOG.warn("open watcher thread did not stop within {} ms", 5 * POLL_MS);
        }
        try {
            Fanotify.close(fd);
        } catch (LastErrorException e) {
            LOG.warn("closing the fanotify descriptor: errno {}", e.getErrorCode());
        }
        byHandle.clear();
        handleOfMinor.clear();
    }
}
