package org.drbdj.status;

import org.drbdj.state.DeviceState;
import org.drbdj.state.PathState;
import org.drbdj.state.PeerDeviceState;
import org.drbdj.state.PeerDeviceStats;
import org.drbdj.state.PeerState;
import org.drbdj.state.ResourceState;
import org.drbdj.state.ResyncProgress;

/**
 * {@code drbdsetup status --json}, laid out exactly as drbd-utils prints it (its indentation,
 * key names and order, including its quirks such as the space before the newline after
 * {@code "connection-state"}), so tools that parse or diff it keep working.
 */
final class StatusJson {
    private StatusJson() {
    }

    static void resource(StringBuilder sb, ResourceState r) {
        sb.append("{\n")
                .append("  \"name\": \"").append(escape(r.name())).append("\",\n")
                .append("  \"node-id\": ").append(r.nodeId()).append(",\n")
                .append("  \"role\": \"").append(r.role().drbdName()).append("\",\n")
                .append("  \"suspended\": ").append(r.suspension().any()).append(",\n")
                .append("  \"suspended-user\": ").append(r.suspension().user()).append(",\n")
                .append("  \"suspended-no-data\": ").append(r.suspension().noData()).append(",\n")
                .append("  \"suspended-fencing\": ").append(r.suspension().fencing()).append(",\n")
                .append("  \"suspended-quorum\": ").append(r.suspension().quorum()).append(",\n")
                .append("  \"force-io-failures\": ").append(r.forceIoFailures()).append(",\n")
                .append("  \"write-ordering\": \"").append(r.writeOrdering().drbdName()).append("\",\n")
                .append("  \"devices\": [\n");
        for (int i = 0; i < r.devices().size(); i++) {
            device(sb, r.devices().get(i));
            if (i + 1 < r.devices().size()) {
                sb.append(",\n");
            }
        }
        sb.append(" ],\n  \"connections\": [\n");
        for (int i = 0; i < r.peers().size(); i++) {
            connection(sb, r, r.peers().get(i));
            if (i + 1 < r.peers().size()) {
                sb.append(",\n");
            }
        }
        sb.append(" ]\n}\n");
    }

    private static void device(StringBuilder sb, DeviceState d) {
        sb.append("    {\n")
                .append("      \"volume\": ").append(d.volume()).append(",\n")
                .append("      \"minor\": ").append(d.minor()).append(",\n")
                .append("      \"disk-state\": \"").append(d.disk().drbdName()).append("\",\n")
                .append("      \"client\": ").append(d.client()).append(",\n")
                .append("      \"open\": ").append(d.open()).append(",\n")
                .append("      \"quorum\": ").append(d.quorum()).append(",\n")
                .append("      \"size\": ").append(d.sizeSectors() / 2).append(",\n")
                .append("      \"read\": ").append(d.stats().readKiB()).append(",\n")
                .append("      \"written\": ").append(d.stats().writtenKiB()).append(",\n")
                .append("      \"al-writes\": ").append(d.stats().alWrites()).append(",\n")
                .append("      \"bm-writes\": ").append(d.stats().bmWrites()).append(",\n")
                .append("      \"upper-pending\": ").append(d.stats().upperPending()).append(",\n")
                .append("      \"lower-pending\": ").append(d.stats().lowerPending()).append("\n")
                .append("    }");
    }

    private static void connection(StringBuilder sb, ResourceState r, PeerState p) {
        sb.append("    {\n")
                .append("      \"peer-node-id\": ").append(p.peerNodeId()).append(",\n")
                .append("      \"name\": \"").append(escape(p.connectionName())).append("\",\n")
                .append("      \"connection-state\": \"").append(p.connection().drbdName()).append("\", \n")
                .append("      \"congested\": ").append(p.stats().congested()).append(",\n")
                .append("      \"peer-role\": \"").append(p.peerRole().drbdName()).append("\",\n")
                .append("      \"tls\": ").append(p.tls()).append(",\n")
                .append("      \"ap-in-flight\": ").append(p.stats().apInFlightSectors()).append(",\n")
                .append("      \"rs-in-flight\": ").append(p.stats().rsInFlightSectors()).append(",\n")
                .append("      \"paths\": [\n");
        for (int i = 0; i < p.paths().size(); i++) {
            if (i > 0) {
                sb.append(",\n");
            }
            path(sb, p.paths().get(i));
        }
        sb.append(" ],\n");
        sb.append("      \"peer_devices\": [\n");
        for (int i = 0; i < p.peerDevices().size(); i++) {
            if (i > 0) {
                sb.append(",\n");
            }
            PeerDeviceState pd = p.peerDevices().get(i);
            peerDevice(sb, pd, r.device(pd.volume()));
        }
        sb.append(" ]\n    }");
    }

    private static void path(StringBuilder sb, PathState path) {
        sb.append("        {\n");
        sb.append("          \"this_host\": {\n");
        address(sb, StatusRenderer.splitAddress(path, true));
        sb.append("          },\n");
        sb.append("          \"remote_host\": {\n");
        address(sb, StatusRenderer.splitAddress(path, false));
        sb.append("          },\n");
        sb.append("          \"established\": ").append(path.established()).append('\n');
        sb.append("        }");
    }

    private static void address(StringBuilder sb, String[] hostPortFamily) {
        String in = "            ";
        sb.append(in).append("\"address\": \"").append(escape(hostPortFamily[0])).append("\",\n");
        sb.append(in).append("\"port\": ").append(hostPortFamily[1]).append(",\n");
        sb.append(in).append("\"family\": \"").append(escape(hostPortFamily[2])).append("\"\n");
    }

    private static void peerDevice(StringBuilder sb, PeerDeviceState pd, DeviceState device) {
        PeerDeviceStats s = pd.stats();
        boolean details = SyncFields.syncDetails(pd);
        boolean without = SyncFields.inResyncWithoutDetails(pd);
        ResyncProgress p = pd.resync();
        long size = device == null ? 0 : device.sizeSectors();
        double inSync = size == 0 ? 0 : 100 * (1 - (double) s.outOfSyncSectors() / (double) size);
        String in = "          ";
        sb.append("        {\n")
                .append(in).append("\"volume\": ").append(pd.volume()).append(",\n")
                .append(in).append("\"replication-state\": \"").append(pd.replication().drbdName()).append("\",\n")
                .append(in).append("\"peer-disk-state\": \"").append(pd.peerDisk().drbdName()).append("\",\n")
                .append(in).append("\"peer-client\": ").append(pd.peerClient()).append(",\n")
                .append(in).append("\"resync-suspended\": \"").append(pd.resyncSuspended().drbdText()).append("\",\n")
                .append(in).append("\"received\": ").append(s.receivedSectors() / 2).append(",\n")
                .append(in).append("\"sent\": ").append(s.sentSectors() / 2).append(",\n")
                .append(in).append("\"out-of-sync\": ").append(s.outOfSyncSectors() / 2).append(",\n")
                .append(in).append("\"pending\": ").append(s.pending()).append(",\n")
                .append(in).append("\"unacked\": ").append(s.unacked()).append(",\n")
                .append(in).append("\"has-sync-details\": ").append(details).append(",\n")
                .append(in).append("\"has-online-verify-details\": ")
                .append(details && p.verify() != null && p.leftSectors() != 0).append(",\n")
                .append(in).append("\"percent-in-sync\": ").append(CFormat.fixed(inSync, 2))
                .append(details || without ? "," : "").append('\n');
        if (details) {
            sb.append(in).append("\"rs-total\": ").append(p.totalSectors()).append(",\n")
                    .append(in).append("\"rs-dt-start-ms\": ").append(SyncFields.elapsedMs(p)).append(",\n")
                    .append(in).append("\"rs-paused-ms\": ").append(SyncFields.pausedMs(p)).append(",\n")
                    .append(in).append("\"rs-dt0-ms\": ").append((long) SyncFields.windowDtMs(p)).append(",\n")
                    .append(in).append("\"rs-db0-sectors\": ").append((long) SyncFields.windowDb(p)).append(",\n")
                    .append(in).append("\"rs-dt1-ms\": ").append((long) SyncFields.recentDtMs(p)).append(",\n")
                    .append(in).append("\"rs-db1-sectors\": ").append((long) SyncFields.recentDb(p)).append(",\n");
            if (p.verify() != null && p.leftSectors() != 0) {
                sb.append(in).append("\"ov-start-sector\": ").append(p.verify().startSector()).append(",\n")
                        .append(in).append("\"ov-stop-sector\": ").append(p.verify().stopSector()).append(",\n")
                        .append(in).append("\"ov-position\": ").append(p.verify().positionSector()).append(",\n")
                        .append(in).append("\"ov-left\": ").append(p.leftSectors()).append(",\n")
                        .append(in).append("\"ov-skipped\": ").append(p.verify().skippedSectors()).append(",\n");
            } else {
                sb.append(in).append("\"rs-failed\": ").append(p.failedSectors()).append(",\n")
                        .append(in).append("\"rs-same-csum\": ").append(p.sameCsumSectors()).append(",\n");
            }
            sb.append(in).append("\"want\": ").append(CFormat.fixed(SyncFields.wantKiBps(pd) / 1024.0, 2)).append(",\n");
            sb.append(in).append("\"db0/dt0 [MiB/s]\": ")
                    .append(CFormat.fixed(SyncFields.windowDb(p) / SyncFields.windowDtMs(p) * 1000.0 / 2048.0, 2))
                    .append(",\n");
            double db1 = SyncFields.recentDb(p);
            double dt1 = SyncFields.recentDtMs(p);
            sb.append(in).append("\"db1/dt1 [MiB/s]\": ").append(CFormat.fixed(db1 / dt1 * 1000.0 / 2048.0, 2))
                    .append(",\n");
            sb.append(in).append("\"estimated-seconds-to-finish\": ")
                    .append(CFormat.fixed(db1 <= 0 ? 987654321 : dt1 * 1e-3 * p.leftSectors() / db1, 0)).append(",\n");
            double db = p.totalSectors() - p.leftSectors();
            double dt = SyncFields.elapsedMs(p) - SyncFields.pausedMs(p);
            sb.append(in).append("\"db/dt [MiB/s]\": ").append(CFormat.fixed(db / (dt == 0 ? 1 : dt) * 1000.0 / 2048.0, 2))
                    .append(",\n");
            sb.append(in).append("\"percent-resync-done\": ")
                    .append(CFormat.fixed(100.0 * db / (double) p.totalSectors(), 2)).append('\n');
        } else if (without) {
            sb.append(in).append("\"percent-resync-done\": ").append(CFormat.fixed(SyncFields.done(pd, device), 2))
                    .append('\n');
        }
        sb.append("        }");
    }

    /** JSON string escaping (drbdsetup does none; names cannot contain quotes in DRBD, but ours are checked here). */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
