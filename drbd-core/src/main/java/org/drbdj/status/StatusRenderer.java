package org.drbdj.status;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.drbdj.state.ConnectionState;
import org.drbdj.state.DeviceState;
import org.drbdj.state.DiskState;
import org.drbdj.state.PathState;
import org.drbdj.state.PeerDeviceState;
import org.drbdj.state.PeerDeviceStats;
import org.drbdj.state.PeerState;
import org.drbdj.state.ReplicationState;
import org.drbdj.state.ResourceState;
import org.drbdj.state.ResyncProgress;

/**
 * Renders {@code drbdadm status} / {@code drbdsetup status} in DRBD 9's format (drbd-utils
 * {@code user/v9/drbdsetup.c}, {@code status_cmd} and friends), plain and {@code --json}:
 * <pre>
 * r0 role:Primary
 *   disk:UpToDate open:yes
 *   bob role:Secondary
 *     peer-disk:UpToDate
 *
 * </pre>
 * Resources are sorted by name, connections by name; a field is shown only when drbdsetup would
 * show it (most only with {@code --verbose} or when not in the normal state). Every resource block
 * ends with an empty line, as drbdsetup's does.
 */
public final class StatusRenderer {
    private StatusRenderer() {
    }

    /**
     * Renders the status of one resource or of all.
     *
     * @param resources every configured resource
     * @param selection a resource name, or {@code all}
     * @param options   command-line options
     * @return output, or "No such resource" with exit code 10
     */
    public static Rendered render(List<ResourceState> resources, String selection, StatusOptions options) {
        List<ResourceState> sorted = new ArrayList<>(resources);
        sorted.sort(Comparator.comparing(ResourceState::name));
        StringBuilder sb = new StringBuilder();
        boolean all = "all".equals(selection);
        if (sorted.isEmpty() && !options.json()) {
            sb.append("# No currently configured DRBD found.\n");
        }
        if (options.json()) {
            sb.append("[\n");
        }
        boolean found = false;
        boolean first = true;
        for (ResourceState r : sorted) {
            if (!all && !r.name().equals(selection)) {
                continue;
            }
            if (options.json()) {
                if (!first) {
                    sb.append(",\n");
                }
                first = false;
                StatusJson.resource(sb, r);
            } else {
                resource(sb, r, options);
            }
            found = true;
        }
        if (options.json()) {
            sb.append("]\n\n");
        }
        if (!found && !all) {
            return new Rendered(sb.toString(), selection + ": No such resource\n", Rendered.NO_SUCH_OBJECT);
        }
        return Rendered.ok(sb.toString());
    }

    /** The plain-text block of one resource (ending with the empty line). */
    public static String resource(ResourceState r, StatusOptions options) {
        StringBuilder sb = new StringBuilder();
        resource(sb, r, options);
        return sb.toString();
    }

    private static void resource(StringBuilder sb, ResourceState r, StatusOptions o) {
        WrapPrinter w = new WrapPrinter(sb, o.columns());
        boolean verbose = o.verbose() > 0;
        w.print(0, r.name());
        if (verbose && r.nodeId() >= 0) {
            w.print(4, " node-id:" + r.nodeId());
        }
        w.print(4, " role:" + r.role().drbdName());
        if (verbose || r.suspension().any()) {
            w.print(4, " suspended:" + r.suspension().drbdText());
        }
        if (verbose || r.forceIoFailures()) {
            w.print(4, " force-io-failures:" + yesNo(r.forceIoFailures()));
        }
        if (o.statistics() && verbose) {
            w.print(4, "\n");
            w.print(4, " write-ordering:" + r.writeOrdering().drbdName());
        }
        w.print(0, "\n");

        boolean single = r.devices().size() == 1;
        for (DeviceState d : r.devices()) {
            device(w, d, single, o);
        }
        List<PeerState> peers = new ArrayList<>(r.peers());
        // drbdsetup's connection_name_cmp: named connections first, then by name.
        peers.sort(Comparator.<PeerState, Boolean>comparing(p -> p.connectionName().isEmpty())
                .thenComparing(PeerState::connectionName));
        for (PeerState p : peers) {
            connection(w, r, p, single, o);
        }
        w.print(0, "\n");
    }

    private static void device(WrapPrinter w, DeviceState d, boolean single, StatusOptions o) {
        boolean verbose = o.verbose() > 0;
        int indent = 2;
        if (verbose || !(single && d.volume() == 0)) {
            w.print(indent, "volume:" + d.volume());
            indent = 6;
            if (verbose) {
                w.print(indent, " minor:" + d.minor());
            }
        }
        w.print(indent, " disk:" + d.disk().drbdName());
        if (d.disk() == DiskState.DISKLESS && (verbose || !o.tty())) {
            w.print(indent, " client:" + yesNo(d.client()));
        }
        if (verbose) {
            w.print(indent, " backing_dev:" + d.backingDeviceText());
        }
        if (verbose || !d.quorum()) {
            w.print(indent, " quorum:" + yesNo(d.quorum()));
        }
        if (o.reportOpen()) {
            w.print(indent, " open:" + yesNo(d.open()));
        } else if (verbose) {
            w.print(indent, " open:unknown");
        }
        indent = 6;
        if (o.statistics()) {
            w.print(indent, "\n");
        }
        deviceStatistics(w, indent, d, o);
        w.print(indent, "\n");
    }

    /** drbdsetup's {@code print_device_statistics} (status form: no previous snapshot). */
    private static void deviceStatistics(WrapPrinter w, int indent, DeviceState d, StatusOptions o) {
        boolean verbose = o.verbose() > 0;
        if (o.statistics()) {
            if (verbose) {
                w.print(indent, " size:" + d.sizeSectors() / 2);
            }
            w.print(indent, " read:" + d.stats().readKiB());
            w.print(indent, " written:" + d.stats().writtenKiB());
            if (verbose) {
                w.print(indent, " al-writes:" + d.stats().alWrites());
                w.print(indent, " bm-writes:" + d.stats().bmWrites());
                w.print(indent, " upper-pending:" + d.stats().upperPending());
                w.print(indent, " lower-pending:" + d.stats().lowerPending());
                w.print(indent, " al-suspended:" + yesNo(d.alSuspended()));
            }
        }
        if (verbose || d.upperBlocked() || d.lowerBlocked()) {
            w.print(indent, " blocked:" + blocked(d));
        }
    }

    private static void connection(WrapPrinter w, ResourceState r, PeerState p, boolean single, StatusOptions o) {
        boolean verbose = o.verbose() > 0;
        boolean named = !p.connectionName().isEmpty();
        if (named) {
            w.print(2, p.connectionName());
        }
        if (verbose || !named) {
            w.print(named ? 6 : 2, " node-id:" + p.peerNodeId());
        }
        boolean connected = p.connection() == ConnectionState.CONNECTED;
        if (verbose || !connected) {
            w.print(6, " connection:" + p.connection().drbdName());
        }
        if (verbose || connected) {
            w.print(6, " role:" + p.peerRole().drbdName());
            if (verbose || p.tls()) {
                w.print(6, " tls:" + yesNo(p.tls()));
            }
        }
        if (verbose || p.stats().congested()) {
            w.print(6, " congested:" + yesNo(p.stats().congested()));
            w.print(6, " ap-in-flight:" + p.stats().apInFlightSectors());
            w.print(6, " rs-in-flight:" + p.stats().rsInFlightSectors());
        }
        w.print(0, "\n");
        if (verbose || o.statistics() || connected) {
            for (PeerDeviceState pd : p.peerDevices()) {
                peerDevice(w, pd, r.device(pd.volume()), single, o);
            }
        }
    }

    private static void peerDevice(WrapPrinter w, PeerDeviceState pd, DeviceState device, boolean single,
                                   StatusOptions o) {
        boolean verbose = o.verbose() > 0;
        int indent = 4;
        if (verbose || !(single && pd.volume() == 0)) {
            w.print(indent, "volume:" + pd.volume());
            indent = 8;
        }
        if (verbose || pd.replication().code() > ReplicationState.ESTABLISHED.code()) {
            w.print(indent, " replication:" + pd.replication().drbdName());
            indent = 8;
        }
        if (verbose || o.statistics() || pd.replication() != ReplicationState.OFF
                || pd.peerDisk() != DiskState.DUNKNOWN) {
            w.print(indent, " peer-disk:" + pd.peerDisk().drbdName());
            if (pd.peerDisk() == DiskState.DISKLESS && (verbose || !o.tty())) {
                w.print(indent, " peer-client:" + yesNo(pd.peerClient()));
            }
            indent = 8;
            if (SyncFields.inResyncWithoutDetails(pd) || SyncFields.syncDetails(pd)) {
                w.print(indent, " done:" + CFormat.fixed(SyncFields.done(pd, device), 2));
            }
            if (verbose || pd.resyncSuspended().any()) {
                w.print(indent, " resync-suspended:" + pd.resyncSuspended().drbdText());
            }
            if (o.statistics()) {
                w.print(indent, "\n");
                peerDeviceStatistics(w, indent, pd, o);
            }
        }
        w.print(0, "\n");
    }

    /** drbdsetup's {@code print_peer_device_statistics} for status (without {@code done:}). */
    static void peerDeviceStatistics(WrapPrinter w, int indent, PeerDeviceState pd, StatusOptions o) {
        PeerDeviceStats s = pd.stats();
        w.print(indent, " received:" + s.receivedSectors() / 2);
        w.print(indent, " sent:" + s.sentSectors() / 2);
        if (o.verbose() > 0 || s.outOfSyncSectors() != 0) {
            w.print(indent, " out-of-sync:" + s.outOfSyncSectors() / 2);
        }
        if (o.verbose() == 0) {
            return;
        }
        w.print(indent, " pending:" + s.pending());
        w.print(indent, " unacked:" + s.unacked());
        if (!SyncFields.syncDetails(pd)) {
            return;
        }
        ResyncProgress p = pd.resync();
        if (o.verbose() > 1) {
            w.print(indent, " rs-total:" + p.totalSectors());
            w.print(indent, " rs-dt-start-ms:" + SyncFields.elapsedMs(p));
            w.print(indent, " rs-paused-ms:" + SyncFields.pausedMs(p));
            w.print(indent, " rs-dt0-ms:" + (long) SyncFields.windowDtMs(p));
            w.print(indent, " rs-db0-sectors:" + (long) SyncFields.windowDb(p));
            w.print(indent, " rs-dt1-ms:" + (long) SyncFields.recentDtMs(p));
            w.print(indent, " rs-db1-sectors:" + (long) SyncFields.recentDb(p));
            if (p.verify() != null && p.leftSectors() != 0) {
                w.print(indent, " ov-start-sector:" + p.verify().startSector());
                w.print(indent, " ov-stop-sector:" + p.verify().stopSector());
                w.print(indent, " ov-position:" + p.verify().positionSector());
                w.print(indent, " ov-left:" + p.leftSectors());
                w.print(indent, " ov-skipped:" + p.verify().skippedSectors());
            } else {
                w.print(indent, " rs-failed:" + p.failedSectors());
                w.print(indent, " rs-same-csum:" + p.sameCsumSectors());
            }
            if (SyncFields.wantKiBps(pd) != 0) {
                w.print(indent, " want:" + CFormat.fixed(SyncFields.wantKiBps(pd) / 1024.0, 2));
            }
            double db = p.totalSectors() - p.leftSectors();
            double dt = SyncFields.elapsedMs(p) - SyncFields.pausedMs(p);
            w.print(indent, " dbdt:" + CFormat.fixed(db / (dt == 0 ? 1 : dt) * 1000.0 / 2048.0, 2));
            w.print(indent, " dbdt0:" + CFormat.fixed(SyncFields.windowDb(p) / SyncFields.windowDtMs(p)
                    * 1000.0 / 2048.0, 2));
        }
        w.print(indent, " dbdt1:" + CFormat.fixed(SyncFields.dbdt1(p), 2));
        w.print(indent, " eta:" + CFormat.fixed(SyncFields.eta(p), 0));
    }

    static String blocked(DeviceState d) {
        if (d.upperBlocked() && d.lowerBlocked()) {
            return "upper,lower";
        }
        if (d.upperBlocked()) {
            return "upper";
        }
        return d.lowerBlocked() ? "lower" : "no";
    }

    static String yesNo(boolean b) {
        return b ? "yes" : "no";
    }

    /** {@code ipv4:1.2.3.4:7789} → address, port and family for the JSON form. */
    static String[] splitAddress(PathState path, boolean local) {
        String a = local ? path.localAddress() : path.peerAddress();
        int colon = a.indexOf(':');
        String family = colon < 0 ? "ipv4" : a.substring(0, colon);
        String rest = colon < 0 ? a : a.substring(colon + 1);
        int portColon = rest.lastIndexOf(':');
        String host = portColon < 0 ? rest : rest.substring(0, portColon);
        String port = portColon < 0 ? "0" : rest.substring(portColon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new String[] {host, port, family};
    }
}
