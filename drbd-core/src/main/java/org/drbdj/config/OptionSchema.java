package org.drbdj.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every option drbd-utils 9.22 knows in drbd.conf, with type, range and unit: the tables of
 * drbd-utils {@code user/v9/config_flags.c} with the limits of drbd-headers {@code
 * linux/drbd_limits.h}, plus the options only the 8.4 dialect knows ({@code unplug-watermark},
 * {@code max-bio-bvecs}, {@code fencing} in {@code disk}) so that 8.4 configurations are accepted.
 *
 * <p>Lookup is by section and exact name; {@link #suggest} gives the nearest keyword for error
 * messages. The table is immutable.
 */
public final class OptionSchema {
    private static final Map<OptionSection, Map<String, OptionDef>> TABLE = new EnumMap<>(OptionSection.class);
    private static final Pattern NUMBER = Pattern.compile("(\\d+)([kKmMgGs]?)");

    /** Legacy spellings and their drbd-utils 9 names (drbd-utils' check_deprecated_alias). */
    private static final Map<String, String> ALIASES = Map.of(
            "rate", "resync-rate",
            "after", "resync-after",
            "outdate-peer", "fence-peer");

    /** 8.3/8.4 options that drbdadm-84 accepts and silently drops (TK_DEPRECATED_OPTION). */
    private static final List<String> DROPPED = List.of(
            "delay-probe-volume", "delay-probe-interval", "throttle-threshold", "hold-off-threshold",
            "use-bmbv");

    static {
        for (OptionSection s : OptionSection.values()) {
            TABLE.put(s, new LinkedHashMap<>());
        }
        OptionSection n = OptionSection.NET;
        str(n, "transport", 0);
        enumNoCase(n, "protocol", "C", "A", "B", "C");
        num(n, "timeout", 1, 600, "60", '1', "1/10 s");
        num(n, "max-epoch-size", 1, 20000, "2048", '1', "");
        num(n, "connect-int", 1, 120, "10", '1', "s");
        num(n, "ping-int", 1, 120, "10", '1', "s");
        num(n, "sndbuf-size", 0, 10485760, "0", '1', "bytes");
        num(n, "rcvbuf-size", 0, 10485760, "0", '1', "bytes");
        num(n, "ko-count", 0, 200, "7", '1', "");
        bool(n, "allow-two-primaries", "no");
        str(n, "cram-hmac-alg", 64);
        str(n, "shared-secret", 64);
        enumeration(n, "after-sb-0pri", "disconnect", "disconnect", "discard-younger-primary",
                "discard-older-primary", "discard-zero-changes", "discard-least-changes",
                "discard-local", "discard-remote");
        enumeration(n, "after-sb-1pri", "disconnect", "disconnect", "consensus", "violently-as0p",
                "discard-secondary", "call-pri-lost-after-sb");
        enumeration(n, "after-sb-2pri", "disconnect", "disconnect", "violently-as0p", "call-pri-lost-after-sb");
        bool(n, "always-asbp", "no");
        enumeration(n, "rr-conflict", "disconnect", "disconnect", "violently", "call-pri-lost",
                "retry-connect", "auto-discard");
        num(n, "ping-timeout", 1, 300, "5", '1', "1/10 s");
        str(n, "data-integrity-alg", 64);
        bool(n, "tcp-cork", "yes");
        enumeration(n, "on-congestion", "block", "block", "pull-ahead", "disconnect");
        num(n, "congestion-fill", 0, 20971520, "0", 's', "sectors");
        num(n, "congestion-extents", 67, 65534, "1237", '1', "");
        str(n, "csums-alg", 64);
        bool(n, "csums-after-crash-only", "no");
        str(n, "verify-alg", 64);
        bool(n, "use-rle", "yes");
        num(n, "socket-check-timeout", 0, 300, "0", '1', "1/10 s");
        enumeration(n, "fencing", "dont-care", "dont-care", "resource-only", "resource-and-stonith");
        num(n, "max-buffers", 32, 131072, "2048", '1', "");
        bool(n, "allow-remote-read", "yes");
        str(n, "_name", 64);
        // 8.4 only; DRBD 9 ignores it, we keep it so 8.4 files load.
        num(n, "unplug-watermark", 1, 131072, "128", '1', "");

        OptionSection d = OptionSection.DISK;
        num(d, "size", 0, 2199023255552L, "0", 's', "sectors");
        enumeration(d, "on-io-error", "detach", "pass_on", "call-local-io-error", "detach");
        bool(d, "disk-barrier", "no");
        bool(d, "disk-flushes", "yes");
        bool(d, "disk-drain", "yes");
        bool(d, "md-flushes", "yes");
        // The value is a resource name (RES or RES/VOL); drbdadm checks it after parsing.
        str(d, "resync-after", 0);
        def(new OptionDef("al-extents", d, OptionType.NUMERIC, 67, 65534, "1237", '1', "", List.of(), 0, true));
        bool(d, "al-updates", "yes");
        bool(d, "discard-zeroes-if-aligned", "yes");
        bool(d, "disable-write-same", "no");
        num(d, "disk-timeout", 0, 6000, "0", '1', "1/10 s");
        enumeration(d, "read-balancing", "prefer-local", "prefer-local", "prefer-remote", "round-robin",
                "least-pending", "when-congested-remote", "32K-striping", "64K-striping",
                "128K-striping", "256K-striping", "512K-striping", "1M-striping");
        num(d, "rs-discard-granularity", 0, 1048576, "0", '1', "bytes");
        // 8.4 only.
        num(d, "max-bio-bvecs", 0, 128, "0", '1', "");

        OptionSection p = OptionSection.PEER_DEVICE;
        num(p, "resync-rate", 1, 8388608, "250", 'k', "KiB/s");
        num(p, "c-plan-ahead", 0, 300, "20", '1', "1/10 s");
        num(p, "c-delay-target", 1, 100, "10", '1', "1/10 s");
        num(p, "c-fill-target", 0, 1048576, "100", 's', "sectors");
        num(p, "c-max-rate", 0, 4194304, "102400", 'k', "KiB/s");
        num(p, "c-min-rate", 0, 4194304, "250", 'k', "KiB/s");
        bool(p, "bitmap", "yes");

        OptionSection r = OptionSection.RESOURCE;
        str(r, "cpu-mask", 32);
        enumeration(r, "on-no-data-accessible", "io-error", "io-error", "suspend-io");
        // drbd-utils says yes (DRBD 9); drbdj's default is DRBD 8.4's behaviour, no auto-promote:
        // an 8.4 runbook expects a Secondary's device to refuse mount (see AutoPromoteOptions).
        bool(r, "auto-promote", "no");
        num(r, "peer-ack-window", 2048, 204800, "4096", 's', "sectors");
        num(r, "peer-ack-delay", 1, 10000, "100", '1', "ms");
        num(r, "twopc-timeout", 50, 600, "300", '1', "1/10 s");
        num(r, "twopc-retry-timeout", 1, 50, "1", '1', "1/10 s");
        num(r, "auto-promote-timeout", 0, 600, "20", '1', "1/10 s");
        num(r, "max-io-depth", 4, 4294967295L, "8000", '1', "");
        def(new OptionDef("quorum", r, OptionType.ENUM_NUM, 1, 32, "off", '1', "nodes",
                List.of("off", "majority", "all"), 0, false));
        enumeration(r, "on-no-quorum", "suspend-io", "io-error", "suspend-io");
        def(new OptionDef("quorum-minimum-redundancy", r, OptionType.ENUM_NUM, 1, 32, "off", '1', "nodes",
                List.of("off", "majority", "all"), 0, false));
        enumeration(r, "on-suspended-primary-outdated", "disconnect", "disconnect", "force-secondary");

        OptionSection st = OptionSection.STARTUP;
        num(st, "wfc-timeout", 0, 300000, "0", '1', "s");
        num(st, "degr-wfc-timeout", 0, 300000, "0", '1', "s");
        num(st, "outdated-wfc-timeout", 0, 300000, "0", '1', "s");
        bool(st, "wait-after-sb", "no");
        // 8.4: hosts (or "both") the init script promotes at boot; drbd-utils 9 drops it.
        str(st, "become-primary-on", 0);

        for (String h : List.of("pri-on-incon-degr", "pri-lost-after-sb", "pri-lost", "initial-split-brain",
                "split-brain", "outdate-peer", "fence-peer", "unfence-peer", "local-io-error",
                "before-resync-target", "after-resync-target", "before-resync-source", "out-of-sync",
                "quorum-lost", "disconnected")) {
            def(new OptionDef(h, OptionSection.HANDLERS, OptionType.HANDLER, 0, 0, "", '1', "", List.of(), 0, false));
        }
    }

    private OptionSchema() {
    }

    private static void def(OptionDef d) {
        TABLE.get(d.section()).put(d.name(), d);
    }

    private static void num(OptionSection s, String name, long min, long max, String def, char scale, String unit) {
        def(new OptionDef(name, s, OptionType.NUMERIC, min, max, def, scale, unit, List.of(), 0, false));
    }

    private static void bool(OptionSection s, String name, String def) {
        def(new OptionDef(name, s, OptionType.BOOLEAN, 0, 1, def, '1', "", List.of(), 0, false));
    }

    private static void str(OptionSection s, String name, int maxLength) {
        def(new OptionDef(name, s, OptionType.STRING, 0, 0, "", '1', "", List.of(), maxLength, false));
    }

    private static void enumeration(OptionSection s, String name, String def, String... values) {
        def(new OptionDef(name, s, OptionType.ENUM, 0, 0, def, '1', "", List.of(values), 0, false));
    }

    private static void enumNoCase(OptionSection s, String name, String def, String... values) {
        def(new OptionDef(name, s, OptionType.ENUM_NOCASE, 0, 0, def, '1', "", List.of(values), 0, false));
    }

    /** The option {@code name} of {@code section}, if drbd-utils knows it there. */
    public static Optional<OptionDef> find(OptionSection section, String name) {
        return Optional.ofNullable(TABLE.get(section).get(name));
    }

    /** All options of a section, in drbd-utils' order. */
    public static List<OptionDef> options(OptionSection section) {
        return Collections.unmodifiableList(new ArrayList<>(TABLE.get(section).values()));
    }

    /** The drbd-utils 9 name for a legacy spelling ({@code rate} -> {@code resync-rate}), else the name. */
    public static String canonicalName(String name) {
        return ALIASES.getOrDefault(name, name);
    }

    /** True for 8.3/8.4 options drbdadm-84 accepts and ignores ({@code delay-probe-volume} ...). */
    public static boolean isDroppedLegacyOption(String name) {
        return DROPPED.contains(name);
    }

    /**
     * Checks a value against an option's type and range, as drbd-utils' {@code check} functions.
     *
     * @return null when valid, else the reason ("too big", "not valid" ...), as drbdadm words it
     */
    public static String check(OptionDef def, String value) {
        switch (def.type()) {
            case BOOLEAN:
                return value.equals("yes") || value.equals("no") ? null : "not 'yes' or 'no'";
            case ENUM:
                return def.enumValues().contains(value) ? null : "not valid";
            case ENUM_NOCASE:
                for (String v : def.enumValues()) {
                    if (v.equalsIgnoreCase(value)) {
                        return null;
                    }
                }
                return "not valid";
            case ENUM_NUM: {
                if (def.enumValues().contains(value)) {
                    return null;
                }
                Long l = parseNumber(value, def.scale());
                if (l == null) {
                    return "not valid";
                }
                return l < def.min() ? "too small" : l > def.max() ? "too big" : null;
            }
            case NUMERIC: {
                Long l = parseNumber(value, def.scale());
                if (l == null) {
                    return "not a number";
                }
                if (def.implicitClamp()) {
                    return null;
                }
                if (Long.compareUnsigned(l, def.min()) < 0) {
                    return "too small";
                }
                return Long.compareUnsigned(l, def.max()) > 0 ? "too big" : null;
            }
            case STRING:
                return def.maxLength() > 0 && value.length() >= def.maxLength() ? "too long" : null;
            default:
                return null;
        }
    }

    /**
     * The value in a form that is equal exactly when DRBD applies the same setting, as drbdadm
     * adjust compares a configuration with {@code drbdsetup show}: numbers in the option's scale
     * ({@code 1M} and {@code 1024k} of {@code resync-rate} are both {@code 1024}), clamped where
     * DRBD clamps; enum words in the schema's spelling; anything else as written. A null text
     * means "not set" and gives the default. A value the schema rejects is returned as written.
     */
    public static String canonicalValue(OptionDef def, String text) {
        String v = text == null ? def.defaultValue() : text;
        switch (def.type()) {
            case NUMERIC:
            case ENUM_NUM: {
                if (def.enumValues().contains(v)) {
                    return v;
                }
                Long l = parseNumber(v, def.scale());
                if (l == null) {
                    return v;
                }
                return Long.toUnsignedString(def.implicitClamp() ? Math.max(def.min(), Math.min(def.max(), l)) : l);
            }
            case ENUM_NOCASE:
                for (String e : def.enumValues()) {
                    if (e.equalsIgnoreCase(v)) {
                        return e;
                    }
                }
                return v;
            default:
                return v;
        }
    }

    /**
     * Parses a number with an optional unit suffix into {@code scale} units, as drbd-utils'
     * {@code new_strtoll}: K/k = KiB, M/m = MiB, G/g = GiB, s = 512-byte sectors; converting to a
     * coarser unit rounds up. Returns null when not a number or on overflow.
     */
    public static Long parseNumber(String value, char scale) {
        Matcher m = NUMBER.matcher(value);
        if (!m.matches()) {
            return null;
        }
        long v;
        try {
            v = Long.parseUnsignedLong(m.group(1));
        } catch (NumberFormatException e) {
            return null;
        }
        int shift = switch (scale) {
            case 'k', 'K' -> -10;
            case 's' -> -9;
            default -> 0;
        };
        String unit = m.group(2);
        if (unit.isEmpty()) {
            return v;
        }
        shift += switch (unit.charAt(0)) {
            case 'k', 'K' -> 10;
            case 'm', 'M' -> 20;
            case 'g', 'G' -> 30;
            default -> 9; // 's'
        };
        if (shift < 0) {
            return (v + (1L << -shift) - 1) >>> -shift;
        }
        if (shift > 0 && Long.compareUnsigned(v, -1L >>> shift) > 0) {
            return null;
        }
        return v << shift;
    }

    /** The valid keyword of {@code section} nearest to {@code word}, for "did you mean" hints. */
    public static Optional<String> suggest(OptionSection section, String word) {
        List<String> names = new ArrayList<>(TABLE.get(section).keySet());
        if (section == OptionSection.DISK) {
            names.addAll(TABLE.get(OptionSection.PEER_DEVICE).keySet());
        }
        return Suggestions.nearest(word.toLowerCase(Locale.ROOT), names);
    }
}
