package org.drbdj.daemon;

import java.io.IOException;
import org.drbdj.device.OpenWatcher;
import org.drbdj.meta.MdFlags;
import org.drbdj.state.AutoPromotion;
import org.drbdj.state.DiskState;
import org.drbdj.state.ResourceState;
import org.drbdj.state.Role;
import org.drbdj.state.StateChange;
import org.drbdj.state.StateChangeResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Role changes of a resource and what goes with them: the meta-data flags and new generation
 * UUID of a promotion, the cache and disk flushes of a demotion, and each device's read-only
 * flag. Shared by {@code drbdadm primary/secondary} and auto-promote; runs on the admin thread.
 */
final class RoleChanges {
    private static final Logger LOG = LoggerFactory.getLogger(RoleChanges.class);

    private volatile OpenWatcher openWatcher = OpenWatcher.unavailable("not started");

    void useWatcher(OpenWatcher watcher) {
        this.openWatcher = watcher;
    }

    OpenWatcher watcher() {
        return openWatcher;
    }

    /** Runs a promotion ({@code primary}, {@code primary --force}, auto-promote). */
    StateChangeResult promote(Resource res, StateChange change) throws IOException {
        ResourceState before = res.state.current();
        StateChangeResult result = res.state.request(change);
        if (!result.isSuccess() || before.role() == Role.PRIMARY) {
            return result;
        }
        for (Resource.Minor m : res.minorsByVnr.values()) {
            if (m.volume == null) {
                continue;
            }
            VolumeMetaData meta = m.volume.meta();
            if (res.state.current().device(m.vnr).disk() == DiskState.UP_TO_DATE) {
                meta.updateFlags(MdFlags.CONSISTENT | MdFlags.WAS_UP_TO_DATE, 0);
            }
            meta.updateFlags(MdFlags.PRIMARY_IND, 0);
            // Promoted without a connected peer: a new data generation starts (DRBD 8.4 rule).
            meta.newCurrentUuid(true);
            applyDeviceAccess(res, m);
        }
        return result;
    }

    /**
     * Runs a demotion ({@code secondary}, auto-demote). Refused like DRBD while a device is
     * mounted, has holders or is open for writing by a process we saw opening it.
     */
    StateChangeResult demote(Resource res, StateChange change) throws IOException {
        boolean anyHeld = false;
        for (Resource.Minor m : res.minorsByVnr.values()) {
            boolean held = held(m);
            anyHeld |= held;
            res.state.updateFacts(s -> s.withDevice(s.device(m.vnr).withOpen(held, held)));
        }
        if (!anyHeld && res.state.current().role() == Role.PRIMARY) {
            // Dirty pages written back after the demotion would hit a Secondary: write them now.
            for (Resource.Minor m : res.minorsByVnr.values()) {
                if (m.device != null) {
                    m.device.flushCaches();
                }
            }
        }
        StateChangeResult result = res.state.request(change);
        if (!result.isSuccess()) {
            return result;
        }
        for (Resource.Minor m : res.minorsByVnr.values()) {
            if (m.volume != null) {
                m.volume.device().flush();
                m.volume.meta().updateFlags(0, MdFlags.PRIMARY_IND);
            }
            applyDeviceAccess(res, m);
        }
        return result;
    }

    /**
     * True when the minor's device is mounted, has holders, or a process we saw opening it for
     * writing still holds it so: what DRBD counts as "held open" for a demotion.
     */
    boolean held(Resource.Minor m) throws IOException {
        if (m.device == null) {
            return false;
        }
        // Tracked writers first: isInUse ends with an exclusive-open probe, best left for when all else is free.
        return !openWatcher.writers(m.minor).isEmpty() || m.device.isInUse();
    }

    /** Sets the device's read-only flag for the current role and auto-promote setting, if it changes. */
    void applyDeviceAccess(Resource res, Resource.Minor m) throws IOException {
        if (m.device == null) {
            return;
        }
        boolean readOnly = AutoPromotion.readOnlyFlag(res.state.current().role(), res.autoPromote.enabled());
        // Only on a change: the flag call also flushes the device's caches, which must not run
        // while the write that triggered an auto-promotion is waiting in that very cache.
        if (m.readOnlyFlag == null || m.readOnlyFlag != readOnly) {
            m.device.setReadOnly(readOnly);
            m.readOnlyFlag = readOnly;
            LOG.debug("{}/{}: /dev/drbd{} read-only flag {}", res.name, m.vnr, m.minor, readOnly ? "set" : "cleared");
        }
    }
}
