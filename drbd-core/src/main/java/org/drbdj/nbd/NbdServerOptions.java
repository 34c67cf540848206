package org.drbdj.nbd;

/**
 * Settings of an {@link NbdServer}, validated once at construction.
 *
 * @param maxPayloadBytes          largest READ/WRITE payload accepted and advertised as the maximum
 *                                 payload in {@code NBD_INFO_BLOCK_SIZE}; a WRITE above it drops the
 *                                 connection, a READ above it gets {@code EINVAL}
 * @param maxOptionDataBytes       largest option data accepted during the handshake (names are at
 *                                 most 4096 bytes); more drops the connection
 * @param handshakeTimeoutMs       a client that has not finished the handshake by then is dropped
 * @param maxInFlightRequests      per connection: reading stops while this many requests are open
 * @param maxInFlightBytes         per connection: reading stops while this many payload bytes are open
 * @param eventLoopThreads         Netty I/O threads ({@code drbd-nbd-io-*})
 * @param shutdownGraceMs          on close, how long open requests may take to finish before their
 *                                 connections are cut
 * @param socketPermissions        POSIX permissions of the Unix socket, e.g. {@code rw-rw----}
 */
public record NbdServerOptions(
        int maxPayloadBytes,
        int maxOptionDataBytes,
        long handshakeTimeoutMs,
        int maxInFlightRequests,
        long maxInFlightBytes,
        int eventLoopThreads,
        long shutdownGraceMs,
        String socketPermissions) {

    /** 32 MiB: the protocol's interoperable maximum payload (2^25). */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 32 * 1024 * 1024;

    public NbdServerOptions {
        if (maxPayloadBytes < 4096 || maxPayloadBytes > 256 * 1024 * 1024) {
            throw new IllegalArgumentException("maxPayloadBytes " + maxPayloadBytes
                    + " is outside 4096..268435456; the protocol default is " + DEFAULT_MAX_PAYLOAD_BYTES);
        }
        if (maxOptionDataBytes < 4 + NbdProtocol.MAX_STRING_BYTES + 2) {
            throw new IllegalArgumentException("maxOptionDataBytes " + maxOptionDataBytes
                    + " cannot hold a 4096-byte export name; use at least " + (4 + NbdProtocol.MAX_STRING_BYTES + 2));
        }
        if (handshakeTimeoutMs <= 0 || shutdownGraceMs < 0) {
            throw new IllegalArgumentException("handshakeTimeoutMs must be > 0 and shutdownGraceMs >= 0, got "
                    + handshakeTimeoutMs + " and " + shutdownGraceMs);
        }
        if (maxInFlightRequests < 1 || maxInFlightBytes < maxPayloadBytes) {
            throw new IllegalArgumentException("maxInFlightRequests must be >= 1 and maxInFlightBytes >= maxPayloadBytes,"
                    + " got " + maxInFlightRequests + " and " + maxInFlightBytes);
        }
        if (eventLoopThreads < 1) {
            throw new IllegalArgumentException("eventLoopThreads must be >= 1, got " + eventLoopThreads);
        }
        java.nio.file.attribute.PosixFilePermissions.fromString(socketPermissions);
    }

    /** Defaults: 32 MiB payload, 30 s handshake, 256 requests / 128 MiB in flight, 1 I/O thread. */
    public static NbdServerOptions defaults() {
        return new NbdServerOptions(DEFAULT_MAX_PAYLOAD_BYTES, 64 * 1024, 30_000, 256, 128L * 1024 * 1024, 1, 5_000,
                "rw-rw----");
    }

    public NbdServerOptions withEventLoopThreads(int threads) {
        return new NbdServerOptions(maxPayloadBytes, maxOptionDataBytes, handshakeTimeoutMs, maxInFlightRequests,
                maxInFlightBytes, threads, shutdownGraceMs, socketPermissions);
    }

    public NbdServerOptions withShutdownGraceMs(long graceMs) {
        return new NbdServerOptions(maxPayloadBytes, maxOptionDataBytes, handshakeTimeoutMs, maxInFlightRequests,
                maxInFlightBytes, eventLoopThreads, graceMs, socketPermissions);
    }

    public NbdServerOptions withHandshakeTimeoutMs(long timeoutMs) {
        return new NbdServerOptions(maxPayloadBytes, maxOptionDataBytes, timeoutMs, maxInFlightRequests,
                maxInFlightBytes, eventLoopThreads, shutdownGraceMs, socketPermissions);
    }
}
