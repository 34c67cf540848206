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

    /**
     * The minor a {@code resync-after} value refers to, as drbdadm converts it before calling
     * drbdsetup: {@code RES/VOL}, or {@code RES} when that resource has exactly one volume here.
     *
     * @throws ConfigException when the target is unknown, ignored on this node, or ambiguous
     */
    public int resyncAfterMinor(ResourceConfig of, String target) throws ConfigException {
        int slash = target.indexOf('/');
        String name = slash >= 0 ? target.substring(0, slash) : target;
        Optional<ResourceConfig> r = resource(name);
        if (r.isEmpty() || r.get().ignored()) {
            throw new ConfigException(of.file(), of.line(), "in resource " + of.name() + ":\n\tresource '" + target
                    + "' mentioned in 'resync-after' option is not known" + (r.isPresent() ? " on this host" : "")
                    + ".");
        }
        List<VolumeConfig> vols = r.get().volumes();
        if (slash >= 0) {
            int vnr;
            try {
                vnr = Integer.parseInt(target.substring(slash + 1));
            } catch (NumberFormatException e) {
                vnr = -1;
            }
            Optional<VolumeConfig> v = r.get().volume(vnr);
            if (v.isEmpty()) {
                throw new ConfigException(of.file(), of.line(), "in resource " + of.name() + ":\n\tresource '"
                        + target + "' mentioned in 'resync-after' option is not known.");
            }
            return v.get().minor();
        }
        if (vols.size() != 1) {
            throw new ConfigException(of.file(), of.line(), "in resource " + of.name() + ":\n\tresync-after contains '"
                    + target + "', which is ambiguous, since it contains " + vols.size() + " volumes");
        }
        return vols.get(0).minor();
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
