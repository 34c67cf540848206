package org.drbdj.cli.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the text of a {@code drbdadm dump} (drbd-utils 9 layout, drbd-utils 8.4 layout, or ours)
 * into the <em>effective settings</em> it describes: a sorted map from a setting's path to its
 * value, for example {@code resource r0/on node1/volume 0/disk/resync-rate = 102400} or
 * {@code resource r0/net/protocol = C}.
 *
 * <p>This is deliberately independent of the product's parser (package {@code org.drbdj.config}):
 * it is the yardstick the differential test measures that parser with, so it shares no code with
 * it. It knows only what is needed to compare two dumps by meaning:
 * <ul>
 *   <li>whitespace, comments, quoting and statement/section order do not matter;</li>
 *   <li>{@code common} sections are inherited: each resource's {@code options}, {@code net},
 *       {@code startup} and {@code handlers} are common's merged with the resource's own;</li>
 *   <li>volumes are resolved per host, as drbdadm does: a host's {@code volume N} wins over the
 *       resource-level {@code volume N}; {@code device}/{@code disk}/{@code meta-disk} outside any
 *       volume are implicit volume 0 (the 8.4 and 9 "single volume" forms); the {@code disk}
 *       options of a volume are common's, then the resource's, then the resource-level volume's,
 *       then the host's volume's. So the 8.4 layout ({@code device} inside {@code on}) and the
 *       9 layout ({@code volume 0} at resource level) of the same configuration compare equal;</li>
 *   <li>values are canonical: {@code address 10.0.0.1:7789} = {@code address ipv4 10.0.0.1:7789},
 *       {@code device /dev/drbd1} = {@code device /dev/drbd1 minor 1} = {@code device minor 1},
 *       {@code flexible-meta-disk X} = {@code meta-disk X}, {@code meta-disk X [3]} =
 *       {@code meta-disk X 3}, a bare flag = {@code yes}, {@code no-disk-flushes} =
 *       {@code disk-flushes no}, and numbers with unit suffixes are converted to the option's
 *       default unit ({@code resync-rate 1M} = {@code resync-rate 1024}, which is KiB/s);</li>
 *   <li>connections are identified by the hosts they join (not by position), paths by their
 *       endpoints, and {@code connection-mesh} host lists are sorted.</li>
 * </ul>
 *
 * <p>With {@code legacy84} set, two things that only drbd-utils' {@code drbdadm-84} prints are
 * dropped from both sides: host {@code node-id}s (8.4 has none; drbd-utils 9 assigns them) and the
 * {@code cmd-timeout-medium 600} / {@code cmd-timeout-long 0} defaults drbdadm-84 writes into
 * {@code global}; and an 8.4 {@code disk { fencing }} counts as the DRBD 9 {@code net { fencing }}
 * it became.
 */
final class DumpNormaliser {
    private static final List<String> INHERITED = List.of("options", "net", "startup", "handlers");
    private static final List<String> VOLUME_KEYS = List.of("device", "disk", "meta-disk");

    /**
     * Default unit, in bytes, of numeric options whose values may carry a k/M/G/s suffix
     * (drbd-utils' option tables): KiB/s for rates, 512-byte sectors for sizes and fill targets,
     * bytes for socket buffers. Unlisted options are plain counts (8k = 8192).
     */
    private static final Map<String, Long> DEFAULT_UNIT_BYTES = Map.ofEntries(
            Map.entry("resync-rate", 1024L), Map.entry("rate", 1024L),
            Map.entry("c-max-rate", 1024L), Map.entry("c-min-rate", 1024L),
            Map.entry("c-fill-target", 512L), Map.entry("size", 512L),
            Map.entry("congestion-fill", 512L),
            Map.entry("sndbuf-size", 1L), Map.entry("rcvbuf-size", 1L));

    private static final Pattern NUMBER_WITH_UNIT = Pattern.compile("(\\d+)([kKmMgGsS]?)");
    private static final Pattern DEV_DRBD = Pattern.compile("/dev/drbd(\\d+)");

    private DumpNormaliser() {
    }

    /** One statement ({@code key args;}) or section ({@code key args { children }}). */
    record Node(String key, List<String> args, List<Node> children) {
        boolean isSection() {
            return children != null;
        }

        String label() {
            return args.isEmpty() ? key : key + " " + String.join(" ", args);
        }
    }

    /** Thrown when a dump cannot be tokenised or is not a tree of sections. */
    static final class DumpSyntaxException extends RuntimeException {
        DumpSyntaxException(String message) {
            super(message);
        }
    }

    // ---------------------------------------------------------------- tokenising and parsing

    /** Splits dump text into words, quoted strings (unquoted), and the punctuation { } ;. */
    static List<String> tokenise(String text) {
        List<String> tokens = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '#') {
                while (i < n && text.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '{' || c == '}' || c == ';') {
                tokens.add(String.valueOf(c));
                i++;
            } else if (c == '"') {
                StringBuilder sb = new StringBuilder();
                i++;
                while (i < n && text.charAt(i) != '"') {
                    if (text.charAt(i) == '\\' && i + 1 < n) {
                        i++;
                    }
                    sb.append(text.charAt(i));
                    i++;
                }
                if (i >= n) {
                    throw new DumpSyntaxException("unterminated quoted string in dump");
                }
                i++;
                // A quoted word is marked so that a quoted "{" is not taken for punctuation.
                tokens.add("\u0000" + sb);
            } else {
                int start = i;
                while (i < n && !Character.isWhitespace(text.charAt(i)) && "{};\"#".indexOf(text.charAt(i)) < 0) {
                    i++;
                }
                tokens.add(text.substring(start, i));
            }
        }
        return tokens;
    }

    /** Parses dump text into its top-level statements and sections. */
    static List<Node> parse(String text) {
        List<String> tokens = tokenise(text);
        int[] pos = {0};
        List<Node> top = parseBlock(tokens, pos, false);
        return top;
    }

    private static List<Node> parseBlock(List<String> tokens, int[] pos, boolean nested) {
        List<Node> nodes = new ArrayList<>();
        List<String> words = new ArrayList<>();
        while (pos[0] < tokens.size()) {
            String t = tokens.get(pos[0]++);
            switch (t) {
                case ";" -> {
                    if (!words.isEmpty()) {
                        nodes.add(new Node(words.get(0), List.copyOf(words.subList(1, words.size())), null));
                        words.clear();
                    }
                }
                case "{" -> {
                    if (words.isEmpty()) {
                        throw new DumpSyntaxException("section without a keyword in dump");
                    }
                    List<Node> children = parseBlock(tokens, pos, true);
                    nodes.add(new Node(words.get(0), List.copyOf(words.subList(1, words.size())), children));
                    words.clear();
                }
                case "}" -> {
                    if (!nested) {
                        throw new DumpSyntaxException("unbalanced '}' in dump");
                    }
                    if (!words.isEmpty()) {
                        throw new DumpSyntaxException("statement '" + String.join(" ", words) + "' without ';'");
                    }
                    return nodes;
                }
                default -> words.add(t.startsWith("\u0000") ? t.substring(1) : t);
            }
        }
        if (!words.isEmpty()) {
            throw new DumpSyntaxException("statement '" + String.join(" ", words) + "' without ';' at end of dump");
        }
        return nodes;
    }

    // ---------------------------------------------------------------- effective settings

    /** The effective settings of a dump, as a sorted path -> value map. */
    static TreeMap<String, String> effective(String dumpText, boolean legacy84) {
        List<Node> top = parse(dumpText);
        TreeMap<String, String> out = new TreeMap<>();
        Map<String, Map<String, String>> common = new LinkedHashMap<>();
        for (Node n : top) {
            if (n.key().equals("common") && n.isSection()) {
                for (Node s : n.children()) {
                    if (s.isSection() && s.args().isEmpty()) {
                        common.computeIfAbsent(s.key(), k -> new LinkedHashMap<>()).putAll(options(s));
                    } else {
                        flatten("common", s, out);
                    }
                }
            }
        }
        for (Node n : top) {
            switch (n.key()) {
                case "global" -> {
                    for (Node s : n.children()) {
                        if (legacy84 && isDrbdadm84CmdTimeoutDefault(s)) {
                            continue;
                        }
                        flatten("global", s, out);
                    }
                }
                case "common" -> {
                    // merged into each resource below
                }
                case "resource" -> resource(n, common, legacy84, out);
                default -> flatten("", n, out);
            }
        }
        return out;
    }

    private static boolean isDrbdadm84CmdTimeoutDefault(Node s) {
        return !s.isSection()
                && (s.key().equals("cmd-timeout-medium") && s.args().equals(List.of("600"))
                    || s.key().equals("cmd-timeout-long") && s.args().equals(List.of("0")));
    }

    private static void resource(Node res, Map<String, Map<String, String>> common, boolean legacy84,
            Map<String, String> out) {
        String prefix = "resource " + String.join(" ", res.args());
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        for (String s : INHERITED) {
            sections.put(s, new LinkedHashMap<>(common.getOrDefault(s, Map.of())));
        }
        Map<String, String> resourceDisk = new LinkedHashMap<>(common.getOrDefault("disk", Map.of()));
        Map<String, Node> resourceVolumes = new TreeMap<>();
        Map<String, String> resourceLeaf = new LinkedHashMap<>();
        List<Node> hosts = new ArrayList<>();
        List<Node> connections = new ArrayList<>();
        for (Node c : res.children()) {
            if (c.isSection() && c.args().isEmpty() && sections.containsKey(c.key())) {
                sections.get(c.key()).putAll(options(c));
            } else if (c.isSection() && c.args().isEmpty() && c.key().equals("disk")) {
                resourceDisk.putAll(options(c));
            } else if (c.isSection() && c.key().equals("volume")) {
                resourceVolumes.put(String.join(" ", c.args()), c);
            } else if (c.isSection() && isHost(c)) {
                hosts.add(c);
            } else if (c.isSection() && c.key().equals("connection")) {
                connections.add(c);
            } else if (!c.isSection() && isVolumeKey(c.key())) {
                resourceLeaf.put(canonicalKey(c.key()), value(c.key(), c.args()));
            } else if (!c.isSection() && c.key().equals("protocol")) {
                sections.get("net").put("protocol", value("protocol", c.args()));
            } else {
                flatten(prefix, c, out);
            }
        }
        // A "syncer" section never appears in a dump (both tools map it), so no case for it here.
        if (legacy84 && resourceDisk.containsKey("fencing")) {
            // DRBD 8.4 has fencing among the disk options, DRBD 9 (and drbd-utils 9) among the
            // connection's net options: the same setting, printed in either place.
            String fencing = resourceDisk.remove("fencing");
            sections.get("net").putIfAbsent("fencing", fencing);
        }
        for (Map.Entry<String, Map<String, String>> s : sections.entrySet()) {
            s.getValue().forEach((k, v) -> out.put(prefix + "/" + s.getKey() + "/" + k, v));
        }
        boolean anyVolume = !resourceVolumes.isEmpty() || !resourceLeaf.isEmpty();
        for (Node host : hosts) {
            anyVolume |= host.children().stream().anyMatch(c -> c.key().equals("volume") && c.isSection()
                    || !c.isSection() && isVolumeKey(c.key()));
        }
        if (!anyVolume) {
            resourceDisk.forEach((k, v) -> out.put(prefix + "/disk/" + k, v));
        }
        for (Node host : hosts) {
            host(prefix, host, resourceDisk, resourceVolumes, resourceLeaf, legacy84, out);
        }
        Map<String, Integer> seen = new TreeMap<>();
        for (Node conn : connections) {
            String id = connectionId(conn);
            int count = seen.merge(id, 1, Integer::sum);
            String cp = prefix + "/" + id + (count > 1 ? "#" + count : "");
            for (Node c : conn.children()) {
                if (c.key().equals("path") && c.isSection()) {
                    out.put(cp + "/" + pathId(c), "present");
                    for (Node pc : c.children()) {
                        if (!pc.key().equals("host")) {
                            flatten(cp + "/" + pathId(c), pc, out);
                        }
                    }
                } else if (c.key().equals("host") && !c.isSection() && !c.args().isEmpty()) {
                    out.put(cp + "/host " + c.args().get(0), hostTail(c.args()));
                } else {
                    flatten(cp, c, out);
                }
            }
        }
    }

    private static void host(String resPrefix, Node host, Map<String, String> resourceDisk,
            Map<String, Node> resourceVolumes, Map<String, String> resourceLeaf, boolean legacy84,
            Map<String, String> out) {
        String prefix = resPrefix + "/" + hostId(host);
        Map<String, String> hostLeaf = new LinkedHashMap<>();
        Map<String, Node> hostVolumes = new TreeMap<>();
        for (Node c : host.children()) {
            if (c.isSection() && c.key().equals("volume")) {
                hostVolumes.put(String.join(" ", c.args()), c);
            } else if (!c.isSection() && isVolumeKey(c.key())) {
                hostLeaf.put(canonicalKey(c.key()), value(c.key(), c.args()));
            } else if (!c.isSection() && c.key().equals("node-id") && legacy84) {
                continue;
            } else {
                flatten(prefix, c, out);
            }
        }
        TreeSet<String> volumes = new TreeSet<>(resourceVolumes.keySet());
        volumes.addAll(hostVolumes.keySet());
        if (!hostLeaf.isEmpty() || !resourceLeaf.isEmpty()) {
            volumes.add("0");
        }
        for (String v : volumes) {
            String vp = prefix + "/volume " + v;
            Node hv = hostVolumes.get(v);
            Node rv = resourceVolumes.get(v);
            Map<String, String> hvLeaf = volumeLeaf(hv);
            Map<String, String> rvLeaf = volumeLeaf(rv);
            for (String key : VOLUME_KEYS) {
                String value = firstNonNull(hvLeaf.get(key), v.equals("0") ? hostLeaf.get(key) : null,
                        rvLeaf.get(key), v.equals("0") ? resourceLeaf.get(key) : null);
                if (value != null) {
                    out.put(vp + "/" + key, value);
                }
            }
            Map<String, String> disk = new LinkedHashMap<>(resourceDisk);
            disk.putAll(volumeDiskOptions(rv));
            disk.putAll(volumeDiskOptions(hv));
            disk.forEach((k, val) -> out.put(vp + "/disk/" + k, val));
            for (Node vol : new Node[] {rv, hv}) {
                if (vol == null) {
                    continue;
                }
                for (Node c : vol.children()) {
                    boolean handled = !c.isSection() && isVolumeKey(c.key())
                            || c.isSection() && c.key().equals("disk") && c.args().isEmpty();
                    if (!handled) {
                        flatten(vp, c, out);
                    }
                }
            }
        }
    }

    private static Map<String, String> volumeLeaf(Node volume) {
        Map<String, String> leaf = new LinkedHashMap<>();
        if (volume != null) {
            for (Node c : volume.children()) {
                if (!c.isSection() && isVolumeKey(c.key())) {
                    leaf.put(canonicalKey(c.key()), value(c.key(), c.args()));
                }
            }
        }
        return leaf;
    }

    private static Map<String, String> volumeDiskOptions(Node volume) {
        Map<String, String> opts = new LinkedHashMap<>();
        if (volume != null) {
            for (Node c : volume.children()) {
                if (c.isSection() && c.key().equals("disk") && c.args().isEmpty()) {
                    opts.putAll(options(c));
                }
            }
        }
        return opts;
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... values) {
        for (T v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static boolean isHost(Node n) {
        return n.key().equals("on") || n.key().equals("floating") || n.key().equals("stacked-on-top-of");
    }

    private static String hostId(Node host) {
        if (host.key().equals("floating")) {
            return "floating " + address(host.args());
        }
        return host.label();
    }

    private static boolean isVolumeKey(String key) {
        return key.equals("device") || key.equals("disk") || key.equals("meta-disk")
                || key.equals("flexible-meta-disk");
    }

    private static String canonicalKey(String key) {
        return key.equals("flexible-meta-disk") ? "meta-disk" : key;
    }

    /** A connection is identified by the sorted names of the hosts it joins. */
    private static String connectionId(Node conn) {
        TreeSet<String> names = new TreeSet<>();
        for (Node c : conn.children()) {
            if (c.key().equals("host") && !c.args().isEmpty()) {
                names.add(c.args().get(0));
            }
            if (c.key().equals("path") && c.isSection()) {
                for (Node pc : c.children()) {
                    if (pc.key().equals("host") && !pc.args().isEmpty()) {
                        names.add(pc.args().get(0));
                    }
                }
            }
        }
        return "connection[" + String.join(",", names) + "]";
    }

    /** A path is identified by its sorted endpoints ("host NAME address AF ADDR:PORT"). */
    private static String pathId(Node path) {
        TreeSet<String> ends = new TreeSet<>();
        for (Node pc : path.children()) {
            if (pc.key().equals("host") && !pc.args().isEmpty()) {
                ends.add(pc.args().get(0) + " " + hostTail(pc.args()));
            }
        }
        return "path[" + String.join(", ", ends) + "]";
    }

    /** The part of a connection's {@code host NAME ...} statement after the name, canonical. */
    private static String hostTail(List<String> args) {
        List<String> rest = new ArrayList<>(args.subList(1, args.size()));
        int a = rest.indexOf("address");
        if (a >= 0) {
            int end = a + 1;
            if (end < rest.size() && isFamily(rest.get(end))) {
                end++;
            }
            if (end < rest.size()) {
                List<String> addr = new ArrayList<>(rest.subList(a + 1, end + 1));
                String canonical = address(addr);
                rest.subList(a + 1, end + 1).clear();
                rest.add(a + 1, canonical);
            }
        }
        return String.join(" ", rest);
    }

    private static Map<String, String> options(Node section) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (Node c : section.children()) {
            if (c.isSection()) {
                // e.g. a plugin block inside proxy: keep it distinguishable
                TreeMap<String, String> nested = new TreeMap<>();
                flatten("", c, nested);
                nested.forEach((k, v) -> opts.put(k.substring(1), v));
                continue;
            }
            String key = c.key();
            String value = value(key, c.args());
            if (key.startsWith("no-") && value.equals("yes")) {
                key = key.substring(3);
                value = "no";
            }
            opts.put(canonicalOptionKey(key), value);
        }
        return opts;
    }

    /** The 8.3/8.4 legacy names drbdadm-84 accepts, mapped to the current ones. */
    private static String canonicalOptionKey(String key) {
        return switch (key) {
            case "outdate-peer" -> "fence-peer";
            case "after" -> "resync-after";
            case "rate" -> "resync-rate";
            default -> key;
        };
    }

    /** Generic: every statement below {@code n} becomes one path = value entry. */
    private static void flatten(String prefix, Node n, Map<String, String> out) {
        String p = prefix.isEmpty() ? "" : prefix + "/";
        if (!n.isSection()) {
            String key = p + canonicalOptionKey(n.key());
            String value = value(n.key(), n.args());
            out.merge(key, value, (a, b) -> {
                TreeSet<String> both = new TreeSet<>(List.of(a.split(" \\| ")));
                both.add(b);
                return String.join(" | ", both);
            });
            return;
        }
        String label = n.key().equals("connection-mesh") ? n.key() : n.label();
        for (Node c : n.children()) {
            flatten(p + label, c, out);
        }
    }

    // ---------------------------------------------------------------- values

    /** The canonical text of a statement's value. */
    static String value(String key, List<String> args) {
        if (args.isEmpty()) {
            return "yes"; // a bare flag such as disable-ip-verification; or use-rle;
        }
        switch (key) {
            case "address":
                return address(args);
            case "device":
                return device(args);
            case "meta-disk":
            case "flexible-meta-disk":
                return metaDisk(args);
            case "hosts":
                return String.join(" ", new TreeSet<>(args));
            default:
                break;
        }
        if (args.size() == 1) {
            return number(key, args.get(0));
        }
        return String.join(" ", args);
    }

    private static boolean isFamily(String s) {
        return switch (s) {
            case "ipv4", "ipv6", "ssocks", "sdp", "sci" -> true;
            default -> false;
        };
    }

    /** {@code [AF] ADDR:PORT} with the family made explicit, ipv6 in lower case. */
    static String address(List<String> args) {
        String family;
        String addr;
        if (args.size() >= 2 && isFamily(args.get(0))) {
            family = args.get(0);
            addr = args.get(1);
        } else {
            addr = args.get(0);
            family = addr.startsWith("[") ? "ipv6" : "ipv4";
        }
        if (family.equals("ipv6")) {
            addr = addr.toLowerCase(Locale.ROOT);
        }
        return family + " " + addr;
    }

    /** {@code /dev/drbdN}, {@code /dev/drbdN minor N} and {@code minor N} are all "minor N". */
    static String device(List<String> args) {
        String path = null;
        String minor = null;
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("minor") && i + 1 < args.size()) {
                minor = args.get(++i);
            } else {
                path = args.get(i);
            }
        }
        if (path != null) {
            Matcher m = DEV_DRBD.matcher(path);
            if (m.matches()) {
                if (minor == null || Objects.equals(minor, m.group(1))) {
                    return "minor " + Integer.parseInt(m.group(1));
                }
            }
            return path + " minor " + minor;
        }
        return "minor " + minor;
    }

    /** {@code internal}, {@code DEV} (flexible), {@code DEV [IDX]} / {@code DEV IDX}. */
    static String metaDisk(List<String> args) {
        List<String> parts = new ArrayList<>();
        for (String a : args) {
            String s = a.replace("[", "").replace("]", "");
            if (!s.isEmpty()) {
                parts.add(s);
            }
        }
        return String.join(" ", parts);
    }

    /** A number with a k/M/G/s suffix in the option's default unit; anything else unchanged. */
    static String number(String key, String value) {
        Matcher m = NUMBER_WITH_UNIT.matcher(value);
        if (!m.matches() || m.group(2).isEmpty()) {
            return value;
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return value;
        }
        long unit = DEFAULT_UNIT_BYTES.getOrDefault(key, 1L);
        long factor = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 1024L;
            case "m" -> 1024L * 1024;
            case "g" -> 1024L * 1024 * 1024;
            case "s" -> 512L;
            default -> 1L;
        };
        if (unit == 1L && factor == 512L) {
            return value; // "s" on a plain count is not a unit drbdadm knows; keep it visible
        }
        long bytes = Math.multiplyExact(n, factor);
        return bytes % unit == 0 ? Long.toString(bytes / unit) : value;
    }

    // ---------------------------------------------------------------- comparing

    /**
     * A readable difference between two effective-settings maps, or the empty string when they
     * are equal. Lines start with {@code -} (only in the reference), {@code +} (only in ours) or
     * {@code ~} (different value).
     */
    static String diff(Map<String, String> reference, String referenceName, Map<String, String> ours,
            String oursName) {
        StringBuilder sb = new StringBuilder();
        TreeSet<String> keys = new TreeSet<>(reference.keySet());
        keys.addAll(ours.keySet());
        for (String k : keys) {
            String r = reference.get(k);
            String o = ours.get(k);
            if (o == null) {
                sb.append("- ").append(k).append(" = ").append(r).append("   (only in ").append(referenceName)
                        .append(")\n");
            } else if (r == null) {
                sb.append("+ ").append(k).append(" = ").append(o).append("   (only in ").append(oursName)
                        .append(")\n");
            } else if (!r.equals(o)) {
                sb.append("~ ").append(k).append(": ").append(referenceName).append(" '").append(r).append("' vs ")
                        .append(oursName).append(" '").append(o).append("'\n");
            }
        }
        return sb.toString();
    }
}
