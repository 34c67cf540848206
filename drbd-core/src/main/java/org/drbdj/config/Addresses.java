package org.drbdj.config;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Enumeration;
import java.util.Locale;
import java.util.function.Predicate;

/** Address helpers: literal parsing without DNS, loopback test, "is this IP on this machine". */
public final class Addresses {
    private Addresses() {
    }

    /** Parses an IPv4/IPv6 literal (never resolves a name); null when not a literal. */
    static InetAddress literal(String addr) {
        if (addr == null || addr.isEmpty()) {
            return null;
        }
        String a = addr;
        int pct = a.indexOf('%');
        if (pct >= 0) {
            a = a.substring(0, pct);
        }
        boolean v4 = a.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
        boolean v6 = a.indexOf(':') >= 0 && a.matches("[0-9a-fA-F:.]+");
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(a);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** True for 127.0.0.0/8 and ::1, as drbd-utils' addr_scope_local. */
    static boolean isLoopback(String addr) {
        InetAddress a = literal(addr);
        return a != null && a.isLoopbackAddress();
    }

    /** True when both literals denote the same address (ipv6 compared numerically). */
    static boolean sameAddress(String a, String b) {
        InetAddress x = literal(a);
        InetAddress y = literal(b);
        if (x != null && y != null) {
            return x.equals(y);
        }
        return a.toLowerCase(Locale.ROOT).equals(b.toLowerCase(Locale.ROOT));
    }

    /**
     * The addresses of this machine's interfaces, as drbdadm's have_ip uses them to choose a
     * {@code floating} section.
     */
    public static Predicate<String> localInterfaces() {
        return addr -> {
            InetAddress a = literal(addr);
            if (a == null) {
                return false;
            }
            try {
                Enumeration<NetworkInterface> ifs = NetworkInterface.getNetworkInterfaces();
                while (ifs != null && ifs.hasMoreElements()) {
                    Enumeration<InetAddress> as = ifs.nextElement().getInetAddresses();
                    while (as.hasMoreElements()) {
                        InetAddress x = as.nextElement();
                        if (sameIgnoringScope(x, a)) {
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

    private static boolean sameIgnoringScope(InetAddress x, InetAddress a) {
        return java.util.Arrays.equals(x.getAddress(), a.getAddress());
    }
}
