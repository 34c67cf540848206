package org.drbdj.nativeio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds and parses the generic-netlink messages of the Linux nbd driver ({@code
 * <linux/nbd-netlink.h>}), so that the C shim only moves bytes. Layout (host byte order, every
 * part padded to 4 bytes):
 * <pre>
 *   nlmsghdr   u32 len | u16 type (family id) | u16 flags | u32 seq | u32 port id
 *   genlmsghdr u8 cmd | u8 version | u16 reserved
 *   nlattr...  u16 len (header + payload, unpadded) | u16 type | payload | pad
 * </pre>
 * This mirrors what {@code nbd-client -N} does for a netlink connect: CONNECT with the socket
 * list nested as {@code SOCKETS { SOCK_ITEM { SOCK_FD } }}.
 */
public final class NbdNetlink {
    public static final int NLMSG_HDRLEN = 16;
    public static final int GENL_HDRLEN = 4;
    public static final int NLA_HDRLEN = 4;
    public static final int NLMSG_ERROR = 2;
    public static final int NLMSG_DONE = 3;
    public static final int NLM_F_REQUEST = 1;
    public static final int NLM_F_ACK = 4;
    public static final int NLA_F_NESTED = 1 << 15;

    /** The generic netlink controller, which maps family names to ids. */
    public static final int GENL_ID_CTRL = 0x10;
    public static final int CTRL_CMD_GETFAMILY = 3;
    public static final int CTRL_ATTR_FAMILY_ID = 1;
    public static final int CTRL_ATTR_FAMILY_NAME = 2;

    /** Family name and version of the nbd driver. */
    public static final String NBD_FAMILY = "nbd";
    public static final int NBD_GENL_VERSION = 1;
    public static final int NBD_CMD_CONNECT = 1;
    public static final int NBD_CMD_DISCONNECT = 2;
    public static final int NBD_CMD_RECONFIGURE = 3;

    public static final int NBD_ATTR_INDEX = 1;
    public static final int NBD_ATTR_SIZE_BYTES = 2;
    public static final int NBD_ATTR_BLOCK_SIZE_BYTES = 3;
    public static final int NBD_ATTR_TIMEOUT = 4;
    public static final int NBD_ATTR_SERVER_FLAGS = 5;
    public static final int NBD_ATTR_CLIENT_FLAGS = 6;
    public static final int NBD_ATTR_SOCKETS = 7;
    public static final int NBD_ATTR_DEAD_CONN_TIMEOUT = 8;
    public static final int NBD_SOCK_ITEM = 1;
    public static final int NBD_SOCK_FD = 1;

    private NbdNetlink() {
    }

    /**
     * Parameters of an nbd CONNECT (or RECONFIGURE).
     *
     * @param index the nbd device index, or -1 to let the kernel pick (or create) a free one
     * @param sizeBytes export size in bytes; a multiple of {@code blockSizeBytes}
     * @param blockSizeBytes logical block size, a power of two in 512..4096
     * @param timeoutSeconds per-request timeout; 0 = never fail I/O (the kernel then only logs
     *     stuck requests), which is what a local daemon that may restart wants
     * @param deadConnTimeoutSeconds how long the device waits for RECONFIGURE with new sockets
     *     after the connection died before failing I/O
     * @param serverFlags the export's NBD transmission flags
     * @param clientFlags NBD_CFLAG_* bits
     * @param socketFds connected sockets in transmission phase; the kernel keeps references
     */
    public record ConnectRequest(int index, long sizeBytes, long blockSizeBytes, long timeoutSeconds,
                                 long deadConnTimeoutSeconds, long serverFlags, long clientFlags, int[] socketFds) {
        public ConnectRequest {
            if (index < -1) {
                throw new IllegalArgumentException("nbd index must be >= 0 (or -1 for any), got " + index);
            }
            if (blockSizeBytes < 512 || blockSizeBytes > 4096 || Long.bitCount(blockSizeBytes) != 1) {
                throw new IllegalArgumentException("block size must be a power of two in 512..4096, got " + blockSizeBytes);
            }
            if (sizeBytes <= 0 || sizeBytes % blockSizeBytes != 0) {
                throw new IllegalArgumentException("size " + sizeBytes + " bytes must be a positive multiple of the block size "
                        + blockSizeBytes);
            }
            if (timeoutSeconds < 0 || deadConnTimeoutSeconds < 0) {
                throw new IllegalArgumentException("timeouts must not be negative: timeout " + timeoutSeconds
                        + " s, dead-conn-timeout " + deadConnTimeoutSeconds + " s");
            }
            if (socketFds == null || socketFds.length == 0) {
                throw new IllegalArgumentException("at least one socket descriptor is needed");
            }
            for (int fd : socketFds) {
                if (fd < 0) {
                    throw new IllegalArgumentException("bad socket descriptor " + fd);
                }
            }
            socketFds = socketFds.clone();
        }
    }

    /** CTRL_CMD_GETFAMILY for {@code name}, to learn the family id the kernel assigned. */
    public static byte[] getFamily(int seq, String name) {
        Builder b = new Builder(GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, seq, CTRL_CMD_GETFAMILY, 2);
        b.stringAttr(CTRL_ATTR_FAMILY_NAME, name);
        return b.finish();
    }

    /** NBD_CMD_CONNECT. */
    public static byte[] connect(int familyId, int seq, ConnectRequest r) {
        Builder b = new Builder(familyId, NLM_F_REQUEST | NLM_F_ACK, seq, NBD_CMD_CONNECT, NBD_GENL_VERSION);
        if (r.index() >= 0) {
            b.u32Attr(NBD_ATTR_INDEX, r.index());
        }
        b.u64Attr(NBD_ATTR_SIZE_BYTES, r.sizeBytes());
        b.u64Attr(NBD_ATTR_BLOCK_SIZE_BYTES, r.blockSizeBytes());
        b.u64Attr(NBD_ATTR_TIMEOUT, r.timeoutSeconds());
        b.u64Attr(NBD_ATTR_DEAD_CONN_TIMEOUT, r.deadConnTimeoutSeconds());
        b.u64Attr(NBD_ATTR_SERVER_FLAGS, r.serverFlags());
        b.u64Attr(NBD_ATTR_CLIENT_FLAGS, r.clientFlags());
        b.sockets(r.socketFds());
        return b.finish();
    }

    /** NBD_CMD_RECONFIGURE: new sockets (after a daemon restart) and timeouts for a live device. */
    public static byte[] reconfigure(int familyId, int seq, int index, int[] socketFds, long timeoutSeconds,
                                     long deadConnTimeoutSeconds) {
        if (index < 0) {
            throw new IllegalArgumentException("RECONFIGURE needs a device index, got " + index);
        }
        Builder b = new Builder(familyId, NLM_F_REQUEST | NLM_F_ACK, seq, NBD_CMD_RECONFIGURE, NBD_GENL_VERSION);
        b.u32Attr(NBD_ATTR_INDEX, index);
        b.u64Attr(NBD_ATTR_TIMEOUT, timeoutSeconds);
        b.u64Attr(NBD_ATTR_DEAD_CONN_TIMEOUT, deadConnTimeoutSeconds);
        b.sockets(socketFds);
        return b.finish();
    }

    /** NBD_CMD_DISCONNECT of device {@code index}. */
    public static byte[] disconnect(int familyId, int seq, int index) {
        if (index < 0) {
            throw new IllegalArgumentException("DISCONNECT needs a device index, got " + index);
        }
        Builder b = new Builder(familyId, NLM_F_REQUEST | NLM_F_ACK, seq, NBD_CMD_DISCONNECT, NBD_GENL_VERSION);
        b.u32Attr(NBD_ATTR_INDEX, index);
        return b.finish();
    }

    /** Accumulates one request message. */
    static final class Builder {
        private final ByteBuffer buf = ByteBuffer.allocate(4096).order(ByteOrder.nativeOrder());

        Builder(int type, int flags, int seq, int cmd, int version) {
            buf.putInt(0).putShort((short) type).putShort((short) flags).putInt(seq).putInt(0);
            buf.put((byte) cmd).put((byte) version).putShort((short) 0);
        }

        void u32Attr(int type, int value) {
            buf.putShort((short) (NLA_HDRLEN + 4)).putShort((short) type).putInt(value);
        }

        void u64Attr(int type, long value) {
            buf.putShort((short) (NLA_HDRLEN + 8)).putShort((short) type).putLong(value);
        }

        void stringAttr(int type, String value) {
            byte[] s = value.getBytes(StandardCharsets.UTF_8);
            buf.putShort((short) (NLA_HDRLEN + s.length + 1)).putShort((short) type).put(s).put((byte) 0);
            pad();
        }

        void sockets(int[] fds) {
            if (fds == null || fds.length == 0) {
                throw new IllegalArgumentException("at least one socket descriptor is needed");
            }
            int itemLen = NLA_HDRLEN + NLA_HDRLEN + 4;
            buf.putShort((short) (NLA_HDRLEN + itemLen * fds.length)).putShort((short) (NBD_ATTR_SOCKETS | NLA_F_NESTED));
            for (int fd : fds) {
                buf.putShort((short) itemLen).putShort((short) (NBD_SOCK_ITEM | NLA_F_NESTED));
                u32Attr(NBD_SOCK_FD, fd);
            }
        }

        private void pad() {
            while ((buf.position() & 3) != 0) {
                buf.put((byte) 0);
            }
        }

        byte[] finish() {
            int len = buf.position();
            buf.putInt(0, len);
            byte[] out = new byte[len];
            buf.get(0, out);
            return out;
        }
    }

    /**
     * One received netlink message.
     *
     * @param type nlmsg_type (a family id, {@link #NLMSG_ERROR} or {@link #NLMSG_DONE})
     * @param seq the sequence number it answers
     * @param error for NLMSG_ERROR: 0 (an ACK) or a negative errno; else 0
     * @param genlCmd the generic-netlink command of a family message, else -1
     * @param attributes top-level attributes of a family message (type without flag bits → payload)
     */
    public record Message(int type, int seq, int error, int genlCmd, Map<Integer, byte[]> attributes) {
        /** A u16 attribute (CTRL_ATTR_FAMILY_ID). */
        public int u16(int attr) {
            return ByteBuffer.wrap(required(attr)).order(ByteOrder.nativeOrder()).getShort() & 0xffff;
        }

        /** A u32 attribute (NBD_ATTR_INDEX). */
        public int u32(int attr) {
            return ByteBuffer.wrap(required(attr)).order(ByteOrder.nativeOrder()).getInt();
        }

        private byte[] required(int attr) {
            byte[] v = attributes.get(attr);
            if (v == null) {
                throw new IllegalArgumentException("netlink message of type " + type + " lacks attribute " + attr);
            }
            return v;
        }
    }

    /**
     * Splits a received datagram into messages; malformed lengths raise {@link IllegalArgumentException}
     * (the kernel never sends them, so it means we read the wrong thing).
     */
    public static List<Message> parse(byte[] data, int length) {
        if (length < 0 || length > data.length) {
            throw new IllegalArgumentException("length " + length + " outside a buffer of " + data.length);
        }
        ByteBuffer b = ByteBuffer.wrap(data, 0, length).order(ByteOrder.nativeOrder());
        List<Message> out = new ArrayList<>();
        int pos = 0;
        while (pos + NLMSG_HDRLEN <= length) {
            int len = b.getInt(pos);
            if (len < NLMSG_HDRLEN || pos + len > length) {
                throw new IllegalArgumentException("bad netlink message length " + len + " at offset " + pos
                        + " of " + length);
            }
            int type = b.getShort(pos + 4) & 0xffff;
            int seq = b.getInt(pos + 8);
            if (type == NLMSG_ERROR) {
                if (len < NLMSG_HDRLEN + 4) {
                    throw new IllegalArgumentException("truncated NLMSG_ERROR of " + len + " bytes");
                }
                out.add(new Message(type, seq, b.getInt(pos + NLMSG_HDRLEN), -1, Map.of()));
            } else if (type == NLMSG_DONE) {
                out.add(new Message(type, seq, 0, -1, Map.of()));
            } else {
                if (len < NLMSG_HDRLEN + GENL_HDRLEN) {
                    throw new IllegalArgumentException("truncated generic netlink message of " + len + " bytes");
                }
                int cmd = b.get(pos + NLMSG_HDRLEN) & 0xff;
                out.add(new Message(type, seq, 0, cmd,
                        parseAttributes(b, pos + NLMSG_HDRLEN + GENL_HDRLEN, pos + len)));
            }
            pos += align4(len);
        }
        return out;
    }

    static Map<Integer, byte[]> parseAttributes(ByteBuffer b, int from, int to) {
        Map<Integer, byte[]> attrs = new LinkedHashMap<>();
        int pos = from;
        while (pos + NLA_HDRLEN <= to) {
            int len = b.getShort(pos) & 0xffff;
            int type = b.getShort(pos + 2) & 0x3fff;
            if (len < NLA_HDRLEN || pos + len > to) {
                throw new IllegalArgumentException("bad netlink attribute length " + len + " at offset " + pos);
            }
            byte[] v = new byte[len - NLA_HDRLEN];
            b.get(pos + NLA_HDRLEN, v);
            attrs.put(type, v);
            pos += align4(len);
        }
        return Collections.unmodifiableMap(attrs);
    }

    static int align4(int n) {
        return (n + 3) & ~3;
    }
}
