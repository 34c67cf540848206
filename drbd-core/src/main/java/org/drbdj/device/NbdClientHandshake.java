package org.drbdj.device;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The client half of the NBD fixed-newstyle handshake with {@code NBD_OPT_GO}, done in userspace
 * before a connected socket is handed to the kernel nbd driver (which speaks only the
 * transmission phase), as {@code nbd-client} does. Asks for the block-size info so that the
 * kernel's logical block size can be checked against the export's minimum.
 */
public final class NbdClientHandshake {
    /** Moves raw bytes on the connection (a JDK channel in tests, a shim descriptor in production). */
    public interface Io {
        void readFully(byte[] buf) throws IOException;

        void writeFully(byte[] buf) throws IOException;
    }

    /**
     * What the server announced for the export.
     *
     * @param sizeBytes export size in bytes
     * @param transmissionFlags NBD_FLAG_* bits (bit 0 HAS_FLAGS, 1 READ_ONLY, 2 SEND_FLUSH, 3 SEND_FUA, 5 SEND_TRIM, 8 CAN_MULTI_CONN)
     * @param minimumBlockBytes smallest request alignment the server accepts (1 if not announced)
     * @param preferredBlockBytes preferred block size (4096 if not announced)
     */
    public record ExportInfo(long sizeBytes, int transmissionFlags, int minimumBlockBytes, int preferredBlockBytes) {
        public boolean readOnly() {
            return (transmissionFlags & 0x2) != 0;
        }
    }

    static final long NBDMAGIC = 0x4e42444d41474943L;
    static final long IHAVEOPT = 0x49484156454F5054L;
    static final long REPLY_MAGIC = 0x0003e889045565a9L;
    static final int FLAG_FIXED_NEWSTYLE = 1;
    static final int FLAG_NO_ZEROES = 2;
    static final int OPT_GO = 7;
    static final int REP_ACK = 1;
    static final int REP_INFO = 3;
    static final int INFO_EXPORT = 0;
    static final int INFO_BLOCK_SIZE = 3;
    static final int MAX_REPLY_BYTES = 64 * 1024;
    static final int MAX_REPLIES = 64;

    private NbdClientHandshake() {
    }

    /** Runs the handshake for {@code exportName}; afterwards the connection is in transmission phase. */
    public static ExportInfo go(Io io, String exportName) throws IOException {
        byte[] name = exportName.getBytes(StandardCharsets.UTF_8);
        if (name.length > 4096) {
            throw new IllegalArgumentException("export name longer than 4096 bytes");
        }
        ByteBuffer hello = ByteBuffer.allocate(18);
        io.readFully(hello.array());
        if (hello.getLong(0) != NBDMAGIC || hello.getLong(8) != IHAVEOPT) {
            throw new IOException(String.format("not a fixed-newstyle NBD server: magic %016x %016x",
                    hello.getLong(0), hello.getLong(8)));
        }
        int serverFlags = hello.getShort(16) & 0xffff;
        if ((serverFlags & FLAG_FIXED_NEWSTYLE) == 0) {
            throw new IOException("NBD server does not offer fixed newstyle (flags " + serverFlags + ")");
        }
        int clientFlags = FLAG_FIXED_NEWSTYLE | (serverFlags & FLAG_NO_ZEROES);
        int optLen = 4 + name.length + 2 + 2;
        ByteBuffer out = ByteBuffer.allocate(4 + 16 + optLen);
        out.putInt(clientFlags).putLong(IHAVEOPT).putInt(OPT_GO).putInt(optLen)
                .putInt(name.length).put(name).putShort((short) 1).putShort((short) INFO_BLOCK_SIZE);
        io.writeFully(out.array());

        long size = -1;
        int flags = 0;
        int minBlock = 1;
        int prefBlock = 4096;
        for (int i = 0; i < MAX_REPLIES; i++) {
            ByteBuffer h = ByteBuffer.allocate(20);
            io.readFully(h.array());
            if (h.getLong(0) != REPLY_MAGIC) {
                throw new IOException(String.format("bad NBD option reply magic %016x", h.getLong(0)));
            }
            int type = h.getInt(12);
            int len = h.getInt(16);
            if (len < 0 || len > MAX_REPLY_BYTES) {
                throw new IOException("NBD option reply of " + (len & 0xffffffffL) + " bytes is too long");
            }
            ByteBuffer data = ByteBuffer.allocate(len);
            if (len > 0) {
                io.readFully(data.array());
            }
            if (type == REP_ACK) {
                if (size < 0) {
                    throw new IOException("NBD server acknowledged OPT_GO without announcing the export size");
                }
                return new ExportInfo(size, flags, minBlock, prefBlock);
            }
            if (type == REP_INFO && len >= 2) {
                int info = data.getShort(0) & 0xffff;
                if (info == INFO_EXPORT && len >= 12) {
                    size = data.getLong(2);
                    flags = data.getShort(10) & 0xffff;
                } else if (info == INFO_BLOCK_SIZE && len >= 14) {
                    minBlock = data.getInt(2);
                    prefBlock = data.getInt(6);
                }
            } else if (type < 0) {
                String msg = new String(data.array(), StandardCharsets.UTF_8);
                throw new IOException("NBD server refused export '" + exportName + "': " + errorName(type)
                        + (msg.isEmpty() ? "" : " (" + msg + ")"));
            }
        }
        throw new IOException("NBD server sent more than " + MAX_REPLIES + " replies to OPT_GO");
    }

    static String errorName(int type) {
        switch (type & 0x7fffffff) {
            case 1: return "NBD_REP_ERR_UNSUP";
            case 2: return "NBD_REP_ERR_POLICY";
            case 3: return "NBD_REP_ERR_INVALID";
            case 4: return "NBD_REP_ERR_PLATFORM";
            case 5: return "NBD_REP_ERR_TLS_REQD";
            case 6: return "NBD_REP_ERR_UNKNOWN";
            case 7: return "NBD_REP_ERR_SHUTDOWN";
            case 8: return "NBD_REP_ERR_BLOCK_SIZE_REQD";
            case 9: return "NBD_REP_ERR_TOO_BIG";
            default: return "NBD error reply " + Integer.toUnsignedString(type);
        }
    }
}
