package org.drbdj.config;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.function.Predicate;

/**
 * Address helpers: literal parsing (by hand, no DNS and no java.net on drbdadm's startup path),
 * the loopback test, and "is this IP on this machine".
 */
public final class Addresses {
    private Addresses() {
    }

    /** The 4 or 16 bytes of an IPv4/IPv6 literal ({@code %scope} ignored); null when not a literal. */
    static byte[] literal(String addr) {
        if (addr == null || addr.isEmpty()) {
            return null;
        }
        int pct = addr.indexOf('%');
        String a = pct >= 0 ? addr.substring(0, pct) : addr;
        return a.indexOf(':') >= 0 ? ipv6(a) : ipv4(a);
    }

    private static byte[] ipv4(String a) {
        String[] parts = a.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (parts[i].isEmpty() || parts[i].length() > 3) {
                return null;
            }
            for (int k = 0; k < parts[i].length(); k++) {
                if (!Character.isDigit(parts[i].charAt(k))) {
                    return null;
                }
            }
            int v = Integer.parseInt(parts[i]);
            if (v > 255) {
                return null;
            }
            b[i] = (byte) v;
        }
        return b;
    }

    private static byte[] ipv6(String a) {
        int dbl = a.indexOf("::");
        if (dbl >= 0 && a.indexOf("::", dbl + 1) >= 0) {
            return null;
        }
        String head = dbl >= 0 ? a.substring(0, dbl) : a;
        String tail = dbl >= 0 ? a.substring(dbl + 2) : "";
        byte[] h = groups(head);
        byte[] t = groups(tail);
        if (h == null || t == null) {
            return null;
        }
        if (dbl < 0 ? h.length != 16 : h.length + t.length > 14) {
            return null;
        }
        byte[] out = new byte[16];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(t, 0, out, 16 - t.length, t.length);
        return out;
    }

    /** Colon-separated hex groups, the last may be a dotted IPv4 address. */
    private static byte[] groups(String s) {
        if (s.isEmpty()) {
            return new byte[0];
        }
        String[] g = s.split(":", -1);
        byte[] out = new byte[g.length * 2 + 2];
        int n = 0;
        for (int i = 0; i < g.length; i++) {
            if (i == g.length - 1 && g[i].indexOf('.') >= 0) {
                byte[] v4 = ipv4(g[i]);
                if (v4 == null) {
                    return null;
                }
                System.arraycopy(v4, 0, out, n, 4);
                n += 4;
                continue;
            }
            if (g[i].isEmpty() || g[i].length() > 4) {
                return null;
            }
            int v;
            try {
                v = Integer.parseInt(g[i], 16);
            } catch (NumberFormatException e) {
                return null;
            }
            out[n++] = (byte) (v >> 8);
            out[n++] = (byte) v;
        }
        return Arrays.copyOf(out, n);
    }

    /** True for 127.0.0.0/8 and ::1, as drbd-utils' addr_scope_local. */
    static boolean isLoopback(String addr) {
        byte[] b = literal(addr);
        if (b == null) {
            return false;
        }
        if (b.length == 4) {
            return b[0] == 127;
        }
        for (int i = 0; i < 15; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[15] == 1;
    }

    /** True when both denote the same address (IPv6 compared numerically). */
    static boolean sameAddress(String a, String b) {
        byte[] x = literal(a);
        byte[] y = literal(b);
        if (x != null && y != null) {
            return Arrays.equals(x, y);
        }
        return a.equalsIgnoreCase(b);
    }

    /**
     * The addresses of this machine's interfaces, as drbdadm's have_ip uses them to choose a
     * {@code floating} section and to verify this host's address.
     */
    public static Predicate<String> localInterfaces() {
        return addr -> {
            byte[] a = literal(addr);
            if (a == null) {
                return false;
            }
            try {
                Enumeration<NetworkInterface> ifs = NetworkInterface.getNetworkInterfaces();
                while (ifs != null && ifs.hasMoreElements()) {
                    Enumeration<InetAddress> as = ifs.nextElement().getInetAddresses();
                    while (as.hasMoreElements()) {
                        if (Arrays.equals(as.nextElement().getAddress(), a)) {
                            return true;
                        }
                    }
                }
            } catch (SocketException e) {
                return false;
            }
            return false;
        };
    }
}
