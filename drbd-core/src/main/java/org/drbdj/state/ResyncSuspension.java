package org.drbdj.state;

/**
 * Why a resync with one peer is paused, DRBD's {@code peer_resync_susp_*} flags (8.4: the
 * {@code user_isp}, {@code peer_isp}, {@code aftr_isp} state bits, shown as the {@code u}, {@code p},
 * {@code a} I/O flags in {@code /proc/drbd}).
 *
 * @param user        {@code drbdadm pause-sync} on this node
 * @param peer        paused by the peer
 * @param dependency  waiting for another resource ({@code resync-after})
 * @param maxParallel DRBD 9: too many resyncs at once ({@code max-parallel}); no 8.4 flag
 */
public record ResyncSuspension(boolean user, boolean peer, boolean dependency, boolean maxParallel) {
    /** Not paused. */
    public static final ResyncSuspension NONE = new ResyncSuspension(false, false, false, false);

    /** True if paused for any reason. */
    public boolean any() {
        return user || peer || dependency || maxParallel;
    }

    /** The comma-joined reasons ({@code user,peer,dependency,max-parallel}) or {@code no}. */
    public String drbdText() {
        StringBuilder sb = new StringBuilder();
        Suspension.append(sb, user, "user");
        Suspension.append(sb, peer, "peer");
        Suspension.append(sb, dependency, "dependency");
        Suspension.append(sb, maxParallel, "max-parallel");
        return sb.length() == 0 ? "no" : sb.toString();
    }
}
