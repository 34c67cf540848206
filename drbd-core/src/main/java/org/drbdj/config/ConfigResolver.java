package org.drbdj.config;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Predicate;

/**
 * Everything drbdadm does between parsing and running a command (drbd-utils 9 {@code
 * drbdadm_postparse.c}): volumes inherited into host sections and checked for completeness,
 * connections created from meshes or implicitly for two-host resources, endpoints resolved,
 * node-ids derived for two-node configurations, cross-resource address conflicts, the host
 * section of this node, {@code resync-after} targets; then option inheritance common -> resource
 * -> volume / connection -> peer device, and the immutable model.
 */
final class ConfigResolver {
    private final Raw.Config raw;
    private final String nodeName;
    private final Predicate<String> isLocalAddress;
    private final Map<String, String> globalUniq;
    private final boolean interactive;
    private List<String> warnings;

    ConfigResolver(Raw.Config raw, String nodeName, Predicate<String> isLocalAddress, Map<String, String> globalUniq,
            boolean interactive) {
        this.raw = raw;
        this.interactive = interactive;
        this.nodeName = nodeName;
        this.isLocalAddress = isLocalAddress;
        this.globalUniq = globalUniq;
    }

    private static String hostsToString(Raw.Host h) {
        return String.join(" ", h.names);
    }

    private void checkUniq(String file, int line, String what, String key) throws ConfigException {
        String first = globalUniq.putIfAbsent(key, file + ":" + line);
        if (first != null) {
            throw new ConfigException(file, line, "conflicting use of " + what + " '" + key + "' ...\n"
                    + first + ": " + what + " '" + key + "' first used here.");
        }
    }

    DrbdConfig resolve(String canonicalFile, List<String> warnings) throws ConfigException {
        this.warnings = warnings;
        for (Raw.Resource res : raw.resources) {
            inheritVolumesAndCheck(res);
        }
        for (Raw.Resource res : raw.resources) {
            if (res.stackedOnOne) {
                setOnHostsInStacked(res);
            }
        }
        for (Raw.Resource res : raw.resources) {
            for (Raw.Connection c : res.connections) {
                for (Raw.Path p : c.paths) {
                    if (p.endpoints.size() != 2) {
                        throw new ConfigException(res.file, p.implicit ? c.line : p.line, "Resource " + res.name
                                + ": " + (p.implicit ? "connection" : "path") + " needs to have two endpoints");
                    }
                }
            }
            for (Raw.Mesh m : res.meshes) {
                connectionsFromMesh(res, m);
            }
            implicitConnection(res, warnings);
            for (Raw.Connection c : res.connections) {
                resolveEndpoints(res, c);
            }
            for (Raw.Host h : res.hosts) {
                if (h.nodeId == null) {
                    throw missing(res, h, "node-id");
                }
            }
        }
        checkAddressConflicts();
        // Lower resources first: a stacked section applies where its lower resource does.
        for (Raw.Resource res : raw.resources) {
            if (!res.stackedOnOne) {
                selectThisHost(res);
            }
        }
        for (Raw.Resource res : raw.resources) {
            if (res.stackedOnOne) {
                selectThisHost(res);
                stackedDisks(res);
            }
        }
        for (Raw.Resource res : raw.resources) {
            fixupPeerDevices(res);
        }
        for (Raw.Resource res : raw.resources) {
            validate(res);
        }
        return build(canonicalFile, warnings);
    }

    private ConfigException missing(Raw.Resource res, Raw.Host h, String keyword) {
        return new ConfigException(res.file, h.line, "in resource " + res.name + ", on " + hostsToString(h)
                + " { ... }: '" + keyword + "' keyword missing.");
    }

    // ------------------------------------------------------------------ volumes

    private void inheritVolumesAndCheck(Raw.Resource res) throws ConfigException {
        boolean anyImplicit = false;
        boolean anyNonZero = false;
        for (Raw.Host host : res.hosts) {
            for (Raw.Volume s : res.volumes) {
                Raw.Volume t = Raw.findVolume(host.volumes, s.vnr);
                if (t == null) {
                    t = new Raw.Volume();
                    t.vnr = s.vnr;
                    t.implicit = s.implicit;
                    t.file = s.file;
                    t.deviceLine = s.deviceLine;
                    t.diskLine = s.diskLine;
                    t.metaDiskLine = s.metaDiskLine;
                    Raw.insertVolume(host.volumes, t);
                }
                if (t.disk == null && s.disk != null) {
                    t.disk = s.disk;
                    for (String h : host.names) {
                        checkUniq(t.file, t.diskLine, "disk", "disk:" + h + ":" + t.disk);
                    }
                }
                if (t.device == null && s.device != null) {
                    t.device = s.device;
                }
                if (t.minor == -1 && s.minor != -1) {
                    t.minor = s.minor;
                    for (String h : host.names) {
                        checkUniq(t.file, t.deviceLine, "device-minor", "device-minor:" + h + ":" + t.minor);
                        if (t.device != null) {
                            checkUniq(t.file, t.deviceLine, "device", "device:" + h + ":" + t.device);
                        }
                    }
                }
                if (t.metaDisk == null && s.metaDisk != null) {
                    t.metaDisk = s.metaDisk;
                    t.metaIndex = s.metaIndex;
                }
            }
            for (Raw.Volume v : host.volumes) {
                anyImplicit |= v.implicit;
                anyNonZero |= v.vnr != 0;
                if (v.metaDisk != null && !v.metaDisk.equals("internal")) {
                    for (String h : host.names) {
                        checkUniq(v.file, v.metaDiskLine, "meta-disk", h + ":" + v.metaDisk + "[" + v.metaIndex + "]");
                    }
                }
            }
            if (host.requireMinor) {
                for (Raw.Volume v : host.volumes) {
                    checkVolumeComplete(res, host, v);
                }
            }
        }
        if (!res.hosts.isEmpty()) {
            Raw.Host first = res.hosts.get(0);
            for (Raw.Host other : res.hosts) {
                checkVolumeSetsEqual(res, first, other);
            }
        }
        if (anyImplicit && anyNonZero) {
            throw new ConfigException(res.file, res.line, "in resource " + res.name
                    + ": you must not mix implicit and explicit volumes");
        }
    }

    private void checkVolumeComplete(Raw.Resource res, Raw.Host host, Raw.Volume v) throws ConfigException {
        if (v.device == null && v.minor == -1) {
            throw missing(res, host, "device");
        }
        if (v.disk != null || v.metaDisk != null || v.metaIndex != null) {
            if (!"none".equals(v.disk)) {
                if (v.disk == null) {
                    throw missing(res, host, "disk");
                }
                if (v.metaDisk == null && v.metaIndex == null) {
                    v.metaDisk = "internal";
                    v.metaIndex = "internal";
                } else if (v.metaDisk == null) {
                    throw missing(res, host, "meta-disk");
                }
            }
        }
    }

    private void checkVolumeSetsEqual(Raw.Resource res, Raw.Host a, Raw.Host b) throws ConfigException {
        if (a == b) {
            return;
        }
        for (Raw.Volume v : a.volumes) {
            Raw.Volume w = Raw.findVolume(b.volumes, v.vnr);
            if (w == null) {
                throw new ConfigException(res.file, b.line, "in resource " + res.name + ", on " + hostsToString(a)
                        + " { ... }: volume " + v.vnr + " not defined on " + hostsToString(b));
            }
            if (v.implicit != w.implicit) {
                throw new ConfigException(res.file, b.line, "in resource " + res.name + ", on " + hostsToString(a)
                        + " resp. " + hostsToString(b) + ": volume " + v.vnr
                        + " must not be implicit on one but not the other");
            }
        }
        for (Raw.Volume w : b.volumes) {
            if (Raw.findVolume(a.volumes, w.vnr) == null) {
                throw new ConfigException(res.file, b.line, "in resource " + res.name + ", on " + hostsToString(a)
                        + " { ... }: volume " + w.vnr + " missing (present on " + hostsToString(b) + ")");
            }
        }
    }

    // ------------------------------------------------------------------ stacked resources

    private void setOnHostsInStacked(Raw.Resource res) throws ConfigException {
        for (Raw.Host host : res.hosts) {
            if (host.lowerName == null) {
                continue;
            }
            Raw.Resource lower = null;
            for (Raw.Resource r : raw.resources) {
                if (r.name.equals(host.lowerName)) {
                    lower = r;
                }
            }
            if (lower == null) {
                throw new ConfigException(res.file, res.line, "in resource " + res.name + ", referenced resource '"
                        + host.lowerName + "' not defined.");
            }
            for (Raw.Host h2 : lower.hosts) {
                if (h2.lowerName != null) {
                    continue;
                }
                host.names.addAll(h2.names);
                for (String n : h2.names) {
                    for (Raw.Volume v : host.volumes) {
                        checkUniq(v.file, v.deviceLine, "device-minor", "device-minor:" + n + ":" + v.minor);
                        if (v.device != null) {
                            checkUniq(v.file, v.deviceLine, "device", "device:" + n + ":" + v.device);
                        }
                    }
                }
            }
            host.lower = lower;
        }
    }

    /** drbd-utils' set_stacked_disk_in_res: a stacked volume's disk is the lower volume's device. */
    private void stackedDisks(Raw.Resource res) {
        if (res.ignore) {
            return;
        }
        for (Raw.Host host : res.hosts) {
            if (host.lower == null) {
                continue;
            }
            for (Raw.Host lowerHost : host.lower.hosts) {
                for (Raw.Volume a : host.volumes) {
                    Raw.Volume b = Raw.findVolume(lowerHost.volumes, a.vnr);
                    if (b == null) {
                        continue;
                    }
                    a.disk = b.device != null ? b.device : "/dev/drbd" + b.minor;
                    if (a.metaDisk == null) {
                        a.metaDisk = "internal";
                        a.metaIndex = "internal";
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ connections

    private Raw.Host hostByName(Raw.Resource res, String name) {
        for (Raw.Host h : res.hosts) {
            for (String n : h.names) {
                if (NodeName.hostnamesEqual(n, name)) {
                    return h;
                }
            }
        }
        return null;
    }

    private void connectionsFromMesh(Raw.Resource res, Raw.Mesh mesh) throws ConfigException {
        for (int i = 0; i < mesh.hosts.size(); i++) {
            Raw.Host h1 = meshHost(res, mesh.hosts.get(i));
            for (int j = i + 1; j < mesh.hosts.size(); j++) {
                Raw.Host h2 = meshHost(res, mesh.hosts.get(j));
                if (h1 == h2) {
                    continue;
                }
                Raw.Connection c = new Raw.Connection();
                c.implicit = true;
                c.fromMesh = true;
                c.line = mesh.line;
                c.netOptions.addAll(mesh.netOptions);
                Raw.Path p = new Raw.Path();
                p.implicit = true;
                p.line = mesh.line;
                p.endpoints.add(implicitEndpoint(h1));
                p.endpoints.add(implicitEndpoint(h2));
                c.paths.add(p);
                res.connections.add(c);
            }
        }
    }

    private Raw.HostAddress implicitEndpoint(Raw.Host h) {
        Raw.HostAddress ha = new Raw.HostAddress();
        ha.host = h;
        ha.name = h.lower != null ? String.join("_", h.names) : h.names.get(0);
        return ha;
    }

    private Raw.Host meshHost(Raw.Resource res, String name) throws ConfigException {
        Raw.Host h = hostByName(res, name);
        if (h == null) {
            throw new ConfigException(res.file, res.line, "in resource " + res.name + ":\n\t"
                    + "There is no 'on' section for hostname '" + name + "' named in the connection-mesh");
        }
        return h;
    }

    private void implicitConnection(Raw.Resource res, List<String> warnings) {
        if (!res.connections.isEmpty()) {
            return;
        }
        if (res.hosts.size() > 2) {
            warnings.add("Resource " + res.name + ":\n\tUse explicit 'connection' sections (or a "
                    + "'connection-mesh' section) with more than two 'on' sections.");
            return;
        }
        if (res.hosts.size() != 2) {
            return;
        }
        Raw.Connection c = new Raw.Connection();
        c.implicit = true;
        c.line = res.line;
        Raw.Path p = new Raw.Path();
        p.implicit = true;
        p.line = res.line;
        for (Raw.Host h : res.hosts) {
            if (h.address.addr != null) {
                p.endpoints.add(implicitEndpoint(h));
            }
        }
        c.paths.add(p);
        res.connections.add(c);
    }

    private void resolveEndpoints(Raw.Resource res, Raw.Connection c) throws ConfigException {
        for (Raw.Path p : c.paths) {
            List<Raw.Host> preset = new ArrayList<>();
            for (Raw.HostAddress ha : p.endpoints) {
                Raw.Host host;
                if (ha.host != null) {
                    host = ha.host;
                    if (host.address.addr == null) {
                        throw new ConfigException(res.file, host.line, "\"connection-mesh\" (for \"" + res.name
                                + "\") with a host (\"" + ha.name + "\") that has no \"address\" defined");
                    }
                    preset.add(host);
                } else if (ha.byAddress) {
                    host = hostByAddress(res, ha.address);
                    if (host == null) {
                        throw new ConfigException(res.file, ha.line, "in resource " + res.name + " the address "
                                + ha.address.addr + ":" + ha.address.port + " matches no host section");
                    }
                    ha.name = String.join("_", host.names);
                } else {
                    host = hostByName(res, ha.name);
                }
                if (host == null) {
                    throw new ConfigException(res.file, ha.line, "in resource " + res.name + " a hostname (\""
                            + ha.name + "\") is given\nwith a \"host\" keyword, has no \"address\" keyword, and no "
                            + "matching\nhost section (\"on\" keyword)");
                }
                ha.host = host;
                if (ha.address == null) {
                    ha.address = new Raw.Address();
                }
                if (ha.address.addr == null && host.address.addr != null) {
                    ha.address.addr = host.address.addr;
                    ha.address.af = host.address.af;
                    ha.address.local = host.address.local;
                }
                if (ha.address.port == null) {
                    ha.address.port = host.address.port;
                }
                if (ha.address.addr == null || ha.address.port == null) {
                    boolean haveAddr = ha.address.addr != null;
                    boolean havePort = ha.address.port != null;
                    throw new ConfigException(res.file, ha.line == 0 ? host.line : ha.line, "Resource " + res.name
                            + ", host " + ha.name + ": cannot determine which " + (haveAddr ? "" : "address")
                            + (haveAddr != havePort ? "" : " and ") + (havePort ? "" : "port") + " to use");
                }
            }
            if (c.implicit && preset.size() == 2 && preset.get(0).nodeId == null && preset.get(1).nodeId == null) {
                // drbd-8.3/8.4 compatibility: node ids from a hash of the two addresses, as drbd-utils 9.
                // drbd-utils keeps the hashes in a signed int; compare the same way.
                int h0 = (int) crc32c(0x1a656f21L, preset.get(0).address.addr);
                int h1 = (int) crc32c(0x1a656f21L, preset.get(1).address.addr);
                if (h0 == h1) {
                    throw new ConfigException(res.file, res.line, "in resource " + res.name
                            + ": cannot derive node-ids (equal address hashes); give 'node-id' explicitly");
                }
                preset.get(0).nodeId = h0 > h1 ? "0" : "1";
                preset.get(1).nodeId = h0 > h1 ? "1" : "0";
            }
        }
    }

    private Raw.Host hostByAddress(Raw.Resource res, Raw.Address a) {
        for (Raw.Host h : res.hosts) {
            if (h.address.addr != null && h.address.addr.equals(a.addr) && h.address.af.equals(a.af)
                    && h.address.port.equals(a.port)) {
                return h;
            }
        }
        return null;
    }

    /** CRC32C (Castagnoli) without pre/post inversion, seeded, as drbd-utils' crc32c(). */
    static long crc32c(long seed, String s) {
        long crc = seed & 0xffffffffL;
        for (byte b : s.getBytes(StandardCharsets.US_ASCII)) {
            crc ^= b & 0xff;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x82F63B78L : crc >>> 1;
            }
        }
        return crc;
    }

    private static boolean sameEndpoint(Raw.Address a, Raw.Address b) {
        boolean ips = a.af.equalsIgnoreCase(b.af) && (a.af.equalsIgnoreCase("ipv4") || a.af.equalsIgnoreCase("ipv6"))
                ? Addresses.sameAddress(a.addr, b.addr) : a.addr.equals(b.addr);
        return ips && a.port.equals(b.port) && a.af.equals(b.af);
    }

    private void checkAddressConflicts() throws ConfigException {
        record Use(Raw.Resource res, Raw.HostAddress ha) {
        }
        List<Use> seen = new ArrayList<>();
        for (Raw.Resource res : raw.resources) {
            for (Raw.Connection c : res.connections) {
                for (Raw.Path p : c.paths) {
                    for (Raw.HostAddress ha : p.endpoints) {
                        if (ha.address.local) {
                            continue;
                        }
                        for (Use u : seen) {
                            if (u.res != res && sameEndpoint(u.ha.address, ha.address)) {
                                int line = ha.line != 0 ? ha.line : ha.host.line;
                                int firstLine = u.ha.line != 0 ? u.ha.line : u.ha.host.line;
                                throw new ConfigException(res.file, line, "in resource " + res.name + "\n    "
                                        + ha.address.af + ":" + ha.address.addr + ":" + ha.address.port
                                        + " is also used " + u.res.file + ":" + firstLine + " (resource "
                                        + u.res.name + ")");
                            }
                        }
                        seen.add(new Use(res, ha));
                    }
                    Raw.Address a0 = p.endpoints.get(0).address;
                    Raw.Address a1 = p.endpoints.get(1).address;
                    if (sameEndpoint(a0, a1) && !a0.local) {
                        throw new ConfigException(res.file, c.line, "in resource " + res.name + " " + a0.af + ":"
                                + a0.addr + ":" + a0.port + " is used for both endpoints");
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ this host

    private void selectThisHost(Raw.Resource res) throws ConfigException {
        for (Raw.Host host : res.hosts) {
            boolean match;
            if (host.lowerName != null) {
                match = host.lower != null && host.lower.me != null;
            } else if (host.byAddress) {
                match = isLocalAddress.test(host.address.addr) || nodeName.equals(host.address.addr);
            } else if (host.names.isEmpty()) {
                match = false;
            } else {
                match = host.names.get(0).equals("_this_host")
                        || nameMatches(host.names);
            }
            if (!match) {
                continue;
            }
            if (res.me != null && res.me != host) {
                throw new ConfigException(res.file, host.line, "in resource " + res.name + ", on "
                        + hostsToString(res.me) + " { ... } ... on " + hostsToString(host) + " { ... }:\n"
                        + "\tThere are multiple host sections for this node.");
            }
            res.me = host;
            host.usedAsMe = true;
            res.stacked = host.lower != null;
        }
        if (res.me == null) {
            res.ignore = true;
            return;
        }
        for (Raw.Connection c : res.connections) {
            boolean mine = false;
            for (Raw.Path p : c.paths) {
                for (Raw.HostAddress ha : p.endpoints) {
                    if (ha.host == res.me) {
                        ha.usedAsMe = true;
                        mine = true;
                    }
                }
            }
            c.ignore = !mine;
            if (mine) {
                for (Raw.HostAddress ha : c.paths.get(0).endpoints) {
                    if (ha.host != res.me) {
                        c.peer = ha.host;
                    }
                }
            }
        }
    }

    private boolean nameMatches(List<String> names) {
        for (String n : names) {
            if (NodeName.hostnamesEqual(n, nodeName)) {
                return true;
            }
        }
        return false;
    }

    private void fixupPeerDevices(Raw.Resource res) throws ConfigException {
        for (Raw.Connection c : res.connections) {
            Raw.Path some = c.paths.get(0);
            for (Raw.PeerDevice pd : c.peerDevices) {
                for (Raw.HostAddress ha : some.endpoints) {
                    if (Raw.findVolume(ha.host.volumes, pd.vnr) == null) {
                        throw new ConfigException(res.file, pd.line, "Resource " + res.name + ": There is a "
                                + "reference to a volume " + pd.vnr + " that is not known in this resource on host "
                                + ha.name);
                    }
                }
            }
            Raw.Host someHost = some.endpoints.get(0).host;
            for (Raw.Volume v : someHost.volumes) {
                boolean found = false;
                for (Raw.PeerDevice pd : c.peerDevices) {
                    found |= pd.vnr == v.vnr;
                }
                if (!found) {
                    Raw.PeerDevice pd = new Raw.PeerDevice();
                    pd.vnr = v.vnr;
                    pd.implicit = true;
                    c.peerDevices.add(pd);
                }
            }
        }
    }

    private void validate(Raw.Resource res) throws ConfigException {
        for (java.util.Iterator<OptionValue> it = res.diskOptions.iterator(); it.hasNext();) {
            OptionValue o = it.next();
            if (!o.name().equals("resync-after")) {
                continue;
            }
            String target = o.text();
            int slash = target.indexOf('/');
            String resName = slash >= 0 ? target.substring(0, slash) : target;
            Raw.Resource other = null;
            for (Raw.Resource r : raw.resources) {
                if (r.name.equals(resName)) {
                    other = r;
                }
            }
            if (other == null || other.ignore) {
                ConfigException e = new ConfigException(res.file, res.line, "in resource " + res.name
                        + ":\n\tresource '" + target + "' mentioned in 'resync-after' option is not known"
                        + (other != null ? " on this host" : "") + ".");
                if (interactive) {
                    throw e;
                }
                // Like drbdadm without a terminal (scripts, cluster managers): report and drop the
                // option, so that deleting a resource does not break every later command.
                warnings.add(e.getMessage());
                it.remove();
            }
        }
        if (res.hosts.isEmpty()) {
            throw new ConfigException(res.file, res.line, "in resource " + res.name + ":\n\ta host sections ('on "
                    + nodeName + " { ... }') is missing.");
        }
    }

    // ------------------------------------------------------------------ immutable model

    private static OptionSet set(List<OptionValue> values) {
        return OptionSet.of(values);
    }

    private static SectionOptions sections(Raw.Resource r) {
        return new SectionOptions(set(r.resOptions), set(r.netOptions), set(r.diskOptions), set(r.pdOptions),
                set(r.startupOptions), set(r.handlers));
    }

    private static Address address(Raw.Address a) {
        if (a == null || a.addr == null) {
            return null;
        }
        return new Address(a.af, a.addr, Integer.parseInt(a.port));
    }

    private static Optional<MetaDisk> metaDisk(Raw.Volume v) {
        if (v.metaDisk == null || "none".equals(v.disk)) {
            return Optional.empty();
        }
        if (v.metaDisk.equals("internal")) {
            return Optional.of(MetaDisk.INTERNAL);
        }
        if (v.metaIndex == null || v.metaIndex.equals("flexible")) {
            return Optional.of(new MetaDisk(MetaDisk.Kind.FLEXIBLE, v.metaDisk, -1));
        }
        return Optional.of(new MetaDisk(MetaDisk.Kind.INDEXED, v.metaDisk, Integer.parseInt(v.metaIndex)));
    }

    private static VolumeConfig volume(Raw.Volume v, Raw.Volume resLevel, SectionOptions res) {
        OptionSet disk = set(v.diskOptions);
        OptionSet pd = set(v.pdOptions);
        OptionSet effDisk = disk;
        OptionSet effPd = pd;
        if (resLevel != null && resLevel != v) {
            effDisk = effDisk.inheritFrom(set(resLevel.diskOptions));
            effPd = effPd.inheritFrom(set(resLevel.pdOptions));
        }
        effDisk = effDisk.inheritFrom(res.disk());
        effPd = effPd.inheritFrom(res.peerDevice());
        boolean none = "none".equals(v.disk);
        return new VolumeConfig(v.vnr, v.implicit, v.minor, Optional.ofNullable(v.device),
                none ? Optional.empty() : Optional.ofNullable(v.disk), none, metaDisk(v), v.parsedDevice,
                v.parsedDisk, v.parsedMetaDisk, disk, pd, effDisk, effPd);
    }

    private DrbdConfig build(String canonicalFile, List<String> warnings) {
        Raw.Global g = raw.global;
        GlobalConfig global = new GlobalConfig(g.usageCount, g.minorCount, g.dialogRefresh, g.disableIpVerification,
                g.udevAlwaysUseVnr, opt(g.cmdTimeoutShort), opt(g.cmdTimeoutMedium), opt(g.cmdTimeoutLong));
        SectionOptions common = raw.common == null ? SectionOptions.EMPTY : sections(raw.common);
        List<ResourceConfig> resources = new ArrayList<>();
        for (Raw.Resource r : raw.resources) {
            resources.add(buildResource(r, common));
        }
        return new DrbdConfig(canonicalFile, nodeName, global,
                raw.common == null ? Optional.empty() : Optional.of(common),
                raw.common != null && raw.common.stackedTimeouts, resources, warnings);
    }

    private static OptionalInt opt(Integer i) {
        return i == null ? OptionalInt.empty() : OptionalInt.of(i);
    }

    private ResourceConfig buildResource(Raw.Resource r, SectionOptions common) {
        SectionOptions declared = sections(r);
        SectionOptions effective = declared.inheritFrom(common);
        if (r.me != null && !r.me.resOptions.isEmpty()) {
            effective = new SectionOptions(set(r.me.resOptions).inheritFrom(effective.resource()), effective.net(),
                    effective.disk(), effective.peerDevice(), effective.startup(), effective.handlers());
        }
        List<HostConfig> hosts = new ArrayList<>();
        HostConfig me = null;
        java.util.IdentityHashMap<Raw.Host, HostConfig> byRaw = new java.util.IdentityHashMap<>();
        for (Raw.Host h : r.hosts) {
            List<VolumeConfig> vols = new ArrayList<>();
            for (Raw.Volume v : h.volumes) {
                vols.add(volume(v, Raw.findVolume(r.volumes, v.vnr), effective));
            }
            List<String> names = h.byAddress ? List.of() : h.names;
            HostConfig hc = new HostConfig(names, h.byAddress, Optional.ofNullable(h.lowerName),
                    Optional.ofNullable(address(h.address)), Integer.parseInt(h.nodeId), h.nodeIdDeclared, vols,
                    set(h.resOptions), r.file, h.line, h == r.me);
            hosts.add(hc);
            byRaw.put(h, hc);
            if (h == r.me) {
                me = hc;
            }
        }
        List<VolumeConfig> declaredVolumes = new ArrayList<>();
        for (Raw.Volume v : r.volumes) {
            declaredVolumes.add(volume(v, null, SectionOptions.EMPTY));
        }
        List<ConnectionConfig> conns = new ArrayList<>();
        for (Raw.Connection c : r.connections) {
            List<PathConfig> paths = new ArrayList<>();
            for (Raw.Path p : c.paths) {
                List<Endpoint> eps = new ArrayList<>();
                for (Raw.HostAddress ha : p.endpoints) {
                    eps.add(new Endpoint(ha.host.byAddress ? byRaw.get(ha.host).name() : ha.name,
                            address(ha.address), ha.byAddress, ha.parsedAddress, ha.parsedPort, ha.line,
                            r.me != null && ha.host == r.me));
                }
                paths.add(new PathConfig(p.implicit, eps));
            }
            OptionSet declaredNet = set(c.netOptions);
            OptionSet net = declaredNet.inheritFrom(effective.net());
            OptionSet connPd = set(c.pdOptions);
            Raw.Host volumeHost = r.me != null && !c.ignore ? r.me : c.paths.get(0).endpoints.get(0).host;
            Raw.Host peerHost = c.peer;
            List<PeerDeviceConfig> pds = new ArrayList<>();
            for (Raw.PeerDevice pd : c.peerDevices) {
                OptionSet decl = set(pd.pdOptions);
                OptionSet eff = decl.inheritFrom(connPd);
                VolumeConfig vc = byRaw.get(volumeHost).volume(pd.vnr).orElse(null);
                if (vc != null) {
                    eff = eff.inheritFrom(vc.peerDeviceOptions());
                }
                if (peerHost != null) {
                    Raw.Volume pv = Raw.findVolume(peerHost.volumes, pd.vnr);
                    if (pv != null && (pv.disk == null || pv.disk.equals("none")) && eff.get("bitmap").isEmpty()) {
                        // drbd-utils' add_no_bitmap_opt: no bitmap slot for a diskless peer.
                        OptionDef bitmap = OptionSchema.find(OptionSection.PEER_DEVICE, "bitmap").orElseThrow();
                        List<OptionValue> l = new ArrayList<>(eff.values());
                        l.add(new OptionValue(bitmap, "no", r.file, 0));
                        eff = OptionSet.of(l);
                    }
                }
                pds.add(new PeerDeviceConfig(pd.vnr, pd.implicit, decl, eff));
            }
            List<String> hostNames = new ArrayList<>();
            for (Raw.HostAddress ha : c.paths.get(0).endpoints) {
                hostNames.add(byRaw.get(ha.host).name());
            }
            conns.add(new ConnectionConfig(c.implicit, c.fromMesh, hostNames, paths, declaredNet, net, connPd, pds,
                    !c.ignore && r.me != null, Optional.ofNullable(peerHost == null ? null : byRaw.get(peerHost)),
                    c.line));
        }
        List<MeshConfig> meshes = new ArrayList<>();
        for (Raw.Mesh m : r.meshes) {
            meshes.add(new MeshConfig(m.hosts, set(m.netOptions)));
        }
        return new ResourceConfig(r.name, r.canonicalFile, r.line, r.ignore, r.stacked, hosts, Optional.ofNullable(me),
                declaredVolumes, conns, meshes, declared, effective, r.stackedTimeouts);
    }
}
