package org.drbdj.nativeio;

/**
 * The NBD ioctls of {@code <linux/nbd.h>} ({@code _IO(0xab, n)}) the shim allows; the C side
 * rejects every other request number, so the JNI entry point cannot issue arbitrary ioctls.
 * Used only when the netlink interface is missing (kernels before 4.12).
 */
public enum NbdIoctl {
    /** Hands a connected socket descriptor to the device. */
    SET_SOCK(0),
    /** Logical block size in bytes (512..PAGE_SIZE, power of two). */
    SET_BLKSIZE(1),
    /** Serves requests until disconnect; blocks the calling thread. */
    DO_IT(3),
    /** Drops the sockets after DO_IT returned. */
    CLEAR_SOCK(4),
    /** Device size in blocks of SET_BLKSIZE. */
    SET_SIZE_BLOCKS(7),
    /** Sends NBD_CMD_DISC and makes DO_IT return. */
    DISCONNECT(8),
    /** Per-request timeout in seconds (0 = never time out). */
    SET_TIMEOUT(9),
    /** The export's transmission flags (read-only, flush, FUA, trim, multi-conn). */
    SET_FLAGS(10);

    private final int number;

    NbdIoctl(int number) {
        this.number = number;
    }

    /** The {@code nr} of {@code _IO(0xab, nr)}. */
    public int number() {
        return number;
    }
}
