package org.drbdj.status;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.drbdj.state.DeviceState;
import org.drbdj.state.DiskState;
import org.drbdj.state.Drbd84ConnectionState;
import org.drbdj.state.PeerDeviceState;
import org.drbdj.state.PeerDeviceStats;
import org.drbdj.state.PeerState;
import org.drbdj.state.ReplicationState;
import org.drbdj.state.ResourceState;
import org.drbdj.state.ResyncProgress;
import org.drbdj.state.ResyncSuspension;
import org.drbdj.state.Role;

/**
 * Renders DRBD 8.4's {@code /proc/drbd} ({@code drbd/drbd_proc.c}, {@code drbd_seq_show}) from state
 * snapshots, byte for byte:
 * <pre>
 * version: 8.4.11-1 (api:1/proto:86-101)
 * GIT-hash: ... build by ...
 *
 *  1: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r-----
 *     ns:10557016 nr:8 dw:299576 dr:10266018 al:78 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:0
 * </pre>
 * One entry per minor in ascending order; a blank line wherever the minor numbers have a gap
 * (including before the first minor unless it is 0, as the kernel does); {@code cs:Unconfigured} for
 * a device that is StandAlone, Diskless and Secondary; and, in SyncSource/SyncTarget/VerifyS/VerifyT,
 * the two progress lines. DRBD 8.4 has exactly one peer per resource: with several, the lowest
 * peer node id is shown.
 *
 * <p>Differences from the kernel, on purpose: counters are 64-bit (8.4's wrap at 2^32 sectors), and a
 * sync mark that lies behind the current amount left (new writes during resync) counts as no
 * progress instead of an unsigned wrap-around.
 */
public final class ProcDrbdRenderer {
    private static final long NS_PER_SECOND = 1_000_000_000L;
    /** 4 GiB in 4 KiB bitmap bits: above this the progress amounts are printed in MiB. */
    private static final long FOUR_GIB_IN_BITS = 4L << (30 - 12);
    private static final long STALLED_AFTER_SECONDS = 180;

    private ProcDrbdRenderer() {
    }

    /** The whole file: version lines, then every device of every resource by minor. */
    public static String render(ProcVersion version, List<ResourceState> resources) {
        StringBuilder sb = new StringBuilder(version.render());
        List<Entry> entries = new ArrayList<>();
        for (ResourceState r : resources) {
            for (DeviceState d : r.devices()) {
                entries.add(new Entry(r, d));
            }
        }
        entries.sort(Comparator.comparingInt(e -> e.device.minor()));
        int prev = -1;
        for (Entry e : entries) {
            if (e.device.minor() == prev) {
                throw new IllegalArgumentException("minor " + prev + " is used twice (resources "
                        + e.resource.name() + " and another)");
            }
            if (prev != e.device.minor() - 1) {
                sb.append('\n');
            }
            prev = e.device.minor();
            renderDevice(sb, e.resource, e.device);
        }
        return sb.toString();
    }

    /** The lines of one device (without the version header). */
    public static String renderDevice(ResourceState resource, DeviceState device) {
        StringBuilder sb = new StringBuilder();
        renderDevice(sb, resource, device);
        return sb.toString();
    }

    private static void renderDevice(StringBuilder sb, ResourceState r, DeviceState d) {
        PeerState peer = r.peers().isEmpty() ? null : r.peers().get(0);
        PeerDeviceState pd = peer == null ? null : peer.peerDevice(d.volume());
        Drbd84ConnectionState cs = peer == null ? Drbd84ConnectionState.STAND_ALONE
                : Drbd84ConnectionState.of(peer.connection(), pd == null ? ReplicationState.OFF : pd.replication());
        Role peerRole = peer == null ? Role.UNKNOWN : peer.peerRole();
        DiskState pdsk = pd == null ? DiskState.DUNKNOWN : pd.peerDisk();
        String minor = String.format(Locale.ROOT, "%2d", d.minor());

        if (cs == Drbd84ConnectionState.STAND_ALONE && d.disk() == DiskState.DISKLESS && r.role() == Role.SECONDARY) {
            sb.append(minor).append(": cs:Unconfigured\n");
        } else {
            // 8.4 frees the net configuration when a connection goes StandAlone: no protocol letter.
            char protocol = peer == null || peer.protocol() == null || cs == Drbd84ConnectionState.STAND_ALONE
                    ? ' ' : peer.protocol().letter();
            ResyncSuspension isp = pd == null ? ResyncSuspension.NONE : pd.resyncSuspended();
            PeerDeviceStats ps = pd == null ? PeerDeviceStats.ZERO : pd.stats();
            int epochs = peer == null ? 1 : peer.stats().epochs();
            sb.append(minor).append(": cs:").append(cs.drbdName())
                    .append(" ro:").append(r.role().drbdName()).append('/').append(peerRole.drbdName())
                    .append(" ds:").append(d.disk().drbd84Name()).append('/').append(pdsk.drbd84Name())
                    .append(' ').append(protocol).append(' ')
                    .append(r.suspension().any() ? 's' : 'r')
                    .append(isp.dependency() ? 'a' : '-')
                    .append(isp.peer() ? 'p' : '-')
                    .append(isp.user() ? 'u' : '-')
                    .append(d.congestion().procChar())
                    .append(d.alSuspended() ? 's' : '-')
                    .append('\n')
                    .append("    ns:").append(ps.sentSectors() / 2)
                    .append(" nr:").append(ps.receivedSectors() / 2)
                    .append(" dw:").append(d.stats().writtenKiB())
                    .append(" dr:").append(d.stats().readKiB())
                    .append(" al:").append(d.stats().alWrites())
                    .append(" bm:").append(d.stats().bmWrites())
                    .append(" lo:").append(d.stats().lowerPending())
                    .append(" pe:").append(ps.pending())
                    .append(" ua:").append(ps.unacked())
                    .append(" ap:").append(d.stats().upperPending())
                    .append(" ep:").append(epochs)
                    .append(" wo:").append(r.writeOrdering().procChar())
                    .append(" oos:").append(ps.outOfSyncSectors() / 2)
                    .append('\n');
        }
        boolean progressState = cs == Drbd84ConnectionState.SYNC_SOURCE || cs == Drbd84ConnectionState.SYNC_TARGET
                || cs == Drbd84ConnectionState.VERIFY_S || cs == Drbd84ConnectionState.VERIFY_T;
        if (progressState && pd != null && pd.resync() != null && d.disk().isAttached()) {
            renderProgress(sb, cs, pd.resync());
        }
    }

    /** The two progress lines ({@code drbd_syncer_progress}), computed in 4 KiB bitmap bits as the kernel does. */
    static void renderProgress(StringBuilder sb, Drbd84ConnectionState cs, ResyncProgress p) {
        boolean verify = cs == Drbd84ConnectionState.VERIFY_S || cs == Drbd84ConnectionState.VERIFY_T;
        long rsTotal = p.totalSectors() >>> 3;
        long rsLeft = p.leftSectors() >>> 3;
        long perMil;
        if (rsLeft > rsTotal) {
            rsLeft = rsTotal;
            perMil = rsTotal != 0 ? 0 : 1000;
        } else {
            int shift = rsTotal > 0xFFFF_FFFFL ? 16 : 10;
            long left = rsLeft >>> shift;
            long total = 1 + (rsTotal >>> shift);
            perMil = 1000 - left * 1000 / total;
        }
        long x = perMil / 50;
        long y = 20 - x;
        sb.append("\t[");
        for (long i = 1; i < x; i++) {
            sb.append('=');
        }
        sb.append('>');
        for (long i = 0; i < y; i++) {
            sb.append('.');
        }
        sb.append("] ").append(verify ? "verified:" : "sync'ed:");
        sb.append(String.format(Locale.ROOT, "%3d.%d%% ", perMil / 10, perMil % 10));
        if (rsTotal > FOUR_GIB_IN_BITS) {
            sb.append('(').append((rsLeft >>> 10) << 2).append('/').append((rsTotal >>> 10) << 2).append(")M");
        } else {
            sb.append('(').append(rsLeft << 2).append('/').append(rsTotal << 2).append(")K");
        }
        sb.append("\n\t");

        long dt = (p.sampledNs() - p.windowMarkNs()) / NS_PER_SECOND;
        boolean stalled = dt > STALLED_AFTER_SECONDS;
        if (dt == 0) {
            dt = 1;
        }
        long db = Math.max(0, (p.windowMarkLeftSectors() >>> 3) - rsLeft);
        long rt = (dt * (rsLeft / (db / 100 + 1))) / 100;
        sb.append(String.format(Locale.ROOT, "finish: %d:%02d:%02d", rt / 3600, (rt % 3600) / 60, rt % 60));
        sb.append(" speed: ").append(CFormat.grouped((db / dt) << 2)).append(" (");

        dt = (p.sampledNs() - p.startNs() - p.pausedNs()) / NS_PER_SECOND;
        if (dt <= 0) {
            dt = 1;
        }
        db = rsTotal - rsLeft;
        sb.append(CFormat.grouped((db / dt) << 2)).append(')');
        if (cs == Drbd84ConnectionState.SYNC_TARGET || cs == Drbd84ConnectionState.VERIFY_S) {
            sb.append(" want: ").append(CFormat.grouped(p.wantKiBps()));
        }
        sb.append(" K/sec").append(stalled ? " (stalled)" : "").append('\n');
    }

    private record Entry(ResourceState resource, DeviceState device) {
    }
}
