package org.drbdj.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Parses drbd.conf (both dialects) into the {@link Raw} tree, following the grammar of
 * drbd-utils 9's hand-written parser ({@code drbdadm_parser.c}) and the 8.4 forms of {@code
 * drbdadm-84} (syncer section, legacy option names, dropped 8.3 options).
 *
 * <p>Statement-level uniqueness checks (drbdadm's check_uniq/check_upr) happen here because they
 * need the line of the second use; cross-resource checks happen in {@link ConfigResolver}.
 */
final class ConfigParser {
    /** How deep includes may nest (drbd-utils' flex compatibility code uses 10). */
    static final int MAX_INCLUDE_DEPTH = 10;

    private final String nodeName;
    private final Raw.Config config = new Raw.Config();
    private final Set<Path> seenFiles = new HashSet<>();
    /** drbdadm's global btree: key -> "file:line" of first use. */
    private final Map<String, String> globalUniq = new HashMap<>();
    /** drbdadm's per-resource btree. */
    private Map<String, String> resourceUniq = new HashMap<>();
    private final List<String> warnings;

    private Lexer lx;
    private String canonicalFile;
    private Path currentDir;
    private int depth;

    ConfigParser(String nodeName, List<String> warnings) {
        this.nodeName = nodeName;
        this.warnings = warnings;
    }

    Raw.Config config() {
        return config;
    }

    Map<String, String> globalUniq() {
        return globalUniq;
    }

    /** Parses the top-level file {@code file}, shown in messages as {@code shownName}. */
    void parseMain(Path file, String shownName) throws ConfigException {
        String text;
        try {
            text = readFile(file);
        } catch (IOException e) {
            throw new ConfigException(null, 0, "Can not open '" + shownName + "': " + reason(e));
        }
        Path canonical = canonical(file);
        seenFiles.add(canonical);
        parseText(text, shownName, canonical);
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "Permission denied";
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    /** Reads a file with java.io (no NIO channel classes on drbdadm's startup path). */
    static String readFile(Path file) throws IOException {
        try (java.io.FileInputStream in = new java.io.FileInputStream(file.toFile())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.FileNotFoundException e) {
            if (!Files.exists(file)) {
                throw new java.nio.file.NoSuchFileException(file.toString());
            }
            throw new java.nio.file.AccessDeniedException(file.toString());
        }
    }

    private static Path canonical(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    private void parseText(String text, String shownName, Path canonical) throws ConfigException {
        Lexer savedLx = lx;
        String savedCanonical = canonicalFile;
        Path savedDir = currentDir;
        lx = new Lexer(shownName, text);
        canonicalFile = canonical.toString();
        currentDir = canonical.getParent();
        try {
            parseTop();
        } finally {
            lx = savedLx;
            canonicalFile = savedCanonical;
            currentDir = savedDir;
        }
    }

    // ------------------------------------------------------------------ errors and helpers

    private ConfigException error(int line, String detail) {
        return new ConfigException(lx.file(), line, detail);
    }

    private ConfigException expected(String what, Token got) {
        return error(got.line(), "Parse error: '" + what + "' expected,\n\tbut got '" + got.shown() + "'");
    }

    private Token expect(String punctOrKeyword) throws ConfigException {
        Token t = lx.next();
        if (!t.is(punctOrKeyword)) {
            throw expected(punctOrKeyword, t);
        }
        return t;
    }

    private Token expectString() throws ConfigException {
        Token t = lx.next();
        if (!t.isString()) {
            throw expected("TK_STRING", t);
        }
        return t;
    }

    private Token expectInteger() throws ConfigException {
        Token t = lx.next();
        if (t.kind() != Token.Kind.INTEGER) {
            throw expected("TK_INTEGER", t);
        }
        return t;
    }

    private String location(int line) {
        return lx.file() + ":" + line;
    }

    private void uniq(Map<String, String> tree, String what, String key, int line) throws ConfigException {
        String first = tree.putIfAbsent(key, location(line));
        if (first != null) {
            throw error(line, "conflicting use of " + what + " '" + key + "' ...\n"
                    + first + ": " + what + " '" + key + "' first used here.");
        }
    }

    private void checkUniq(String what, String key, int line) throws ConfigException {
        uniq(globalUniq, what, key, line);
    }

    private void checkUpr(String what, String key, int line) throws ConfigException {
        uniq(resourceUniq, what, key, line);
    }

    private static long rangeCheck(ConfigParser p, Token t, String name, long min, long max) throws ConfigException {
        Long v = OptionSchema.parseNumber(t.text(), '1');
        if (v == null || v < min || v > max) {
            throw p.error(t.line(), name + " " + t.text() + " => " + (v == null ? t.text() : v)
                    + " out of range [" + min + ".." + max + "].");
        }
        return v;
    }

    private boolean thisHostIn(List<String> names) {
        for (String n : names) {
            if (NodeName.hostnamesEqual(n, nodeName)) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ top level

    private void parseTop() throws ConfigException {
        while (true) {
            Token t = lx.next();
            if (t.kind() == Token.Kind.EOF) {
                return;
            }
            if (t.is("global")) {
                parseGlobal(t);
            } else if (t.is("common")) {
                expect("{");
                checkUniq("common section", "common", t.line());
                resourceUniq = new HashMap<>();
                Raw.Resource common = parseResource("common", t.line(), true);
                config.common = common;
            } else if (t.is("resource")) {
                Token name = expectString();
                if (name.text().isEmpty()) {
                    throw error(name.line(), "Resource name is empty.");
                }
                expect("{");
                resourceUniq = new HashMap<>();
                checkUniq("resource section", name.text(), t.line());
                config.resources.add(parseResource(name.text(), t.line(), false));
            } else if (t.is("skip")) {
                parseSkip(t);
            } else if (t.is("include")) {
                Token pattern = expectString();
                expect(";");
                include(pattern);
            } else if (t.kind() == Token.Kind.WORD && t.text().startsWith("require-drbd-module-version-")) {
                Token v = lx.next();
                if (v.kind() != Token.Kind.KMODVERS) {
                    throw expected("TK_KMODVERS", v);
                }
                expect(";");
                checkModuleVersion(t, v);
            } else {
                throw expected("global | common | resource | skip | include |\n"
                        + "\trequire-drbd-module-version-{eq,ne,gt,ge,lt,le}", t);
            }
        }
    }

    /** drbdj emulates the DRBD 8.4.11 module (see docs/configuration.md). */
    static final int[] EMULATED_MODULE_VERSION = {8, 4, 11};

    private void checkModuleVersion(Token op, Token version) throws ConfigException {
        String[] parts = version.text().split("\\.");
        int cmp = 0;
        for (int i = 0; i < 3 && cmp == 0; i++) {
            long want = parts[i].length() > 9 ? Long.MAX_VALUE : Long.parseLong(parts[i]);
            cmp = Long.compare(EMULATED_MODULE_VERSION[i], want);
        }
        String o = op.text().substring(op.text().length() - 2);
        boolean ok = switch (o) {
            case "eq" -> cmp == 0;
            case "ne" -> cmp != 0;
            case "gt" -> cmp > 0;
            case "ge" -> cmp >= 0;
            case "lt" -> cmp < 0;
            default -> cmp <= 0;
        };
        if (!ok) {
            throw error(op.line(), "Validation error: drbd-module-version 8.4.11 " + o + " "
                    + version.text() + " not true");
        }
    }

    private void parseGlobal(Token start) throws ConfigException {
        checkUniq("global section", "global", start.line());
        if (!config.resources.isEmpty()) {
            warnings.add(location(start.line()) + ": You should put the global {} section\n"
                    + "\tin front of any resource {} section");
        }
        Raw.Global g = config.global;
        g.seen = true;
        expect("{");
        while (true) {
            Token t = lx.next();
            String k = t.kind() == Token.Kind.WORD ? t.text() : "";
            switch (k) {
                case "udev-always-use-vnr" -> g.udevAlwaysUseVnr = true;
                case "disable-ip-verification" -> g.disableIpVerification = true;
                case "minor-count" -> g.minorCount = (int) rangeCheck(this, expectInteger(), "minor-count", 1, 255);
                case "dialog-refresh" -> g.dialogRefresh = (int) rangeCheck(this, expectInteger(), "dialog-refresh", 0, 600);
                case "cmd-timeout-short" -> g.cmdTimeoutShort = (int) rangeCheck(this, expectInteger(), "cmd-timeout-short", 0, 900);
                case "cmd-timeout-medium" -> g.cmdTimeoutMedium = (int) rangeCheck(this, expectInteger(), "cmd-timeout-medium", 0, 900);
                case "cmd-timeout-long" -> g.cmdTimeoutLong = (int) rangeCheck(this, expectInteger(), "cmd-timeout-long", 0, 900);
                case "usage-count" -> {
                    Token v = lx.next();
                    if (!(v.is("yes") || v.is("no") || v.is("ask"))) {
                        throw expected("yes | no | ask", v);
                    }
                    g.usageCount = v.text();
                }
                default -> {
                    if (t.is("}")) {
                        return;
                    }
                    Optional<String> hint = Suggestions.nearest(t.text(), List.of("usage-count", "minor-count",
                            "dialog-refresh", "disable-ip-verification", "udev-always-use-vnr",
                            "cmd-timeout-short", "cmd-timeout-medium", "cmd-timeout-long"));
                    throw withHint(expected("dialog-refresh | minor-count | disable-ip-verification", t), hint);
                }
            }
            expect(";");
        }
    }

    private ConfigException withHint(ConfigException e, Optional<String> hint) {
        if (hint.isEmpty()) {
            return e;
        }
        return new ConfigException(e.file(), e.line(), e.detail() + "\n\tdid you mean '" + hint.get() + "'?");
    }

    private void parseSkip(Token start) throws ConfigException {
        int level = 0;
        while (true) {
            Token t = lx.next();
            if (t.kind() == Token.Kind.EOF) {
                throw error(start.line(), "reached eof while parsing this skip block.");
            }
            if (t.is("{")) {
                level++;
            } else if (t.is("}")) {
                if (--level == 0) {
                    return;
                }
            }
        }
    }

    // ------------------------------------------------------------------ include

    private void include(Token pattern) throws ConfigException {
        String p = pattern.text();
        List<String> matches = Glob.expand(currentDir, p);
        if (matches.isEmpty()) {
            if (!Glob.hasMagic(p)) {
                throw new ConfigException(canonicalFile, pattern.line(), "Failed to open include file '" + p + "'.");
            }
            return;
        }
        if (depth >= MAX_INCLUDE_DEPTH) {
            throw error(pattern.line(), "Includes nested too deeply (more than " + MAX_INCLUDE_DEPTH
                    + " levels) at include '" + p + "'.");
        }
        for (String m : matches) {
            Path file = Path.of(m).isAbsolute() ? Path.of(m) : currentDir.resolve(m);
            Path canonical = canonical(file);
            if (!seenFiles.add(canonical)) {
                continue;
            }
            String text;
            try {
                text = readFile(file);
            } catch (IOException e) {
                throw new ConfigException(canonicalFile, pattern.line(), "Failed to open include file '" + m + "'.");
            }
            depth++;
            try {
                parseText(text, m, canonical);
            } finally {
                depth--;
            }
        }
    }

    // ------------------------------------------------------------------ resource

    private Raw.Resource parseResource(String name, int startLine, boolean noHostsAllowed) throws ConfigException {
        Raw.Resource res = new Raw.Resource();
        res.name = name;
        res.file = lx.file();
        res.canonicalFile = canonicalFile;
        res.line = startLine;
        int sectionStart = startLine;
        while (true) {
            Token t = lx.next();
            int line = t.line();
            if (t.kind() == Token.Kind.EOF || t.is("}")) {
                break;
            }
            String k = t.kind() == Token.Kind.WORD || t.kind() == Token.Kind.QUOTED ? t.text() : "";
            if (t.kind() == Token.Kind.QUOTED && !k.equals("protocol")) {
                k = "";
            }
            switch (k) {
                case "protocol" -> {
                    checkUpr("protocol statement", name + ": protocol", line);
                    OptionDef def = OptionSchema.find(OptionSection.NET, "protocol").orElseThrow();
                    res.netOptions.add(optionValue(def, false, t));
                }
                case "on" -> {
                    List<String> hosts = parseHosts("{");
                    sectionStart = line;
                    parseHostSection(res, hosts, line, true, false);
                }
                case "floating" -> {
                    sectionStart = line;
                    parseHostSection(res, new ArrayList<>(), line, true, true);
                }
                case "_this_host" -> {
                    expect("{");
                    List<String> hosts = new ArrayList<>(List.of("_this_host"));
                    parseHostSection(res, hosts, line, false, false);
                }
                case "stacked-on-top-of" -> parseStacked(res, line);
                case "proxy" -> throw error(line, "DRBD Proxy sections are not supported by drbdj");
                case "template-file" -> throw error(line, "'template-file' is not supported by drbdj; "
                        + "use a common section or an include");
                case "disk" -> {
                    Token n = lx.next();
                    if (n.isString()) {
                        Raw.Volume vol = volume0(res.volumes, n.line());
                        vol.disk = n.text();
                        vol.parsedDisk = true;
                        vol.file = vol.file == null ? lx.file() : vol.file;
                        vol.diskLine = line;
                        expect(";");
                    } else if (n.is("{")) {
                        checkUpr("disk section", name + ":disk", line);
                        parseDiskOptions(res.diskOptions, res.pdOptions, res.netOptions);
                    } else {
                        throw expected("TK_STRING | {", n);
                    }
                }
                case "net" -> {
                    checkUpr("net section", name + ":net", line);
                    expect("{");
                    parseOptions(OptionSection.NET, res.netOptions);
                }
                case "syncer" -> {
                    checkUpr("syncer section", name + ":syncer", line);
                    expect("{");
                    parseSyncer(res);
                }
                case "startup" -> {
                    checkUpr("startup section", name + ":startup", line);
                    expect("{");
                    parseStartup(res);
                }
                case "handlers" -> {
                    checkUpr("handlers section", name + ":handlers", line);
                    expect("{");
                    parseOptions(OptionSection.HANDLERS, res.handlers);
                }
                case "device" -> {
                    checkUpr("device statement", name + ":device", line);
                    parseVolumeStatement(volume0(res.volumes, line), null, t);
                }
                case "meta-disk", "flexible-meta-disk" -> parseVolumeStatement(volume0(res.volumes, line), null, t);
                case "volume" -> {
                    int vnr = volumeNumber();
                    Raw.insertVolume(res.volumes, parseVolume(vnr, null));
                }
                case "options" -> {
                    checkUpr("resource options section", name + ":res_options", line);
                    expect("{");
                    parseOptions(OptionSection.RESOURCE, res.resOptions);
                }
                case "connection" -> res.connections.add(parseConnection(line));
                case "connection-mesh" -> parseMesh(res, line);
                case "skip" -> parseSkip(t);
                default -> {
                    Optional<String> hint = Suggestions.nearest(t.text(), List.of("protocol", "on", "disk", "net",
                            "syncer", "startup", "handlers", "connection", "connection-mesh", "device",
                            "meta-disk", "flexible-meta-disk", "volume", "options", "floating", "skip"));
                    throw withHint(expected("protocol | on | disk | net | syncer | startup | handlers |"
                            + " connection | ignore-on | stacked-on-top-of | skip", t), hint);
                }
            }
        }
        if (noHostsAllowed && !res.hosts.isEmpty()) {
            throw error(sectionStart, "in the " + name + " section, there are no host sections allowed.");
        }
        return res;
    }

    /** {@code stacked-on-top-of LOWER { device; address; volume N { device; disk { } }; node-id; }}. */
    private void parseStacked(Raw.Resource res, int line) throws ConfigException {
        Raw.Host host = new Raw.Host();
        host.line = line;
        res.hosts.add(host);
        Token lower = expectString();
        checkUniq("stacked-on-top-of", "stacked:" + lower.text(), lower.line());
        host.lowerName = lower.text();
        expect("{");
        while (true) {
            Token t = lx.next();
            int l = t.line();
            if (t.is("device")) {
                // As drbdadm: the device of a stacked section is not a "parsed" volume statement.
                Raw.Volume v = volume0(host.volumes, l);
                v.file = lx.file();
                parseDevice(List.of(), v, l);
                v.deviceLine = l;
                v.metaDisk = "internal";
                v.metaIndex = "internal";
            } else if (t.is("address")) {
                parseAddress(host.address);
                expect(";");
            } else if (t.is("volume")) {
                Raw.Volume v = new Raw.Volume();
                v.vnr = volumeNumber();
                v.file = lx.file();
                expect("{");
                while (true) {
                    Token u = lx.next();
                    if (u.is("device")) {
                        parseDevice(List.of(), v, u.line());
                        v.deviceLine = u.line();
                    } else if (u.is("disk")) {
                        expect("{");
                        parseDiskOptions(v.diskOptions, v.pdOptions, new ArrayList<>());
                    } else if (u.is("}")) {
                        break;
                    } else {
                        throw expected("device | disk | }", u);
                    }
                }
                v.metaDisk = "internal";
                v.metaIndex = "internal";
                Raw.insertVolume(host.volumes, v);
            } else if (t.is("node-id")) {
                Token id = expectInteger();
                host.nodeId = String.valueOf(rangeCheck(this, id, "node-id", 0, 32));
                host.nodeIdDeclared = true;
                checkUpr("node-id", res.name + ":" + host.nodeId, l);
                expect(";");
            } else if (t.is("proxy")) {
                throw error(l, "DRBD Proxy sections are not supported by drbdj");
            } else if (t.is("}")) {
                break;
            } else {
                throw expected("device | address | proxy | volume | node-id", t);
            }
        }
        res.stackedOnOne = true;
    }

    private int volumeNumber() throws ConfigException {
        Token n = expectInteger();
        return (int) rangeCheck(this, n, "volume", 0, 65534);
    }

    private List<String> parseHosts(String delimiter) throws ConfigException {
        List<String> hosts = new ArrayList<>();
        while (true) {
            Token t = lx.next();
            if (t.isString()) {
                hosts.add(t.text());
            } else if (t.is(delimiter)) {
                if (hosts.isEmpty()) {
                    throw expected("TK_STRING", t);
                }
                return hosts;
            } else {
                throw expected("TK_STRING | '" + delimiter + "'", t);
            }
        }
    }

    private Raw.Volume volume0(List<Raw.Volume> volumes, int line) throws ConfigException {
        if (volumes.isEmpty()) {
            Raw.Volume v = new Raw.Volume();
            v.implicit = true;
            volumes.add(v);
            return v;
        }
        Raw.Volume v = volumes.get(0);
        if (v.vnr == 0 && volumes.size() == 1 && v.implicit) {
            return v;
        }
        throw error(line, "mixing explicit and implicit volumes is not allowed");
    }

    /** Returns false when {@code t} is no volume statement. */
    private boolean parseVolumeStatement(Raw.Volume vol, List<String> onHosts, Token t) throws ConfigException {
        if (vol.file == null) {
            vol.file = lx.file();
        }
        int line = t.line();
        if (t.is("disk")) {
            Token n = lx.next();
            if (n.isString()) {
                vol.disk = n.text();
                expect(";");
            } else if (n.is("{")) {
                List<OptionValue> net = new ArrayList<>();
                parseDiskOptions(vol.diskOptions, vol.pdOptions, net);
                if (!net.isEmpty()) {
                    throw error(line, "'fencing' is a connection (net) option; it is not allowed in a volume's disk section");
                }
            } else {
                throw expected("TK_STRING | {", n);
            }
            vol.parsedDisk = true;
            vol.diskLine = line;
        } else if (t.is("device")) {
            parseDevice(onHosts, vol, line);
            vol.parsedDevice = true;
            vol.deviceLine = line;
        } else if (t.is("meta-disk")) {
            parseMetaDisk(vol);
            vol.parsedMetaDisk = true;
            vol.metaDiskLine = line;
        } else if (t.is("flexible-meta-disk")) {
            Token m = expectString();
            vol.metaDisk = m.text();
            vol.metaIndex = m.text().equals("internal") ? "internal" : "flexible";
            expect(";");
            vol.parsedMetaDisk = true;
            vol.metaDiskLine = line;
        } else if (t.is("skip")) {
            parseSkip(t);
        } else {
            return false;
        }
        return true;
    }

    private void parseMetaDisk(Raw.Volume vol) throws ConfigException {
        Token m = expectString();
        vol.metaDisk = m.text();
        if (m.text().equals("internal")) {
            vol.metaIndex = "internal";
            expect(";");
            return;
        }
        Token n = lx.next();
        if (n.is("[")) {
            Token idx = expectInteger();
            vol.metaIndex = String.valueOf(rangeCheck(this, idx, "meta-disk index", 0, Integer.MAX_VALUE));
            expect("]");
            expect(";");
        } else if (n.is(";")) {
            vol.metaIndex = "flexible";
        } else {
            throw expected("[ | ;", n);
        }
    }

    private void parseDevice(List<String> onHosts, Raw.Volume vol, int line) throws ConfigException {
        Token t = lx.next();
        boolean forThisHost = onHosts == null || thisHostIn(onHosts);
        if (t.isString()) {
            vol.device = t.text().startsWith("drbd") ? "/dev/" + t.text() : t.text();
            if (forThisHost && !vol.device.startsWith("/dev/drbd")) {
                throw error(line, "device name must start with /dev/drbd\n\t(/dev/ is optional, but drbd is required)");
            }
            Token n = lx.next();
            if (n.is(";")) {
                vol.minor = minorOfDevice(vol.device);
                if (vol.minor < 0) {
                    throw error(line, "no minor given nor device name contains a minor number");
                }
            } else if (n.is("minor")) {
                explicitMinor(vol, forThisHost, line);
            } else {
                throw expected("minor | ;", n);
            }
        } else if (t.is("minor")) {
            explicitMinor(vol, forThisHost, line);
        } else {
            // drbdadm consumes any other token here without complaint ("device ;" is no device,
            // reported later as 'device' missing); the next statement decides what is wrong.
            return;
        }
        if (onHosts == null) {
            return;
        }
        for (String h : onHosts) {
            checkUniq("device-minor", "device-minor:" + h + ":" + vol.minor, line);
            if (vol.device != null) {
                checkUniq("device", "device:" + h + ":" + vol.device, line);
            }
        }
    }

    private void explicitMinor(Raw.Volume vol, boolean forThisHost, int line) throws ConfigException {
        Token m = expectInteger();
        vol.minor = (int) rangeCheck(this, m, "minor", 0, 1048575);
        expect(";");
        if (forThisHost && vol.device != null) {
            String rest = vol.device.substring(9);
            if (onlyDigits(rest)) {
                if (rest.length() > 9 || Integer.parseInt(rest.isEmpty() ? "0" : rest) != vol.minor) {
                    throw error(line, "explicit minor number must match with device name\n"
                            + "\tTry \"device /dev/drbd" + vol.minor + " minor " + vol.minor + ";\",\n"
                            + "\tor leave off either device name or explicit minor.\n"
                            + "\tArbitrary device names must start with /dev/drbd_\n"
                            + "\tmind the '_'! (/dev/ is optional, but drbd_ is required)");
                }
            } else if (!rest.startsWith("_")) {
                throw error(line, "arbitrary device name must start with /dev/drbd_\n"
                        + "\tmind the '_'! (/dev/ is optional, but drbd_ is required)");
            }
        }
    }

    private static boolean onlyDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The minor of {@code /dev/drbdN} or of a bare number, else -1 (drbd-utils' dt_minor_of_dev). */
    static int minorOfDevice(String device) {
        String digits = null;
        if (!device.isEmpty() && onlyDigits(device)) {
            digits = device;
        } else if (device.startsWith("/dev/drbd") && device.length() > 9 && onlyDigits(device.substring(9))) {
            digits = device.substring(9);
        }
        if (digits == null || digits.length() > 7) {
            return -1;
        }
        return Integer.parseInt(digits);
    }

    private Raw.Volume parseVolume(int vnr, List<String> onHosts) throws ConfigException {
        Raw.Volume vol = new Raw.Volume();
        vol.vnr = vnr;
        vol.file = lx.file();
        expect("{");
        while (true) {
            Token t = lx.next();
            if (t.is("}")) {
                return vol;
            }
            if (!parseVolumeStatement(vol, onHosts, t)) {
                Optional<String> hint = Suggestions.nearest(t.text(), List.of("device", "disk", "meta-disk",
                        "flexible-meta-disk"));
                throw withHint(expected("device | disk | meta-disk | flex-meta-disk | }", t), hint);
            }
        }
    }

    private void parseHostSection(Raw.Resource res, List<String> onHosts, int line, boolean requireMinor,
            boolean byAddress) throws ConfigException {
        Raw.Host host = new Raw.Host();
        host.line = line;
        host.requireMinor = requireMinor;
        host.names.addAll(onHosts);
        boolean inBraces = true;
        if (byAddress) {
            host.byAddress = true;
            parseAddress(host.address);
            String fake = host.address.af.equals("ipv6")
                    ? "ipv6 [" + host.address.addr + "]:" + host.address.port
                    : host.address.addr + ":" + host.address.port;
            host.names.add(0, fake);
            Token t = lx.next();
            if (t.is(";")) {
                inBraces = false;
            } else if (!t.is("{")) {
                throw expected("{ | ;", t);
            }
        }
        for (String h : onHosts) {
            checkUpr("host section", res.name + ": on " + h, line);
        }
        res.hosts.add(host);
        while (inBraces) {
            Token t = lx.next();
            int l = t.line();
            String k = t.kind() == Token.Kind.WORD ? t.text() : "";
            switch (k) {
                case "disk", "device", "meta-disk", "flexible-meta-disk" -> {
                    String what = k.equals("flexible-meta-disk") ? "meta-disk" : k;
                    for (String h : onHosts) {
                        checkUpr(what + " statement", res.name + ":" + h + ":" + what, l);
                    }
                    parseVolumeStatement(volume0(host.volumes, l), onHosts, t);
                }
                case "address" -> {
                    if (host.byAddress) {
                        throw error(l, "address statement not allowed for floating {} host sections");
                    }
                    for (String h : onHosts) {
                        checkUpr("address statement", res.name + ":" + h + ":address", l);
                    }
                    parseAddress(host.address);
                    expect(";");
                }
                case "proxy" -> throw error(l, "DRBD Proxy sections are not supported by drbdj");
                case "volume" -> {
                    int vnr = volumeNumber();
                    Raw.insertVolume(host.volumes, parseVolume(vnr, onHosts));
                }
                case "node-id" -> {
                    Token id = expectInteger();
                    host.nodeId = String.valueOf(rangeCheck(this, id, "node-id", 0, 32));
                    host.nodeIdDeclared = true;
                    for (String h : onHosts) {
                        checkUpr("node-id statement", res.name + ":" + h + ":node-id", l);
                    }
                    checkUpr("node-id", res.name + ":" + host.nodeId, l);
                    expect(";");
                }
                case "options" -> {
                    expect("{");
                    parseOptions(OptionSection.RESOURCE, host.resOptions);
                }
                case "skip" -> parseSkip(t);
                default -> {
                    if (t.is("}")) {
                        inBraces = false;
                        break;
                    }
                    Optional<String> hint = Suggestions.nearest(t.text(), List.of("disk", "device", "address",
                            "meta-disk", "flexible-meta-disk", "node-id", "volume", "options", "skip"));
                    throw withHint(expected("disk | device | address | meta-disk | flexible-meta-disk"
                            + " | node-id | skip", t), hint);
                }
            }
        }
    }

    private void parseAddress(Raw.Address a) throws ConfigException {
        Token t = lx.next();
        Token addr;
        if (t.is("sci")) {
            a.af = "ssocks";
            addr = expectKind(Token.Kind.IPV4, "TK_IPADDR");
        } else if (t.is("ssocks") || t.is("sdp") || t.is("ipv4")) {
            a.af = t.text();
            addr = expectKind(Token.Kind.IPV4, "TK_IPADDR");
        } else if (t.is("ipv6")) {
            a.af = "ipv6";
            expect("[");
            addr = expectKind(Token.Kind.IPV6, "TK_IPADDR6");
        } else if (t.kind() == Token.Kind.IPV4) {
            a.af = "ipv4";
            addr = t;
        } else {
            throw expected("ssocks | sdp | ipv4 | ipv6 | <ipv4 address> ", t);
        }
        a.addr = addr.text();
        if (a.af.equals("ipv6")) {
            expect("]");
        }
        expect(":");
        Token port = expectInteger();
        a.port = String.valueOf(rangeCheck(this, port, "port", 1, 65535));
        a.local = Addresses.isLoopback(a.addr);
    }

    private Token expectKind(Token.Kind kind, String name) throws ConfigException {
        Token t = lx.next();
        if (t.kind() != kind) {
            throw expected(name, t);
        }
        return t;
    }

    // ------------------------------------------------------------------ connections

    private Raw.Path path0(Raw.Connection conn, int line) throws ConfigException {
        if (conn.paths.isEmpty()) {
            Raw.Path p = new Raw.Path();
            p.implicit = true;
            p.line = line;
            conn.paths.add(p);
            return p;
        }
        Raw.Path p = conn.paths.get(0);
        if (!p.implicit) {
            throw error(line, "Explicit and implicit paths not allowed");
        }
        return p;
    }

    private Raw.HostAddress parseHostAddress(Token first) throws ConfigException {
        Raw.HostAddress ha = new Raw.HostAddress();
        ha.line = first.line();
        if (first.is("address")) {
            ha.name = "UNKNOWN";
            ha.byAddress = true;
            ha.address = new Raw.Address();
            parseAddress(ha.address);
            ha.parsedAddress = true;
            expect(";");
            return ha;
        }
        if (first.is("_this_host") || first.is("_remote_host")) {
            throw error(first.line(), "'" + first.text() + "' is internal to drbdsetup show output; name the host");
        }
        ha.name = expectString().text();
        Token t = lx.next();
        if (t.is("address")) {
            ha.address = new Raw.Address();
            parseAddress(ha.address);
            ha.parsedAddress = true;
            expect(";");
        } else if (t.is("port")) {
            Token port = expectInteger();
            ha.address = new Raw.Address();
            ha.address.port = String.valueOf(rangeCheck(this, port, "port", 1, 65535));
            ha.parsedPort = true;
            expect(";");
        } else if (t.is("via")) {
            throw error(t.line(), "DRBD Proxy sections are not supported by drbdj");
        } else if (!t.is(";")) {
            throw expected("address | port | ;", t);
        }
        return ha;
    }

    private Raw.Path parsePath(int line) throws ConfigException {
        Raw.Path path = new Raw.Path();
        path.line = line;
        expect("{");
        while (true) {
            Token t = lx.next();
            if (t.is("address") || t.is("host") || t.is("_this_host") || t.is("_remote_host")) {
                path.endpoints.add(parseHostAddress(t));
                if (path.endpoints.size() >= 3) {
                    throw error(t.line(), "only two 'host' keywords per path allowed");
                }
            } else if (t.is("}")) {
                return path;
            } else {
                throw expected("host | }", t);
            }
        }
    }

    private Raw.Connection parseConnection(int line) throws ConfigException {
        Raw.Connection conn = new Raw.Connection();
        conn.line = line;
        Token t = lx.next();
        if (t.isString()) {
            warnings.add(location(t.line()) + ": explicitly named connections are deprecated!\n"
                    + "\tits name ('" + t.text() + "') will be ignored");
            expect("{");
        } else if (!t.is("{")) {
            throw expected("{", t);
        }
        int hosts = 0;
        while (true) {
            t = lx.next();
            int l = t.line();
            if (t.is("address") || t.is("host") || t.is("_this_host") || t.is("_remote_host")) {
                Raw.Path p = path0(conn, l);
                p.endpoints.add(parseHostAddress(t));
                if (++hosts >= 3) {
                    throw error(l, "only two 'host' keywords per connection allowed");
                }
            } else if (t.is("net")) {
                if (!conn.netOptions.isEmpty()) {
                    throw error(l, "only one 'net' section per connection allowed");
                }
                expect("{");
                parseOptions(OptionSection.NET, conn.netOptions);
            } else if (t.is("skip")) {
                parseSkip(t);
            } else if (t.is("disk")) {
                expect("{");
                parseOptions(OptionSection.PEER_DEVICE, conn.pdOptions);
            } else if (t.is("volume")) {
                Raw.PeerDevice pd = new Raw.PeerDevice();
                pd.vnr = volumeNumber();
                pd.line = l;
                expect("{");
                expect("disk");
                expect("{");
                parseOptions(OptionSection.PEER_DEVICE, pd.pdOptions);
                expect("}");
                conn.peerDevices.add(pd);
            } else if (t.is("path")) {
                if (!conn.paths.isEmpty() && conn.paths.get(0).implicit) {
                    throw error(l, "Explicit and implicit paths not allowed");
                }
                conn.paths.add(parsePath(l));
            } else if (t.is("}")) {
                if (conn.paths.isEmpty()) {
                    throw error(l, "connection without a single path (maybe empty?) not allowed");
                }
                return conn;
            } else {
                Optional<String> hint = Suggestions.nearest(t.text(), List.of("host", "net", "disk", "path",
                        "volume", "skip"));
                throw withHint(expected("host | net | skip | }", t), hint);
            }
        }
    }

    private void parseMesh(Raw.Resource res, int line) throws ConfigException {
        expect("{");
        Raw.Mesh mesh = new Raw.Mesh();
        mesh.line = line;
        while (true) {
            Token t = lx.next();
            if (t.is("hosts")) {
                mesh.hosts.addAll(parseHosts(";"));
            } else if (t.is("net")) {
                if (!mesh.netOptions.isEmpty()) {
                    throw error(t.line(), "only one 'net' section allowed");
                }
                expect("{");
                parseOptions(OptionSection.NET, mesh.netOptions);
            } else if (t.is("}")) {
                res.meshes.add(mesh);
                return;
            } else {
                throw expected("hosts | net | }", t);
            }
        }
    }

    // ------------------------------------------------------------------ option sections

    /** Option name with "no-" prefix removed; [0] name, [1] "no" when prefixed. */
    private static String[] splitNo(String word) {
        if (word.startsWith("no-")) {
            return new String[] {word.substring(3), "no"};
        }
        return new String[] {word, null};
    }

    private OptionValue optionValue(OptionDef def, boolean noPrefix, Token keyword) throws ConfigException {
        Token t = lx.next();
        if (t.is(";") && t.kind() == Token.Kind.PUNCT) {
            if (!def.isBoolean()) {
                throw error(t.line(), "Parse error: a value is expected for option '" + def.name() + "'");
            }
            return new OptionValue(def, noPrefix ? "no" : "yes", lx.file(), keyword.line());
        }
        if (t.kind() == Token.Kind.EOF || (t.kind() == Token.Kind.PUNCT && !t.is("["))) {
            throw expected("a value for " + def.name(), t);
        }
        String value = t.text();
        String problem = OptionSchema.check(def, value);
        if (problem != null) {
            StringBuilder sb = new StringBuilder("Parse error: while parsing value ('")
                    .append(t.shown()).append("')\nfor ").append(def.name()).append(". Value is ")
                    .append(problem).append('.');
            if (!def.enumValues().isEmpty()) {
                sb.append("\nAllowed values are: ").append(String.join(" | ", def.enumValues()));
                if (def.type() == OptionType.ENUM_NUM) {
                    sb.append(" | ").append(def.min()).append("..").append(def.max());
                }
                Suggestions.nearest(value, def.enumValues())
                        .ifPresent(s -> sb.append("\n\tdid you mean '").append(s).append("'?"));
            } else if (def.type() == OptionType.NUMERIC && !problem.equals("not a number")) {
                sb.append(" Allowed range: ").append(def.min()).append("..").append(def.max())
                        .append(def.scale() == '1' ? "" : String.valueOf(def.scale()))
                        .append(def.unit().isEmpty() ? "" : " (" + def.unit() + ")");
            } else if (def.maxLength() > 0 && problem.equals("too long")) {
                sb.append("\nmax len: ").append(def.maxLength() - 1);
            }
            throw error(t.line(), sb.toString());
        }
        expect(";");
        return new OptionValue(def, value, lx.file(), keyword.line());
    }

    private void unknownOption(OptionSection section, Token t) throws ConfigException {
        String name = splitNo(t.text())[0];
        String what = switch (section) {
            case NET -> "a net option keyword";
            case DISK, PEER_DEVICE -> "a disk option keyword";
            case RESOURCE -> "a resource option keyword";
            case STARTUP -> "a startup option keyword";
            case HANDLERS -> "a handler keyword";
        };
        throw withHint(expected(what, t), OptionSchema.suggest(section, name));
    }

    private void skipDroppedOption() throws ConfigException {
        Token v = lx.next();
        if (v.is(";")) {
            return;
        }
        expect(";");
    }

    /** The next option word of a {@code { }} section, or null at its closing brace; end of file is an error. */
    private Token nextOptionOrClose() throws ConfigException {
        Token t = lx.next();
        if (t.is("}") && t.kind() == Token.Kind.PUNCT) {
            return null;
        }
        if (t.kind() == Token.Kind.EOF) {
            throw expected("}", t);
        }
        return t;
    }

    /** A plain option section (net, options, handlers, peer-device-only disk) up to its '}'. */
    private void parseOptions(OptionSection section, List<OptionValue> out) throws ConfigException {
        for (Token t = nextOptionOrClose(); t != null; t = nextOptionOrClose()) {
            String[] n = splitNo(t.text());
            String name = section == OptionSection.HANDLERS ? OptionSchema.canonicalName(n[0]) : n[0];
            Optional<OptionDef> def = OptionSchema.find(section, name);
            if (def.isEmpty() && (section == OptionSection.NET || section == OptionSection.PEER_DEVICE)
                    && OptionSchema.isDroppedLegacyOption(name)) {
                skipDroppedOption();
                continue;
            }
            if (def.isEmpty()) {
                unknownOption(section, t);
            }
            out.add(optionValue(def.get(), n[1] != null, t));
        }
    }

    /**
     * A {@code disk { }} section: disk options, peer-device options (drbd-utils 9 delegates them),
     * the 8.4 {@code rate}/{@code after} spellings and the 8.4 disk option {@code fencing}, which
     * DRBD 9 has in {@code net} (it goes to {@code net}).
     */
    private void parseDiskOptions(List<OptionValue> disk, List<OptionValue> pd, List<OptionValue> net)
            throws ConfigException {
        for (Token t = nextOptionOrClose(); t != null; t = nextOptionOrClose()) {
            String[] n = splitNo(t.text());
            String name = OptionSchema.canonicalName(n[0]);
            Optional<OptionDef> def = OptionSchema.find(OptionSection.DISK, name);
            if (def.isPresent()) {
                disk.add(optionValue(def.get(), n[1] != null, t));
                continue;
            }
            def = OptionSchema.find(OptionSection.PEER_DEVICE, name);
            if (def.isPresent()) {
                pd.add(optionValue(def.get(), n[1] != null, t));
                continue;
            }
            if (name.equals("fencing")) {
                net.add(optionValue(OptionSchema.find(OptionSection.NET, name).orElseThrow(), false, t));
                continue;
            }
            if (OptionSchema.isDroppedLegacyOption(name)) {
                skipDroppedOption();
                continue;
            }
            unknownOption(OptionSection.DISK, t);
        }
    }

    /** The deprecated {@code syncer { }} section: each option goes where drbd-utils 9 keeps it. */
    private void parseSyncer(Raw.Resource res) throws ConfigException {
        for (Token t = nextOptionOrClose(); t != null; t = nextOptionOrClose()) {
            String[] n = splitNo(t.text());
            String name = OptionSchema.canonicalName(n[0]);
            boolean no = n[1] != null;
            Optional<OptionDef> def;
            if ((def = OptionSchema.find(OptionSection.NET, name)).isPresent()) {
                res.netOptions.add(optionValue(def.get(), no, t));
            } else if ((def = OptionSchema.find(OptionSection.DISK, name)).isPresent()) {
                res.diskOptions.add(optionValue(def.get(), no, t));
            } else if ((def = OptionSchema.find(OptionSection.PEER_DEVICE, name)).isPresent()) {
                res.pdOptions.add(optionValue(def.get(), no, t));
            } else if ((def = OptionSchema.find(OptionSection.RESOURCE, name)).isPresent()) {
                res.resOptions.add(optionValue(def.get(), no, t));
            } else if (OptionSchema.isDroppedLegacyOption(name)) {
                skipDroppedOption();
            } else {
                List<String> all = new ArrayList<>(List.of("rate", "after", "verify-alg", "csums-alg", "al-extents",
                        "cpu-mask", "use-rle", "c-plan-ahead", "c-fill-target", "c-delay-target", "c-max-rate",
                        "c-min-rate", "on-no-data-accessible"));
                throw withHint(expected("a syncer option keyword", t), Suggestions.nearest(name, all));
            }
        }
    }

    private void parseStartup(Raw.Resource res) throws ConfigException {
        for (Token t = nextOptionOrClose(); t != null; t = nextOptionOrClose()) {
            String[] n = splitNo(t.text());
            Optional<OptionDef> def = OptionSchema.find(OptionSection.STARTUP, n[0]);
            if (t.text().equals("become-primary-on")) {
                res.startupOptions.add(becomePrimaryOn(def.orElseThrow(), t));
            } else if (def.isPresent()) {
                res.startupOptions.add(optionValue(def.get(), n[1] != null, t));
            } else if (t.text().equals("stacked-timeouts")) {
                res.stackedTimeouts = true;
                expect(";");
            } else {
                throw withHint(expected("<an option keyword> | become-primary-on | stacked-timeouts", t),
                        OptionSchema.suggest(OptionSection.STARTUP, n[0]));
            }
        }
    }

    /**
     * 8.4's {@code become-primary-on HOST [HOST..] | both;}: kept (drbd-utils 9 drops it) because
     * the 8.4 init script promotes those hosts at boot.
     */
    private OptionValue becomePrimaryOn(OptionDef def, Token keyword) throws ConfigException {
        List<String> words = new ArrayList<>();
        while (true) {
            Token v = lx.next();
            if (v.is(";") && v.kind() == Token.Kind.PUNCT) {
                break;
            }
            if (!v.isString() && !v.is("both")) {
                throw expected("TK_STRING | ;", v);
            }
            words.add(v.text());
        }
        if (words.isEmpty()) {
            throw error(keyword.line(), "Parse error: become-primary-on needs 'both' or host names");
        }
        return new OptionValue(def, String.join(" ", words), lx.file(), keyword.line());
    }

    /** Glob expansion relative to a directory, sorted like glob(3). */
    static final class Glob {
        private Glob() {
        }

        static boolean hasMagic(String p) {
            return p.indexOf('*') >= 0 || p.indexOf('?') >= 0 || p.indexOf('[') >= 0;
        }

        /** Matching paths, spelled like glob(3) spells them (relative stays relative). */
        static List<String> expand(Path dir, String pattern) {
            List<String> results = new ArrayList<>();
            boolean absolute = pattern.startsWith("/");
            String[] parts = pattern.split("/+");
            List<String> current = new ArrayList<>();
            current.add(absolute ? "/" : "");
            for (int i = 0; i < parts.length; i++) {
                String part = parts[i];
                if (part.isEmpty()) {
                    continue;
                }
                boolean last = i == parts.length - 1;
                List<String> next = new ArrayList<>();
                for (String prefix : current) {
                    Path base = prefix.isEmpty() ? dir : (absolute ? Path.of(prefix) : dir.resolve(prefix));
                    if (!hasMagic(part)) {
                        Path candidate = base.resolve(part);
                        if (last ? Files.exists(candidate) : Files.isDirectory(candidate)) {
                            next.add(join(prefix, part));
                        }
                        continue;
                    }
                    if (!Files.isDirectory(base)) {
                        continue;
                    }
                    var matcher = base.getFileSystem().getPathMatcher("glob:" + part);
                    List<String> names = new ArrayList<>();
                    try (DirectoryStream<Path> ds = Files.newDirectoryStream(base)) {
                        for (Path p : ds) {
                            String name = p.getFileName().toString();
                            if (name.startsWith(".") && !part.startsWith(".")) {
                                continue;
                            }
                            if (matcher.matches(p.getFileName()) && (last || Files.isDirectory(p))) {
                                names.add(name);
                            }
                        }
                    } catch (IOException e) {
                        continue;
                    }
                    names.sort(null);
                    for (String name : names) {
                        next.add(join(prefix, name));
                    }
                }
                current = next;
            }
            for (String c : current) {
                if (!c.isEmpty() && !c.equals("/")) {
                    results.add(c);
                }
            }
            return results;
        }

        private static String join(String prefix, String name) {
            if (prefix.isEmpty()) {
                return name;
            }
            return prefix.endsWith("/") ? prefix + name : prefix + "/" + name;
        }
    }
}
