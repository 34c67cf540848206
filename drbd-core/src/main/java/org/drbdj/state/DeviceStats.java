package org.drbdj.state;

/**
 * Immutable snapshot of one device's I/O counters (see {@link DeviceCounters}). Sector counts are
 * 512-byte sectors, as DRBD counts them; the renderers show KiB (sectors / 2), as DRBD does.
 *
 * @param readSectors     read from the backing disk ({@code /proc/drbd} {@code dr:}, status {@code read:})
 * @param writtenSectors  written to the backing disk ({@code dw:}, {@code written:})
 * @param alWrites        activity-log meta-data transactions written ({@code al:}, {@code al-writes:})
 * @param bmWrites        bitmap meta-data writes ({@code bm:}, {@code bm-writes:})
 * @param upperPending    application requests accepted but not completed ({@code ap:}, {@code upper-pending:})
 * @param lowerPending    requests submitted to the backing disk and not completed ({@code lo:}, {@code lower-pending:})
 */
public record DeviceStats(long readSectors, long writtenSectors, long alWrites, long bmWrites,
                          int upperPending, int lowerPending) {
    /** All zero. */
    public static final DeviceStats ZERO = new DeviceStats(0, 0, 0, 0, 0, 0);

    public DeviceStats {
        requireNonNegative("readSectors", readSectors);
        requireNonNegative("writtenSectors", writtenSectors);
        requireNonNegative("alWrites", alWrites);
        requireNonNegative("bmWrites", bmWrites);
        requireNonNegative("upperPending", upperPending);
        requireNonNegative("lowerPending", lowerPending);
    }

    /** {@code readSectors / 2}. */
    public long readKiB() {
        return readSectors / 2;
    }

    /** {@code writtenSectors / 2}. */
    public long writtenKiB() {
        return writtenSectors / 2;
    }

    static void requireNonNegative(String what, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(what + " must not be negative, got " + value);
        }
    }
}
