package org.drbdj.cli;

import java.nio.file.Path;
import java.util.Random;
import org.drbdj.meta.MetaDataException;
import org.drbdj.meta.MetaDataTool;
import org.drbdj.meta.MetaDataVersion;
import org.drbdj.meta.MetaDiskLocation;
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
    MetaDataTool.Target target() {
        if (backingDev == null && metaDisk == null) {
            return fromConfiguration(resource, version());
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
     * Resolves RES through the configuration. To be wired to the configuration parser
     * ({@code ConfigOptions}) when it lands: disk, meta-disk and index of this host's volume.
     */
    static MetaDataTool.Target fromConfiguration(String resource, MetaDataVersion version) {
        throw new MetaDataException(Drbdadm.EXIT_CONFIG_INVALID, "'" + resource
                + "': resolving resources from the configuration is not available yet; give the low-level "
                + "form --backing-dev PATH --meta-disk internal|PATH[:IDX]|flex:PATH");
    }

    /**
     * max-peers when --max-peers is not given: drbdadm counts the resource's connections to peers
     * with a disk (at least 1). Without configuration this is 1.
     */
    int defaultMaxPeers() {
        return 1;
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
