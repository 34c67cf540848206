package org.drbdj.nbd;

/**
 * The client's answer to the greeting (4 bytes): u32 client flags
 * ({@link NbdProtocol#FLAG_C_FIXED_NEWSTYLE}, {@link NbdProtocol#FLAG_C_NO_ZEROES}). Decoded into an
 * {@link NbdClientFlags} message.
 */
public final class ClientFlags {
    public static final int OFFSET_FLAGS = 0;
    public static final int LENGTH = 4;

    private ClientFlags() {
    }
}
