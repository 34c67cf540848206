package org.drbdj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.drbdj.control.ControlPaths;
import org.drbdj.testing.TestDirs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The drbdadm command surface: help, usage errors, dry run and the daemon-absent exit code. */
class DrbdadmCommandSurfaceTest {
    record Run(int exit, String out, String err) {
    }

    /** The SPEC's configuration files, as shipped in conf/. */
    static final String SPEC_CONF = Path.of("..", "conf", "drbd.conf").toAbsolutePath().normalize().toString();

    private Path runDir;

    @BeforeEach
    void privateRunDir() throws Exception {
        runDir = TestDirs.create(getClass(), "run");
        System.setProperty(ControlPaths.RUN_DIR_PROPERTY, runDir.toString());
    }

    @AfterEach
    void clearRunDir() {
        System.clearProperty(ControlPaths.RUN_DIR_PROPERTY);
    }

    static Run drbdadm(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Drbdadm.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void everyCommandHasHelp() {
        List<String> commands = List.copyOf(Drbdadm.commandLine(null).getSubcommands().keySet());
        assertThat(commands).contains("up", "down", "attach", "detach", "connect", "disconnect", "primary",
                "secondary", "role", "cstate", "dstate", "status", "adjust", "dump", "verify", "pause-sync",
                "resume-sync", "invalidate", "invalidate-remote", "outdate", "wait-connect", "events2");
        for (String c : commands) {
            Run r = drbdadm(c, "--help");
            assertThat(r.exit).as(c).isZero();
            assertThat(r.out).as(c).startsWith("Usage: drbdadm " + c);
        }
        Run top = drbdadm("--help");
        assertThat(top.exit).isZero();
        assertThat(top.out).contains("Commands:", "primary", "Exit codes:");
    }

    @Test
    void usageErrorsSayWhatIsWrongAndWhereToGetHelp() {
        Run noCommand = drbdadm();
        assertThat(noCommand.exit).isEqualTo(Drbdadm.EXIT_USAGE);
        assertThat(noCommand.err).contains("missing command").contains("Try 'drbdadm --help'");

        Run unknown = drbdadm("frobnicate", "r0");
        assertThat(unknown.exit).isEqualTo(Drbdadm.EXIT_USAGE);
        assertThat(unknown.err).contains("frobnicate").contains("Try 'drbdadm --help'");

        Run badOption = drbdadm("primary", "--bogus", "r0");
        assertThat(badOption.exit).isEqualTo(Drbdadm.EXIT_USAGE);
        assertThat(badOption.err).contains("--bogus").contains("Try 'drbdadm primary --help'");

        Run missingResource = drbdadm("secondary");
        assertThat(missingResource.exit).isEqualTo(Drbdadm.EXIT_USAGE);
        assertThat(missingResource.err).contains("RESOURCE");
    }

    @Test
    void passThroughFormIsAcceptedAndDryRunPrintsTheRequest() {
        Run r = drbdadm("-c", SPEC_CONF, "--node-name", "node1", "-d", "--", "--overwrite-data-of-peer", "primary", "test");
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.out.trim()).isEqualTo("drbdd primary test --overwrite-data-of-peer=yes");

        Run forced = drbdadm("-c", SPEC_CONF, "--node-name", "node1", "primary", "--force", "-d", "test");
        assertThat(forced.out.trim()).isEqualTo("drbdd primary test --overwrite-data-of-peer=yes");
    }

    @Test
    void upIsPlannedFromTheResolvedConfigurationLikeDrbdadm84() {
        Run r = drbdadm("-c", SPEC_CONF, "--node-name", "node1", "-d", "up", "test");
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.out.lines()).containsExactly(
                "drbdd new-resource test"
                        + " --handler.local-io-error='/usr/lib/drbd/notify-io-error.sh; /usr/lib/drbd/notify-emergency-shutdown.sh;"
                        + " echo o > /proc/sysrq-trigger ; halt -f'"
                        + " --handler.pri-lost-after-sb='/usr/lib/drbd/notify-pri-lost-after-sb.sh;"
                        + " /usr/lib/drbd/notify-emergency-reboot.sh; echo b > /proc/sysrq-trigger ; reboot -f'"
                        + " --handler.pri-on-incon-degr='/usr/lib/drbd/notify-pri-on-incon-degr.sh;"
                        + " /usr/lib/drbd/notify-emergency-reboot.sh; echo b > /proc/sysrq-trigger ; reboot -f'",
                "drbdd new-minor test 1 0",
                "drbdd attach 1 /dev/vdb /dev/vdb internal --on-io-error=detach --resync-rate=1024M",
                "drbdd connect test ipv4:172.16.0.3:7789 ipv4:172.16.0.4:7789 --_name=node2 --cram-hmac-alg=sha1"
                        + " --protocol=C --shared-secret=test --verify-alg=sha1");
        Run node2 = drbdadm("-c", SPEC_CONF, "--node-name", "node2", "-d", "connect", "test");
        assertThat(node2.out.trim()).startsWith("drbdd connect test ipv4:172.16.0.4:7789 ipv4:172.16.0.3:7789");
    }

    @Test
    void unknownResourceIsRefusedLikeDrbdadm() {
        Run r = drbdadm("-c", SPEC_CONF, "--node-name", "node1", "-d", "primary", "nosuch");
        assertThat(r.exit).isNotZero();
        assertThat(r.err).contains("'nosuch' not defined in your config (for this host).");
    }

    @Test
    void withoutTheDaemonCommandsFailWithExecErrorAndAdvice() {
        Run r = drbdadm("-c", SPEC_CONF, "--node-name", "node1", "secondary", "test");
        assertThat(r.exit).isEqualTo(Drbdadm.EXIT_EXEC_ERROR);
        assertThat(r.err).contains("cannot reach drbdd at " + runDir.resolve("drbdd.sock"))
                .contains("systemctl start drbdd");
        // Even a dry run of adjust needs drbdd: the plan is the difference to what it runs.
        Run adjust = drbdadm("-c", SPEC_CONF, "--node-name", "node1", "-d", "adjust", "test");
        assertThat(adjust.exit).isEqualTo(Drbdadm.EXIT_EXEC_ERROR);
        assertThat(adjust.out).isEmpty();
        assertThat(adjust.err).contains("adjust: reading the running configuration: cannot reach drbdd at");
        Run proc = drbdadm("proc");
        assertThat(proc.exit).isEqualTo(Drbdadm.EXIT_EXEC_ERROR);
        assertThat(proc.err).contains("no status file");
    }
}
