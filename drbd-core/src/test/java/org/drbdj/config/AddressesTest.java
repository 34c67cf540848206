package org.drbdj.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class AddressesTest {
    @Test
    void loopbackAsDrbdUtilsAddrScopeLocal() {
        assertThat(Addresses.isLoopback("127.0.0.1")).isTrue();
        assertThat(Addresses.isLoopback("127.5.6.7")).isTrue();
        assertThat(Addresses.isLoopback("::1")).isTrue();
        assertThat(Addresses.isLoopback("0:0:0:0:0:0:0:1")).isTrue();
        assertThat(Addresses.isLoopback("10.0.0.1")).isFalse();
        assertThat(Addresses.isLoopback("::2")).isFalse();
        assertThat(Addresses.isLoopback("node1")).isFalse();
    }

    @Test
    void ipv6SpellingsCompareNumerically() {
        assertThat(Addresses.sameAddress("fd00::3", "FD00:0:0:0:0:0:0:3")).isTrue();
        assertThat(Addresses.sameAddress("::ffff:10.0.0.1", "::ffff:a00:1")).isTrue();
        assertThat(Addresses.sameAddress("fe80::1%eth0", "fe80::1")).isTrue();
        assertThat(Addresses.sameAddress("fd00::3", "fd00::4")).isFalse();
        assertThat(Addresses.literal("1::2::3")).isNull();
        assertThat(Addresses.literal("1.2.3.256")).isNull();
        assertThat(Addresses.literal("1:2:3:4:5:6:7:8:9")).isNull();
    }

    /** Our hand-written parser agrees with the JDK's on every IPv6 address (canonical spelling). */
    @Property
    void agreesWithTheJdk(@ForAll byte[] raw) throws Exception {
        byte[] a = new byte[16];
        System.arraycopy(raw, 0, a, 0, Math.min(16, raw.length));
        String text = InetAddress.getByAddress(a).getHostAddress();
        assertThat(Addresses.literal(text)).isEqualTo(InetAddress.getByName(text).getAddress().length == 16
                ? InetAddress.getByName(text).getAddress() : a);
    }
}
