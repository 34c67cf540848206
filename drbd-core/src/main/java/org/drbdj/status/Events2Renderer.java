package org.drbdj.status;

import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.drbdj.state.DeviceState;
import org.drbdj.state.PathState;
import org.drbdj.state.PeerDeviceState;
import org.drbdj.state.PeerDeviceStats;
import org.drbdj.state.PeerState;
import org.drbdj.state.ResourceState;

/**
 * Renders DRBD 9's {@code events2} stream ({@code drbdsetup events2}, drbd-utils
 * {@code user/v9/drbdsetup_events2.c}) from snapshots. Like drbdsetup, which keeps the last state of
 * every object and prints what differs when a notification arrives, this class turns a pair of
 * snapshots into {@code create}/{@code change}/{@code destroy} lines:
 * <pre>
 * exists -
 * create resource name:r0 role:Secondary suspended:no force-io-failures:no may_promote:no promotion_score:0
 * change peer-device name:r0 peer-node-id:1 conn-name:bob volume:0 replication:SyncSource peer-disk:Inconsistent peer-client:no done:37.50
 * destroy resource name:r0
 * </pre>
 * A change line names the object and shows only the fields that changed (all of them with
 * {@code --full}; {@code old->new} with {@code --diff}). Objects appear in drbdsetup's order:
 * resource, connections, devices, then per connection its peer devices and paths; destroyed objects
 * last. The initial dump ({@link #exists}) has no path lines, as DRBD sends none. The exact expected
 * lines are drbd-utils' {@code tests/v9/events2-*.test}.
 *
 * <p>Two places where a plain diff would differ from DRBD: when a whole connection disappears between
 * two snapshots, its paths and peer devices get their own destroy lines first (the kernel always
 * destroys children with separate notifications), and {@code --diff} create lines for devices omit
 * {@code quorum:} exactly as drbd-utils 9.34 does.
 */
public final class Events2Renderer {
    private static final String UNKNOWN = "UNKNOWN";

    private final Events2Options options;

    /** A renderer with the given command-line options. */
    public Events2Renderer(Events2Options options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /**
     * The initial dump: {@code exists} lines for every object of every resource (sorted by name), then
     * the terminator {@code exists -}.
     *
     * @param at the time for {@code --timestamps}, or {@code null}
     */
    public List<String> exists(List<ResourceState> resources, ZonedDateTime at) {
        String prefix = prefix(at);
        List<String> out = new ArrayList<>();
        List<ResourceState> sorted = new ArrayList<>(resources);
        sorted.sort(Comparator.comparing(ResourceState::name));
        for (ResourceState r : sorted) {
            changes(out, prefix, "exists", null, r, false);
        }
        out.add(prefix + "exists -");
        return out;
    }

    /**
     * The lines for one committed change.
     *
     * @param before the previous snapshot, or {@code null} if the resource is new
     * @param after  the new snapshot, or {@code null} if the resource was removed
     * @param at     the time for {@code --timestamps}, or {@code null}
     */
    public List<String> diff(ResourceState before, ResourceState after, ZonedDateTime at) {
        if (before == null && after == null) {
            throw new IllegalArgumentException("diff needs at least one snapshot");
        }
        if (before != null && after != null && !before.name().equals(after.name())) {
            throw new IllegalArgumentException("cannot diff resource " + before.name() + " against " + after.name());
        }
        List<String> out = new ArrayList<>();
        String prefix = prefix(at);
        if (after == null) {
            ResourceState empty = new ResourceState(before.name(), before.nodeId(), before.role(),
                    before.suspension(), before.forceIoFailures(), before.writeOrdering(), List.of(), List.of());
            changes(out, prefix, "create", before, empty, false);
            out.add(prefix + "destroy resource name:" + before.name());
        } else {
            changes(out, prefix, "create", before, after, true);
        }
        return out;
    }

    /** A {@code call helper} line. */
    public String call(HelperEvent e, ZonedDateTime at) {
        return helper(e, false, 0, at);
    }

    /** A {@code response helper} line with the handler's exit status. */
    public String response(HelperEvent e, int status, ZonedDateTime at) {
        return helper(e, true, status, at);
    }

    /** The {@code --timestamps} prefix: {@code 2026-11-25T20:51:06.123456+00:00 } (empty without the option). */
    public String prefix(ZonedDateTime at) {
        if (!options.timestamps() || at == null) {
            return "";
        }
        int offset = at.getOffset().getTotalSeconds();
        // drbdsetup prints the hours with %+03d and the minutes of |offset|, so -00:30 shows as +00:30.
        return String.format(Locale.ROOT, "%04d-%02d-%02dT%02d:%02d:%02d.%06d%+03d:%02d ",
                at.getYear(), at.getMonthValue(), at.getDayOfMonth(), at.getHour(), at.getMinute(), at.getSecond(),
                at.getNano() / 1000, offset / 3600, (Math.abs(offset) / 60) % 60);
    }

    private String helper(HelperEvent e, boolean response, int status, ZonedDateTime at) {
        StringBuilder sb = new StringBuilder(prefix(at)).append(response ? "response" : "call").append(" helper");
        sb.append(" name:").append(e.resource());
        if (e.peerNodeId() != null) {
            sb.append(" peer-node-id:").append(e.peerNodeId());
        }
        if (e.connectionName() != null && !e.connectionName().isEmpty()) {
            sb.append(" conn-name:").append(e.connectionName());
        }
        if (e.localAddress() != null && e.peerAddress() != null) {
            sb.append(" local:").append(e.localAddress()).append(" peer:").append(e.peerAddress());
        }
        if (e.volume() != null) {
            sb.append(" volume:").append(e.volume());
        }
        if (e.minor() != null) {
            sb.append(" minor:").append(e.minor());
        }
        sb.append(" helper:").append(e.helper());
        if (response) {
            sb.append(" status:").append(Integer.toUnsignedString(status));
        }
        return sb.toString();
    }

    /** drbdsetup's {@code print_changes}. */
    private void changes(List<String> out, String prefix, String actionNew, ResourceState old, ResourceState nu,
                         boolean withPaths) {
        resource(out, prefix, actionNew, old, nu);
        for (PeerState nc : nu.peers()) {
            connection(out, prefix, actionNew, nu.name(), old == null ? null : old.peer(nc.peerNodeId()), nc);
        }
        for (DeviceState nd : nu.devices()) {
            device(out, prefix, actionNew, nu.name(), old == null ? null : old.device(nd.volume()), nd);
        }
        for (PeerState nc : nu.peers()) {
            PeerState oc = old == null ? null : old.peer(nc.peerNodeId());
            for (PeerDeviceState npd : nc.peerDevices()) {
                peerDevice(out, prefix, actionNew, nu, nc, oc == null ? null : oc.peerDevice(npd.volume()), npd);
            }
            if (withPaths) {
                for (PathState np : nc.paths()) {
                    path(out, prefix, actionNew, nu.name(), nc, oc == null ? null : findPath(oc, np), np);
                }
            }
            if (oc != null) {
                destroyChildren(out, prefix, nu.name(), oc, nc);
            }
        }
        if (old != null) {
            for (PeerState oc : old.peers()) {
                if (nu.peer(oc.peerNodeId()) == null) {
                    destroyChildren(out, prefix, nu.name(), oc, null);
                    out.add(prefix + "destroy connection name:" + nu.name() + " peer-node-id:" + oc.peerNodeId()
                            + " conn-name:" + oc.connectionName());
                }
            }
            for (DeviceState od : old.devices()) {
                if (nu.device(od.volume()) == null) {
                    out.add(prefix + "destroy device name:" + nu.name() + " volume:" + od.volume());
                }
            }
        }
    }

    private static void destroyChildren(List<String> out, String prefix, String name, PeerState oc, PeerState nc) {
        for (PathState op : oc.paths()) {
            if (nc == null || findPath(nc, op) == null) {
                out.add(prefix + "destroy path name:" + name + " peer-node-id:" + oc.peerNodeId() + " conn-name:"
                        + oc.connectionName() + " local:" + op.localAddress() + " peer:" + op.peerAddress());
            }
        }
        for (PeerDeviceState opd : oc.peerDevices()) {
            if (nc == null || nc.peerDevice(opd.volume()) == null) {
                out.add(prefix + "destroy peer-device name:" + name + " peer-node-id:" + oc.peerNodeId()
                        + " conn-name:" + oc.connectionName() + " volume:" + opd.volume());
            }
        }
    }

    private static PathState findPath(PeerState p, PathState like) {
        for (PathState x : p.paths()) {
            if (x.localAddress().equals(like.localAddress()) && x.peerAddress().equals(like.peerAddress())) {
                return x;
            }
        }
        return null;
    }

    private void resource(List<String> out, String prefix, String actionNew, ResourceState old, ResourceState nu) {
        boolean full = options.full();
        PromotionInfo np = PromotionInfo.of(nu);
        PromotionInfo op = old == null ? null : PromotionInfo.of(old);
        boolean roleChanged = old == null || old.role() != nu.role();
        boolean infoChanged = old == null || !old.suspension().equals(nu.suspension());
        boolean failIoChanged = old == null || old.forceIoFailures() != nu.forceIoFailures();
        boolean statsChanged = options.withStatistics() && (old == null || old.writeOrdering() != nu.writeOrdering());
        boolean promotionChanged = op == null || !op.equals(np);
        if (!roleChanged && !infoChanged && !failIoChanged && !statsChanged && !promotionChanged) {
            return;
        }
        StringBuilder sb = new StringBuilder(prefix).append(old == null ? actionNew : "change")
                .append(" resource name:").append(nu.name());
        if (roleChanged || full) {
            field(sb, "role", old == null ? null : old.role().drbdName(), nu.role().drbdName());
        }
        if (infoChanged || full) {
            field(sb, "suspended", old == null ? null : old.suspension().drbdText(), nu.suspension().drbdText());
        }
        if (failIoChanged || full) {
            field(sb, "force-io-failures", old == null ? null : yesNo(old.forceIoFailures()), yesNo(nu.forceIoFailures()));
        }
        if ((statsChanged || full) && (old == null || old.writeOrdering() != nu.writeOrdering() || full)) {
            sb.append(" write-ordering:").append(nu.writeOrdering().drbdName());
        }
        if (promotionChanged || full) {
            if (options.diff()) {
                sb.append(" may_promote:").append(op == null ? UNKNOWN : yesNo(op.mayPromote())).append("->")
                        .append(yesNo(np.mayPromote()))
                        .append(" promotion_score:").append(op == null ? 0 : op.promotionScore()).append("->")
                        .append(np.promotionScore());
            } else {
                sb.append(" may_promote:").append(yesNo(np.mayPromote()))
                        .append(" promotion_score:").append(np.promotionScore());
            }
        }
        out.add(sb.toString());
    }

    private void connection(List<String> out, String prefix, String actionNew, String name, PeerState old,
                            PeerState nu) {
        boolean full = options.full();
        boolean stateChanged = old == null || old.connection() != nu.connection();
        boolean roleChanged = old == null || old.peerRole() != nu.peerRole();
        boolean statsChanged = options.withStatistics() && (old == null
                || old.stats().congested() != nu.stats().congested()
                || old.stats().apInFlightSectors() != nu.stats().apInFlightSectors()
                || old.stats().rsInFlightSectors() != nu.stats().rsInFlightSectors());
        if (!stateChanged && !roleChanged && !statsChanged) {
            return;
        }
        StringBuilder sb = new StringBuilder(prefix).append(old == null ? actionNew : "change")
                .append(" connection name:").append(name).append(" peer-node-id:").append(nu.peerNodeId())
                .append(" conn-name:").append(nu.connectionName());
        if (stateChanged || full) {
            field(sb, "connection", old == null ? null : old.connection().drbdName(), nu.connection().drbdName());
        }
        if (roleChanged || full) {
            field(sb, "role", old == null ? null : old.peerRole().drbdName(), nu.peerRole().drbdName());
        }
        if (statsChanged || full) {
            if (old == null || old.stats().congested() != nu.stats().congested() || full) {
                sb.append(" congested:").append(yesNo(nu.stats().congested()));
            }
            sb.append(" ap-in-flight:").append(nu.stats().apInFlightSectors());
            sb.append(" rs-in-flight:").append(nu.stats().rsInFlightSectors());
        }
        out.add(sb.toString());
    }

    private void device(List<String> out, String prefix, String actionNew, String name, DeviceState old,
                        DeviceState nu) {
        boolean full = options.full();
        boolean infoChanged = old == null || old.disk() != nu.disk() || old.quorum() != nu.quorum()
                || old.open() != nu.open();
        boolean statsChanged = options.withStatistics() && (old == null || !deviceStatsEqual(old, nu));
        if (!infoChanged && !statsChanged) {
            return;
        }
        StringBuilder sb = new StringBuilder(prefix).append(old == null ? actionNew : "change")
                .append(" device name:").append(name).append(" volume:").append(nu.volume())
                .append(" minor:").append(nu.minor());
        if (infoChanged || full) {
            if (options.diff()) {
                changedOnly(sb, "backing_dev", old == null ? null : old.backingDeviceText(), nu.backingDeviceText());
                field(sb, "disk", old == null ? null : old.disk().drbdName(), nu.disk().drbdName());
                changedOnly(sb, "client", old == null ? null : yesNo(old.client()), yesNo(nu.client()));
                changedOnly(sb, "open", old == null ? null : yesNo(old.open()), yesNo(nu.open()));
                // drbd-utils 9.34 prints nothing for quorum on a create line with --diff (a comma-operator
                // slip in print_device_changes); we reproduce its output, not its intent.
                if (old != null) {
                    changedOnly(sb, "quorum", yesNo(old.quorum()), yesNo(nu.quorum()));
                }
            } else {
                sb.append(" backing_dev:").append(nu.backingDeviceText());
                sb.append(" disk:").append(nu.disk().drbdName());
                sb.append(" client:").append(yesNo(nu.client()));
                sb.append(" open:").append(yesNo(nu.open()));
                sb.append(" quorum:").append(yesNo(nu.quorum()));
            }
        }
        if (statsChanged || full) {
            if (options.withStatistics()) {
                sb.append(" size:").append(nu.sizeSectors() / 2);
                sb.append(" read:").append(nu.stats().readKiB());
                sb.append(" written:").append(nu.stats().writtenKiB());
                sb.append(" al-writes:").append(nu.stats().alWrites());
                sb.append(" bm-writes:").append(nu.stats().bmWrites());
                sb.append(" upper-pending:").append(nu.stats().upperPending());
                sb.append(" lower-pending:").append(nu.stats().lowerPending());
                if (old == null || old.alSuspended() != nu.alSuspended() || full) {
                    sb.append(" al-suspended:").append(yesNo(nu.alSuspended()));
                }
            }
            if (old == null || old.upperBlocked() != nu.upperBlocked() || old.lowerBlocked() != nu.lowerBlocked()) {
                sb.append(" blocked:").append(StatusRenderer.blocked(nu));
            }
        }
        out.add(sb.toString());
    }

    private static boolean deviceStatsEqual(DeviceState a, DeviceState b) {
        return a.sizeSectors() == b.sizeSectors() && a.stats().equals(b.stats()) && a.alSuspended() == b.alSuspended()
                && a.upperBlocked() == b.upperBlocked() && a.lowerBlocked() == b.lowerBlocked();
    }

    private void peerDevice(List<String> out, String prefix, String actionNew, ResourceState r, PeerState conn,
                            PeerDeviceState old, PeerDeviceState nu) {
        boolean full = options.full();
        boolean replChanged = old == null || old.replication() != nu.replication();
        boolean diskChanged = old == null || old.peerDisk() != nu.peerDisk();
        boolean clientChanged = old != null ? old.peerClient() != nu.peerClient() : nu.peerClient();
        boolean suspChanged = old == null || !old.resyncSuspended().equals(nu.resyncSuspended());
        // Not gated on --statistics in drbdsetup either: progress alone makes a change line (with done:).
        boolean statsChanged = old == null || !old.stats().equals(nu.stats()) || !Objects.equals(old.resync(), nu.resync());
        if (!replChanged && !diskChanged && !suspChanged && !statsChanged) {
            return;
        }
        StringBuilder sb = new StringBuilder(prefix).append(old == null ? actionNew : "change")
                .append(" peer-device name:").append(r.name()).append(" peer-node-id:").append(conn.peerNodeId())
                .append(" conn-name:").append(conn.connectionName()).append(" volume:").append(nu.volume());
        if (replChanged || full) {
            field(sb, "replication", old == null ? null : old.replication().drbdName(), nu.replication().drbdName());
        }
        if (diskChanged || full || clientChanged) {
            field(sb, "peer-disk", old == null ? null : old.peerDisk().drbdName(), nu.peerDisk().drbdName());
            if (options.diff()) {
                changedOnly(sb, "peer-client", old == null ? null : yesNo(old.peerClient()), yesNo(nu.peerClient()));
            } else {
                sb.append(" peer-client:").append(yesNo(nu.peerClient()));
            }
        }
        if (suspChanged || full) {
            field(sb, "resync-suspended", old == null ? null : old.resyncSuspended().drbdText(),
                    nu.resyncSuspended().drbdText());
        }
        if (statsChanged || full) {
            peerDeviceStatistics(sb, nu);
        }
        out.add(sb.toString());
    }

    /** drbdsetup's {@code print_peer_device_statistics} in its events2 form (indent 0). */
    private void peerDeviceStatistics(StringBuilder sb, PeerDeviceState pd) {
        boolean details = SyncFields.syncDetails(pd);
        if (details) {
            sb.append(" done:").append(CFormat.fixed(SyncFields.done(pd, null), 2));
        }
        if (!options.withStatistics()) {
            return;
        }
        PeerDeviceStats s = pd.stats();
        sb.append(" received:").append(s.receivedSectors() / 2);
        sb.append(" sent:").append(s.sentSectors() / 2);
        sb.append(" out-of-sync:").append(s.outOfSyncSectors() / 2);
        sb.append(" pending:").append(s.pending());
        sb.append(" unacked:").append(s.unacked());
        if (!details) {
            return;
        }
        sb.append(" dbdt1:").append(CFormat.fixed(SyncFields.dbdt1(pd.resync()), 2));
        sb.append(" eta:").append(CFormat.fixed(SyncFields.eta(pd.resync()), 0));
    }

    private void path(List<String> out, String prefix, String actionNew, String name, PeerState conn, PathState old,
                      PathState nu) {
        if (old != null && old.established() == nu.established()) {
            return;
        }
        StringBuilder sb = new StringBuilder(prefix).append(old == null ? actionNew : "change")
                .append(" path name:").append(name).append(" peer-node-id:").append(conn.peerNodeId())
                .append(" conn-name:").append(conn.connectionName())
                .append(" local:").append(nu.localAddress()).append(" peer:").append(nu.peerAddress());
        if (options.diff()) {
            sb.append(" established:").append(old == null ? UNKNOWN : yesNo(old.established())).append("->")
                    .append(yesNo(nu.established()));
        } else {
            sb.append(" established:").append(yesNo(nu.established()));
        }
        out.add(sb.toString());
    }

    /** A field that is printed as {@code old->new} with --diff (old may be unknown). */
    private void field(StringBuilder sb, String key, String oldValue, String newValue) {
        sb.append(' ').append(key).append(':');
        if (options.diff()) {
            sb.append(oldValue == null ? UNKNOWN : oldValue).append("->");
        }
        sb.append(newValue);
    }

    /** With --diff: {@code old->new} only when it changed (or old is unknown), else the plain value. */
    private static void changedOnly(StringBuilder sb, String key, String oldValue, String newValue) {
        sb.append(' ').append(key).append(':');
        if (oldValue == null || !oldValue.equals(newValue)) {
            sb.append(oldValue == null ? UNKNOWN : oldValue).append("->");
        }
        sb.append(newValue);
    }

    private static String yesNo(boolean b) {
        return b ? "yes" : "no";
    }
}
