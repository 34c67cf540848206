package org.drbdj.daemon;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.drbdj.device.AttachedDevice;
import org.drbdj.state.ResourcePolicy;
import org.drbdj.state.ResourceState;
import org.drbdj.state.ResourceStateMachine;

/**
 * One resource in drbdd: its state machine and its minors. Structure (minors, disks, devices) is
 * changed only by the resource manager's admin thread; the state snapshot is read from anywhere.
 */
final class Resource {
    /** A minor of this resource: the volume when a disk is attached, the device node when made. */
    static final class Minor {
        final int vnr;
        final int minor;
        Volume volume;
        AttachedDevice device;
        /** The read-only flag last set on the device, or null before the first setting. */
        Boolean readOnlyFlag;
        Map<String, String> diskOptions = Map.of();

        Minor(int vnr, int minor) {
            this.vnr = vnr;
            this.minor = minor;
        }
    }

    final String name;
    final ResourceStateMachine state;
    final Map<Integer, Minor> minorsByVnr = new TreeMap<>();
    Map<String, String> resourceOptions;
    /** Read by the NBD threads on every I/O of a Secondary, hence volatile. */
    volatile AutoPromoteOptions autoPromote;
    /** The current Primary role came from auto-promote (not from drbdadm primary): demote on release. */
    boolean autoPromoted;
    /** When the last refused auto-promotion was logged, so a mount's retries do not flood the log. */
    long lastRefusalLogNs;
    /** The connect request's settings (peer addresses, net options) while configured. */
    Optional<Map<String, String>> net = Optional.empty();

    /** @throws IllegalArgumentException when the auto-promote options are invalid */
    Resource(String name, Map<String, String> resourceOptions, ResourcePolicy policy) {
        this.name = name;
        this.resourceOptions = resourceOptions;
        this.autoPromote = AutoPromoteOptions.of(resourceOptions);
        this.state = new ResourceStateMachine(ResourceState.created(name, 0), policy, System::nanoTime,
                org.drbdj.state.PeerAgreement.LOCAL_ONLY);
    }

    Optional<Minor> byMinor(int minor) {
        return minorsByVnr.values().stream().filter(m -> m.minor == minor).findFirst();
    }
}
