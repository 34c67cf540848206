package org.drbdj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.drbdj.control.ControlRequest;
import org.drbdj.control.RunningResource;
import org.drbdj.control.RunningResource.Connection;
import org.drbdj.control.RunningResource.Disk;
import org.drbdj.control.RunningResource.Volume;
import org.junit.jupiter.api.Test;

/** The adjust planner: configuration (desired) against drbdd's show (running), pure logic. */
class AdjustPlannerTest {
    private static final Disk DISK = new Disk("/dev/vdb", "/dev/vdb", "internal",
            Map.of("on-io-error", "detach", "resync-rate", "1024M"));
    private static final Connection NET = new Connection("ipv4:10.0.0.1:7789", "ipv4:10.0.0.2:7789",
            Map.of("_name", "node2", "protocol", "C"));
    private static final RunningResource BASE = new RunningResource("r0", Map.of("on-no-data-accessible", "io-error"),
            Map.of("local-io-error", "echo io"), List.of(new Volume(0, 1, Optional.of(DISK))), Optional.of(NET));

    private static List<String> plan(RunningResource desired, RunningResource running) {
        return plan(desired, running, Optional.empty());
    }

    private static List<String> plan(RunningResource desired, RunningResource running, Optional<Integer> only) {
        return AdjustPlanner.plan(desired, running, only).stream().map(ControlRequest::toDryRunLine).toList();
    }

    private static RunningResource withVolumes(RunningResource r, Volume... v) {
        return new RunningResource(r.name(), r.options(), r.handlers(), List.of(v), r.connection());
    }

    private static RunningResource withDiskOptions(RunningResource r, Map<String, String> options) {
        return withVolumes(r, new Volume(0, 1, Optional.of(new Disk("/dev/vdb", "/dev/vdb", "internal", options))));
    }

    private static RunningResource withConnection(RunningResource r, Optional<Connection> c) {
        return new RunningResource(r.name(), r.options(), r.handlers(), r.volumes(), c);
    }

    @Test
    void nothingChangedPlansNothing() {
        assertThat(plan(BASE, BASE)).isEmpty();
    }

    @Test
    void optionsAreComparedAsDrbdAppliesThemNotAsWritten() {
        // 1024M == 1048576k; an option written with its default value == not written at all.
        RunningResource running = withDiskOptions(BASE, Map.of("resync-rate", "1048576k"));
        RunningResource desired = withDiskOptions(BASE, Map.of("resync-rate", "1024M", "on-io-error", "detach",
                "al-extents", "1237"));
        assertThat(plan(desired, running)).isEmpty();
        RunningResource protocolLower = withConnection(BASE, Optional.of(new Connection(NET.localAddress(),
                NET.peerAddress(), Map.of("_name", "node2", "protocol", "c"))));
        assertThat(plan(protocolLower, BASE)).isEmpty();
    }

    @Test
    void changedDiskOptionSendsTheWholeSectionWithSetDefaults() {
        RunningResource desired = withDiskOptions(BASE, Map.of("on-io-error", "pass_on", "resync-rate", "1024M"));
        assertThat(plan(desired, BASE)).containsExactly(
                "drbdd disk-options 1 --on-io-error=pass_on --resync-rate=1024M --set-defaults=yes");
    }

    @Test
    void addedAndRemovedDiskOptions() {
        RunningResource added = withDiskOptions(BASE, Map.of("on-io-error", "detach", "resync-rate", "1024M",
                "al-extents", "3389"));
        assertThat(plan(added, BASE)).containsExactly(
                "drbdd disk-options 1 --al-extents=3389 --on-io-error=detach --resync-rate=1024M --set-defaults=yes");
        // Removing an option returns it to its default: --set-defaults without it.
        RunningResource removed = withDiskOptions(BASE, Map.of("on-io-error", "detach"));
        assertThat(plan(removed, BASE)).containsExactly("drbdd disk-options 1 --on-io-error=detach --set-defaults=yes");
    }

    @Test
    void resourceOptionsAndHandlersTravelTogether() {
        RunningResource handler = new RunningResource("r0", BASE.options(), Map.of("local-io-error", "echo other"),
                BASE.volumes(), BASE.connection());
        assertThat(plan(handler, BASE)).containsExactly("drbdd resource-options r0 --handler.local-io-error='echo other'"
                + " --on-no-data-accessible=io-error --set-defaults=yes");
        RunningResource noHandler = new RunningResource("r0", Map.of(), Map.of(), BASE.volumes(), BASE.connection());
        assertThat(plan(noHandler, BASE)).containsExactly("drbdd resource-options r0 --set-defaults=yes");
        RunningResource emptyHandler = new RunningResource("r0", BASE.options(), Map.of("local-io-error", "echo io",
                "split-brain", ""), BASE.volumes(), BASE.connection());
        assertThat(plan(emptyHandler, BASE)).as("an empty handler runs nothing, like none").isEmpty();
    }

    @Test
    void autoPromoteIsComparedAgainstDrbdjsDefaultNo() {
        // drbdj's default is no (DRBD 8.4's behaviour), so turning it on must reach the daemon...
        Map<String, String> on = new java.util.LinkedHashMap<>(BASE.options());
        on.put("auto-promote", "yes");
        RunningResource yes = new RunningResource("r0", on, BASE.handlers(), BASE.volumes(), BASE.connection());
        assertThat(plan(yes, BASE)).singleElement().asString().startsWith("drbdd resource-options r0 --auto-promote=yes");
        // ...while writing the default out changes nothing.
        Map<String, String> off = new java.util.LinkedHashMap<>(BASE.options());
        off.put("auto-promote", "no");
        assertThat(plan(new RunningResource("r0", off, BASE.handlers(), BASE.volumes(), BASE.connection()), BASE))
                .isEmpty();
    }

    @Test
    void addedVolumeIsCreatedAndAttached() {
        RunningResource desired = withVolumes(BASE, BASE.volumes().get(0), new Volume(1, 2,
                Optional.of(new Disk("/dev/vdc", "/dev/vdc", "internal", Map.of()))), new Volume(2, 3, Optional.empty()));
        assertThat(plan(desired, BASE)).containsExactly(
                "drbdd new-minor r0 2 1",
                "drbdd attach 2 /dev/vdc /dev/vdc internal",
                "drbdd new-minor r0 3 2");
    }

    @Test
    void removedVolumeIsDetachedAndDeleted() {
        RunningResource running = withVolumes(BASE, BASE.volumes().get(0), new Volume(1, 2,
                Optional.of(new Disk("/dev/vdc", "/dev/vdc", "internal", Map.of()))), new Volume(2, 3, Optional.empty()));
        assertThat(plan(BASE, running)).containsExactly(
                "drbdd detach r0/1",
                "drbdd del-minor 2",
                "drbdd del-minor 3");
    }

    @Test
    void changedDiskOrMinorIsReplacedAndAMissingDiskAttached() {
        RunningResource otherDisk = withVolumes(BASE, new Volume(0, 1, Optional.of(new Disk("/dev/vdd", "/dev/vde", "0",
                DISK.options()))));
        assertThat(plan(otherDisk, BASE)).containsExactly(
                "drbdd detach r0/0",
                "drbdd attach 1 /dev/vdd /dev/vde 0 --on-io-error=detach --resync-rate=1024M");
        RunningResource diskless = withVolumes(BASE, new Volume(0, 1, Optional.empty()));
        assertThat(plan(BASE, diskless)).as("detached, e.g. after a disk failure").containsExactly(
                "drbdd attach 1 /dev/vdb /dev/vdb internal --on-io-error=detach --resync-rate=1024M");
        assertThat(plan(diskless, BASE)).containsExactly("drbdd detach r0/0");
        RunningResource otherMinor = withVolumes(BASE, new Volume(0, 7, Optional.of(DISK)));
        assertThat(plan(otherMinor, BASE)).containsExactly(
                "drbdd detach r0/0",
                "drbdd del-minor 1",
                "drbdd new-minor r0 7 0",
                "drbdd attach 7 /dev/vdb /dev/vdb internal --on-io-error=detach --resync-rate=1024M");
    }

    @Test
    void connectionChanges() {
        RunningResource netOption = withConnection(BASE, Optional.of(new Connection(NET.localAddress(), NET.peerAddress(),
                Map.of("_name", "node2", "protocol", "A"))));
        assertThat(plan(netOption, BASE)).containsExactly("drbdd net-options r0 --_name=node2 --protocol=A --set-defaults=yes");
        RunningResource moved = withConnection(BASE, Optional.of(new Connection(NET.localAddress(), "ipv4:10.0.0.3:7789",
                NET.options())));
        assertThat(plan(moved, BASE)).containsExactly(
                "drbdd disconnect r0",
                "drbdd connect r0 ipv4:10.0.0.1:7789 ipv4:10.0.0.3:7789 --_name=node2 --protocol=C");
        RunningResource standalone = withConnection(BASE, Optional.empty());
        assertThat(plan(standalone, BASE)).containsExactly("drbdd disconnect r0");
        assertThat(plan(BASE, standalone)).containsExactly(
                "drbdd connect r0 ipv4:10.0.0.1:7789 ipv4:10.0.0.2:7789 --_name=node2 --protocol=C");
    }

    @Test
    void oneVolumeLeavesTheRestAlone() {
        RunningResource desired = new RunningResource("r0", Map.of(), Map.of(), List.of(
                new Volume(0, 1, Optional.of(new Disk("/dev/vdb", "/dev/vdb", "internal", Map.of("on-io-error", "pass_on")))),
                new Volume(1, 2, Optional.empty())), Optional.empty());
        assertThat(plan(desired, BASE, Optional.of(1))).containsExactly("drbdd new-minor r0 2 1");
        assertThat(plan(desired, BASE, Optional.of(0))).containsExactly(
                "drbdd disk-options 1 --on-io-error=pass_on --set-defaults=yes");
    }

    @Test
    void theConfigurationAgreesWithTheUpItPlans() throws Exception {
        // What up sends is what drbdd then holds: adjust right after up has nothing to do.
        ConfigOptions options = new picocli.CommandLine(new ConfigOptions()).getCommand();
        options.configFile = DrbdadmCommandSurfaceTest.SPEC_CONF;
        options.nodeName = "node1";
        ConfigOptions.Selection s = options.select(List.of("test"), false).get(0);
        List<ControlRequest> up = ConfigRequestPlanner.up(s);
        RunningResource desired = DesiredState.of(s.resource());
        ControlRequest newResource = up.get(0);
        ControlRequest attach = up.get(2);
        ControlRequest connect = up.get(3);
        Map<String, String> handlers = new java.util.TreeMap<>();
        Map<String, String> resourceOptions = new java.util.TreeMap<>();
        newResource.options().forEach((k, v) -> {
            if (k.startsWith(Requests.HANDLER_PREFIX)) {
                handlers.put(k.substring(Requests.HANDLER_PREFIX.length()), v);
            } else {
                resourceOptions.put(k, v);
            }
        });
        RunningResource afterUp = new RunningResource("test", resourceOptions, handlers, List.of(new Volume(0, 1,
                Optional.of(new Disk(attach.args().get(1), attach.args().get(2), attach.args().get(3), attach.options())))),
                Optional.of(new Connection(connect.args().get(1), connect.args().get(2), connect.options())));
        assertThat(afterUp).isEqualTo(desired);
        assertThat(plan(desired, afterUp)).isEmpty();
    }
}
