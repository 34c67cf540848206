package org.drbdj.status;

import java.util.Objects;

/**
 * A handler ("helper") invocation as {@code events2} reports it: a {@code call helper} line when it
 * starts and a {@code response helper} line with its exit status when it ends.
 *
 * @param resource      resource name
 * @param peerNodeId    the peer it concerns, or {@code null}
 * @param connectionName the connection name, or {@code null}/empty
 * @param localAddress  local address ({@code ipv4:...}), or {@code null}
 * @param peerAddress   peer address, or {@code null}
 * @param volume        the volume it concerns, or {@code null}
 * @param minor         the minor it concerns, or {@code null}
 * @param helper        handler name, e.g. {@code before-resync-target}
 */
public record HelperEvent(String resource, Integer peerNodeId, String connectionName, String localAddress,
                          String peerAddress, Integer volume, Integer minor, String helper) {
    public HelperEvent {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(helper, "helper");
    }
}
