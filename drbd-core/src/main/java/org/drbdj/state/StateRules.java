package org.drbdj.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Local validation of a proposed state change, after DRBD 9's {@code is_valid_soft_transition} and
 * {@code is_valid_transition} ({@code drbd_state.c}): operator requests are refused with DRBD's
 * {@code SS_*} code and message; every change, request or fact, must follow the per-dimension
 * {@link TransitionTable}s, or it is a bug and throws {@link IllegalStateTransitionException}.
 *
 * <p>Like DRBD, the soft rules compare old and new state: a request is refused only if it makes
 * things worse in the checked respect (a Primary that has already lost access to its data may
 * still be changed in other ways).
 */
public final class StateRules {
    private StateRules() {
    }

    /**
     * Applies a change to the current snapshot, including the side effects of {@code --force}:
     * {@code primary --force} makes the local data of every volume that has a disk but no access to
     * UpToDate data UpToDate (DRBD's "overwrite-data-of-peer"); {@code secondary --force} sets
     * force-io-failures while any volume is open.
     */
    public static ResourceState propose(ResourceState current, StateChange change) {
        ResourceState proposed = change.applyTo(current);
        if (change.force() && current.role() != Role.PRIMARY && proposed.role() == Role.PRIMARY) {
            for (DeviceState d : proposed.devices()) {
                if (d.disk().hasData() && d.disk() != DiskState.UP_TO_DATE && !dataAccessible(proposed, d.volume())) {
                    proposed = proposed.withDevice(d.withDisk(DiskState.UP_TO_DATE));
                }
            }
        }
        if (change.force() && current.role() == Role.PRIMARY && proposed.role() == Role.SECONDARY) {
            boolean anyOpen = proposed.devices().stream().anyMatch(DeviceState::openForWrite);
            if (anyOpen) {
                proposed = proposed.withForceIoFailures(true);
            }
        }
        return proposed;
    }

    /**
     * Validates {@code old -> proposed}.
     *
     * @return empty if the change may proceed, else the refusal
     * @throws IllegalStateTransitionException if a state field changes along an edge its table lacks
     */
    public static Optional<StateChangeResult> validate(ResourceState old, ResourceState proposed, StateChange change,
                                                       ResourcePolicy policy) {
        if (change.cause() == StateChange.Cause.REQUEST) {
            Optional<StateChangeResult> soft = soft(old, proposed, change, policy);
            if (soft.isPresent()) {
                return soft;
            }
        }
        checkTables(old, proposed);
        return Optional.empty();
    }

    /** Checks every state dimension of every object present in both snapshots against its table. */
    public static void checkTables(ResourceState old, ResourceState proposed) {
        Role.TRANSITIONS.check(old.role(), proposed.role());
        for (DeviceState nd : proposed.devices()) {
            DeviceState od = old.device(nd.volume());
            if (od != null) {
                DiskState.TRANSITIONS.check(od.disk(), nd.disk());
            }
        }
        for (PeerState np : proposed.peers()) {
            PeerState op = old.peer(np.peerNodeId());
            if (op == null) {
                continue;
            }
            ConnectionState.TRANSITIONS.check(op.connection(), np.connection());
            for (PeerDeviceState npd : np.peerDevices()) {
                PeerDeviceState opd = op.peerDevice(npd.volume());
                if (opd != null) {
                    ReplicationState.TRANSITIONS.check(opd.replication(), npd.replication());
                }
            }
        }
    }

    /**
     * DRBD's {@code drbd_data_accessible}: the volume can reach UpToDate data, locally or through
     * a peer it replicates with.
     */
    public static boolean dataAccessible(ResourceState s, int volume) {
        DeviceState d = s.device(volume);
        if (d != null && d.disk() == DiskState.UP_TO_DATE) {
            return true;
        }
        for (PeerState p : s.peers()) {
            PeerDeviceState pd = p.peerDevice(volume);
            if (pd != null && pd.replication().code() >= ReplicationState.ESTABLISHED.code()
                    && pd.peerDisk() == DiskState.UP_TO_DATE) {
                return true;
            }
        }
        return false;
    }

    private static Optional<StateChangeResult> soft(ResourceState old, ResourceState nu, StateChange change,
                                                    ResourcePolicy policy) {
        boolean promoting = old.role() != Role.PRIMARY && nu.role() == Role.PRIMARY;
        boolean demoting = old.role() == Role.PRIMARY && nu.role() == Role.SECONDARY;

        if (promoting && !policy.allowTwoPrimaries()) {
            for (PeerState p : nu.peers()) {
                if (p.peerRole() == Role.PRIMARY) {
                    return refuse(StateChangeError.TWO_PRIMARIES, "peer " + describe(p) + " is Primary");
                }
            }
        }
        if (promoting && nu.forceIoFailures()) {
            return refuse(StateChangeError.DEVICE_IN_USE, "I/O is still being failed after 'secondary --force'");
        }

        for (PeerState np : nu.peers()) {
            PeerState op = old.peer(np.peerNodeId());
            if (op == null) {
                continue;
            }
            ConnectionState oc = op.connection();
            ConnectionState nc = np.connection();
            if (oc != nc) {
                if (nc == ConnectionState.DISCONNECTING && oc == ConnectionState.STAND_ALONE) {
                    return refuse(StateChangeError.ALREADY_STANDALONE, "");
                }
                if (nc == ConnectionState.CONNECTING && oc.code() < ConnectionState.UNCONNECTED.code()) {
                    return refuse(StateChangeError.NO_NET_CONFIG, "");
                }
                if (nc == ConnectionState.DISCONNECTING && oc == ConnectionState.UNCONNECTED) {
                    return refuse(StateChangeError.IN_TRANSIENT_STATE, "");
                }
                if (oc == ConnectionState.STAND_ALONE && nc != ConnectionState.UNCONNECTED) {
                    return refuse(StateChangeError.NEED_CONNECTION, "");
                }
                if ((oc.isNetworkError() && nc != ConnectionState.UNCONNECTED && nc != ConnectionState.DISCONNECTING)
                        || (oc == ConnectionState.DISCONNECTING && nc != ConnectionState.STAND_ALONE)) {
                    return refuse(StateChangeError.IN_TRANSIENT_STATE, "");
                }
            }
            if (np.peerRole() == Role.PRIMARY && op.peerRole() != Role.PRIMARY && !policy.allowTwoPrimaries()
                    && nu.role() == Role.PRIMARY) {
                return refuse(StateChangeError.TWO_PRIMARIES, "");
            }
        }

        for (DeviceState nd : nu.devices()) {
            DeviceState od = old.device(nd.volume());
            if (od == null) {
                continue;
            }
            DiskState o = od.disk();
            DiskState n = nd.disk();
            int vol = nd.volume();

            if (demoting && nd.openForWrite() && !change.force()) {
                return refuse(StateChangeError.DEVICE_IN_USE, "/dev/drbd" + nd.minor() + " is open for writing");
            }
            if (o == DiskState.DISKLESS && n != o
                    && (n.code() > DiskState.ATTACHING.code() || n == DiskState.FAILED || n == DiskState.DETACHING)) {
                return refuse(StateChangeError.IS_DISKLESS, "volume " + vol + " has no disk");
            }
            if (n == DiskState.OUTDATED && o.code() < DiskState.OUTDATED.code()
                    && o != DiskState.ATTACHING && o != DiskState.NEGOTIATING) {
                return refuse(StateChangeError.LOWER_THAN_OUTDATED, "volume " + vol + " is " + o);
            }
            if (o.code() > DiskState.OUTDATED.code() && n == DiskState.OUTDATED && anyReplicating(nu, vol)) {
                return refuse(StateChangeError.CONNECTED_OUTDATES, "");
            }
            boolean oldAccess = dataAccessible(old, vol);
            boolean newAccess = dataAccessible(nu, vol);
            if (!(old.role() == Role.PRIMARY && !oldAccess) && nu.role() == Role.PRIMARY && !newAccess) {
                return refuse(StateChangeError.NO_UP_TO_DATE_DISK, promoting
                        ? "volume " + vol + " is " + n + " and no connected peer is UpToDate; use 'primary --force' to"
                          + " make this node's data UpToDate"
                        : "volume " + vol + " would lose its last UpToDate data while Primary");
            }
            if ((old.role() == Role.SECONDARY || od.quorum()) && promoting && !nd.quorum()) {
                return refuse(StateChangeError.NO_QUORUM, "volume " + vol + " has no quorum");
            }

            for (PeerState np : nu.peers()) {
                PeerState op = old.peer(np.peerNodeId());
                PeerDeviceState npd = np.peerDevice(vol);
                PeerDeviceState opd = op == null ? null : op.peerDevice(vol);
                if (npd == null || opd == null) {
                    continue;
                }
                ReplicationState or = opd.replication();
                ReplicationState nr = npd.replication();
                if (policy.fencing() != ResourcePolicy.Fencing.DONT_CARE
                        && !(old.role() == Role.PRIMARY && below(or, ReplicationState.ESTABLISHED)
                             && !atMostOutdated(opd.peerDisk()))
                        && nu.role() == Role.PRIMARY && below(nr, ReplicationState.ESTABLISHED)
                        && !atMostOutdated(npd.peerDisk())) {
                    return refuse(StateChangeError.PRIMARY_NOP, "peer " + describe(np) + " is not known to be Outdated");
                }
                if (!(above(or, ReplicationState.ESTABLISHED) && o.code() < DiskState.INCONSISTENT.code())
                        && above(nr, ReplicationState.ESTABLISHED) && n.code() < DiskState.INCONSISTENT.code()) {
                    return refuse(StateChangeError.NO_LOCAL_DISK, "");
                }
                if (!(above(or, ReplicationState.ESTABLISHED) && opd.peerDisk().code() < DiskState.INCONSISTENT.code())
                        && above(nr, ReplicationState.ESTABLISHED) && npd.peerDisk().code() < DiskState.INCONSISTENT.code()) {
                    return refuse(StateChangeError.NO_REMOTE_DISK, "");
                }
                if (!or.isVerify() && nr.isVerify()) {
                    if (!policy.verifyAlgConfigured()) {
                        return refuse(StateChangeError.NO_VERIFY_ALG, "");
                    }
                    if (below(or, ReplicationState.ESTABLISHED)) {
                        return refuse(StateChangeError.NEED_CONNECTION, "");
                    }
                    if (above(or, ReplicationState.ESTABLISHED)) {
                        return refuse(StateChangeError.RESYNC_RUNNING, "");
                    }
                }
                if (nr != or && (nr == ReplicationState.STARTING_SYNC_S || nr == ReplicationState.STARTING_SYNC_T)) {
                    if (above(or, ReplicationState.ESTABLISHED)) {
                        return refuse(StateChangeError.RESYNC_RUNNING, "");
                    }
                    if (below(or, ReplicationState.ESTABLISHED)) {
                        return refuse(StateChangeError.NEED_CONNECTION, "");
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static boolean anyReplicating(ResourceState s, int volume) {
        for (PeerState p : s.peers()) {
            PeerDeviceState pd = p.peerDevice(volume);
            if (pd != null && pd.replication().code() >= ReplicationState.ESTABLISHED.code()) {
                return true;
            }
        }
        return false;
    }

    private static boolean below(ReplicationState r, ReplicationState than) {
        return r.code() < than.code();
    }

    private static boolean above(ReplicationState r, ReplicationState than) {
        return r.code() > than.code();
    }

    private static boolean atMostOutdated(DiskState d) {
        return d.code() <= DiskState.OUTDATED.code();
    }

    private static String describe(PeerState p) {
        return p.connectionName().isEmpty() ? "node-id " + p.peerNodeId() : p.connectionName();
    }

    private static Optional<StateChangeResult> refuse(StateChangeError error, String detail) {
        return Optional.of(StateChangeResult.refused(error, detail));
    }

    /** The names of all objects whose state differs between two snapshots, for logs. */
    static List<String> differences(ResourceState a, ResourceState b) {
        List<String> out = new ArrayList<>();
        if (a.role() != b.role()) {
            out.add("role " + a.role() + " -> " + b.role());
        }
        for (DeviceState nd : b.devices()) {
            DeviceState od = a.device(nd.volume());
            if (od != null && od.disk() != nd.disk()) {
                out.add("volume " + nd.volume() + " disk " + od.disk() + " -> " + nd.disk());
            }
        }
        for (PeerState np : b.peers()) {
            PeerState op = a.peer(np.peerNodeId());
            if (op != null && op.connection() != np.connection()) {
                out.add(describe(np) + " connection " + op.connection() + " -> " + np.connection());
            }
            if (op != null && op.peerRole() != np.peerRole()) {
                out.add(describe(np) + " role " + op.peerRole() + " -> " + np.peerRole());
            }
            for (PeerDeviceState npd : np.peerDevices()) {
                PeerDeviceState opd = op == null ? null : op.peerDevice(npd.volume());
                if (opd != null && opd.replication() != npd.replication()) {
                    out.add(describe(np) + " volume " + npd.volume() + " replication " + opd.replication()
                            + " -> " + npd.replication());
                }
                if (opd != null && opd.peerDisk() != npd.peerDisk()) {
                    out.add(describe(np) + " volume " + npd.volume() + " peer-disk " + opd.peerDisk()
                            + " -> " + npd.peerDisk());
                }
            }
        }
        return out;
    }
}
