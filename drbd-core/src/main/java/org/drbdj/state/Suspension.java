package org.drbdj.state;

/**
 * Why a resource's I/O is suspended (frozen), DRBD 9's {@code res_susp*} flags: shown as
 * {@code suspended:} in {@code drbdadm status}/{@code events2} and as the {@code s} I/O flag in
 * {@code /proc/drbd}.
 *
 * @param user    {@code drbdadm suspend-io}
 * @param noData  no access to UpToDate data and {@code on-no-data-accessible suspend-io}
 * @param fencing the fence-peer handler is running ({@code fencing resource-and-stonith})
 * @param quorum  quorum lost with {@code on-no-quorum suspend-io}
 */
public record Suspension(boolean user, boolean noData, boolean fencing, boolean quorum) {
    /** Not suspended. */
    public static final Suspension NONE = new Suspension(false, false, false, false);

    /** True if I/O is suspended for any reason. */
    public boolean any() {
        return user || noData || fencing || quorum;
    }

    /**
     * The comma-joined reasons in DRBD's fixed order ({@code user,no-data,fencing,quorum}), or
     * {@code no}, as {@code drbdsetup status} prints them.
     */
    public String drbdText() {
        StringBuilder sb = new StringBuilder();
        append(sb, user, "user");
        append(sb, noData, "no-data");
        append(sb, fencing, "fencing");
        append(sb, quorum, "quorum");
        return sb.length() == 0 ? "no" : sb.toString();
    }

    static void append(StringBuilder sb, boolean flag, String word) {
        if (flag) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(word);
        }
    }
}
