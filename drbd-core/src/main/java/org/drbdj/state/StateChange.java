package org.drbdj.state;

import java.util.List;
import java.util.Objects;

/**
 * A requested change of a resource's state: a list of field assignments ({@link Edit}s) plus how it
 * was caused. It is data, not code, so that it can later be sent to the peers for a cluster-wide
 * two-phase commit (DRBD's {@code P_TWOPC_PREPARE} / 8.4's {@code P_STATE_CHG_REQ} carry exactly
 * such mask/value pairs).
 *
 * <p>The lifecycle is: request → {@link StateRules local validation} → peer agreement (later;
 * {@link PeerAgreement}) → commit, run by {@link ResourceStateMachine}.
 *
 * @param description what the change is for, for logs ("primary", "detach", "connection lost")
 * @param cause       whether an operator asked for it (may be refused) or it is a fact (cannot be)
 * @param force       the operator's {@code --force} (e.g. {@code primary --force}, {@code secondary --force})
 * @param edits       the field assignments, applied in order
 */
public record StateChange(String description, Cause cause, boolean force, List<Edit> edits) {

    /**
     * How a change came about. DRBD calls these soft and hard transitions: a soft one is
     * voluntary and DRBD may decline it with an {@code SS_*} code; a hard one is imposed by the
     * environment (disk broke, network broke) and is only checked against the transition tables.
     */
    public enum Cause {
        /** Requested by an operator or a policy (promote, detach, disconnect); validated by {@link StateRules}. */
        REQUEST,
        /** An observed fact (I/O error, connection loss, peer report, resync finished); only the tables apply. */
        FACT
    }

    public StateChange {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(cause, "cause");
        edits = List.copyOf(edits);
        if (edits.isEmpty()) {
            throw new IllegalArgumentException("state change '" + description + "' has no edits");
        }
    }

    /** {@code drbdadm primary [--force]}. */
    public static StateChange promote(boolean force) {
        return new StateChange(force ? "primary --force" : "primary", Cause.REQUEST, force,
                List.of(new SetRole(Role.PRIMARY)));
    }

    /** {@code drbdadm secondary [--force]}. */
    public static StateChange demote(boolean force) {
        return new StateChange(force ? "secondary --force" : "secondary", Cause.REQUEST, force,
                List.of(new SetRole(Role.SECONDARY)));
    }

    /** DRBD 9's auto-promote: the first write (or open for write) of a Secondary's device. */
    public static StateChange autoPromote() {
        return new StateChange("auto-promote", Cause.REQUEST, false, List.of(new SetRole(Role.PRIMARY)));
    }

    /** DRBD 9's demotion on last close of an auto-promoted device. */
    public static StateChange autoDemote() {
        return new StateChange("auto-demote", Cause.REQUEST, false, List.of(new SetRole(Role.SECONDARY)));
    }

    /** An operator request with the given edits. */
    public static StateChange request(String description, Edit... edits) {
        return new StateChange(description, Cause.REQUEST, false, List.of(edits));
    }

    /** A fact with the given edits. */
    public static StateChange fact(String description, Edit... edits) {
        return new StateChange(description, Cause.FACT, false, List.of(edits));
    }

    /**
     * Applies the edits to a snapshot, without any validation.
     *
     * @throws IllegalArgumentException if an edit names a volume or peer the resource does not have
     */
    public ResourceState applyTo(ResourceState state) {
        ResourceState s = state;
        for (Edit e : edits) {
            s = e.applyTo(s);
        }
        return s;
    }

    /** One field assignment. */
    public sealed interface Edit permits SetRole, SetSuspension, SetForceIoFailures, SetDisk, SetOpen, SetQuorum,
            SetConnection, SetPeerRole, SetReplication, SetPeerDisk, SetResyncSuspension {
        /** Applies this edit. */
        ResourceState applyTo(ResourceState s);
    }

    /** Sets the local role. */
    public record SetRole(Role role) implements Edit {
        public ResourceState applyTo(ResourceState s) {
            return s.withRole(role);
        }
    }

    /** Sets the suspension reasons. */
    public record SetSuspension(Suspension suspension) implements Edit {
        public ResourceState applyTo(ResourceState s) {
            return s.withSuspension(suspension);
        }
    }

    /** Sets force-io-failures. */
    public record SetForceIoFailures(boolean value) implements Edit {
        public ResourceState applyTo(ResourceState s) {
            return s.withForceIoFailures(value);
        }
    }

    /** Sets a volume's local disk state. */
    public record SetDisk(int volume, DiskState disk) implements Edit {
        public ResourceState applyTo(ResourceState s) {
            return s.withDevice(device(s, volume).withDisk(disk));
        }
    }

    /** Sets a volume's open flags (a fact reported by the device layer). */
    public record SetOpen(int volume, boolean open, boolean forWrite) implements Edit {
        public ResourceState applyTo(ResourceState s) {
            return s.withDevice(device(s, volume).withOpen(open, forWrite));
        }
    }

    /** Sets a volume's quorum flag. */
    public record SetQuorum(int volume, boolean quorum) implements Edit {
        public ResourceState applyTo(ResourceState s) {
            return s.withDevice(device(s, volume).withQuorum(quorum));
        }
    }

    /** Sets a connection's state; dropping below Connected also resets its replication states to Off
     *  and the peer's role and disks to Unknown/DUnknown, as DRBD does on connection loss. */
    public record SetConnection(int peerNodeId, ConnectionState connection) implements Edit {
        public ResourceState applyTo(ResourceState s) {
            PeerState p = peer(s, peerNodeId).withConnection(connection);
            if (connection != ConnectionState.CONNECTED) {
                p = p.withPeerRole(Role.UNKNOWN);
                for (PeerDeviceState pd : p.peerDevices()) {
                    p = p.withPeerDevice(pd.withReplication(ReplicationState.OFF).withPeerDisk(DiskState.DUNKNOWN)
                            .withResync(null));
                }
            }
            return s.withPeer(p);
        }
    }

    /** Sets the peer's role as the peer reported it. */
    public record SetPeerRole(int peerNodeId, Role role) implements Edit {
        public ResourceState applyTo(ResourceState s) {
            return s.withPeer(peer(s, peerNodeId).withPeerRole(role));
        }
    }

    /** Sets one volume's replication state towards a peer. */
    public record SetReplication(int peerNodeId, int volume, ReplicationState replication) implements Edit {
        public ResourceState applyTo(ResourceState s) {
            PeerState p = peer(s, peerNodeId);
            return s.withPeer(p.withPeerDevice(peerDevice(p, volume).withReplication(replication)));
        }
    }

    /** Sets one volume's peer disk state as the peer reported it. */
    public record SetPeerDisk(int peerNodeId, int volume, DiskState disk) implements Edit {
        public ResourceState applyTo(ResourceState s) {
            PeerState p = peer(s, peerNodeId);
            return s.withPeer(p.withPeerDevice(peerDevice(p, volume).withPeerDisk(disk)));
        }
    }

    /** Sets why a resync with a peer is paused. */
    public record SetResyncSuspension(int peerNodeId, int volume, ResyncSuspension value) implements Edit {
        public ResourceState applyTo(ResourceState s) {
            PeerState p = peer(s, peerNodeId);
            return s.withPeer(p.withPeerDevice(peerDevice(p, volume).withResyncSuspended(value)));
        }
    }

    static DeviceState device(ResourceState s, int volume) {
        DeviceState d = s.device(volume);
        if (d == null) {
            throw new IllegalArgumentException("resource " + s.name() + " has no volume " + volume);
        }
        return d;
    }

    static PeerState peer(ResourceState s, int peerNodeId) {
        PeerState p = s.peer(peerNodeId);
        if (p == null) {
            throw new IllegalArgumentException("resource " + s.name() + " has no connection to node " + peerNodeId);
        }
        return p;
    }

    static PeerDeviceState peerDevice(PeerState p, int volume) {
        PeerDeviceState pd = p.peerDevice(volume);
        if (pd == null) {
            throw new IllegalArgumentException("connection to node " + p.peerNodeId() + " has no volume " + volume);
        }
        return pd;
    }
}
