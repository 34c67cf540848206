package org.drbdj.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.drbdj.testing.TestDirs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Parsing and resolution: the SPEC files, legacy forms, inheritance, host selection, errors. */
class ConfigLoaderTest {
    private Path dir;

    @BeforeEach
    void setUp() throws IOException {
        dir = TestDirs.create(ConfigLoaderTest.class, "loader");
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    private DrbdConfig load(String text, String node) throws Exception {
        return ConfigLoader.load(write("drbd.conf", text), "drbd.conf", node, a -> false, false);
    }

    private static Path repoConf() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("conf/drbd.d"))) {
            p = p.getParent();
        }
        return p.resolve("conf/drbd.conf");
    }

    private static final String TWO_NODES = """
            resource r {
              device /dev/drbd1; disk /dev/sda; meta-disk internal;
              on node1 { address 10.1.1.1:7789; }
              on node2 { address 10.1.1.2:7789; }
            %s
            }
            """;

    @Test
    void specFilesResolveForNode1() throws Exception {
        DrbdConfig cfg = ConfigLoader.load(repoConf(), "conf/drbd.conf", "node1", a -> false, false);
        ResourceConfig test = cfg.resource("test").orElseThrow();
        assertThat(test.ignored()).isFalse();
        assertThat(test.file()).endsWith("conf/drbd.d/test.res");
        HostConfig me = test.thisHost().orElseThrow();
        assertThat(me.names()).containsExactly("node1");
        assertThat(me.address()).contains(new Address("ipv4", "172.16.0.3", 7789));
        VolumeConfig v = test.volumes().get(0);
        assertThat(v.minor()).isEqualTo(1);
        assertThat(v.devicePath()).isEqualTo("/dev/drbd1");
        assertThat(v.backingDisk()).contains("/dev/vdb");
        assertThat(v.metaDisk()).contains(MetaDisk.INTERNAL);
        // syncer { rate 1024M } from common: a peer-device option of drbd-utils 9, in KiB/s.
        assertThat(v.peerDeviceOptions().get("resync-rate").orElseThrow().longValue()).isEqualTo(1048576L);
        assertThat(v.diskOptions().text("on-io-error")).contains("detach");
        ConnectionConfig c = test.connectionsOfThisHost().get(0);
        assertThat(c.peer().orElseThrow().address()).contains(new Address("ipv4", "172.16.0.4", 7789));
        assertThat(c.paths().get(0).local().orElseThrow().address()).isEqualTo(new Address("ipv4", "172.16.0.3", 7789));
        assertThat(c.paths().get(0).remote().orElseThrow().hostName()).isEqualTo("node2");
        assertThat(c.net().get("protocol").orElseThrow().enumValue()).isEqualTo("C");
        assertThat(c.net().text("verify-alg")).contains("sha1");
        assertThat(c.net().text("cram-hmac-alg")).contains("sha1");
        assertThat(c.net().text("shared-secret")).contains("test");
        assertThat(c.peerDevices().get(0).options().get("resync-rate").orElseThrow().longValue()).isEqualTo(1048576L);
        assertThat(test.options().handlers().values()).extracting(OptionValue::name)
                .containsExactly("pri-on-incon-degr", "pri-lost-after-sb", "local-io-error");
        assertThat(cfg.global().usageCount()).isEqualTo("no");
        // node ids derived from the address hashes, as drbd-utils 9 (verified against drbdadm dump)
        assertThat(test.hosts()).extracting(HostConfig::nodeId).containsExactly(1, 0);
    }

    @Test
    void missingFinalBraceAtEndOfFileIsAccepted() throws Exception {
        DrbdConfig cfg = load("resource r {\n device minor 2; disk /dev/x; meta-disk internal;\n"
                + " on node1 { address 10.0.0.1:1; }\n on node2 { address 10.0.0.2:1; }\n", "node2");
        assertThat(cfg.resource("r").orElseThrow().thisHost().orElseThrow().names()).containsExactly("node2");
    }

    @Test
    void missingBraceInsideASectionIsAnError() {
        assertThatThrownBy(() -> load("resource r {\n on node1 { address 10.0.0.1:1;\n", "node1"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("drbd.conf:3: Parse error:");
    }

    @Test
    void legacySyncerAndDiskFormsMapToDrbd9Names() throws Exception {
        DrbdConfig cfg = load(TWO_NODES.formatted("""
                  syncer { rate 10M; after r0; al-extents 3389; verify-alg crc32c; csums-alg md5; use-rle;
                           cpu-mask 3; delay-probe-volume 16k; }
                  disk { no-disk-flushes; no-md-flushes; fencing resource-only; }
                  handlers { outdate-peer "/bin/true"; }
                  startup { become-primary-on both; }
                """) + TWO_NODES.replace("resource r", "resource r0").replace("drbd1", "drbd2")
                .replace("7789", "7790").replace("/dev/sda", "/dev/sdb").formatted(""), "node1");
        ResourceConfig r = cfg.resource("r").orElseThrow();
        SectionOptions d = r.declared();
        assertThat(d.peerDevice().text("resync-rate")).contains("10M");
        assertThat(d.disk().text("resync-after")).contains("r0");
        assertThat(d.disk().get("al-extents").orElseThrow().longValue()).isEqualTo(3389);
        assertThat(d.disk().text("disk-flushes")).contains("no");
        assertThat(d.disk().get("md-flushes").orElseThrow().booleanValue()).isFalse();
        assertThat(d.net().text("verify-alg")).contains("crc32c");
        assertThat(d.net().text("csums-alg")).contains("md5");
        assertThat(d.net().text("use-rle")).contains("yes");
        assertThat(d.net().text("fencing")).as("8.4 disk fencing is a DRBD 9 net option").contains("resource-only");
        assertThat(d.resource().text("cpu-mask")).contains("3");
        assertThat(d.handlers().text("fence-peer")).contains("/bin/true");
        assertThat(d.startup().text("become-primary-on")).contains("both");
    }

    @Test
    void inheritanceCommonResourceVolumeConnectionPeerDevice() throws Exception {
        DrbdConfig cfg = load("""
                common { net { protocol A; timeout 50; } disk { c-max-rate 100M; on-io-error pass_on; }
                         options { auto-promote no; } }
                resource r {
                  net { timeout 70; }
                  disk { c-max-rate 200M; }
                  volume 0 { device minor 1; disk /dev/a; meta-disk internal; disk { on-io-error detach; } }
                  on node1 { address 10.0.0.1:1; node-id 0; options { auto-promote yes; } }
                  on node2 { address 10.0.0.2:1; node-id 1; }
                  connection { host node1; host node2; net { protocol C; } disk { c-min-rate 1M; }
                               volume 0 { disk { c-max-rate 300M; } } }
                }
                """, "node1");
        ResourceConfig r = cfg.resource("r").orElseThrow();
        VolumeConfig v = r.volume(0).orElseThrow();
        assertThat(v.diskOptions().text("on-io-error")).contains("detach");
        assertThat(v.peerDeviceOptions().text("c-max-rate")).contains("200M");
        ConnectionConfig c = r.connectionsOfThisHost().get(0);
        assertThat(c.net().text("protocol")).contains("C");
        assertThat(c.net().text("timeout")).contains("70");
        PeerDeviceConfig pd = c.peerDevices().get(0);
        assertThat(pd.options().get("c-max-rate").orElseThrow().longValue()).isEqualTo(300 * 1024);
        assertThat(pd.options().text("c-min-rate")).contains("1M");
        assertThat(r.options().resource().text("auto-promote")).as("host options override common").contains("yes");
        assertThat(r.options().net().text("protocol")).contains("A");
    }

    @Test
    void meshConnectionsFloatingAndIpv6() throws Exception {
        DrbdConfig cfg = load("""
                resource m {
                  device minor 5; disk /dev/x; meta-disk /dev/md [2];
                  on a { address ipv6 [fd00::1]:7000; node-id 0; }
                  on b { address ipv6 [fd00::2]:7000; node-id 1; }
                  on c { address ipv6 [fd00::3]:7000; node-id 2; }
                  connection-mesh { hosts a b c; net { protocol C; } }
                }
                resource f {
                  device minor 6; disk none;
                  floating 10.9.9.1:7001 { node-id 0; }
                  floating 10.9.9.2:7001 { node-id 1; }
                }
                """, "b");
        ResourceConfig m = cfg.resource("m").orElseThrow();
        assertThat(m.connections()).hasSize(3);
        assertThat(m.connectionsOfThisHost()).hasSize(2);
        assertThat(m.peers()).extracting(HostConfig::name).containsExactly("a", "c");
        assertThat(m.volume(0).orElseThrow().metaDisk()).contains(new MetaDisk(MetaDisk.Kind.INDEXED, "/dev/md", 2));
        assertThat(m.connectionsOfThisHost().get(0).net().text("protocol")).contains("C");
        assertThat(cfg.resource("f").orElseThrow().ignored()).as("no local floating address").isTrue();

        DrbdConfig byIp = ConfigLoader.load(dir.resolve("drbd.conf"), "drbd.conf", "whatever",
                Set.of("10.9.9.2")::contains, false);
        ResourceConfig f = byIp.resource("f").orElseThrow();
        assertThat(f.thisHost().orElseThrow().floating()).isTrue();
        assertThat(f.thisHost().orElseThrow().nodeId()).isEqualTo(1);
        assertThat(f.volumes().get(0).isDiskless()).isTrue();
        assertThat(f.connectionsOfThisHost().get(0).peerDevices().get(0).options().text("bitmap"))
                .as("no bitmap slot for a diskless peer").contains("no");
    }

    @Test
    void hostNamesCompareLikeDrbdUtils() {
        assertThat(NodeName.hostnamesEqual("node1", "NODE1.example.com")).isTrue();
        assertThat(NodeName.hostnamesEqual("node1.a.com", "node1.b.com")).isFalse();
        assertThat(NodeName.hostnamesEqual("node1", "node10")).isFalse();
        assertThat(NodeName.resolve("x", Map.of("DRBD_NODE_NAME", "y"))).isEqualTo("x");
        assertThat(NodeName.resolve(null, Map.of("DRBD_NODE_NAME", "y", "__DRBD_NODE__", "z"))).isEqualTo("y");
        assertThat(NodeName.resolve(null, Map.of("__DRBD_NODE__", "z"))).isEqualTo("z");
        assertThat(NodeName.resolve(null, Map.of())).isEqualTo(NodeName.uname());
    }

    @Test
    void includeGlobsRelativeToTheIncludingFileAndSkip() throws Exception {
        write("sub/drbd.d/b.res", TWO_NODES.replace("resource r", "resource b").replace("7789", "7791")
                .replace("drbd1", "drbd3").replace("/dev/sda", "/dev/sdc").formatted(""));
        write("sub/drbd.d/a.res", TWO_NODES.formatted("skip { anything { goes here; } }"));
        write("sub/drbd.d/x.conf", "this is not a config {");
        Path main = write("sub/main.conf", "include \"drbd.d/*.res\";\nskip resource x { include \"drbd.d/x.conf\"; }\n");
        DrbdConfig cfg = ConfigLoader.load(main, "main.conf", "node1", a -> false, false);
        assertThat(cfg.resources()).extracting(ResourceConfig::name).containsExactly("r", "b");
    }

    @Test
    void errorsInIncludedFilesNameThemAsDrbdadmDoes() throws Exception {
        write("inc/drbd.d/ok.res", TWO_NODES.formatted(""));
        write("inc/drbd.d/z.res", "resource z {\n  net {\n    ping-int 500;\n  }\n}\n");
        Path main = write("inc/main.conf", "include \"drbd.d/*.res\";\n");
        assertThatThrownBy(() -> ConfigLoader.load(main, main.toString(), "node1", a -> false, false))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("drbd.d/z.res:3: Parse error: while parsing value ('500')")
                .satisfies(e -> assertThat(((ConfigException) e).line()).isEqualTo(3));
    }

    @Test
    void includeErrorsAndDepth() throws Exception {
        assertThatThrownBy(() -> load("include \"nothere.conf\";", "n"))
                .hasMessageEndingWith(":1: Failed to open include file 'nothere.conf'.");
        assertThat(load("include \"none/*.conf\";", "n").resources()).as("an empty glob is fine").isEmpty();
        for (int i = 0; i < 12; i++) {
            write("d" + i + ".conf", "include \"d" + (i + 1) + ".conf\";\n");
        }
        write("d12.conf", "");
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("d0.conf"), "d0.conf", "n", a -> false, false))
                .hasMessageContaining("nested too deeply");
        write("self.conf", "include \"self.conf\";\n");
        assertThat(ConfigLoader.load(dir.resolve("self.conf"), "self.conf", "n", a -> false, false).resources())
                .as("a file already read is not read again").isEmpty();
    }

    @Test
    void unknownKeywordsNameFileLineAndSuggest() {
        assertThatThrownBy(() -> load(TWO_NODES.formatted("  disk {\n    rsync-rate 10M;\n  }"), "node1"))
                .hasMessageStartingWith("drbd.conf:6: Parse error: 'a disk option keyword' expected,")
                .hasMessageContaining("but got 'rsync-rate'").hasMessageContaining("did you mean 'resync-rate'?");
        assertThatThrownBy(() -> load(TWO_NODES.formatted("  net { protocl C; }"), "node1"))
                .hasMessageStartingWith("drbd.conf:5:").hasMessageContaining("did you mean 'protocol'?");
        assertThatThrownBy(() -> load(TWO_NODES.formatted("  handlrs { }"), "node1"))
                .hasMessageStartingWith("drbd.conf:5:").hasMessageContaining("did you mean 'handlers'?");
        assertThatThrownBy(() -> load("globl { }", "node1")).hasMessageStartingWith("drbd.conf:1:");
    }

    @Test
    void badValuesNameFileLineAndAllowedValues() {
        assertThatThrownBy(() -> load(TWO_NODES.formatted("  net {\n timeout 6000; }"), "node1"))
                .hasMessageStartingWith("drbd.conf:6: Parse error: while parsing value ('6000')\nfor timeout. "
                        + "Value is too big.");
        assertThatThrownBy(() -> load(TWO_NODES.formatted("  net { on-congestion pull_ahead; }"), "node1"))
                .hasMessageContaining("Allowed values are: block | pull-ahead | disconnect")
                .hasMessageContaining("did you mean 'pull-ahead'?");
        assertThatThrownBy(() -> load(TWO_NODES.formatted("  net { timeout; }"), "node1"))
                .hasMessageContaining("a value is expected for option 'timeout'");
        assertThatThrownBy(() -> load(TWO_NODES.replace("7789;", "70000;").formatted(""), "node1"))
                .hasMessageContaining("port 70000 => 70000 out of range [1..65535]");
    }

    @Test
    void crossResourceChecks() throws Exception {
        String r2 = TWO_NODES.replace("resource r", "resource s").replace("/dev/sda", "/dev/sdb");
        assertThatThrownBy(() -> load(TWO_NODES.formatted("") + r2.replace("7789", "7790").formatted(""), "node1"))
                .hasMessageContaining("conflicting use of device-minor 'device-minor:node1:1'");
        assertThatThrownBy(() -> load(TWO_NODES.formatted("") + r2.replace("drbd1", "drbd2").formatted(""), "node1"))
                .hasMessageContaining("ipv4:10.1.1.1:7789 is also used");
        assertThatThrownBy(() -> load(TWO_NODES.formatted("") + TWO_NODES.formatted(""), "node1"))
                .hasMessageContaining("conflicting use of resource section 'r'");
        String after = TWO_NODES.formatted("  disk { resync-after gone; }");
        DrbdConfig lenient = load(after, "node1");
        assertThat(lenient.warnings()).anyMatch(w -> w.contains("resource 'gone' mentioned in 'resync-after'"));
        assertThat(lenient.resource("r").orElseThrow().declared().disk().get("resync-after")).isEmpty();
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("drbd.conf"), "drbd.conf", "node1", a -> false, true))
                .hasMessage("drbd.conf:1: in resource r:\n\tresource 'gone' mentioned in 'resync-after' option is "
                        + "not known.");
    }

    @Test
    void resyncAfterResolvesToAMinor() throws Exception {
        DrbdConfig cfg = load("""
                resource a { volume 0 { device minor 4; disk /dev/a; } volume 1 { device minor 5; disk /dev/b; }
                  on n1 { address 10.0.0.1:1; } on n2 { address 10.0.0.2:1; } }
                resource b { device minor 6; disk /dev/c; disk { resync-after a/1; }
                  on n1 { address 10.0.0.1:2; } on n2 { address 10.0.0.2:2; } }
                """, "n1");
        ResourceConfig b = cfg.resource("b").orElseThrow();
        String target = b.volumes().get(0).diskOptions().text("resync-after").orElseThrow();
        assertThat(cfg.resyncAfterMinor(b, target)).isEqualTo(5);
        assertThat(cfg.resyncAfterMinor(b, "b")).isEqualTo(6);
        assertThatThrownBy(() -> cfg.resyncAfterMinor(b, "a")).hasMessageContaining("ambiguous");
    }

    @Test
    void stackedResourceSitsOnTheLowerDevice() throws Exception {
        DrbdConfig cfg = load("""
                resource low { device /dev/drbd0; disk /dev/sdb1; meta-disk internal;
                  on a { address 10.0.0.1:7788; } on b { address 10.0.0.2:7788; } }
                resource up { stacked-on-top-of low { device /dev/drbd10; address 10.0.0.100:7788; }
                  on c { device /dev/drbd10; disk /dev/sdc; meta-disk internal; address 10.0.1.1:7788; } }
                """, "b");
        ResourceConfig up = cfg.resource("up").orElseThrow();
        assertThat(up.stacked()).isTrue();
        HostConfig me = up.thisHost().orElseThrow();
        assertThat(me.stackedOnTopOf()).contains("low");
        assertThat(me.names()).containsExactly("a", "b");
        assertThat(up.volumes().get(0).backingDisk()).contains("/dev/drbd0");
        assertThat(up.volumes().get(0).minor()).isEqualTo(10);
        assertThat(up.peers()).extracting(HostConfig::name).containsExactly("c");
        assertThatThrownBy(() -> load("resource low { device minor 1; disk /dev/x; on a { address 10.0.0.1:1; } "
                + "on b { address 10.0.0.2:1; } }\nresource up { stacked-on-top-of nope { device minor 2; "
                + "address 10.0.0.3:1; } on c { device minor 2; disk /dev/y; address 10.0.0.4:1; } }", "a"))
                .hasMessageContaining("referenced resource 'nope' not defined.");
    }

    @Test
    void structuralChecks() {
        assertThatThrownBy(() -> load("""
                resource r { on a { device minor 1; disk /dev/x; address 10.0.0.1:1; }
                  on b { device minor 1; disk /dev/x; address 10.0.0.2:1; }
                  on c { device minor 1; disk /dev/x; address 10.0.0.3:1; } }
                """, "a")).hasMessageContaining("'node-id' keyword missing");
        assertThatThrownBy(() -> load("resource r { on a { disk /dev/x; address 10.0.0.1:1; }\n"
                + " on b { device minor 1; disk /dev/x; address 10.0.0.2:1; } }", "a"))
                .hasMessage("drbd.conf:1: in resource r, on a { ... }: 'device' keyword missing.");
        assertThatThrownBy(() -> load("resource r { device minor 1; volume 1 { device minor 2; } "
                + "on a { address 10.0.0.1:1; } on b { address 10.0.0.2:1; } }", "a"))
                .hasMessageContaining("you must not mix implicit and explicit volumes");
        assertThatThrownBy(() -> load("resource r { device /dev/drbd1 minor 2; disk /dev/x;\n"
                + "on a { address 10.0.0.1:1; } on b { address 10.0.0.2:1; } }", "a"))
                .hasMessageContaining("explicit minor number must match with device name");
        assertThatThrownBy(() -> load("resource r { on b { device minor 1; disk /dev/x; address 10.0.0.1:1; }\n"
                + " on b.example.com { device minor 2; disk /dev/y; address 10.0.0.2:1; } }", "b"))
                .hasMessageContaining("There are multiple host sections for this node.");
    }

    @Test
    void modelIsImmutable() throws Exception {
        DrbdConfig cfg = load(TWO_NODES.formatted(""), "node1");
        assertThatThrownBy(() -> cfg.resources().clear()).isInstanceOf(UnsupportedOperationException.class);
        ResourceConfig r = cfg.resources().get(0);
        assertThatThrownBy(() -> r.hosts().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> r.options().net().values().clear()).isInstanceOf(UnsupportedOperationException.class);
    }
}
