package org.drbdj.status;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.drbdj.control.RunningResource;

/**
 * The running configuration as text in the shape of DRBD 8.4's {@code drbdsetup show}: a
 * drbd.conf-like block per resource with {@code _this_host} / {@code _remote_host} sections and
 * minors instead of device names. drbdj adds a {@code handlers} section, because drbdd (not the
 * configuration file) holds the handlers it runs.
 */
public final class ShowRenderer {
    private static final String INDENT = "    ";

    private ShowRenderer() {
    }

    /** The lines of {@code show} for the given resources, in order. */
    public static List<String> render(List<RunningResource> resources) {
        List<String> out = new ArrayList<>();
        for (RunningResource r : resources) {
            out.add("resource " + r.name() + " {");
            section(out, 1, "options", r.options());
            if (!r.handlers().isEmpty()) {
                section(out, 1, "handlers", r.handlers());
            }
            r.connection().ifPresent(c -> {
                section(out, 1, "net", c.options());
                out.add(INDENT + "_remote_host {");
                out.add(INDENT.repeat(2) + "address\t\t\t" + address(c.peerAddress()) + ";");
                out.add(INDENT + "}");
            });
            out.add(INDENT + "_this_host {");
            r.connection().ifPresent(c -> out.add(INDENT.repeat(2) + "address\t\t\t" + address(c.localAddress()) + ";"));
            for (RunningResource.Volume v : r.volumes()) {
                out.add(INDENT.repeat(2) + "volume " + v.number() + " {");
                out.add(INDENT.repeat(3) + "device\t\t\tminor " + v.minor() + ";");
                if (v.disk().isEmpty()) {
                    out.add(INDENT.repeat(3) + "disk\t\t\tnone;");
                } else {
                    RunningResource.Disk d = v.disk().get();
                    out.add(INDENT.repeat(3) + "disk\t\t\t" + quote(d.backingDisk()) + ";");
                    out.add(INDENT.repeat(3) + "meta-disk\t\t\t" + metaDisk(d) + ";");
                    section(out, 3, "disk", d.options());
                }
                out.add(INDENT.repeat(2) + "}");
            }
            out.add(INDENT + "}");
            out.add("}");
            out.add("");
        }
        return out;
    }

    private static void section(List<String> out, int depth, String name, Map<String, String> options) {
        out.add(INDENT.repeat(depth) + name + " {");
        options.forEach((k, v) -> out.add(INDENT.repeat(depth + 1) + String.format("%-16s\t%s;", k, value(v))));
        out.add(INDENT.repeat(depth) + "}");
    }

    private static String metaDisk(RunningResource.Disk d) {
        return switch (d.metaIndex()) {
            case "internal" -> "internal";
            case "flexible" -> quote(d.metaDisk());
            default -> quote(d.metaDisk()) + " [ " + d.metaIndex() + " ]";
        };
    }

    /** {@code ipv4:10.0.0.1:7789} as drbdsetup writes it: {@code ipv4 10.0.0.1:7789}. */
    private static String address(String a) {
        int colon = a.indexOf(':');
        return colon < 0 ? a : a.substring(0, colon) + " " + a.substring(colon + 1);
    }

    /** Plain words stay bare (as numbers and keywords in drbdsetup's output); anything else is quoted. */
    private static String value(String v) {
        return !v.isEmpty() && v.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.')
                ? v : quote(v);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
