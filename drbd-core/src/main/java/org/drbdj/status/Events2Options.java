package org.drbdj.status;

/**
 * Options of {@code drbdsetup events2} / {@code drbdadm events2} (DRBD 9).
 *
 * @param statistics {@code --statistics}: add counters (implies drbdsetup's verbose field set)
 * @param full       {@code --full}: every field on every change line, plus statistics
 * @param diff       {@code --diff}: changed fields as {@code old->new}
 * @param timestamps {@code --timestamps}: prefix each line with the local time
 */
public record Events2Options(boolean statistics, boolean full, boolean diff, boolean timestamps) {
    /** No options. */
    public static final Events2Options DEFAULT = new Events2Options(false, false, false, false);

    /** drbdsetup turns on statistics for {@code --full}. */
    boolean withStatistics() {
        return statistics || full;
    }
}
