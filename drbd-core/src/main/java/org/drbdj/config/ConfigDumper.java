package org.drbdj.config;

import java.util.List;

/**
 * Renders a {@link DrbdConfig} the way drbd-utils 9's {@code drbdadm dump} does ({@code
 * drbdadm_dump.c}): same sections, order, indentation and column widths, so that an operator (or
 * a script) comparing both sees the same text. What is printed is what was written, per level
 * (resource-level volumes at resource level, host statements in host sections, connections and
 * meshes as written); common options are not merged into resources, exactly as drbdadm dump.
 */
public final class ConfigDumper {
    private static final int INDENT_WIDTH = 4;

    private final StringBuilder out = new StringBuilder();
    private int indent;

    private ConfigDumper() {
    }

    /** The dump header: file comment, global and common sections. */
    public static String header(DrbdConfig config) {
        ConfigDumper d = new ConfigDumper();
        d.out.append("# ").append(config.file()).append('\n');
        d.global(config.global());
        config.common().ifPresent(c -> d.common(c, config.commonStackedTimeouts()));
        return d.out.toString();
    }

    /** One resource as drbdadm dump prints it, for node {@code nodeName}. */
    public static String resource(ResourceConfig res, String nodeName) {
        ConfigDumper d = new ConfigDumper();
        d.resourceBody(res, nodeName);
        return d.out.toString();
    }

    /** {@code dump all}: header and every resource. */
    public static String all(DrbdConfig config) {
        StringBuilder sb = new StringBuilder(header(config));
        for (ResourceConfig r : config.resources()) {
            sb.append(resource(r, config.nodeName()));
        }
        return sb.toString();
    }

    /** drbd-utils' esc(): double-quote values that are not plain words (or longer than 80). */
    static String esc(String s) {
        if (s == null || s.isEmpty()) {
            return "\"\"";
        }
        boolean plain = s.length() <= 80;
        for (int i = 0; i < s.length() && plain; i++) {
            char c = s.charAt(i);
            plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/'
                    || c == '.' || c == '_' || c == '-';
        }
        if (plain) {
            return s;
        }
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append('"').toString();
    }

    private String pad() {
        return " ".repeat(INDENT_WIDTH * indent);
    }

    private void printI(String s) {
        out.append(pad()).append(s);
    }

    /** printA: name left-aligned in (24 - 4*indent) columns, value right-aligned in 3. */
    private void printA(String name, String value) {
        int width = 24 - INDENT_WIDTH * indent;
        out.append(pad()).append(left(name, width)).append(' ').append(right(value, 3)).append(";\n");
    }

    /** printf's %-Ns. */
    private static String left(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    /** printf's %Ns. */
    private static String right(String s, int width) {
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }

    private void options(List<OptionValue> values) {
        for (OptionValue v : values) {
            printA(v.name(), esc(v.text()));
        }
    }

    private void section(String name, OptionSet options) {
        section(name, options, OptionSet.EMPTY);
    }

    private void section(String name, OptionSet options, OptionSet within) {
        if (options.isEmpty() && within.isEmpty()) {
            return;
        }
        printI(name + " {\n");
        indent++;
        options(options.values());
        options(within.values());
        indent--;
        printI("}\n");
    }

    private void global(GlobalConfig g) {
        if (g.minorCount() == 0 && !g.disableIpVerification() && g.dialogRefresh() == 1
                && g.usageCount().equals("ask")) {
            return;
        }
        printI("global {\n");
        indent++;
        if (g.disableIpVerification()) {
            printI("disable-ip-verification;\n");
        }
        if (g.minorCount() != 0) {
            printI("minor-count " + g.minorCount() + ";\n");
        }
        if (g.dialogRefresh() != 1) {
            printI("dialog-refresh " + g.dialogRefresh() + ";\n");
        }
        if (!g.usageCount().equals("ask")) {
            printI("usage-count " + g.usageCount() + ";\n");
        }
        indent--;
        printI("}\n\n");
    }

    private void optionSections(SectionOptions o, boolean stackedTimeouts) {
        section("options", o.resource());
        section("net", o.net());
        section("disk", o.disk(), o.peerDevice());
        if (stackedTimeouts) {
            printI("startup {\n");
            indent++;
            options(o.startup().values());
            printI("stacked-timeouts;\n");
            indent--;
            printI("}\n");
        } else {
            section("startup", o.startup());
        }
        section("handlers", o.handlers());
    }

    private void common(SectionOptions c, boolean stackedTimeouts) {
        printI("common {\n");
        indent++;
        optionSections(c, stackedTimeouts);
        indent--;
        out.append("}\n\n");
    }

    private void address(String name, Address a, String postfix) {
        String host = a.isIpv6() ? "[" + a.host() + "]" : a.host();
        printI(left(name, 16) + " " + a.family() + " " + host + ":" + a.port() + postfix);
    }

    private void volume(VolumeConfig v) {
        if (!v.implicit()) {
            printI("volume " + v.number() + " {\n");
            indent++;
        }
        boolean empty = v.minor() == -1 && v.declaredDevice().isEmpty() && v.backingDisk().isEmpty() && !v.diskNone()
                && v.metaDisk().isEmpty();
        if (empty) {
            // drbd-utils jumps to the closing brace even for an implicit volume (an extra "}" and
            // one indent level less for the rest of the resource); same text as drbdadm.
            indent--;
            printI("}\n");
            return;
        }
        {
            section("disk", v.declaredDiskOptions(), v.declaredPeerDeviceOptions());
            if (v.deviceDeclared()) {
                printI("device" + " ".repeat(Math.max(0, 19 - INDENT_WIDTH * indent)));
                v.declaredDevice().ifPresent(d -> out.append(esc(d)).append(' '));
                out.append("minor ").append(v.minor()).append(";\n");
            }
            if (v.diskDeclared()) {
                printA("disk", esc(v.backingDisk().orElse("none")));
            }
            if (v.metaDiskDeclared() && v.metaDisk().isPresent()) {
                MetaDisk m = v.metaDisk().get();
                switch (m.kind()) {
                    case FLEXIBLE -> printI(left("meta-disk", 16) + " " + esc(m.device()) + ";\n");
                    case INTERNAL -> printA("meta-disk", "internal");
                    default -> printI(left("meta-disk", 16) + " " + esc(m.device()) + " [" + m.index() + "];\n");
                }
            }
        }
        if (!v.implicit()) {
            indent--;
            printI("}\n");
        }
    }

    private static boolean declaresSomething(VolumeConfig v) {
        return v.deviceDeclared() || v.diskDeclared() || v.metaDiskDeclared();
    }

    private void host(HostConfig h) {
        if (h.stackedOnTopOf().isPresent()) {
            printI("stacked-on-top-of " + esc(h.stackedOnTopOf().get()) + " {\n");
            indent++;
            printI("# on " + String.join(" ", h.names()) + " \n");
            indent--;
        } else if (h.floating()) {
            address("floating", h.address().orElseThrow(), " {\n");
        } else {
            printI("on " + String.join(" ", h.names()) + " {\n");
        }
        indent++;
        printI("node-id " + h.nodeId() + ";\n");
        section("options", h.declaredResourceOptions());
        for (VolumeConfig v : h.volumes()) {
            if (declaresSomething(v)) {
                volume(v);
            }
        }
        if (!h.floating() && h.address().isPresent()) {
            address("address", h.address().get(), ";\n");
        }
        indent--;
        printI("}\n");
    }

    private void endpoints(List<Endpoint> endpoints) {
        for (Endpoint e : endpoints) {
            if (e.byAddress()) {
                address("address", e.address(), "; # on " + e.hostName() + "\n");
            } else {
                printI("host " + e.hostName());
                if (e.addressDeclared()) {
                    address(" address", e.address(), "");
                } else if (e.portDeclared()) {
                    out.append(" port ").append(e.address().port());
                }
            }
            out.append(";\n");
        }
    }

    private void connection(ConnectionConfig c) {
        printI("connection {\n");
        indent++;
        PathConfig first = c.paths().get(0);
        if (first.implicit()) {
            endpoints(first.endpoints());
        } else {
            for (PathConfig p : c.paths()) {
                printI("path {\n");
                indent++;
                endpoints(p.endpoints());
                indent--;
                printI("}\n");
            }
        }
        section("net", c.declaredNet());
        section("disk", c.declaredPeerDevice());
        for (PeerDeviceConfig pd : c.peerDevices()) {
            if (pd.implicit()) {
                continue;
            }
            printI("volume " + pd.volume() + " {\n");
            indent++;
            section("disk", pd.declared());
            indent--;
            printI("}\n");
        }
        indent--;
        printI("}\n");
    }

    private void resourceBody(ResourceConfig res, String nodeName) {
        printI("# resource " + esc(res.name()) + " on " + nodeName + ": " + (res.ignored() ? "ignored" : "not ignored")
                + ", " + (res.stacked() ? "stacked" : "not stacked") + "\n");
        printI("# defined at " + res.file() + ":" + res.line() + "\n");
        printI("resource " + esc(res.name()) + " {\n");
        indent++;
        for (VolumeConfig v : res.declaredVolumes()) {
            if (declaresSomething(v)) {
                volume(v);
            }
        }
        for (HostConfig h : res.hosts()) {
            host(h);
        }
        for (ConnectionConfig c : res.connections()) {
            if (!c.implicit()) {
                connection(c);
            }
        }
        for (MeshConfig m : res.meshes()) {
            printI("connection-mesh {\n");
            indent++;
            printI("hosts " + String.join(" ", m.hosts()) + ";\n");
            section("net", m.net());
            indent--;
            printI("}\n");
        }
        optionSections(res.declared(), res.stackedTimeouts());
        indent--;
        out.append("}\n\n");
    }
}
