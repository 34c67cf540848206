package org.drbdj.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.drbdj.cli.Drbdadm;
import org.drbdj.testing.Prerequisites;
import org.drbdj.testing.ProcessRunner;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Differential test of our drbd.conf parser and {@code drbdadm dump} against drbd-utils itself,
 * over the corpus in {@code src/test/resources/config-corpus/} (one directory per case, described
 * by its {@code case.properties}: {@code dialect=9|84}, {@code node}, {@code local-addresses},
 * optional {@code resources} and a one-line {@code why}).
 *
 * <p><b>The oracle</b> runs as that host: inside {@code unshare --uts --net}, with the hostname set
 * to the case's node and the case's addresses on {@code lo} (drbdadm checks that this host owns
 * its own address, and finds {@code floating} hosts by address). For {@code dialect=9} it is
 * drbd-utils' {@code drbdadm -c FILE dump all}; for {@code dialect=84} it is
 * {@code /lib/drbd/drbdadm-84 -c FILE dump all}, because drbd-utils 9 without a DRBD 8.4 kernel
 * rejects 8.4-only syntax such as {@code syncer { rate }} (see invalid case 01).
 *
 * <p><b>Ours</b> runs in-process through {@link Drbdadm#run} with {@code --node-name NODE} given
 * explicitly, so no namespace is needed. A case whose files contain a {@code floating} section is
 * the exception: there the host is found by local address, so ours runs in the same kind of
 * namespace as the oracle, as {@code java -cp <test classpath> org.drbdj.cli.Drbdadm}.
 *
 * <p><b>Valid cases</b>: both exit 0 and the <em>effective settings</em> of the two dumps are equal,
 * as computed by {@link DumpNormaliser} (inheritance from {@code common} resolved, volumes resolved
 * per host, values canonical, order and whitespace ignored). For 8.4 cases ours prints the
 * drbd-utils 9 layout and drbdadm-84 prints the 8.4 layout; "equal" means equal after that same
 * resolution, which maps the 8.4 layout (device/disk/meta-disk inside {@code on}) and the 9 layout
 * ({@code volume 0}) onto the same per-host volume settings, with host {@code node-id}s and
 * drbdadm-84's printed {@code cmd-timeout-*} defaults ignored on both sides, and 8.4's
 * {@code disk { fencing }} compared as the DRBD 9 {@code net { fencing }} it became.
 *
 * <p><b>Invalid cases</b>: both exit non-zero; the first {@code FILE:LINE:} in the oracle's stderr
 * must name the same file and line as the first {@code FILE:LINE} in ours. drbdadm prints an
 * included file's name as its include statement wrote it, relative to the including file; such a
 * name is resolved to the case's file whose path ends with it. Where drbdadm itself prints line 0
 * (it does so for duplicate addresses) only the file is compared.
 */
class ConfigDifferentialTest {
    private static final long ORACLE_TIMEOUT_SECONDS = 60;
    private static final Pattern FILE_LINE = Pattern.compile("(?m)^\\s*([^\\s:]+):(\\d+):");
    private static final Pattern FILE_LINE_ANYWHERE = Pattern.compile("([^\\s:'\"()]+):(\\d+)");

    /** One corpus case: its directory and properties. */
    record Case(Path dir, Properties props) {
        String name() {
            return dir.getFileName().toString();
        }

        String dialect() {
            return props.getProperty("dialect", "9").trim();
        }

        boolean legacy84() {
            return dialect().equals("84");
        }

        String node() {
            return props.getProperty("node", "node1").trim();
        }

        List<String> localAddresses() {
            List<String> out = new ArrayList<>();
            for (String a : props.getProperty("local-addresses", "").split(",")) {
                if (!a.isBlank()) {
                    out.add(a.trim());
                }
            }
            return out;
        }

        String resources() {
            return props.getProperty("resources", "all").trim();
        }

        Path configFile() {
            return dir.resolve("drbd.conf");
        }

        String why() {
            return props.getProperty("why", "");
        }
    }

    /** What one run of a drbdadm produced. */
    record Run(int exitCode, String stdout, String stderr) {
        String describe(String who) {
            return who + " exit " + exitCode + "\n--- " + who + " stdout:\n" + stdout + "\n--- " + who + " stderr:\n"
                    + stderr;
        }
    }

    @TestFactory
    Stream<DynamicTest> validConfigurationsResolveLikeDrbdUtils() throws IOException {
        return cases("valid").map(c -> DynamicTest.dynamicTest(c.name() + " — " + c.why(), () -> checkValid(c)));
    }

    @TestFactory
    Stream<DynamicTest> invalidConfigurationsAreRejectedAtTheSameFileAndLine() throws IOException {
        return cases("invalid").map(c -> DynamicTest.dynamicTest(c.name() + " — " + c.why(), () -> checkInvalid(c)));
    }

    /** The corpus must keep the size issue 2 asks for, in both dialects. */
    @Test
    void corpusHasTheRequiredSize() throws IOException {
        List<Case> valid = cases("valid").toList();
        List<Case> invalid = cases("invalid").toList();
        assertTrue(valid.size() >= 40, "at least 40 valid cases, found " + valid.size());
        assertTrue(invalid.size() >= 20, "at least 20 invalid cases, found " + invalid.size());
        assertTrue(valid.stream().anyMatch(Case::legacy84) && valid.stream().anyMatch(c -> !c.legacy84()),
                "valid cases of both dialects");
    }

    private static void checkValid(Case c) throws Exception {
        requirePrerequisites(c);
        Run oracle = oracle(c);
        assertEquals(0, oracle.exitCode(),
                "the corpus case must be valid for drbd-utils (fix the case):\n" + oracle.describe("drbd-utils"));
        Run ours = ours(c);
        assertEquals(0, ours.exitCode(), "drbdj rejected a configuration drbd-utils accepts:\n"
                + ours.describe("drbdj"));
        TreeMap<String, String> expected = DumpNormaliser.effective(oracle.stdout(), c.legacy84());
        assertFalse(expected.isEmpty(), "drbd-utils' dump has no settings at all:\n" + oracle.describe("drbd-utils"));
        TreeMap<String, String> actual;
        try {
            actual = DumpNormaliser.effective(ours.stdout(), c.legacy84());
        } catch (DumpNormaliser.DumpSyntaxException e) {
            throw new AssertionError("drbdj's dump is not in drbdadm's dump syntax: " + e.getMessage() + "\n"
                    + ours.describe("drbdj"), e);
        }
        String diff = DumpNormaliser.diff(expected, oracleName(c), actual, "drbdj");
        if (!diff.isEmpty()) {
            fail("effective settings differ for case " + c.name() + " (" + c.why() + "):\n" + diff
                    + "\n--- drbd-utils dump:\n" + oracle.stdout() + "\n--- drbdj dump:\n" + ours.stdout()
                    + (ours.stderr().isBlank() ? "" : "\n--- drbdj stderr:\n" + ours.stderr()));
        }
    }

    private static void checkInvalid(Case c) throws Exception {
        requirePrerequisites(c);
        Run oracle = oracle(c);
        assertNotEquals(0, oracle.exitCode(),
                "the corpus case must be rejected by drbd-utils (fix the case):\n" + oracle.describe("drbd-utils"));
        Matcher m = FILE_LINE.matcher(oracle.stderr());
        assertTrue(m.find(), "drbd-utils gave no FILE:LINE (fix the case):\n" + oracle.describe("drbd-utils"));
        Path expectedFile = resolve(c, m.group(1));
        int expectedLine = Integer.parseInt(m.group(2));
        assertNotNull(expectedFile, "cannot find the file drbd-utils names: " + m.group(1));

        Run ours = ours(c);
        assertNotEquals(0, ours.exitCode(), "drbdj accepted a configuration drbd-utils rejects ("
                + firstLine(oracle.stderr()) + "):\n" + ours.describe("drbdj"));
        Path oursFile = null;
        int oursLine = -1;
        Matcher o = FILE_LINE_ANYWHERE.matcher(ours.stderr());
        while (o.find()) {
            Path p = resolve(c, o.group(1));
            if (p != null) {
                oursFile = p;
                oursLine = Integer.parseInt(o.group(2));
                break;
            }
        }
        String context = "drbd-utils says: " + oracle.stderr().strip() + "\ndrbdj says: " + ours.stderr().strip();
        assertNotNull(oursFile, "drbdj's error names no FILE:LINE of the configuration\n" + context);
        assertEquals(expectedFile, oursFile, "drbdj names a different file\n" + context);
        if (expectedLine != 0) {
            assertEquals(expectedLine, oursLine, "drbdj names a different line\n" + context);
        }
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }

    private static String oracleName(Case c) {
        return c.legacy84() ? "drbdadm-84" : "drbd-utils";
    }

    private static void requirePrerequisites(Case c) {
        Prerequisites.requireRoot();
        Prerequisites.requireCommands("drbdadm", "unshare", "ip", "hostname");
        if (c.legacy84()) {
            Prerequisites.requireCommands("/lib/drbd/drbdadm-84");
        }
    }

    /** Runs drbd-utils as the case's host, in fresh UTS and network namespaces. */
    private static Run oracle(Case c) throws IOException, InterruptedException {
        String tool = c.legacy84() ? "/lib/drbd/drbdadm-84" : Prerequisites.findCommand("drbdadm").toString();
        ProcessRunner.Result r = ProcessRunner.run(asHost(c, List.of(tool, "-c", c.configFile().toString(), "dump",
                c.resources())), Map.of(), c.dir(), ORACLE_TIMEOUT_SECONDS);
        return new Run(r.exitCode(), r.stdout(), withoutNoise(r.stderr()));
    }

    /**
     * {@code unshare --uts --net sh -c 'hostname NODE; ip link set lo up; ip addr add ...; exec CMD'}.
     * Arguments are passed as positional parameters, never spliced into the script.
     */
    private static List<String> asHost(Case c, List<String> command) {
        StringBuilder script = new StringBuilder("set -e; hostname \"$0\"; ip link set lo up; ");
        for (String a : c.localAddresses()) {
            script.append(a.contains(":") ? "ip -6 addr add " + a + "/128 dev lo nodad; "
                    : "ip addr add " + a + "/32 dev lo; ");
        }
        script.append("exec \"$@\"");
        List<String> cmd = new ArrayList<>(List.of("unshare", "--uts", "--net", "sh", "-c", script.toString(),
                c.node()));
        cmd.addAll(command);
        return cmd;
    }

    /** drbdadm 9 probes the kernel module with modinfo; its complaints are not about the config. */
    private static String withoutNoise(String stderr) {
        StringBuilder sb = new StringBuilder();
        for (String line : stderr.split("\n", -1)) {
            if (!line.contains("modinfo")) {
                sb.append(line).append('\n');
            }
        }
        return sb.toString().strip();
    }

    private static Run ours(Case c) throws IOException, InterruptedException {
        String[] args = {"-c", c.configFile().toString(), "--node-name", c.node(), "dump", c.resources()};
        if (needsNamespace(c)) {
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            List<String> cmd = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                    Drbdadm.class.getName()));
            cmd.addAll(List.of(args));
            ProcessRunner.Result r = ProcessRunner.run(asHost(c, cmd), Map.of(), c.dir(), ORACLE_TIMEOUT_SECONDS);
            return new Run(r.exitCode(), r.stdout(), r.stderr());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            rc = Drbdadm.run(args, o, e);
        }
        return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** floating hosts are identified by a local address, which only the namespace provides. */
    private static boolean needsNamespace(Case c) throws IOException {
        try (Stream<Path> files = Files.walk(c.dir())) {
            return files.filter(Files::isRegularFile).anyMatch(p -> {
                try {
                    return Files.readString(p, StandardCharsets.UTF_8).contains("floating");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /**
     * A name from an error message as a real path of this case, or null when it is not one.
     * drbdadm prints an included file's name as its include statement wrote it, relative to the
     * including file's directory; so a relative name that is not found beside drbd.conf is looked
     * for as the unique file of the case whose path ends with it.
     */
    private static Path resolve(Case c, String name) {
        Path p;
        try {
            p = Path.of(name);
        } catch (java.nio.file.InvalidPathException e) {
            return null;
        }
        try {
            Path candidate = p.isAbsolute() ? p : c.dir().resolve(p);
            if (Files.isRegularFile(candidate)) {
                return candidate.toRealPath();
            }
            if (p.isAbsolute()) {
                return null;
            }
            List<Path> matches;
            try (Stream<Path> files = Files.walk(c.dir())) {
                matches = files.filter(Files::isRegularFile).filter(f -> f.endsWith(p)).toList();
            }
            return matches.size() == 1 ? matches.get(0).toRealPath() : null;
        } catch (IOException e) {
            return null;
        }
    }

    static Stream<Case> cases(String kind) throws IOException {
        URL url = ConfigDifferentialTest.class.getResource("/config-corpus/" + kind);
        assertNotNull(url, "config-corpus/" + kind + " is not on the test classpath");
        Path root;
        try {
            root = Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        List<Case> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path d : dirs.filter(Files::isDirectory).sorted().toList()) {
                Properties props = new Properties();
                try (InputStream in = Files.newInputStream(d.resolve("case.properties"))) {
                    props.load(in);
                }
                out.add(new Case(d, props));
            }
        }
        return out.stream();
    }
}
