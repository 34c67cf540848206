package org.drbdj.config;

import java.util.List;

/**
 * A network path between two hosts of a connection ({@code path { host A ...; host B ...; }}),
 * or the implicit single path of a connection that lists its hosts directly.
 *
 * @param implicit  true when not written as a {@code path} section
 * @param endpoints exactly two endpoints
 */
public record PathConfig(boolean implicit, List<Endpoint> endpoints) {
    /** Canonical constructor: copies the list. */
    public PathConfig {
        endpoints = List.copyOf(endpoints);
    }

    /** This node's end of the path, when it is one of the ends. */
    public java.util.Optional<Endpoint> local() {
        for (Endpoint e : endpoints) {
            if (e.thisHost()) {
                return java.util.Optional.of(e);
            }
        }
        return java.util.Optional.empty();
    }

    /** The other end, when this node is one of the ends. */
    public java.util.Optional<Endpoint> remote() {
        if (local().isEmpty()) {
            return java.util.Optional.empty();
        }
        for (Endpoint e : endpoints) {
            if (!e.thisHost()) {
                return java.util.Optional.of(e);
            }
        }
        return java.util.Optional.empty();
    }
}
