package org.drbdj.nbd;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Payloads of {@code NBD_REP_INFO} replies: a u16 info type followed by type-specific data.
 * <ul>
 * <li>{@code NBD_INFO_EXPORT} (12 bytes): type, u64 export size in bytes, u16 transmission flags.</li>
 * <li>{@code NBD_INFO_NAME} / {@code NBD_INFO_DESCRIPTION}: type, UTF-8 string (no NUL).</li>
 * <li>{@code NBD_INFO_BLOCK_SIZE} (14 bytes): type, u32 minimum block, u32 preferred block, u32
 *     maximum payload, all in bytes.</li>
 * </ul>
 */
public final class InfoItem {
    public static final int OFFSET_TYPE = 0;

    public static final int EXPORT_OFFSET_SIZE = 2;
    public static final int EXPORT_OFFSET_TRANSMISSION_FLAGS = 10;
    public static final int EXPORT_LENGTH = 12;

    public static final int STRING_OFFSET_TEXT = 2;

    public static final int BLOCK_SIZE_OFFSET_MINIMUM = 2;
    public static final int BLOCK_SIZE_OFFSET_PREFERRED = 6;
    public static final int BLOCK_SIZE_OFFSET_MAXIMUM_PAYLOAD = 10;
    public static final int BLOCK_SIZE_LENGTH = 14;

    private InfoItem() {
    }

    /** The mandatory {@code NBD_INFO_EXPORT} item. */
    public static byte[] export(long sizeBytes, int transmissionFlags) {
        byte[] b = new byte[EXPORT_LENGTH];
        ByteBuf buf = io.netty.buffer.Unpooled.wrappedBuffer(b);
        buf.setShort(OFFSET_TYPE, NbdProtocol.INFO_EXPORT);
        buf.setLong(EXPORT_OFFSET_SIZE, sizeBytes);
        buf.setShort(EXPORT_OFFSET_TRANSMISSION_FLAGS, transmissionFlags);
        return b;
    }

    /** {@code NBD_INFO_NAME} or {@code NBD_INFO_DESCRIPTION} carrying {@code text}. */
    public static byte[] string(int infoType, String text) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        byte[] b = new byte[STRING_OFFSET_TEXT + t.length];
        b[0] = (byte) (infoType >>> 8);
        b[1] = (byte) infoType;
        System.arraycopy(t, 0, b, STRING_OFFSET_TEXT, t.length);
        return b;
    }

    /** {@code NBD_INFO_BLOCK_SIZE}: the size constraints clients must honour after asking for them. */
    public static byte[] blockSize(int minimumBytes, int preferredBytes, int maximumPayloadBytes) {
        byte[] b = new byte[BLOCK_SIZE_LENGTH];
        ByteBuf buf = io.netty.buffer.Unpooled.wrappedBuffer(b);
        buf.setShort(OFFSET_TYPE, NbdProtocol.INFO_BLOCK_SIZE);
        buf.setInt(BLOCK_SIZE_OFFSET_MINIMUM, minimumBytes);
        buf.setInt(BLOCK_SIZE_OFFSET_PREFERRED, preferredBytes);
        buf.setInt(BLOCK_SIZE_OFFSET_MAXIMUM_PAYLOAD, maximumPayloadBytes);
        return b;
    }
}
