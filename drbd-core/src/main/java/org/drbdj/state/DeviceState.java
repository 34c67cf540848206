package org.drbdj.state;

import java.util.Objects;

/**
 * Immutable snapshot of one volume of a resource on this node (DRBD's {@code device}): the local
 * disk state plus the facts the status outputs show. Part of {@link ResourceState}.
 *
 * @param volume         volume number within the resource (0..65534)
 * @param minor          device minor ({@code /dev/drbd<minor>}), 0..1048575
 * @param disk           local disk state
 * @param client         intentionally diskless ({@code disk none} in the config): {@code client:yes}
 * @param backingDevice  backing device path, or {@code null} when none ({@code backing_dev:none})
 * @param sizeSectors    usable device size in sectors (0 when unknown / diskless without peer)
 * @param quorum         this volume has quorum ({@code quorum:}); always true with quorum off
 * @param open           the device is open (mounted, or held open by a process)
 * @param openForWrite   at least one opener has it open for writing (what blocks a demote)
 * @param alSuspended    activity-log updates suspended ({@code /proc/drbd} sixth flag {@code s})
 * @param upperBlocked   new application I/O is blocked ({@code blocked:upper})
 * @param lowerBlocked   I/O to the backing disk is blocked ({@code blocked:lower})
 * @param congestion     congestion reason ({@code /proc/drbd} fifth flag)
 * @param stats          counters snapshot
 */
public record DeviceState(int volume, int minor, DiskState disk, boolean client, String backingDevice,
                          long sizeSectors, boolean quorum, boolean open, boolean openForWrite,
                          boolean alSuspended, boolean upperBlocked, boolean lowerBlocked,
                          Congestion congestion, DeviceStats stats) {

    /** Largest minor number (DRBD uses 20 bits). */
    public static final int MAX_MINOR = (1 << 20) - 1;
    /** Largest volume number. */
    public static final int MAX_VOLUME = 65534;

    public DeviceState {
        if (volume < 0 || volume > MAX_VOLUME) {
            throw new IllegalArgumentException("volume " + volume + " out of range 0.." + MAX_VOLUME);
        }
        if (minor < 0 || minor > MAX_MINOR) {
            throw new IllegalArgumentException("minor " + minor + " out of range 0.." + MAX_MINOR);
        }
        Objects.requireNonNull(disk, "disk");
        if (disk == DiskState.DUNKNOWN) {
            throw new IllegalArgumentException("DUnknown is a peer disk state, not a local one (volume " + volume + ")");
        }
        Objects.requireNonNull(congestion, "congestion");
        Objects.requireNonNull(stats, "stats");
        DeviceStats.requireNonNegative("sizeSectors", sizeSectors);
        if (openForWrite && !open) {
            throw new IllegalArgumentException("volume " + volume + " cannot be open for write while not open");
        }
    }

    /** A freshly created device ({@code new-minor}): Diskless, not open, quorum, no counters. */
    public static DeviceState created(int volume, int minor) {
        return new DeviceState(volume, minor, DiskState.DISKLESS, false, null, 0, true, false, false,
                false, false, false, Congestion.NONE, DeviceStats.ZERO);
    }

    /** The backing device path or {@code none}, as DRBD prints it. */
    public String backingDeviceText() {
        return backingDevice == null || backingDevice.isEmpty() ? "none" : backingDevice;
    }

    /** Returns a copy with another disk state. */
    public DeviceState withDisk(DiskState value) {
        return new DeviceState(volume, minor, value, client, backingDevice, sizeSectors, quorum, open, openForWrite,
                alSuspended, upperBlocked, lowerBlocked, congestion, stats);
    }

    /** Returns a copy with another backing device and size. */
    public DeviceState withBackingDevice(String path, long sizeSectorsValue) {
        return new DeviceState(volume, minor, disk, client, path, sizeSectorsValue, quorum, open, openForWrite,
                alSuspended, upperBlocked, lowerBlocked, congestion, stats);
    }

    /** Returns a copy with other open flags. */
    public DeviceState withOpen(boolean isOpen, boolean forWrite) {
        return new DeviceState(volume, minor, disk, client, backingDevice, sizeSectors, quorum, isOpen, forWrite,
                alSuspended, upperBlocked, lowerBlocked, congestion, stats);
    }

    /** Returns a copy with another quorum flag. */
    public DeviceState withQuorum(boolean value) {
        return new DeviceState(volume, minor, disk, client, backingDevice, sizeSectors, value, open, openForWrite,
                alSuspended, upperBlocked, lowerBlocked, congestion, stats);
    }

    /** Returns a copy with another client (intentional diskless) flag. */
    public DeviceState withClient(boolean value) {
        return new DeviceState(volume, minor, disk, value, backingDevice, sizeSectors, quorum, open, openForWrite,
                alSuspended, upperBlocked, lowerBlocked, congestion, stats);
    }

    /** Returns a copy with other I/O flags. */
    public DeviceState withIoFlags(boolean alSuspendedValue, boolean upperBlockedValue, boolean lowerBlockedValue,
                                   Congestion congestionValue) {
        return new DeviceState(volume, minor, disk, client, backingDevice, sizeSectors, quorum, open, openForWrite,
                alSuspendedValue, upperBlockedValue, lowerBlockedValue, congestionValue, stats);
    }

    /** Returns a copy with other counters. */
    public DeviceState withStats(DeviceStats value) {
        return new DeviceState(volume, minor, disk, client, backingDevice, sizeSectors, quorum, open, openForWrite,
                alSuspended, upperBlocked, lowerBlocked, congestion, value);
    }
}
