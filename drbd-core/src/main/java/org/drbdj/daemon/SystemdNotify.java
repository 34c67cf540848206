package org.drbdj.daemon;

import com.sun.jna.Library;
import com.sun.jna.Native;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * sd_notify(3) through JNA, for {@code Type=notify} units: drbdd says {@code READY=1} once its
 * control socket accepts requests and {@code STOPPING=1} when it begins a clean shutdown. Without
 * {@code NOTIFY_SOCKET} (not started by systemd) or without libsystemd, every call is a no-op.
 */
final class SystemdNotify {
    private static final Logger LOG = LoggerFactory.getLogger(SystemdNotify.class);

    interface LibSystemd extends Library {
        int sd_notify(int unsetEnvironment, String state);
    }

    private static final LibSystemd LIB = load();

    private SystemdNotify() {
    }

    private static LibSystemd load() {
        if (System.getenv("NOTIFY_SOCKET") == null) {
            return null;
        }
        try {
            return Native.load("systemd", LibSystemd.class);
        } catch (UnsatisfiedLinkError e) {
            LOG.warn("NOTIFY_SOCKET is set but libsystemd cannot be loaded ({}); systemd will not see READY", e.getMessage());
            return null;
        }
    }

    static void ready(String status) {
        send("READY=1\nSTATUS=" + status);
    }

    static void stopping() {
        send("STOPPING=1");
    }

    static void status(String status) {
        send("STATUS=" + status);
    }

    private static void send(String state) {
        if (LIB == null) {
            return;
        }
        int rc = LIB.sd_notify(0, state);
        if (rc < 0) {
            LOG.warn("sd_notify failed: errno {}", -rc);
        }
    }
}
