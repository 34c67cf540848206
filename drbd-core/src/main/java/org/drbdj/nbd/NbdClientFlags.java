package org.drbdj.nbd;

/** Decoded {@link ClientFlags}: the u32 flags a client sends in answer to the greeting. */
public record NbdClientFlags(int flags) {
    public boolean fixedNewstyle() {
        return (flags & NbdProtocol.FLAG_C_FIXED_NEWSTYLE) != 0;
    }

    public boolean noZeroes() {
        return (flags & NbdProtocol.FLAG_C_NO_ZEROES) != 0;
    }

    /** Bits this server does not know; the protocol requires dropping a client that sets any. */
    public int unknownBits() {
        return flags & ~NbdProtocol.KNOWN_CLIENT_FLAGS;
    }
}
