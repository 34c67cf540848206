package org.drbdj.config;

import java.util.Optional;

/**
 * One volume (one {@code /dev/drbdN}) of a resource on one host, after inheritance from the
 * resource level.
 *
 * @param number                 volume number ({@code volume N}; 0 for the implicit volume)
 * @param implicit               true when written without a {@code volume} section (8.4 style)
 * @param minor                  device minor number; -1 when not known (a section that omits it)
 * @param declaredDevice         the device name as written ({@code /dev/drbd1}, {@code /dev/drbd_x}), if any
 * @param backingDisk            the backing block device; empty when diskless ({@code disk none}) or unset
 * @param diskNone               true when {@code disk none;} was written (intentionally diskless)
 * @param metaDisk               where meta-data lives; empty when diskless
 * @param deviceDeclared         {@code device} written at this level (drives drbdadm dump)
 * @param diskDeclared           {@code disk} written at this level
 * @param metaDiskDeclared       {@code meta-disk} written at this level
 * @param declaredDiskOptions    disk options written for this volume at this level
 * @param declaredPeerDeviceOptions peer-device options written for this volume at this level
 * @param diskOptions            effective disk options (common, resource, resource volume, host volume)
 * @param peerDeviceOptions      effective peer-device options, same inheritance
 */
public record VolumeConfig(int number, boolean implicit, int minor, Optional<String> declaredDevice,
        Optional<String> backingDisk, boolean diskNone, Optional<MetaDisk> metaDisk, boolean deviceDeclared,
        boolean diskDeclared, boolean metaDiskDeclared, OptionSet declaredDiskOptions,
        OptionSet declaredPeerDeviceOptions, OptionSet diskOptions, OptionSet peerDeviceOptions) {

    /** The device path: as written, else {@code /dev/drbd<minor>} (drbd-utils' assign_default_device). */
    public String devicePath() {
        return declaredDevice.orElse("/dev/drbd" + minor);
    }

    /** True when this volume has no local backing disk on this host. */
    public boolean isDiskless() {
        return backingDisk.isEmpty();
    }
}
