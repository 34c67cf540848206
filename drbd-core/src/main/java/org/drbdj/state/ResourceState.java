package org.drbdj.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Immutable snapshot of one resource on this node: the contract between the daemon's state machine
 * ({@link ResourceStateMachine}) and the status renderers ({@code org.drbdj.status}), and what travels
 * over the control socket to {@code drbdadm}. Plain records and enums only, so any serialiser can
 * carry it.
 *
 * @param name            resource name
 * @param nodeId          this node's id in the resource, or -1 if not configured
 * @param role            this node's role (Primary or Secondary)
 * @param suspension      why I/O is suspended
 * @param forceIoFailures {@code secondary --force} is failing all I/O ({@code force-io-failures:})
 * @param writeOrdering   write ordering method in use
 * @param devices         the volumes, sorted by volume
 * @param peers           the connections, sorted by peer node id
 */
public record ResourceState(String name, int nodeId, Role role, Suspension suspension, boolean forceIoFailures,
                            WriteOrdering writeOrdering, List<DeviceState> devices, List<PeerState> peers) {
    public ResourceState {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("resource name must not be empty");
        }
        if (nodeId < -1 || nodeId > PeerState.MAX_NODE_ID) {
            throw new IllegalArgumentException("node id " + nodeId + " out of range -1.." + PeerState.MAX_NODE_ID);
        }
        Objects.requireNonNull(role, "role");
        if (role == Role.UNKNOWN) {
            throw new IllegalArgumentException("the local role of resource " + name + " cannot be Unknown");
        }
        Objects.requireNonNull(suspension, "suspension");
        Objects.requireNonNull(writeOrdering, "writeOrdering");
        List<DeviceState> ds = new ArrayList<>(devices);
        ds.sort((a, b) -> Integer.compare(a.volume(), b.volume()));
        for (int i = 1; i < ds.size(); i++) {
            if (ds.get(i).volume() == ds.get(i - 1).volume()) {
                throw new IllegalArgumentException("duplicate volume " + ds.get(i).volume() + " in resource " + name);
            }
        }
        devices = List.copyOf(ds);
        List<PeerState> ps = new ArrayList<>(peers);
        ps.sort((a, b) -> Integer.compare(a.peerNodeId(), b.peerNodeId()));
        for (int i = 0; i < ps.size(); i++) {
            if (ps.get(i).peerNodeId() == nodeId) {
                throw new IllegalArgumentException("resource " + name + " has a connection to its own node id " + nodeId);
            }
            if (i > 0 && ps.get(i).peerNodeId() == ps.get(i - 1).peerNodeId()) {
                throw new IllegalArgumentException("duplicate peer node id " + ps.get(i).peerNodeId() + " in resource " + name);
            }
        }
        peers = List.copyOf(ps);
    }

    /** A freshly created resource ({@code new-resource}): Secondary, no devices, no connections. */
    public static ResourceState created(String name, int nodeId) {
        return new ResourceState(name, nodeId, Role.SECONDARY, Suspension.NONE, false, WriteOrdering.FLUSH,
                List.of(), List.of());
    }

    /** The device of a volume, or {@code null}. */
    public DeviceState device(int volume) {
        for (DeviceState d : devices) {
            if (d.volume() == volume) {
                return d;
            }
        }
        return null;
    }

    /** The connection to a peer node, or {@code null}. */
    public PeerState peer(int peerNodeId) {
        for (PeerState p : peers) {
            if (p.peerNodeId() == peerNodeId) {
                return p;
            }
        }
        return null;
    }

    /** Returns a copy with another role. */
    public ResourceState withRole(Role value) {
        return new ResourceState(name, nodeId, value, suspension, forceIoFailures, writeOrdering, devices, peers);
    }

    /** Returns a copy with other suspension reasons. */
    public ResourceState withSuspension(Suspension value) {
        return new ResourceState(name, nodeId, role, value, forceIoFailures, writeOrdering, devices, peers);
    }

    /** Returns a copy with another force-io-failures flag. */
    public ResourceState withForceIoFailures(boolean value) {
        return new ResourceState(name, nodeId, role, suspension, value, writeOrdering, devices, peers);
    }

    /** Returns a copy with another write ordering. */
    public ResourceState withWriteOrdering(WriteOrdering value) {
        return new ResourceState(name, nodeId, role, suspension, forceIoFailures, value, devices, peers);
    }

    /** Returns a copy with the device of the same volume replaced (or added). */
    public ResourceState withDevice(DeviceState device) {
        List<DeviceState> list = new ArrayList<>(devices);
        list.removeIf(d -> d.volume() == device.volume());
        list.add(device);
        return new ResourceState(name, nodeId, role, suspension, forceIoFailures, writeOrdering, list, peers);
    }

    /** Returns a copy without the device of a volume. */
    public ResourceState withoutDevice(int volume) {
        List<DeviceState> list = new ArrayList<>(devices);
        list.removeIf(d -> d.volume() == volume);
        return new ResourceState(name, nodeId, role, suspension, forceIoFailures, writeOrdering, list, peers);
    }

    /** Returns a copy with the connection to the same peer replaced (or added). */
    public ResourceState withPeer(PeerState peer) {
        List<PeerState> list = new ArrayList<>(peers);
        list.removeIf(p -> p.peerNodeId() == peer.peerNodeId());
        list.add(peer);
        return new ResourceState(name, nodeId, role, suspension, forceIoFailures, writeOrdering, devices, list);
    }

    /** Returns a copy without the connection to a peer. */
    public ResourceState withoutPeer(int peerNodeId) {
        List<PeerState> list = new ArrayList<>(peers);
        list.removeIf(p -> p.peerNodeId() == peerNodeId);
        return new ResourceState(name, nodeId, role, suspension, forceIoFailures, writeOrdering, devices, list);
    }
}
