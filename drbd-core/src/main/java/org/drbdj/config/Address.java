package org.drbdj.config;

import java.util.Objects;

/**
 * A network endpoint as drbd.conf writes it: {@code address [ipv4|ipv6|ssocks|sdp] ADDR:PORT}.
 *
 * @param family  address family keyword: {@code ipv4}, {@code ipv6}, {@code ssocks} or {@code sdp}
 * @param host    the IP literal (IPv6 without brackets)
 * @param port    TCP port, 1..65535
 */
public record Address(String family, String host, int port) {
    /** Canonical constructor: validates the port. */
    public Address {
        Objects.requireNonNull(family);
        Objects.requireNonNull(host);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " out of range 1..65535");
        }
    }

    /** True for IPv6. */
    public boolean isIpv6() {
        return family.equals("ipv6");
    }

    /** {@code ipv4 10.0.0.1:7789} / {@code ipv6 [fd00::1]:7789}, as drbdadm dump prints it. */
    @Override
    public String toString() {
        return isIpv6() ? family + " [" + host + "]:" + port : family + " " + host + ":" + port;
    }
}
