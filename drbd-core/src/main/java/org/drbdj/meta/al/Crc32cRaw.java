package org.drbdj.meta.al;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * CRC-32C as the Linux kernel's {@code crc32c(seed, data, len)} computes it: reflected Castagnoli
 * polynomial, the given seed, and <em>no</em> final inversion. DRBD checksums each activity-log
 * transaction with {@code crc32c(0, block, 4096)}; drbd-utils uses the same raw form.
 *
 * <p>It is derived from the JDK's (intrinsified) {@link CRC32C}, which uses seed ~0 and a final
 * inversion: by linearity, {@code raw(0, d) = jdk(d) ^ jdk(zeroes(len(d)))}.
 */
public final class Crc32cRaw {
    private static final int ZERO_4K = jdk(ByteBuffer.allocate(4096));

    private Crc32cRaw() {
    }

    /** {@code crc32c(0, data, remaining)} over data's remaining bytes; data's position is not moved. */
    public static int compute(ByteBuffer data) {
        int len = data.remaining();
        int zeroes = len == 4096 ? ZERO_4K : jdk(ByteBuffer.allocate(len));
        return jdk(data.duplicate()) ^ zeroes;
    }

    private static int jdk(ByteBuffer b) {
        CRC32C c = new CRC32C();
        c.update(b);
        return (int) c.getValue();
    }
}
