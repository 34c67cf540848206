package org.drbdj.nbd;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The exports a server offers, keyed by export name (the name a client asks for in
 * {@code NBD_OPT_GO}, e.g. the URI path of {@code nbd+unix:///NAME?socket=PATH}). The empty name is
 * the protocol's "default export"; register an export under "" to serve clients that give none.
 * Thread-safe; changes apply to handshakes that start afterwards.
 */
public final class NbdExportRegistry {
    private final Map<String, NbdExport> exports = new ConcurrentSkipListMap<>();

    /** Adds an export; fails if the name is taken or too long for the protocol. */
    public void register(String name, NbdExport export) {
        if (name.getBytes(StandardCharsets.UTF_8).length > NbdProtocol.MAX_STRING_BYTES) {
            throw new IllegalArgumentException("export name '" + name + "' is longer than "
                    + NbdProtocol.MAX_STRING_BYTES + " UTF-8 bytes; choose a shorter name");
        }
        if (exports.putIfAbsent(name, export) != null) {
            throw new IllegalArgumentException("an export named '" + name + "' is already registered;"
                    + " unregister it first");
        }
    }

    /** Removes an export; returns it, or null if there was none. Open connections are not touched. */
    public NbdExport unregister(String name) {
        return exports.remove(name);
    }

    /** The export of that name, or null. */
    public NbdExport get(String name) {
        return exports.get(name);
    }

    /** Names in sorted order, for {@code NBD_OPT_LIST}. */
    public List<String> names() {
        return List.copyOf(exports.keySet());
    }
}
