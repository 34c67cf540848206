package org.drbdj.state;

/**
 * The replication protocol of a connection (net option {@code protocol}): when a write counts as
 * complete. Shown as the protocol letter in {@code /proc/drbd}. DRBD: {@code DRBD_PROT_A=1 .. C=3}.
 */
public enum WireProtocol {
    /** Asynchronous: complete when written locally and handed to the local TCP send buffer. */
    A(1),
    /** Memory-synchronous: complete when written locally and received by the peer. */
    B(2),
    /** Synchronous: complete when written locally and on the peer's disk. */
    C(3);

    private final int code;

    WireProtocol(int code) {
        this.code = code;
    }

    /** DRBD's numeric value ({@code DRBD_PROT_A} = 1). */
    public int code() {
        return code;
    }

    /** The letter {@code /proc/drbd} prints. */
    public char letter() {
        return name().charAt(0);
    }
}
