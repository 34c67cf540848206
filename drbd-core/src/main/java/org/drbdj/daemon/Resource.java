package org.drbdj.daemon;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.drbdj.control.RunningResource;
import org.drbdj.device.AttachedDevice;
import org.drbdj.state.DeviceState;
import org.drbdj.state.PeerDeviceState;
import org.drbdj.state.PeerState;
import org.drbdj.state.ResourcePolicy;
import org.drbdj.state.ResourceState;
import org.drbdj.state.ResourceStateMachine;

/**
 * One resource in drbdd: its state machine, its minors and the settings it was given. Structure
 * and settings are changed only by the resource manager's admin thread; the state snapshot is
 * read from anywhere.
 */
final class Resource {
    /** A minor of this resource: the volume when a disk is attached, the device node when made. */
    static final class Minor {
        final int vnr;
        final int minor;
        Volume volume;
        AttachedDevice device;
        /** The attach settings (devices, meta-data placement, disk options) while a disk is attached. */
        RunningResource.Disk disk;
        /** The read-only flag last set on the device, or null before the first setting. */
        Boolean readOnlyFlag;

        Minor(int vnr, int minor) {
            this.vnr = vnr;
            this.minor = minor;
        }
    }

    final String name;
    final ResourceStateMachine state;
    final Map<Integer, Minor> minorsByVnr = new TreeMap<>();
    /** Resource options and, under {@code handler.NAME}, the handler commands. */
    Map<String, String> resourceOptions;
    /** The connect request's settings (addresses, net options) while configured. */
    Optional<RunningResource.Connection> connection = Optional.empty();
    /** Read by the NBD threads on every I/O of a Secondary, hence volatile. */
    volatile AutoPromoteOptions autoPromote;
    /** The current Primary role came from auto-promote (not from drbdadm primary): demote on release. */
    boolean autoPromoted;
    /** When the last refused auto-promotion was logged, so a mount's retries do not flood the log. */
    long lastRefusalLogNs;

    /** @throws IllegalArgumentException when the auto-promote options are invalid */
    Resource(String name, Map<String, String> resourceOptions, ResourcePolicy policy) {
        this.name = name;
        this.resourceOptions = resourceOptions;
        this.autoPromote = AutoPromoteOptions.of(resourceOptions);
        this.state = new ResourceStateMachine(ResourceState.created(name, 0), policy, System::nanoTime,
                org.drbdj.state.PeerAgreement.LOCAL_ONLY);
    }

    /**
     * The state with the volumes' live counters laid over it (I/O and meta-data counters, the
     * bitmap's out-of-sync amount towards each peer): what status, events2 and the status file
     * show. Counters are not state transitions, so they stay out of the state machine's facts and
     * never make events2 change lines by themselves.
     */
    ResourceState withCounters() {
        ResourceState s = state.current();
        for (Minor m : minorsByVnr.values()) {
            Volume v = m.volume;
            DeviceState d = s.device(m.vnr);
            if (v == null || d == null) {
                continue;
            }
            s = s.withDevice(d.withStats(v.stats()));
            long oos = v.outOfSyncSectors();
            for (PeerState p : s.peers()) {
                PeerDeviceState pd = p.peerDevice(m.vnr);
                if (pd != null) {
                    s = s.withPeer(p.withPeerDevice(pd.withStats(pd.stats().withOutOfSyncSectors(oos))));
                }
            }
        }
        return s;
    }

    Optional<Minor> byMinor(int minor) {
        return minorsByVnr.values().stream().filter(m -> m.minor == minor).findFirst();
    }

    /** The settings as {@code show} reports them. */
    RunningResource running() {
        Map<String, String> options = new TreeMap<>();
        Map<String, String> handlers = new TreeMap<>();
        resourceOptions.forEach((k, v) -> {
            if (k.startsWith(HandlerRunner.OPTION_PREFIX)) {
                handlers.put(k.substring(HandlerRunner.OPTION_PREFIX.length()), v);
            } else {
                options.put(k, v);
            }
        });
        List<RunningResource.Volume> volumes = new ArrayList<>();
        for (Minor m : minorsByVnr.values()) {
            volumes.add(new RunningResource.Volume(m.vnr, m.minor, Optional.ofNullable(m.disk)));
        }
        return new RunningResource(name, options, handlers, volumes, connection);
    }
}
