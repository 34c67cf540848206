package org.drbdj.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The yardstick of {@link ConfigDifferentialTest} must itself be trustworthy: it has to see a
 * changed value, a missing option and a missing section, and it must not see a difference where
 * two dumps only differ in layout, order, whitespace, quoting or units.
 */
class DumpNormaliserTest {
    /** A drbd-utils 9 style dump of a two-node resource. */
    private static final String BASE = """
            # /etc/drbd.conf
            global {
                usage-count no;
            }

            common {
                net {
                    protocol           C;
                }
                disk {
                    resync-rate      100M;
                }
                handlers {
                    split-brain      "/usr/lib/drbd/notify-split-brain.sh root";
                }
            }

            # resource r0 on node1: not ignored, not stacked
            resource r0 {
                device               minor 1;
                disk                 /dev/vg/r0;
                meta-disk            internal;
                on node1 {
                    node-id 0;
                    address          ipv4 10.1.1.31:7000;
                }
                on node2 {
                    node-id 1;
                    address          ipv4 10.1.1.32:7000;
                }
                net {
                    max-buffers       8k;
                }
            }
            """;

    private static TreeMap<String, String> eff(String dump) {
        return DumpNormaliser.effective(dump, false);
    }

    private static String diff(String reference, String ours) {
        return DumpNormaliser.diff(eff(reference), "ref", eff(ours), "ours");
    }

    @Test
    void resolvesInheritanceAndVolumes() {
        Map<String, String> e = eff(BASE);
        assertThat(e).containsEntry("global/usage-count", "no")
                .containsEntry("resource r0/net/protocol", "C")
                .containsEntry("resource r0/net/max-buffers", "8192")
                .containsEntry("resource r0/handlers/split-brain", "/usr/lib/drbd/notify-split-brain.sh root")
                .containsEntry("resource r0/on node1/volume 0/device", "minor 1")
                .containsEntry("resource r0/on node2/volume 0/disk", "/dev/vg/r0")
                .containsEntry("resource r0/on node1/volume 0/disk/resync-rate", "102400")
                .containsEntry("resource r0/on node2/address", "ipv4 10.1.1.32:7000");
    }

    @Test
    void detectsAChangedValue() {
        String changed = BASE.replace("protocol           C;", "protocol           A;");
        assertThat(diff(BASE, changed)).contains("~ resource r0/net/protocol: ref 'C' vs ours 'A'");
        String otherAddress = BASE.replace("10.1.1.32:7000", "10.1.1.32:7001");
        assertThat(diff(BASE, otherAddress)).contains("resource r0/on node2/address");
    }

    @Test
    void detectsAMissingOption() {
        String missing = BASE.replace("max-buffers       8k;", "");
        assertThat(diff(BASE, missing)).contains("- resource r0/net/max-buffers = 8192   (only in ref)");
        String extra = BASE.replace("max-buffers       8k;", "max-buffers 8k; timeout 90;");
        assertThat(diff(BASE, extra)).contains("+ resource r0/net/timeout = 90   (only in ours)");
    }

    @Test
    void detectsAMissingSection() {
        String noHost = BASE.replace("""
                    on node2 {
                        node-id 1;
                        address          ipv4 10.1.1.32:7000;
                    }
                """, "");
        assertThat(diff(BASE, noHost)).contains("- resource r0/on node2/address").contains("- resource r0/on node2/volume 0/device");
        String noHandlers = BASE.replace("""
                    handlers {
                        split-brain      "/usr/lib/drbd/notify-split-brain.sh root";
                    }
                """, "");
        assertThat(diff(BASE, noHandlers)).contains("- resource r0/handlers/split-brain");
        String noResource = BASE.substring(0, BASE.indexOf("# resource r0"));
        assertThat(diff(BASE, noResource)).contains("- resource r0/net/protocol");
    }

    @Test
    void ignoresLayoutOrderQuotingAndUnits() {
        // The same settings, written the way an 8.4 dump or a different printer would: common
        // pushed into the resource, volume 0 explicit per host, other order, quotes, other units.
        String same = """
                resource r0 { on node2 { address 10.1.1.32:7000; node-id 1;
                    volume 0 { disk "/dev/vg/r0"; meta-disk internal; device /dev/drbd1 minor 1; } }
                  net { max-buffers 8192; protocol "C"; }
                  disk { resync-rate 102400; }
                  handlers { split-brain "/usr/lib/drbd/notify-split-brain.sh root"; }
                  on node1 { volume 0 { device /dev/drbd1; disk /dev/vg/r0; meta-disk internal; }
                    address ipv4 10.1.1.31:7000; node-id 0; }
                }
                global { usage-count "no"; }
                """;
        assertThat(diff(BASE, same)).isEmpty();
    }

    @Test
    void identifiesConnectionsAndPathsByTheirEndpoints() {
        String a = """
                resource r { on a { node-id 0; } on b { node-id 1; }
                  connection { path { host a address 10.0.0.1:7000; host b address 10.0.0.2:7000; }
                               path { host a address 10.0.1.1:7000; host b address 10.0.1.2:7000; }
                               net { protocol C; } } }
                """;
        String reordered = """
                resource r { on b { node-id 1; } on a { node-id 0; }
                  connection { net { protocol C; }
                               path { host b address ipv4 10.0.1.2:7000; host a address ipv4 10.0.1.1:7000; }
                               path { host a address 10.0.0.1:7000; host b address 10.0.0.2:7000; } } }
                """;
        assertThat(diff(a, reordered)).isEmpty();
        String onePathLess = a.replace("path { host a address 10.0.1.1:7000; host b address 10.0.1.2:7000; }", "");
        assertThat(diff(a, onePathLess)).contains("- resource r/connection[a,b]/path[");
    }

    @Test
    void legacy84IgnoresOnlyWhat84CannotPrint() {
        String dump84 = """
                global { usage-count no; cmd-timeout-medium 600; cmd-timeout-long 0; }
                resource t { on n1 { device /dev/drbd1 minor 1; disk /dev/vdb; meta-disk internal;
                  address ipv4 10.0.0.1:7789; } on n2 { device /dev/drbd1 minor 1; disk /dev/vdb;
                  meta-disk internal; address ipv4 10.0.0.2:7789; } }
                """;
        String dump9 = """
                global { usage-count no; }
                resource t { device minor 1; disk /dev/vdb; meta-disk internal;
                  on n1 { node-id 0; address ipv4 10.0.0.1:7789; }
                  on n2 { node-id 1; address ipv4 10.0.0.2:7789; } }
                """;
        assertThat(DumpNormaliser.diff(DumpNormaliser.effective(dump84, true), "84",
                DumpNormaliser.effective(dump9, true), "9")).isEmpty();
        String otherDisk = dump9.replace("disk /dev/vdb;", "disk /dev/vdc;");
        assertThat(DumpNormaliser.diff(DumpNormaliser.effective(dump84, true), "84",
                DumpNormaliser.effective(otherDisk, true), "9")).contains("volume 0/disk: 84 '/dev/vdb' vs 9 '/dev/vdc'");
        String otherTimeout = dump84.replace("cmd-timeout-medium 600", "cmd-timeout-medium 300");
        assertThat(DumpNormaliser.diff(DumpNormaliser.effective(otherTimeout, true), "84",
                DumpNormaliser.effective(dump9, true), "9")).contains("global/cmd-timeout-medium");
    }

    @Test
    void legacy84FencingInDiskIsTheNineFencingInNet() {
        String dump84 = "resource t { disk { fencing resource-only; on-io-error detach; }"
                + " on n1 { device minor 1; disk /dev/vdb; meta-disk internal; address 10.0.0.1:7789; } }";
        String dump9 = "resource t { net { fencing resource-only; } disk { on-io-error detach; }"
                + " on n1 { device minor 1; disk /dev/vdb; meta-disk internal; address 10.0.0.1:7789; } }";
        assertThat(DumpNormaliser.diff(DumpNormaliser.effective(dump84, true), "84",
                DumpNormaliser.effective(dump9, true), "9")).isEmpty();
        String otherPolicy = dump9.replace("net { fencing resource-only; }", "net { fencing dont-care; }");
        assertThat(DumpNormaliser.diff(DumpNormaliser.effective(dump84, true), "84",
                DumpNormaliser.effective(otherPolicy, true), "9")).contains("resource t/net/fencing");
    }

    @Test
    void canonicalValues() {
        assertThat(DumpNormaliser.number("resync-rate", "1024M")).isEqualTo("1048576");
        assertThat(DumpNormaliser.number("c-fill-target", "1M")).isEqualTo("2048");
        assertThat(DumpNormaliser.number("sndbuf-size", "512k")).isEqualTo("524288");
        assertThat(DumpNormaliser.number("max-buffers", "8k")).isEqualTo("8192");
        assertThat(DumpNormaliser.number("protocol", "C")).isEqualTo("C");
        assertThat(DumpNormaliser.device(java.util.List.of("/dev/drbd_pg", "minor", "150")))
                .isEqualTo("/dev/drbd_pg minor 150");
        assertThat(DumpNormaliser.metaDisk(java.util.List.of("/dev/sdd1", "[1]"))).isEqualTo("/dev/sdd1 1");
        assertThat(DumpNormaliser.address(java.util.List.of("[FD00::1]:7000"))).isEqualTo("ipv6 [fd00::1]:7000");
    }

    @Test
    void rejectsTextThatIsNotADump() {
        assertThatThrownBy(() -> eff("resource r { net { protocol C } }"))
                .isInstanceOf(DumpNormaliser.DumpSyntaxException.class);
        assertThatThrownBy(() -> eff("resource r { } }")).isInstanceOf(DumpNormaliser.DumpSyntaxException.class);
    }
}
