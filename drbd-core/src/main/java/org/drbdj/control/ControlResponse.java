package org.drbdj.control;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The daemon's answer to a {@link ControlRequest}. A streaming request ({@code events2}) gets many
 * responses, each with {@code last == false} but the final one.
 *
 * @param exitCode what drbdadm exits with: 0 ok, otherwise drbdsetup's codes (10 a configuration
 *                 failure, 11 a refused state change, 17 no UpToDate disk, ...)
 * @param output lines for drbdadm to print on stdout
 * @param errors lines for drbdadm to print on stderr (e.g. {@code test: State change failed: (-2)
 *               Need access to UpToDate data})
 * @param last false while more responses to the same request follow
 */
public record ControlResponse(int exitCode, List<String> output, List<String> errors, boolean last) {

    public ControlResponse {
        output = List.copyOf(output);
        errors = List.copyOf(errors);
    }

    public static ControlResponse ok(List<String> output) {
        return new ControlResponse(0, output, List.of(), true);
    }

    public static ControlResponse failure(int exitCode, String error) {
        return new ControlResponse(exitCode, List.of(), List.of(error), true);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", ControlRequest.SCHEMA_VERSION);
        m.put("exit", exitCode);
        m.put("out", output);
        m.put("err", errors);
        m.put("last", last);
        return m;
    }

    public static ControlResponse fromJson(Object json) throws ControlProtocolException {
        if (!(json instanceof Map<?, ?> m)) {
            throw new ControlProtocolException("response is not a JSON object");
        }
        if (!(m.get("exit") instanceof Long exit) || !(m.get("out") instanceof List<?> out)
                || !(m.get("err") instanceof List<?> err) || !(m.get("last") instanceof Boolean last)) {
            throw new ControlProtocolException("response needs exit, out, err and last");
        }
        return new ControlResponse(exit.intValue(), strings(out), strings(err), last);
    }

    private static List<String> strings(List<?> list) throws ControlProtocolException {
        List<String> r = new ArrayList<>(list.size());
        for (Object o : list) {
            if (!(o instanceof String s)) {
                throw new ControlProtocolException("response line is not a string: " + o);
            }
            r.add(s);
        }
        return r;
    }
}
