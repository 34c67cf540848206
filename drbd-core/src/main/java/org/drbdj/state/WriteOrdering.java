package org.drbdj.state;

/**
 * How the device orders writes on the backing disk, DRBD's {@code enum write_ordering_e}: the
 * {@code wo:} character of {@code /proc/drbd} and the {@code write-ordering:} value of
 * {@code drbdsetup status --verbose --statistics} and {@code events2 --statistics}.
 */
public enum WriteOrdering {
    /** No ordering (no flushes). {@code WO_NONE}: {@code n} / {@code none}. */
    NONE('n', "none"),
    /** Drain the queue before ordered writes. {@code WO_DRAIN_IO}: {@code d} / {@code drain}. */
    DRAIN('d', "drain"),
    /** Flush the disk cache (the default on disks with a volatile cache). {@code WO_BDEV_FLUSH}: {@code f} / {@code flush}. */
    FLUSH('f', "flush"),
    /** Barriers (historic). {@code WO_BIO_BARRIER}: {@code b} / {@code barrier}. */
    BARRIER('b', "barrier");

    private final char procChar;
    private final String drbdName;

    WriteOrdering(char procChar, String drbdName) {
        this.procChar = procChar;
        this.drbdName = drbdName;
    }

    /** The {@code wo:} character in {@code /proc/drbd}. */
    public char procChar() {
        return procChar;
    }

    /** The word DRBD 9 tools print. */
    public String drbdName() {
        return drbdName;
    }
}
