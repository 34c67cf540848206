package org.drbdj.state;

import java.util.Objects;

/**
 * One network path of a connection (DRBD 9 {@code path}), as {@code events2} prints it.
 *
 * @param localAddress  DRBD's address form, e.g. {@code ipv4:1.2.3.4:7789} or {@code ipv6:[fd00::1]:7789}
 * @param peerAddress   the peer's address in the same form
 * @param established   a TCP connection on this path is up
 */
public record PathState(String localAddress, String peerAddress, boolean established) {
    public PathState {
        Objects.requireNonNull(localAddress, "localAddress");
        Objects.requireNonNull(peerAddress, "peerAddress");
    }

    /** Returns a copy with another established flag. */
    public PathState withEstablished(boolean value) {
        return new PathState(localAddress, peerAddress, value);
    }
}
