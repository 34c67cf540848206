package org.drbdj.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A validated, resolved drbd.conf for one node. Immutable; obtained from {@link ConfigLoader}.
 *
 * @param file      absolute path of the top-level configuration file
 * @param nodeName  the node name resources were resolved for
 * @param global    the global section
 * @param common    the common section's options, if there is one
 * @param commonStackedTimeouts {@code stacked-timeouts} in common's startup section
 * @param resources all resources in file order, including those ignored on this node
 * @param warnings  non-fatal remarks drbdadm would print (deprecated forms ...)
 */
public record DrbdConfig(String file, String nodeName, GlobalConfig global, Optional<SectionOptions> common,
        boolean commonStackedTimeouts, List<ResourceConfig> resources, List<String> warnings) {

    /** Canonical constructor: copies the lists. */
    public DrbdConfig {
        resources = List.copyOf(resources);
        warnings = List.copyOf(warnings);
    }

    /** The resource called {@code name}, ignored or not. */
    public Optional<ResourceConfig> resource(String name) {
        for (ResourceConfig r : resources) {
            if (r.name().equals(name)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** The resources that have a host section for this node. */
    public List<ResourceConfig> resourcesOfThisHost() {
        List<ResourceConfig> out = new ArrayList<>();
        for (ResourceConfig r : resources) {
            if (!r.ignored()) {
                out.add(r);
            }
        }
        return out;
    }
}
