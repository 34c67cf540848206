package org.drbdj.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceAttacherFactoryTest {
    private static final DeviceAttacherFactory.Probe EVERYTHING =
            new DeviceAttacherFactory.Probe(true, null, true, true, List.of());
    private static final DeviceAttacherFactory.Probe THIS_MACHINE =
            new DeviceAttacherFactory.Probe(false, null, true, true, List.of());
    private static final DeviceAttacherFactory.Probe NOTHING =
            new DeviceAttacherFactory.Probe(false, "UnsatisfiedLinkError: no lib", false, true, List.of("nbdfuse"));

    @Test
    void autoPrefersKernelNbdThenNbdfuseThenNone() {
        assertThat(DeviceAttacherFactory.select(DeviceStrategy.AUTO, EVERYTHING).strategy())
                .isEqualTo(DeviceStrategy.KERNEL_NBD);
        DeviceAttacherFactory.Selection here = DeviceAttacherFactory.select(DeviceStrategy.AUTO, THIS_MACHINE);
        assertThat(here.strategy()).isEqualTo(DeviceStrategy.NBDFUSE_LOOP);
        assertThat(here.reason()).contains("/dev/nbd0 does not exist");
        DeviceAttacherFactory.Selection none = DeviceAttacherFactory.select(DeviceStrategy.AUTO, NOTHING);
        assertThat(none.strategy()).isEqualTo(DeviceStrategy.NONE);
        assertThat(none.reason()).contains("/dev/fuse does not exist").contains("[nbdfuse]");
    }

    @Test
    void autoSkipsKernelNbdWhenTheShimIsMissing() {
        DeviceAttacherFactory.Probe noShim = new DeviceAttacherFactory.Probe(true, "not Linux", true, true, List.of());
        DeviceAttacherFactory.Selection s = DeviceAttacherFactory.select(DeviceStrategy.AUTO, noShim);
        assertThat(s.strategy()).isEqualTo(DeviceStrategy.NBDFUSE_LOOP);
        assertThat(s.reason()).contains("JNI shim is unavailable: not Linux");
    }

    @Test
    void anExplicitStrategyThatCannotRunFailsWithTheReason() {
        assertThatThrownBy(() -> DeviceAttacherFactory.select(DeviceStrategy.KERNEL_NBD, THIS_MACHINE))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("modprobe nbd");
        assertThatThrownBy(() -> DeviceAttacherFactory.select(DeviceStrategy.NBDFUSE_LOOP, NOTHING))
                .hasMessageContaining("/dev/fuse").hasMessageContaining("nbdfuse");
        assertThat(DeviceAttacherFactory.select(DeviceStrategy.NONE, NOTHING).strategy()).isEqualTo(DeviceStrategy.NONE);
        assertThat(DeviceAttacherFactory.select(DeviceStrategy.NBDFUSE_LOOP, EVERYTHING).strategy())
                .isEqualTo(DeviceStrategy.NBDFUSE_LOOP);
    }

    @Test
    void createBuildsTheMatchingAttacher() throws Exception {
        DeviceNodes nodes = DeviceNodes.system();
        for (DeviceStrategy s : List.of(DeviceStrategy.KERNEL_NBD, DeviceStrategy.NBDFUSE_LOOP, DeviceStrategy.NONE)) {
            DeviceAttacher a = DeviceAttacherFactory.create(new DeviceAttacherFactory.Selection(s, "test"), nodes,
                    Path.of("/run/drbd"));
            assertThat(a.strategy()).isEqualTo(s);
        }
        assertThatThrownBy(() -> DeviceAttacherFactory.create(
                new DeviceAttacherFactory.Selection(DeviceStrategy.AUTO, "x"), nodes, Path.of("/run/drbd")))
                .hasMessageContaining("select()");
        // The none strategy gives a device with no node and a no-op, idempotent close.
        AttachedDevice d = new NoneAttacher().attach(3, Path.of("/nonexistent.sock"), "", 4096);
        assertThat(d.devicePath()).isEmpty();
        assertThat(d.isInUse()).isFalse();
        d.close();
        d.close();
    }

    @Test
    void theProbeOfThisHostMatchesTheFilesystem() {
        DeviceAttacherFactory.Probe p = DeviceAttacherFactory.Probe.system(Path.of("/dev"),
                NbdFuseLoopAttacher.Settings.defaults(Path.of("/run/drbd"), DeviceNodes.system()));
        assertThat(p.nbdDevicePresent()).isEqualTo(java.nio.file.Files.exists(Path.of("/dev/nbd0")));
        assertThat(p.fuseDevicePresent()).isEqualTo(java.nio.file.Files.exists(Path.of("/dev/fuse")));
        assertThat(p.missingTools().contains("nbdfuse"))
                .isEqualTo(org.drbdj.testing.Prerequisites.findCommand("nbdfuse") == null);
    }
}
