package org.drbdj.device;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * JNA direct mapping of fanotify(7) and the calls around it (read, poll, close,
 * name_to_handle_at). Every call reports failure as a {@link LastErrorException} carrying errno.
 *
 * <p>Constants are from the Linux UAPI headers ({@code linux/fanotify.h}, {@code fcntl.h},
 * {@code poll.h}); they are the same on x86_64 and aarch64, the only platforms we ship.
 */
final class Fanotify {
    /** fanotify_init: notification-only group (no permission events). */
    static final int FAN_CLASS_NOTIF = 0x0;
    static final int FAN_CLOEXEC = 0x1;
    static final int FAN_NONBLOCK = 0x2;
    /**
     * Report a file handle instead of an open descriptor. Without it fanotify drops every event on
     * a device node ({@code fanotify_group_event_mask}: "path type events are only relevant for
     * files and dirs"); with it the group may only be of class NOTIF.
     */
    static final int FAN_REPORT_FID = 0x200;

    static final int FAN_MARK_ADD = 0x1;
    static final int FAN_MARK_REMOVE = 0x2;

    static final long FAN_CLOSE_WRITE = 0x8;
    static final long FAN_OPEN = 0x20;
    static final long FAN_Q_OVERFLOW = 0x4000;

    static final int FANOTIFY_METADATA_VERSION = 3;
    static final int FAN_EVENT_INFO_TYPE_FID = 1;

    static final int AT_FDCWD = -100;
    static final int O_RDONLY = 0;
    static final int O_CLOEXEC = 02000000;
    static final short POLLIN = 0x1;
    /** Largest file handle the kernel hands out ({@code MAX_HANDLE_SZ}). */
    static final int MAX_HANDLE_SZ = 128;

    static final int EINTR = 4;
    static final int EAGAIN = 11;

    static {
        Native.register(Fanotify.class, Platform.C_LIBRARY_NAME);
    }

    private Fanotify() {
    }

    static native int fanotify_init(int flags, int eventFFlags) throws LastErrorException;

    static native int fanotify_mark(int fd, int flags, long mask, int dirfd, String path) throws LastErrorException;

    /** {@code struct file_handle} goes to {@code handle}: u32 handle_bytes (in: capacity), s32 type, bytes. */
    static native int name_to_handle_at(int dirfd, String path, Pointer handle, int[] mountId, int flags)
            throws LastErrorException;

    static native long read(int fd, Pointer buf, long count) throws LastErrorException;

    /** {@code fds} is an array of {@code struct pollfd} (s32 fd, s16 events, s16 revents). */
    static native int poll(Pointer fds, long nfds, int timeoutMs) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;
}
