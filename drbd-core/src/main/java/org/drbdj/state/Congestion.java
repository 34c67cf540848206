package org.drbdj.state;

/**
 * Why a device is congested, the fifth I/O flag character of a {@code /proc/drbd} device line
 * (DRBD 8.4 {@code device->congestion_reason}).
 */
public enum Congestion {
    /** Not congested: {@code -}. */
    NONE('-'),
    /** Congested inside DRBD (e.g. waiting for the activity log): {@code d}. */
    DRBD('d'),
    /** The backing device is congested: {@code b}. */
    BACKING('b'),
    /** The network (send buffer) is congested: {@code n}. */
    NETWORK('n'),
    /** Both backing device and network: {@code a}. */
    BOTH('a');

    private final char procChar;

    Congestion(char procChar) {
        this.procChar = procChar;
    }

    /** The character {@code /proc/drbd} prints. */
    public char procChar() {
        return procChar;
    }
}
