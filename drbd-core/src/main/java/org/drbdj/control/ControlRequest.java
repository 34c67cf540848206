package org.drbdj.control;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One request to drbdd over the control socket: the role a drbdsetup netlink call plays for the
 * kernel module. drbdadm resolves the configuration and decomposes each operator command into
 * primitive requests ({@code new-resource}, {@code new-minor}, {@code attach}, {@code connect},
 * {@code primary}, ...) whose options are already-validated settings; the daemon never reads
 * configuration files.
 *
 * @param command the primitive operation, e.g. {@code attach}
 * @param args positional arguments, e.g. {@code [1, /dev/vdb, /dev/vdb, internal]}
 * @param options named settings as drbd-utils names them, e.g. {@code on-io-error -> detach};
 *                kept sorted so that the rendered form is stable
 */
public record ControlRequest(String command, List<String> args, Map<String, String> options) {
    /** Version of the request/response schema; a daemon refuses versions it does not speak. */
    public static final int SCHEMA_VERSION = 1;

    public ControlRequest {
        if (command == null || command.isBlank()) {
            throw new IllegalArgumentException("control request without a command");
        }
        args = List.copyOf(args);
        options = Collections.unmodifiableMap(new TreeMap<>(options));
    }

    public static ControlRequest of(String command, String... args) {
        return new ControlRequest(command, List.of(args), Map.of());
    }

    /** A copy with one more option. */
    public ControlRequest withOption(String name, String value) {
        Map<String, String> m = new TreeMap<>(options);
        m.put(name, value);
        return new ControlRequest(command, args, m);
    }

    /**
     * The request as one shell-like line, printed by {@code drbdadm -d}: {@code drbdd attach 1
     * /dev/vdb /dev/vdb internal --on-io-error=detach}. Values with blanks or quotes are quoted.
     */
    public String toDryRunLine() {
        StringBuilder sb = new StringBuilder("drbdd ").append(command);
        for (String a : args) {
            sb.append(' ').append(quote(a));
        }
        for (Map.Entry<String, String> e : options.entrySet()) {
            sb.append(" --").append(e.getKey()).append('=').append(quote(e.getValue()));
        }
        return sb.toString();
    }

    private static String quote(String s) {
        if (!s.isEmpty() && s.chars().noneMatch(c -> c <= ' ' || c == '"' || c == '\'' || c == ';' || c == '\\')) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** The JSON object sent on the wire. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", SCHEMA_VERSION);
        m.put("command", command);
        m.put("args", args);
        m.put("options", options);
        return m;
    }

    /** Decodes a request; a wrong schema version or a missing field is a {@link ControlProtocolException}. */
    @SuppressWarnings("unchecked")
    public static ControlRequest fromJson(Object json) throws ControlProtocolException {
        if (!(json instanceof Map<?, ?> m)) {
            throw new ControlProtocolException("request is not a JSON object");
        }
        Object v = m.get("v");
        if (!(v instanceof Long version) || version != SCHEMA_VERSION) {
            throw new ControlProtocolException("unsupported control schema version " + v
                    + " (this drbdd speaks " + SCHEMA_VERSION + "; use the drbdadm of the same release)");
        }
        Object command = m.get("command");
        Object args = m.get("args");
        Object options = m.get("options");
        if (!(command instanceof String c) || !(args instanceof List<?> a) || !(options instanceof Map<?, ?> o)) {
            throw new ControlProtocolException("request needs command, args and options");
        }
        List<String> argList = new ArrayList<>();
        for (Object x : a) {
            if (!(x instanceof String s)) {
                throw new ControlProtocolException("request argument is not a string: " + x);
            }
            argList.add(s);
        }
        Map<String, String> optMap = new TreeMap<>();
        for (Map.Entry<?, ?> e : ((Map<Object, Object>) o).entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new ControlProtocolException("option " + e.getKey() + " is not a string");
            }
            optMap.put((String) e.getKey(), s);
        }
        try {
            return new ControlRequest(c, argList, optMap);
        } catch (IllegalArgumentException ex) {
            throw new ControlProtocolException(ex.getMessage());
        }
    }
}
