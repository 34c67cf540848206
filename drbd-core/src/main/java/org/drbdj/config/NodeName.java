package org.drbdj.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Which node this is: the name drbdadm matches against {@code on NAME} sections.
 *
 * <p>Order: an explicit {@code --node-name}, then the environment variable {@code
 * DRBD_NODE_NAME}, then drbd-utils' debugging variable {@code __DRBD_NODE__}, then the kernel's
 * node name ({@code uname -n}, read from {@code /proc/sys/kernel/hostname}, falling back to the
 * JDK's local host name).
 */
public final class NodeName {
    /** Environment variable that overrides the node name (drbdj). */
    public static final String ENV = "DRBD_NODE_NAME";
    /** drbd-utils' own override variable, honoured too. */
    public static final String ENV_DRBD_UTILS = "__DRBD_NODE__";

    private NodeName() {
    }

    /** Resolves the node name from an explicit option (may be null) and the environment. */
    public static String resolve(String explicit, Map<String, String> env) {
        if (explicit != null && !explicit.isEmpty()) {
            return explicit;
        }
        String e = env.get(ENV);
        if (e != null && !e.isEmpty()) {
            return e;
        }
        e = env.get(ENV_DRBD_UTILS);
        if (e != null && !e.isEmpty()) {
            return e;
        }
        return uname();
    }

    /** {@code uname -n}. */
    public static String uname() {
        try {
            String s = ConfigParser.readFile(Path.of("/proc/sys/kernel/hostname")).trim();
            if (!s.isEmpty()) {
                return s;
            }
        } catch (IOException e) {
            // not Linux or no procfs: use the JDK's view below
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /**
     * drbd-utils' hostnames_equal: equal ignoring case when both are fully qualified or both
     * short; when only one has a domain, the short parts are compared.
     */
    public static boolean hostnamesEqual(String a, String b) {
        int da = a.indexOf('.');
        int db = b.indexOf('.');
        if (da >= 0 && db >= 0) {
            return a.equalsIgnoreCase(b);
        }
        String sa = da >= 0 ? a.substring(0, da) : a;
        String sb = db >= 0 ? b.substring(0, db) : b;
        return sa.equalsIgnoreCase(sb);
    }
}
