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
}
