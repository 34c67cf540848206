package org.drbdj.daemon;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.drbdj.config.OptionDef;
import org.drbdj.config.OptionSchema;
import org.drbdj.config.OptionSection;

/**
 * The options of configuration requests ({@code new-resource}/{@code resource-options}, {@code
 * attach}/{@code disk-options}, {@code connect}/{@code net-options}): checked against DRBD's option
 * tables as the kernel's netlink policy checks drbdsetup's attributes, and merged into the running
 * settings as drbdsetup's {@code --set-defaults} defines. drbdadm has already validated them
 * against the configuration file; this keeps the daemon safe from any other client.
 */
final class RequestOptions {
    /** drbdsetup's flag: options not given return to their defaults instead of keeping their value. */
    static final String SET_DEFAULTS = "set-defaults";
    /** Prefix of handler commands among the resource options (drbdadm passes them with the resource). */
    static final String HANDLER_PREFIX = HandlerRunner.OPTION_PREFIX;

    /** Which option table a request's options come from. */
    enum Kind {
        /** {@code options { }} plus {@code handler.NAME} commands. */
        RESOURCE("resource", List.of(OptionSection.RESOURCE)),
        /** {@code disk { }}: disk and (as in DRBD 8.4) peer-device options. */
        DISK("disk", List.of(OptionSection.DISK, OptionSection.PEER_DEVICE)),
        /** {@code net { }}. */
        NET("net", List.of(OptionSection.NET));

        private final String word;
        private final List<OptionSection> sections;

        Kind(String word, List<OptionSection> sections) {
            this.word = word;
            this.sections = sections;
        }
    }

    private RequestOptions() {
    }

    /** The schema entry of option {@code name} in the tables of {@code kind}. */
    static Optional<OptionDef> find(Kind kind, String name) {
        for (OptionSection s : kind.sections) {
            Optional<OptionDef> d = OptionSchema.find(s, name);
            if (d.isPresent()) {
                return d;
            }
        }
        return Optional.empty();
    }

    /**
     * The settings of a request without its flags, after checking every name and value.
     *
     * @param target what the request names, for the error message ({@code r0}, {@code 9})
     * @param flags  request flags that are no settings (e.g. {@code discard-my-data} of connect)
     * @throws RequestFailure naming the offending option and value, and the valid ones
     */
    static Map<String, String> settings(String target, Kind kind, Map<String, String> options, List<String> flags)
            throws RequestFailure {
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, String> e : options.entrySet()) {
            String name = e.getKey();
            String value = e.getValue();
            if (flags.contains(name)) {
                continue;
            }
            if (kind == Kind.RESOURCE && name.startsWith(HANDLER_PREFIX)) {
                String handler = name.substring(HANDLER_PREFIX.length());
                if (OptionSchema.find(OptionSection.HANDLERS, handler).isEmpty()) {
                    throw RequestFailure.invalid(target, "unknown handler '" + handler + "'"
                            + hint(OptionSection.HANDLERS, handler));
                }
                out.put(name, value);
                continue;
            }
            Optional<OptionDef> def = find(kind, name);
            if (def.isEmpty()) {
                throw RequestFailure.invalid(target, "unknown " + kind.word + " option '" + name + "'"
                        + hint(kind.sections.get(0), name));
            }
            String problem = OptionSchema.check(def.get(), value);
            if (problem != null) {
                throw RequestFailure.invalid(target, kind.word + " option " + name + " '" + value + "' is " + problem
                        + expected(def.get()));
            }
            out.put(name, value);
        }
        return out;
    }

    /**
     * The settings after a change: with {@code set-defaults} exactly the requested ones (the rest
     * return to their defaults), otherwise the running ones with the requested ones replaced.
     */
    static Map<String, String> merged(Map<String, String> running, Map<String, String> requested, boolean setDefaults) {
        Map<String, String> out = new TreeMap<>(setDefaults ? Map.of() : running);
        out.putAll(requested);
        return out;
    }

    /**
     * What changed between two settings maps, for the log: {@code on-io-error detach -> pass_on}
     * per option, {@code (default)} for an option not set.
     */
    static List<String> changes(Map<String, String> before, Map<String, String> after) {
        Map<String, String[]> diff = new LinkedHashMap<>();
        for (String k : new java.util.TreeSet<>(union(before, after))) {
            String b = before.get(k);
            String a = after.get(k);
            if (b == null ? a != null : !b.equals(a)) {
                diff.put(k, new String[] {b, a});
            }
        }
        return diff.entrySet().stream().map(e -> e.getKey() + " " + shown(e.getValue()[0]) + " -> " + shown(e.getValue()[1]))
                .toList();
    }

    private static java.util.Set<String> union(Map<String, String> a, Map<String, String> b) {
        java.util.Set<String> s = new java.util.HashSet<>(a.keySet());
        s.addAll(b.keySet());
        return s;
    }

    private static String shown(String v) {
        return v == null ? "(default)" : "'" + v + "'";
    }

    private static String hint(OptionSection section, String word) {
        return OptionSchema.suggest(section, word).map(s -> " (did you mean '" + s + "'?)").orElse("");
    }

    private static String expected(OptionDef def) {
        return switch (def.type()) {
            case ENUM, ENUM_NOCASE -> "; valid: " + String.join(", ", def.enumValues());
            case ENUM_NUM -> "; valid: " + String.join(", ", def.enumValues()) + " or " + def.min() + ".." + def.max();
            case NUMERIC -> def.implicitClamp() ? "" : "; valid: " + def.min() + ".." + def.max()
                    + (def.unit().isEmpty() ? "" : " (" + def.unit() + ")");
            case BOOLEAN -> "; valid: yes, no";
            default -> "";
        };
    }
}
