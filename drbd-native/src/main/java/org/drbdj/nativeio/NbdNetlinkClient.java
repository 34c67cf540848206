package org.drbdj.nativeio;

import java.io.Closeable;
import java.util.List;

/**
 * Request/acknowledge exchanges with the nbd generic-netlink family: resolve the family id,
 * CONNECT (returns the device index the kernel used), RECONFIGURE, DISCONNECT. A netlink error
 * reply becomes a {@link NativeIoException} with its errno (for example ENOENT from the
 * controller when the nbd module is not loaded, EBUSY when the index is in use).
 */
public final class NbdNetlinkClient implements Closeable {
    /** Moves whole datagrams; the production one is a netlink socket of the shim. */
    public interface Transport extends Closeable {
        void send(byte[] message) throws NativeIoException;

        /** Receives one datagram into {@code buf}; returns its length. */
        int receive(byte[] buf) throws NativeIoException;

        @Override
        void close() throws NativeIoException;
    }

    /** A netlink socket from the shim, each receive bounded by {@code timeoutMs}. */
    public static Transport socketTransport(int timeoutMs) throws NativeIoException {
        int fd = NativeShim.netlinkOpen();
        return new Transport() {
            private boolean closed;

            @Override
            public void send(byte[] message) throws NativeIoException {
                NativeShim.writeFully(fd, message, 0, message.length, timeoutMs);
            }

            @Override
            public int receive(byte[] buf) throws NativeIoException {
                return NativeShim.read(fd, buf, 0, buf.length, timeoutMs);
            }

            @Override
            public void close() throws NativeIoException {
                if (!closed) {
                    closed = true;
                    NativeShim.close(fd);
                }
            }
        };
    }

    private static final int MAX_REPLIES = 64;
    private final Transport transport;
    private int seq = 1;
    private int familyId = -1;

    public NbdNetlinkClient(Transport transport) {
        this.transport = transport;
    }

    /** The nbd family id; ENOENT when the nbd module is not loaded. */
    public int familyId() throws NativeIoException {
        if (familyId < 0) {
            NbdNetlink.Message reply = exchange("CTRL_CMD_GETFAMILY(nbd)",
                    NbdNetlink.getFamily(nextSeq(), NbdNetlink.NBD_FAMILY), NbdNetlink.GENL_ID_CTRL);
            if (reply == null) {
                throw new NativeIoException("CTRL_CMD_GETFAMILY(nbd): no family in the reply", Errno.EIO);
            }
            familyId = reply.u16(NbdNetlink.CTRL_ATTR_FAMILY_ID);
        }
        return familyId;
    }

    /** NBD_CMD_CONNECT; returns the index of the device that now serves the sockets. */
    public int connect(NbdNetlink.ConnectRequest request) throws NativeIoException {
        int family = familyId();
        NbdNetlink.Message reply = exchange("NBD_CMD_CONNECT", NbdNetlink.connect(family, nextSeq(), request), family);
        if (reply != null && reply.attributes().containsKey(NbdNetlink.NBD_ATTR_INDEX)) {
            return reply.u32(NbdNetlink.NBD_ATTR_INDEX);
        }
        if (request.index() >= 0) {
            return request.index();
        }
        throw new NativeIoException("NBD_CMD_CONNECT: the kernel did not say which device it used", Errno.EIO);
    }

    /** NBD_CMD_RECONFIGURE with fresh sockets after the old connection died. */
    public void reconfigure(int index, int[] socketFds, long timeoutSeconds, long deadConnTimeoutSeconds)
            throws NativeIoException {
        int family = familyId();
        exchange("NBD_CMD_RECONFIGURE", NbdNetlink.reconfigure(family, nextSeq(), index, socketFds, timeoutSeconds,
                deadConnTimeoutSeconds), family);
    }

    /** NBD_CMD_DISCONNECT. */
    public void disconnect(int index) throws NativeIoException {
        int family = familyId();
        exchange("NBD_CMD_DISCONNECT", NbdNetlink.disconnect(family, nextSeq(), index), family);
    }

    private int nextSeq() {
        return seq++;
    }

    /**
     * Sends {@code request} and reads replies until its ACK (NLMSG_ERROR with error 0); returns
     * the last message of {@code replyType} seen (null if none); throws on a negative error.
     */
    private NbdNetlink.Message exchange(String operation, byte[] request, int replyType) throws NativeIoException {
        int wantSeq = java.nio.ByteBuffer.wrap(request).order(java.nio.ByteOrder.nativeOrder()).getInt(8);
        transport.send(request);
        NbdNetlink.Message payload = null;
        byte[] buf = new byte[1 << 16];
        for (int i = 0; i < MAX_REPLIES; i++) {
            int n = transport.receive(buf);
            List<NbdNetlink.Message> messages;
            try {
                messages = NbdNetlink.parse(buf, n);
            } catch (IllegalArgumentException e) {
                throw new NativeIoException(operation + ": malformed reply (" + e.getMessage() + ")", Errno.EIO);
            }
            for (NbdNetlink.Message m : messages) {
                if (m.seq() != wantSeq) {
                    continue;
                }
                if (m.type() == NbdNetlink.NLMSG_ERROR) {
                    if (m.error() < 0) {
                        throw new NativeIoException(operation, -m.error());
                    }
                    return payload;
                }
                if (m.type() == replyType) {
                    payload = m;
                }
            }
        }
        throw new NativeIoException(operation + ": no acknowledgement after " + MAX_REPLIES + " replies", Errno.EIO);
    }

    @Override
    public void close() throws NativeIoException {
        transport.close();
    }
}
