package org.drbdj.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Device numbers, mount table parsing, strategy names and the node rules, without root. */
class DeviceBasicsTest {

    @Property
    void devTEncodingRoundTrips(@ForAll @IntRange(min = 0, max = 0xfff) int major,
                                @ForAll @IntRange(min = 0, max = 0xfffff) int minor) {
        DeviceNumber n = new DeviceNumber(major, minor);
        assertThat(DeviceNumber.fromDevT(n.toDevT())).isEqualTo(n);
        assertThat(DeviceNumber.parse(n.toString())).isEqualTo(n);
    }

    @Test
    void devTDecodingAgreesWithTheKernelForRealNodes() throws Exception {
        // /dev/null is 1:3 and /dev/loop-control 10:237 on every Linux; the JDK hands us st_rdev.
        assertThat(DeviceNumber.fromDevT((Long) Files.getAttribute(Path.of("/dev/null"), "unix:rdev")))
                .isEqualTo(new DeviceNumber(1, 3));
        assertThat(new DeviceNumber(7, 0).toDevT()).isEqualTo(0x700);
        assertThat(new DeviceNumber(259, 65536).toDevT()).as("glibc makedev, high minor bits")
                .isEqualTo((0x103L << 8) | (0x100L << 20));
        Path loop0 = Path.of("/sys/dev/block/7:0");
        if (Files.exists(loop0)) {
            assertThat(DeviceNumber.parse(Files.readString(loop0.resolve("dev")))).isEqualTo(new DeviceNumber(7, 0));
        }
    }

    @Test
    void badNumbersAreRejectedNamingTheValue() {
        assertThatThrownBy(() -> new DeviceNumber(4096, 0)).hasMessageContaining("4096");
        assertThatThrownBy(() -> new DeviceNumber(7, -1)).hasMessageContaining("-1");
        assertThatThrownBy(() -> DeviceNumber.parse("7-0")).hasMessageContaining("'7-0'");
        assertThatThrownBy(() -> DeviceNumber.parse("a:b")).hasMessageContaining("'a:b'");
        assertThatThrownBy(() -> DeviceNodes.checkMinor(1 << 20)).hasMessageContaining("1048576");
        assertThatThrownBy(() -> DeviceNodes.checkMinor(-1)).hasMessageContaining("-1");
    }

    @Test
    void mountinfoIsParsedWithOptionalFieldsAndEscapes() {
        String text = "36 35 98:0 /mnt1 /mnt/parent\\040dir rw,noatime master:1 - ext3 /dev/root rw,errors=continue\n"
                + "100 29 0:52 / /run/drbd/nbdfuse/drbd1 rw,nosuid,nodev,relatime shared:60 - fuse /dev/fuse rw,user_id=0\n"
                + "garbage line\n"
                + "101 29 7:3 / /mnt/x rw - ext4 /dev/loop3 rw\n";
        List<MountTable.Mount> mounts = MountTable.parse(text);
        assertThat(mounts).hasSize(3);
        assertThat(mounts.get(0).mountPoint()).isEqualTo(Path.of("/mnt/parent dir"));
        assertThat(mounts.get(0).device()).isEqualTo(new DeviceNumber(98, 0));
        assertThat(mounts.get(1).fsType()).isEqualTo("fuse");
        assertThat(mounts.get(1).mountPoint()).isEqualTo(Path.of("/run/drbd/nbdfuse/drbd1"));
        assertThat(mounts.get(2).device()).isEqualTo(new DeviceNumber(7, 3));
        assertThat(mounts.get(2).source()).isEqualTo("/dev/loop3");
        assertThat(MountTable.unescape("a\\134b\\011c")).isEqualTo("a\\b\tc");
        assertThat(MountTable.unescape("trailing\\04")).isEqualTo("trailing\\04");
    }

    @Test
    void theRealMountTableHasARoot() throws Exception {
        assertThat(MountTable.read(MountTable.PROC_MOUNTINFO)).anyMatch(m -> m.mountPoint().equals(Path.of("/")));
    }

    @Test
    void strategyNamesParseAndUnknownOnesAreExplained() {
        assertThat(DeviceStrategy.parse("auto")).isEqualTo(DeviceStrategy.AUTO);
        assertThat(DeviceStrategy.parse(" Kernel-NBD ")).isEqualTo(DeviceStrategy.KERNEL_NBD);
        assertThat(DeviceStrategy.parse("nbdfuse_loop")).isEqualTo(DeviceStrategy.NBDFUSE_LOOP);
        assertThat(DeviceStrategy.parse("none")).isEqualTo(DeviceStrategy.NONE);
        for (DeviceStrategy s : DeviceStrategy.values()) {
            assertThat(DeviceStrategy.parse(s.optionValue())).isEqualTo(s);
        }
        assertThatThrownBy(() -> DeviceStrategy.parse("ublk")).hasMessageContaining("'ublk'")
                .hasMessageContaining("nbdfuse-loop");
    }

    @Test
    void nbdUrisEncodeSocketAndExportName() {
        assertThat(NbdFuseLoopAttacher.nbdUri(Path.of("/run/drbd/nbd/drbd1.sock"), ""))
                .isEqualTo("nbd+unix:///?socket=/run/drbd/nbd/drbd1.sock");
        assertThat(NbdFuseLoopAttacher.nbdUri(Path.of("/tmp/a b/x&y.sock"), "r0/0"))
                .isEqualTo("nbd+unix:///r0/0?socket=/tmp/a%20b/x%26y.sock");
    }

    @Test
    void nodeRulesRefuseNonBlockFilesAndAcceptAbsentOnes(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        assertThat(DeviceNodes.readBlockNode(dir.resolve("drbd0"))).isEmpty();
        Files.writeString(dir.resolve("drbd1"), "not a device");
        assertThatThrownBy(() -> DeviceNodes.readBlockNode(dir.resolve("drbd1")))
                .hasMessageContaining("not a block device");
        // A character device is not a block node either.
        assertThatThrownBy(() -> DeviceNodes.readBlockNode(Path.of("/dev/null")))
                .hasMessageContaining("/dev/null").hasMessageContaining("not a block device");
    }
}
