package org.drbdj.cli;

import java.nio.file.Path;
import java.util.Random;
import org.drbdj.meta.MetaDataException;
import org.drbdj.meta.MetaDataTool;
import org.drbdj.meta.MetaDataVersion;
import org.drbdj.meta.MetaDiskLocation;
import java.util.List;
import org.drbdj.config.ConfigException;
import org.drbdj.config.MetaDisk;
import org.drbdj.config.VolumeConfig;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Shared arguments of the meta-data commands (create-md, dump-md, restore-md, get-gi, show-gi,
 * wipe-md): the resource, and how to find its meta-data.
 *
 * <p>Normally the backing disk and meta-disk come from the resource's configuration. The hidden
 * low-level options give them explicitly (for tests, and for use without a configuration):
 * {@code --backing-dev PATH --meta-disk internal|PATH[:IDX]|flex:PATH [--minor N]}.
 */
final class MetaTargetOptions {
    @Parameters(index = "0", paramLabel = "RES", description = "Resource (or res/volume).")
    String resource;

    @Option(names = "--md-version", paramLabel = "v08|v09", defaultValue = "v09",
            description = "Meta-data format: v09 (DRBD 9, default) or v08 (DRBD 8.4).")
    String mdVersion;

    @Option(names = "--backing-dev", hidden = true, paramLabel = "PATH",
            description = "Backing device, instead of the configuration's 'disk'.")
    Path backingDev;

    @Option(names = "--meta-disk", hidden = true, paramLabel = "internal|PATH[:IDX]|flex:PATH",
            description = "Meta-data location, instead of the configuration's 'meta-disk'.")
    String metaDisk;

    @Option(names = "--minor", hidden = true, paramLabel = "N", description = "Device minor (informational).")
    Integer minor;

    /** The meta-data version to work with. */
    MetaDataVersion version() {
        try {
            return MetaDataVersion.parse(mdVersion);
        } catch (IllegalArgumentException e) {
            throw new MetaDataException(Drbdadm.EXIT_USAGE, e.getMessage());
        }
    }

    /** Resolves the device, layout and version the command works on. */
    MetaDataTool.Target target(ConfigOptions config) {
        if (backingDev == null && metaDisk == null) {
            return fromConfiguration(config, resource, version());
        }
        return explicit(backingDev, metaDisk == null ? "internal" : metaDisk, version());
    }

    /**
     * The explicit low-level form: {@code internal} (on the backing device), {@code PATH} or
     * {@code PATH:IDX} (indexed external, index 0 by default, like {@code meta-disk PATH [IDX]}),
     * {@code flex:PATH} ({@code flexible-meta-disk PATH}).
     */
    static MetaDataTool.Target explicit(Path backingDev, String metaDisk, MetaDataVersion version) {
        if (metaDisk.equals("internal")) {
            if (backingDev == null) {
                throw new MetaDataException(Drbdadm.EXIT_USAGE, "--meta-disk internal needs --backing-dev PATH");
            }
            return new MetaDataTool.Target(backingDev, MetaDiskLocation.internal(), version);
        }
        if (metaDisk.startsWith("flex:")) {
            return new MetaDataTool.Target(Path.of(metaDisk.substring(5)), MetaDiskLocation.flexExternal(), version);
        }
        int colon = metaDisk.lastIndexOf(':');
        if (colon > 0) {
            String idx = metaDisk.substring(colon + 1);
            try {
                return new MetaDataTool.Target(Path.of(metaDisk.substring(0, colon)),
                        MetaDiskLocation.indexed(Integer.parseInt(idx)), version);
            } catch (IllegalArgumentException e) {
                throw new MetaDataException(Drbdadm.EXIT_USAGE, "--meta-disk " + metaDisk + ": index '" + idx
                        + "' is not a number 0..255 (use PATH:IDX, flex:PATH or internal)");
            }
        }
        return new MetaDataTool.Target(Path.of(metaDisk), MetaDiskLocation.indexed(0), version);
    }

    /**
     * Resolves RES (or RES/VOL) through the configuration: this host's disk and meta-disk of that
     * volume. A resource with several volumes needs RES/VOL (drbdadm would loop over them).
     */
    MetaDataTool.Target fromConfiguration(ConfigOptions config, String resource, MetaDataVersion version) {
        VolumeConfig v = volume(config, resource);
        if (v.isDiskless() || v.backingDisk().isEmpty()) {
            throw new MetaDataException(Drbdadm.EXIT_CONFIG_INVALID, resource + ": volume " + v.number()
                    + " has no disk on this host ('disk none'), so it has no meta-data");
        }
        Path disk = Path.of(v.backingDisk().get());
        MetaDisk md = v.metaDisk().orElse(MetaDisk.INTERNAL);
        return switch (md.kind()) {
            case INTERNAL -> new MetaDataTool.Target(disk, MetaDiskLocation.internal(), version);
            case FLEXIBLE -> new MetaDataTool.Target(Path.of(md.device()), MetaDiskLocation.flexExternal(), version);
            case INDEXED -> new MetaDataTool.Target(Path.of(md.device()), MetaDiskLocation.indexed(md.index()), version);
        };
    }

    private static ConfigOptions.Selection selection(ConfigOptions config, String resource) {
        try {
            return config.select(List.of(resource), false).get(0);
        } catch (ConfigException e) {
            throw new MetaDataException(e.exitCode(), "drbdadm: " + e.getMessage());
        }
    }

    private static VolumeConfig volume(ConfigOptions config, String resource) {
        ConfigOptions.Selection s = selection(config, resource);
        if (s.volume().isPresent()) {
            return s.volume().get();
        }
        List<VolumeConfig> vols = s.resource().volumes();
        if (vols.size() != 1) {
            throw new MetaDataException(Drbdadm.EXIT_USAGE, resource + " has " + vols.size()
                    + " volumes on this host; name one as " + resource + "/VOLUME");
        }
        return vols.get(0);
    }

    /**
     * max-peers when --max-peers is not given: drbdadm counts the resource's peers (at least 1).
     * With the low-level options (no configuration) this is 1.
     */
    int defaultMaxPeers(ConfigOptions config) {
        if (backingDev != null || metaDisk != null) {
            return 1;
        }
        return Math.max(1, selection(config, resource).resource().peers().size());
    }

    /**
     * The node id whose bitmap slot get-gi/show-gi show when --node-id is not given: the
     * configuration's (first) peer, as drbdadm passes it to drbdmeta; -1 without a configuration.
     */
    int peerNodeId(ConfigOptions config) {
        if (backingDev != null || metaDisk != null) {
            return -1;
        }
        return selection(config, resource).resource().peers().stream().mapToInt(h -> h.nodeId()).findFirst().orElse(-1);
    }

    /** A fresh random 64-bit id, as drbdadm's get_random_bytes for the device UUID. */
    static long randomDeviceUuid() {
        long v;
        Random r = new java.security.SecureRandom();
        do {
            v = r.nextLong();
        } while (v == 0);
        return v;
    }
}
