package org.drbdj.control;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The configuration of one resource as drbdd holds it: the answer to {@code show RES --json}, what
 * {@code drbdsetup show} reports for the kernel module. drbdadm's {@code adjust} compares it with
 * the configuration file and sends only the difference. Option values are kept as the requests
 * carried them (drbd-utils 9 names, values as written); comparing them is the reader's business.
 *
 * @param name       resource name
 * @param options    resource options ({@code resource-options}: {@code cpu-mask}, {@code
 *                   on-no-data-accessible}, ...), sorted by name
 * @param handlers   handler commands by handler name ({@code local-io-error}, ...), sorted
 * @param volumes    the minors of the resource, by volume number
 * @param connection the connection settings while connected or connecting ({@code connect} given)
 */
public record RunningResource(String name, Map<String, String> options, Map<String, String> handlers,
        List<Volume> volumes, Optional<Connection> connection) {

    /** Canonical constructor: copies, and sorts the option maps so that equal settings compare equal. */
    public RunningResource {
        options = sorted(options);
        handlers = sorted(handlers);
        List<Volume> v = new ArrayList<>(volumes);
        v.sort((a, b) -> Integer.compare(a.number(), b.number()));
        volumes = List.copyOf(v);
    }

    /**
     * One volume (minor) of the resource.
     *
     * @param number volume number within the resource
     * @param minor  device minor ({@code /dev/drbdMINOR})
     * @param disk   the attached backing disk; empty while diskless
     */
    public record Volume(int number, int minor, Optional<Disk> disk) {
    }

    /**
     * An attached backing disk, in the shape of the {@code attach} request.
     *
     * @param backingDisk the data device
     * @param metaDisk    the meta-data device (the data device for internal meta-data)
     * @param metaIndex   {@code internal}, {@code flexible} or the index of a 128 MiB slot
     * @param options     disk and peer-device options ({@code on-io-error}, {@code al-extents},
     *                    {@code resync-rate}, ...), sorted
     */
    public record Disk(String backingDisk, String metaDisk, String metaIndex, Map<String, String> options) {
        /** Canonical constructor: sorts the options. */
        public Disk {
            options = sorted(options);
        }

        /** Same devices and meta-data placement (options aside). */
        public boolean sameLocation(Disk other) {
            return backingDisk.equals(other.backingDisk) && metaDisk.equals(other.metaDisk)
                    && metaIndex.equals(other.metaIndex);
        }
    }

    /**
     * The connection settings, in the shape of the {@code connect} request.
     *
     * @param localAddress our address, {@code ipv4:10.0.0.1:7789}
     * @param peerAddress  the peer's address
     * @param options      net options (with {@code _name}, the peer's name), sorted
     */
    public record Connection(String localAddress, String peerAddress, Map<String, String> options) {
        /** Canonical constructor: sorts the options. */
        public Connection {
            options = sorted(options);
        }

        /** Same addresses (options aside). */
        public boolean sameAddresses(Connection other) {
            return localAddress.equals(other.localAddress) && peerAddress.equals(other.peerAddress);
        }
    }

    private static Map<String, String> sorted(Map<String, String> m) {
        return Collections.unmodifiableMap(new TreeMap<>(m));
    }

    /** The volume with number {@code vnr}, if the resource has it. */
    public Optional<Volume> volume(int vnr) {
        return volumes.stream().filter(v -> v.number() == vnr).findFirst();
    }

    /** The JSON object sent as one line of the {@code show --json} answer. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("options", options);
        m.put("handlers", handlers);
        List<Object> vols = new ArrayList<>();
        for (Volume v : volumes) {
            Map<String, Object> vm = new LinkedHashMap<>();
            vm.put("volume", v.number());
            vm.put("minor", v.minor());
            v.disk().ifPresent(d -> {
                Map<String, Object> dm = new LinkedHashMap<>();
                dm.put("disk", d.backingDisk());
                dm.put("meta-disk", d.metaDisk());
                dm.put("meta-index", d.metaIndex());
                dm.put("options", d.options());
                vm.put("disk", dm);
            });
            vols.add(vm);
        }
        m.put("volumes", vols);
        connection.ifPresent(c -> {
            Map<String, Object> cm = new LinkedHashMap<>();
            cm.put("local", c.localAddress());
            cm.put("peer", c.peerAddress());
            cm.put("options", c.options());
            m.put("connection", cm);
        });
        return m;
    }

    /** Decodes {@link #toJson()}; a missing or mistyped field is a {@link ControlProtocolException}. */
    public static RunningResource fromJson(Object json) throws ControlProtocolException {
        Map<?, ?> m = object(json, "resource");
        List<Volume> vols = new ArrayList<>();
        if (!(m.get("volumes") instanceof List<?> list)) {
            throw new ControlProtocolException("show: resource lacks 'volumes'");
        }
        for (Object o : list) {
            Map<?, ?> vm = object(o, "volume");
            Optional<Disk> disk = Optional.empty();
            if (vm.get("disk") != null) {
                Map<?, ?> dm = object(vm.get("disk"), "disk");
                disk = Optional.of(new Disk(string(dm, "disk"), string(dm, "meta-disk"), string(dm, "meta-index"),
                        strings(dm, "options")));
            }
            vols.add(new Volume(integer(vm, "volume"), integer(vm, "minor"), disk));
        }
        Optional<Connection> connection = Optional.empty();
        if (m.get("connection") != null) {
            Map<?, ?> cm = object(m.get("connection"), "connection");
            connection = Optional.of(new Connection(string(cm, "local"), string(cm, "peer"), strings(cm, "options")));
        }
        return new RunningResource(string(m, "name"), strings(m, "options"), strings(m, "handlers"), vols, connection);
    }

    private static Map<?, ?> object(Object o, String what) throws ControlProtocolException {
        if (!(o instanceof Map<?, ?> m)) {
            throw new ControlProtocolException("show: " + what + " is not a JSON object: " + o);
        }
        return m;
    }

    private static String string(Map<?, ?> m, String key) throws ControlProtocolException {
        if (!(m.get(key) instanceof String s)) {
            throw new ControlProtocolException("show: field '" + key + "' is not a string: " + m.get(key));
        }
        return s;
    }

    private static int integer(Map<?, ?> m, String key) throws ControlProtocolException {
        if (!(m.get(key) instanceof Long l) || l < 0 || l > Integer.MAX_VALUE) {
            throw new ControlProtocolException("show: field '" + key + "' is not a number: " + m.get(key));
        }
        return l.intValue();
    }

    private static Map<String, String> strings(Map<?, ?> m, String key) throws ControlProtocolException {
        Map<?, ?> o = object(m.get(key), key);
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<?, ?> e : o.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new ControlProtocolException("show: option " + e.getKey() + " is not a string: " + e.getValue());
            }
            out.put((String) e.getKey(), s);
        }
        return out;
    }
}
