package org.drbdj.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.drbdj.testing.Prerequisites;
import org.drbdj.testing.ProcessRunner;
import org.drbdj.testing.TestDirs;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutation testing against drbd-utils 9.22: valid DRBD 9 files get one random edit each
 * (a token deleted, replaced or inserted, a word shortened); drbdadm and we must agree on every
 * mutant: both accept it with the same dump text, or both reject it naming the same line. The
 * documented intended differences (docs/configuration.md) are the only exceptions. A failure
 * prints the seed and the mutant's file so it reproduces.
 */
class MutationDifferentialTest {
    private static final long SEED = Long.getLong("drbdj.mutation.seed", 20261125L);
    private static final int MUTANTS = Integer.getInteger("drbdj.mutation.count", 120);
    private static final Pattern TOKEN = Pattern.compile("\"[^\"\\n]*\"|[{};\\[\\]]|[^\\s{};\\[\\]]+|\\s+");
    private static final Pattern FIRST_LINE = Pattern.compile("(?m)^(\\S+?):(\\d+): ");
    private static final List<String> WORDS = List.of("on", "disk", "device", "meta-disk", "address", "net",
            "volume", "node-id", "protocol", "minor", "options", "handlers", "startup", "connection", "host",
            "path", "}", "{", ";", "internal", "none", "yes", "no", "resync-rate", "al-extents", "99999",
            "7789", "0", "ipv6", "floating", "skip", "\"q\"");

    private static Path sources() throws URISyntaxException {
        return Path.of(MutationDifferentialTest.class.getResource("dump").toURI());
    }

    private static String mutate(String text, Random rnd) {
        List<String> toks = new ArrayList<>();
        Matcher m = TOKEN.matcher(text);
        while (m.find()) {
            toks.add(m.group());
        }
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < toks.size(); i++) {
            if (!toks.get(i).isBlank()) {
                idx.add(i);
            }
        }
        int j = idx.get(rnd.nextInt(idx.size()));
        switch (rnd.nextInt(4)) {
            case 0 -> toks.set(j, "");
            case 1 -> toks.set(j, WORDS.get(rnd.nextInt(WORDS.size())));
            case 2 -> toks.add(j, WORDS.get(rnd.nextInt(WORDS.size())) + " ");
            default -> {
                String t = toks.get(j);
                toks.set(j, t.length() > 1 ? t.substring(0, t.length() - 1) : t + "x");
            }
        }
        return String.join("", toks);
    }

    /** Our known, documented differences: stricter checks. */
    private static boolean intendedDifference(String ours) {
        return ours.contains("a value is expected for option") || ours.contains("out of range [0..1048575]")
                || ours.contains("out of range [0..65534]");
    }

    @Test
    void mutantsAreJudgedLikeDrbdUtils() throws Exception {
        Prerequisites.requireRoot();
        Prerequisites.requireCommands("drbdadm", "unshare", "hostname", "ip");
        Path work = TestDirs.create(MutationDifferentialTest.class, "mutants");
        List<Path> originals;
        try (Stream<Path> s = Files.list(sources())) {
            originals = s.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
        }
        Random rnd = new Random(SEED);
        List<Path> mutants = new ArrayList<>();
        for (int i = 0; i < MUTANTS; i++) {
            Path src = originals.get(rnd.nextInt(originals.size()));
            Path m = work.resolve(String.format("m%03d-%s", i, src.getFileName()));
            Files.writeString(m, mutate(Files.readString(src), rnd));
            mutants.add(m);
        }
        // One namespace for all oracle runs: host node1 owning its addresses.
        StringBuilder script = new StringBuilder("hostname node1 && ip link set lo up && ip addr add 172.16.0.3/32 "
                + "dev lo && ip -6 addr add fd00::3/128 dev lo || exit 99\n");
        for (Path m : mutants) {
            script.append("drbdadm -c '").append(m).append("' dump all >'").append(m).append(".out' 2>'").append(m)
                    .append(".err'; echo $? >'").append(m).append(".rc'\n");
        }
        Path scriptFile = work.resolve("oracle.sh");
        Files.writeString(scriptFile, script);
        ProcessRunner.Result r = ProcessRunner.run(List.of("unshare", "--uts", "--net", "sh", scriptFile.toString()), 600);
        assertThat(r.exitCode()).as(r.stderr()).isZero();

        List<String> problems = new ArrayList<>();
        for (Path m : mutants) {
            int realRc = Integer.parseInt(Files.readString(Path.of(m + ".rc")).trim());
            String realOut = Files.readString(Path.of(m + ".out"));
            String realErr = Files.readString(Path.of(m + ".err"));
            String ours;
            boolean ok;
            int ourLine = -1;
            try {
                ours = ConfigDumper.all(ConfigLoader.load(m, m.toString(), "node1", a -> false, false));
                ok = true;
            } catch (ConfigException e) {
                ours = e.getMessage();
                ourLine = e.line();
                ok = false;
            }
            if (ok && realRc == 0) {
                if (!ours.equals(realOut)) {
                    problems.add(m + ": both accept, dumps differ");
                }
            } else if (!ok && realRc != 0) {
                // drbdadm's warnings (deprecated named connection, global after resource) are ours too,
                // but not part of the exception: judge by its first error.
                Matcher fl = FIRST_LINE.matcher(realErr.replaceAll(
                        "(?m)^\\S+:\\d+: (explicitly named connections are deprecated!|You should put the global).*$", ""));
                if (fl.find() && !fl.group(2).equals("0") && Integer.parseInt(fl.group(2)) != ourLine) {
                    problems.add(m + ": line " + ourLine + " vs drbdadm's " + fl.group(2) + "\n  ours: " + ours
                            + "\n  drbdadm: " + realErr.strip());
                }
            } else if (!(ok ? realErr.contains("not found on this host") : intendedDifference(ours))) {
                problems.add(m + ": " + (ok ? "we accept, drbdadm rejects: " + realErr.strip()
                        : "we reject, drbdadm accepts: " + ours));
            }
        }
        assertThat(problems).as("seed %d", SEED).isEmpty();
    }
}
