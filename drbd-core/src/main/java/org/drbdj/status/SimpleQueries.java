package org.drbdj.status;

import java.util.List;
import org.drbdj.state.DeviceState;
import org.drbdj.state.DiskState;
import org.drbdj.state.Drbd84ConnectionState;
import org.drbdj.state.PeerDeviceState;
import org.drbdj.state.PeerState;
import org.drbdj.state.ReplicationState;
import org.drbdj.state.ResourceState;
import org.drbdj.state.Role;

/**
 * The one-line queries {@code drbdadm role}, {@code cstate} and {@code dstate} in both DRBD 8.4
 * style (drbd-utils {@code user/v84/drbdsetup.c}: {@code Primary/Secondary}, one combined
 * {@code cs}, {@code UpToDate/UpToDate}, and {@code Unconfigured} for a StandAlone Diskless device)
 * and DRBD 9 style ({@code user/v9/drbdsetup.c}: the resource role, one connection state per
 * connection, {@code local/peer1/peer2...} disk states). Unknown objects give DRBD's error line on
 * standard error and exit code 10.
 */
public final class SimpleQueries {
    private SimpleQueries() {
    }

    /** 8.4 {@code drbdadm role <res>} for one volume: {@code Primary/Secondary}, or {@code Unconfigured}. */
    public static String role84(ResourceState r, int volume) {
        View v = view84(r, volume);
        return v.unconfigured() ? "Unconfigured" : r.role().drbdName() + "/" + v.peerRole().drbdName();
    }

    /** 8.4 {@code drbdadm cstate <res>} for one volume: e.g. {@code Connected}, {@code WFConnection}. */
    public static String cstate84(ResourceState r, int volume) {
        View v = view84(r, volume);
        return v.unconfigured() ? "Unconfigured" : v.cs().drbdName();
    }

    /** 8.4 {@code drbdadm dstate <res>} for one volume: {@code UpToDate/UpToDate} with 8.4 names. */
    public static String dstate84(ResourceState r, int volume) {
        View v = view84(r, volume);
        return v.unconfigured() ? "Unconfigured" : v.disk().drbd84Name() + "/" + v.peerDisk().drbd84Name();
    }

    /** DRBD 9 {@code drbdsetup role <res>}: the resource's role, or {@code <res>: Unknown resource}. */
    public static Rendered role9(List<ResourceState> resources, String name) {
        ResourceState r = find(resources, name);
        return r == null ? new Rendered("", name + ": Unknown resource\n", Rendered.NO_SUCH_OBJECT)
                : Rendered.ok(r.role().drbdName() + "\n");
    }

    /** DRBD 9 {@code drbdsetup peer-role <res> <peer-node-id>}. */
    public static Rendered peerRole9(ResourceState r, int peerNodeId) {
        PeerState p = r.peer(peerNodeId);
        return p == null ? Rendered.noSuch(r.name(), "connection") : Rendered.ok(p.peerRole().drbdName() + "\n");
    }

    /** DRBD 9 {@code drbdsetup cstate <res> <peer-node-id>}. */
    public static Rendered cstate9(ResourceState r, int peerNodeId) {
        PeerState p = r.peer(peerNodeId);
        return p == null ? Rendered.noSuch(r.name(), "connection") : Rendered.ok(p.connection().drbdName() + "\n");
    }

    /**
     * {@code drbdadm cstate <res>} with a DRBD 9 resource: drbdadm runs {@code drbdsetup cstate} for
     * each configured connection, so one line per connection (in peer node id order).
     */
    public static Rendered cstate9All(ResourceState r) {
        if (r.peers().isEmpty()) {
            return Rendered.noSuch(r.name(), "connection");
        }
        StringBuilder sb = new StringBuilder();
        for (PeerState p : r.peers()) {
            sb.append(p.connection().drbdName()).append('\n');
        }
        return Rendered.ok(sb.toString());
    }

    /** DRBD 9 {@code drbdsetup dstate <minor>}: local disk, then each peer's, joined with '/'. */
    public static Rendered dstate9(List<ResourceState> resources, int minor) {
        for (ResourceState r : resources) {
            for (DeviceState d : r.devices()) {
                if (d.minor() == minor) {
                    StringBuilder sb = new StringBuilder(d.disk().drbdName());
                    for (PeerState p : r.peers()) {
                        PeerDeviceState pd = p.peerDevice(d.volume());
                        if (pd != null) {
                            sb.append('/').append(pd.peerDisk().drbdName());
                        }
                    }
                    return Rendered.ok(sb.append('\n').toString());
                }
            }
        }
        return Rendered.noSuch(Integer.toString(minor), "device");
    }

    private static ResourceState find(List<ResourceState> resources, String name) {
        for (ResourceState r : resources) {
            if (r.name().equals(name)) {
                return r;
            }
        }
        return null;
    }

    private static View view84(ResourceState r, int volume) {
        DeviceState d = r.device(volume);
        if (d == null) {
            throw new IllegalArgumentException("resource " + r.name() + " has no volume " + volume);
        }
        PeerState p = r.peers().isEmpty() ? null : r.peers().get(0);
        PeerDeviceState pd = p == null ? null : p.peerDevice(volume);
        Drbd84ConnectionState cs = p == null ? Drbd84ConnectionState.STAND_ALONE
                : Drbd84ConnectionState.of(p.connection(), pd == null ? ReplicationState.OFF : pd.replication());
        boolean unconfigured = cs == Drbd84ConnectionState.STAND_ALONE && d.disk() == DiskState.DISKLESS;
        return new View(cs, p == null ? Role.UNKNOWN : p.peerRole(),
                d.disk(), pd == null ? DiskState.DUNKNOWN : pd.peerDisk(), unconfigured);
    }

    private record View(Drbd84ConnectionState cs, Role peerRole, DiskState disk, DiskState peerDisk,
                        boolean unconfigured) {
    }
}
