package org.drbdj.nativeio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NbdNetlinkTest {
    private static final ByteOrder HOST = ByteOrder.nativeOrder();

    private static NbdNetlink.ConnectRequest request(int index, int... fds) {
        return new NbdNetlink.ConnectRequest(index, 64L << 20, 4096, 0, 3600, 0x12d, 0, fds);
    }

    @Test
    void connectMessageHasHeadersAndEveryAttribute() {
        byte[] m = NbdNetlink.connect(0x1c, 7, request(3, 11, 12));
        ByteBuffer b = ByteBuffer.wrap(m).order(HOST);
        assertThat(b.getInt(0)).as("nlmsg_len").isEqualTo(m.length);
        assertThat(m.length % 4).isZero();
        assertThat(b.getShort(4) & 0xffff).as("family id").isEqualTo(0x1c);
        assertThat(b.getShort(6) & 0xffff).isEqualTo(NbdNetlink.NLM_F_REQUEST | NbdNetlink.NLM_F_ACK);
        assertThat(b.getInt(8)).as("seq").isEqualTo(7);
        assertThat(m[16]).as("genl cmd").isEqualTo((byte) NbdNetlink.NBD_CMD_CONNECT);
        assertThat(m[17]).as("genl version").isEqualTo((byte) 1);

        Map<Integer, byte[]> attrs = NbdNetlink.parseAttributes(b, 20, m.length);
        assertThat(u32(attrs.get(NbdNetlink.NBD_ATTR_INDEX))).isEqualTo(3);
        assertThat(u64(attrs.get(NbdNetlink.NBD_ATTR_SIZE_BYTES))).isEqualTo(64L << 20);
        assertThat(u64(attrs.get(NbdNetlink.NBD_ATTR_BLOCK_SIZE_BYTES))).isEqualTo(4096);
        assertThat(u64(attrs.get(NbdNetlink.NBD_ATTR_TIMEOUT))).isZero();
        assertThat(u64(attrs.get(NbdNetlink.NBD_ATTR_DEAD_CONN_TIMEOUT))).isEqualTo(3600);
        assertThat(u64(attrs.get(NbdNetlink.NBD_ATTR_SERVER_FLAGS))).isEqualTo(0x12d);
        assertThat(u64(attrs.get(NbdNetlink.NBD_ATTR_CLIENT_FLAGS))).isZero();

        // SOCKETS { SOCK_ITEM { SOCK_FD 11 }, SOCK_ITEM { SOCK_FD 12 } }, with the NESTED flag set.
        byte[] sockets = attrs.get(NbdNetlink.NBD_ATTR_SOCKETS);
        assertThat(sockets).hasSize(2 * 12);
        ByteBuffer s = ByteBuffer.wrap(sockets).order(HOST);
        List<Integer> fds = new ArrayList<>();
        for (int pos = 0; pos < sockets.length; pos += 12) {
            assertThat(s.getShort(pos) & 0xffff).isEqualTo(12);
            assertThat(s.getShort(pos + 2) & 0xffff).isEqualTo(NbdNetlink.NBD_SOCK_ITEM | NbdNetlink.NLA_F_NESTED);
            Map<Integer, byte[]> item = NbdNetlink.parseAttributes(s, pos + 4, pos + 12);
            fds.add(u32(item.get(NbdNetlink.NBD_SOCK_FD)));
        }
        assertThat(fds).containsExactly(11, 12);
        int socketsHeader = findAttrOffset(b, 20, m.length, NbdNetlink.NBD_ATTR_SOCKETS);
        assertThat(b.getShort(socketsHeader + 2) & NbdNetlink.NLA_F_NESTED).isNotZero();
    }

    @Test
    void connectWithoutIndexLetsTheKernelChoose() {
        byte[] m = NbdNetlink.connect(0x1c, 1, request(-1, 5));
        Map<Integer, byte[]> attrs = NbdNetlink.parseAttributes(ByteBuffer.wrap(m).order(HOST), 20, m.length);
        assertThat(attrs).doesNotContainKey(NbdNetlink.NBD_ATTR_INDEX).containsKey(NbdNetlink.NBD_ATTR_SIZE_BYTES);
    }

    @Test
    void getFamilyCarriesTheNulTerminatedPaddedName() {
        byte[] m = NbdNetlink.getFamily(9, "nbd");
        ByteBuffer b = ByteBuffer.wrap(m).order(HOST);
        assertThat(b.getShort(4) & 0xffff).isEqualTo(NbdNetlink.GENL_ID_CTRL);
        assertThat(m[16]).isEqualTo((byte) NbdNetlink.CTRL_CMD_GETFAMILY);
        assertThat(b.getShort(20)).as("nla_len = 4 + 'nbd\\0'").isEqualTo((short) 8);
        assertThat(b.getShort(22)).isEqualTo((short) NbdNetlink.CTRL_ATTR_FAMILY_NAME);
        assertThat(new String(m, 24, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("nbd\0");
        assertThat(m.length).isEqualTo(28);
        // A 4-byte name needs one pad to reach the 4-byte boundary after its NUL: 4 + 5 -> 12.
        assertThat(NbdNetlink.getFamily(1, "abcd").length).isEqualTo(20 + 12);
    }

    @Test
    void disconnectAndReconfigureNameTheDevice() {
        byte[] d = NbdNetlink.disconnect(0x1c, 2, 4);
        assertThat(d[16]).isEqualTo((byte) NbdNetlink.NBD_CMD_DISCONNECT);
        assertThat(u32(NbdNetlink.parseAttributes(ByteBuffer.wrap(d).order(HOST), 20, d.length)
                .get(NbdNetlink.NBD_ATTR_INDEX))).isEqualTo(4);
        byte[] r = NbdNetlink.reconfigure(0x1c, 3, 4, new int[] {9}, 0, 120);
        Map<Integer, byte[]> a = NbdNetlink.parseAttributes(ByteBuffer.wrap(r).order(HOST), 20, r.length);
        assertThat(r[16]).isEqualTo((byte) NbdNetlink.NBD_CMD_RECONFIGURE);
        assertThat(u64(a.get(NbdNetlink.NBD_ATTR_DEAD_CONN_TIMEOUT))).isEqualTo(120);
        assertThat(a).containsKey(NbdNetlink.NBD_ATTR_SOCKETS);
        assertThatThrownBy(() -> NbdNetlink.disconnect(0x1c, 2, -1)).hasMessageContaining("index");
    }

    @Test
    void badRequestsAreRejectedNamingTheValue() {
        assertThatThrownBy(() -> new NbdNetlink.ConnectRequest(0, 4096, 1000, 0, 0, 0, 0, new int[] {3}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1000");
        assertThatThrownBy(() -> new NbdNetlink.ConnectRequest(0, 4097, 4096, 0, 0, 0, 0, new int[] {3}))
                .hasMessageContaining("4097");
        assertThatThrownBy(() -> new NbdNetlink.ConnectRequest(0, 4096, 4096, -1, 0, 0, 0, new int[] {3}))
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> new NbdNetlink.ConnectRequest(0, 4096, 4096, 0, 0, 0, 0, new int[0]))
                .hasMessageContaining("socket");
        assertThatThrownBy(() -> new NbdNetlink.ConnectRequest(0, 4096, 4096, 0, 0, 0, 0, new int[] {-2}))
                .hasMessageContaining("-2");
        assertThatThrownBy(() -> new NbdNetlink.ConnectRequest(-3, 4096, 4096, 0, 0, 0, 0, new int[] {3}))
                .hasMessageContaining("-3");
    }

    @Test
    void parseRejectsTruncatedMessages() {
        byte[] m = NbdNetlink.disconnect(0x1c, 2, 4);
        ByteBuffer.wrap(m).order(HOST).putInt(0, m.length + 8);
        assertThatThrownBy(() -> NbdNetlink.parse(m, m.length)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("length");
    }

    // ---- the client, over a fake transport that answers like the kernel ----

    @Test
    void clientResolvesTheFamilyThenConnectsAndReturnsTheKernelsIndex() throws Exception {
        FakeKernel kernel = new FakeKernel();
        kernel.replies.add(seq -> concat(familyReply(seq, 0x22), ack(seq, 0)));
        kernel.replies.add(seq -> concat(ack(seq + 5, -16), indexReply(0x22, seq, 6), ack(seq, 0)));
        try (NbdNetlinkClient client = new NbdNetlinkClient(kernel)) {
            assertThat(client.connect(request(-1, 4))).isEqualTo(6);
        }
        assertThat(kernel.sent).hasSize(2);
        assertThat(ByteBuffer.wrap(kernel.sent.get(1)).order(HOST).getShort(4) & 0xffff).isEqualTo(0x22);
        assertThat(kernel.closed).isTrue();
    }

    @Test
    void kernelErrorsBecomeNativeIoExceptionsWithTheirErrno() throws Exception {
        FakeKernel noModule = new FakeKernel();
        noModule.replies.add(seq -> ack(seq, -Errno.ENOENT));
        NbdNetlinkClient c1 = new NbdNetlinkClient(noModule);
        assertThatThrownBy(c1::familyId).isInstanceOf(NativeIoException.class)
                .satisfies(e -> assertThat(((NativeIoException) e).errno()).isEqualTo(Errno.ENOENT))
                .hasMessageContaining("GETFAMILY");

        FakeKernel busy = new FakeKernel();
        busy.replies.add(seq -> concat(familyReply(seq, 0x22), ack(seq, 0)));
        busy.replies.add(seq -> ack(seq, -Errno.EBUSY));
        NbdNetlinkClient c2 = new NbdNetlinkClient(busy);
        assertThatThrownBy(() -> c2.connect(request(0, 4)))
                .satisfies(e -> assertThat(((NativeIoException) e).errno()).isEqualTo(Errno.EBUSY))
                .hasMessageContaining("NBD_CMD_CONNECT");
    }

    @Test
    void garbageFromTheSocketIsAnEioNotACrash() {
        FakeKernel garbage = new FakeKernel();
        garbage.replies.add(seq -> new byte[] {(byte) 200, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        NbdNetlinkClient c = new NbdNetlinkClient(garbage);
        assertThatThrownBy(c::familyId).isInstanceOf(NativeIoException.class)
                .satisfies(e -> assertThat(((NativeIoException) e).errno()).isEqualTo(Errno.EIO));
    }

    /** Answers each sent request with the next canned reply, built from the request's seq. */
    private static final class FakeKernel implements NbdNetlinkClient.Transport {
        final Deque<java.util.function.IntFunction<byte[]>> replies = new ArrayDeque<>();
        final List<byte[]> sent = new ArrayList<>();
        byte[] pending;
        boolean closed;

        @Override
        public void send(byte[] message) {
            sent.add(message);
            pending = replies.removeFirst().apply(ByteBuffer.wrap(message).order(HOST).getInt(8));
        }

        @Override
        public int receive(byte[] buf) throws NativeIoException {
            if (pending == null) {
                throw new NativeIoException("receive", Errno.ETIMEDOUT);
            }
            System.arraycopy(pending, 0, buf, 0, pending.length);
            int n = pending.length;
            pending = null;
            return n;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static byte[] ack(int seq, int error) {
        ByteBuffer b = ByteBuffer.allocate(36).order(HOST);
        b.putInt(36).putShort((short) NbdNetlink.NLMSG_ERROR).putShort((short) 0).putInt(seq).putInt(0);
        b.putInt(error).putInt(16).putShort((short) 0).putShort((short) 0).putInt(seq).putInt(0);
        return b.array();
    }

    private static byte[] familyReply(int seq, int id) {
        ByteBuffer b = ByteBuffer.allocate(28).order(HOST);
        b.putInt(28).putShort((short) NbdNetlink.GENL_ID_CTRL).putShort((short) 0).putInt(seq).putInt(0);
        b.put((byte) 1).put((byte) 2).putShort((short) 0);
        b.putShort((short) 6).putShort((short) NbdNetlink.CTRL_ATTR_FAMILY_ID).putShort((short) id).putShort((short) 0);
        return b.array();
    }

    private static byte[] indexReply(int family, int seq, int index) {
        ByteBuffer b = ByteBuffer.allocate(28).order(HOST);
        b.putInt(28).putShort((short) family).putShort((short) 0).putInt(seq).putInt(0);
        b.put((byte) NbdNetlink.NBD_CMD_CONNECT).put((byte) 1).putShort((short) 0);
        b.putShort((short) 8).putShort((short) NbdNetlink.NBD_ATTR_INDEX).putInt(index);
        return b.array();
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    private static int findAttrOffset(ByteBuffer b, int from, int to, int type) {
        for (int pos = from; pos < to; pos += NbdNetlink.align4(b.getShort(pos) & 0xffff)) {
            if ((b.getShort(pos + 2) & 0x3fff) == type) {
                return pos;
            }
        }
        throw new AssertionError("attribute " + type + " not found");
    }

    private static int u32(byte[] v) {
        assertThat(v).hasSize(4);
        return ByteBuffer.wrap(v).order(HOST).getInt();
    }

    private static long u64(byte[] v) {
        assertThat(v).hasSize(8);
        return ByteBuffer.wrap(v).order(HOST).getLong();
    }
}
