package org.drbdj.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.drbdj.testing.Prerequisites;
import org.drbdj.testing.ProcessRunner;
import org.drbdj.testing.TestDirs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NbdClientHandshakeTest {

    /** Handshake I/O over a JDK Unix-domain channel. */
    static NbdClientHandshake.Io io(SocketChannel ch) {
        return new NbdClientHandshake.Io() {
            @Override
            public void readFully(byte[] buf) throws IOException {
                ByteBuffer b = ByteBuffer.wrap(buf);
                while (b.hasRemaining()) {
                    if (ch.read(b) < 0) {
                        throw new EOFException("server closed");
                    }
                }
            }

            @Override
            public void writeFully(byte[] buf) throws IOException {
                ByteBuffer b = ByteBuffer.wrap(buf);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
        };
    }

    @Test
    void goAgainstNbdkitReportsTheSizeAndFlagsNbdinfoSees() throws Exception {
        Prerequisites.requireCommands("nbdkit", "nbdinfo");
        Path dir = TestDirs.create(NbdClientHandshakeTest.class, "nbdkit");
        Path sock = dir.resolve("k.sock");
        Process nbdkit = NbdFuseLoopAttacherTest.startNbdkit(sock, "-r", "memory", "size=12M");
        try {
            NbdClientHandshake.ExportInfo info;
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(sock));
                info = NbdClientHandshake.go(io(ch), "");
                // In transmission phase now: a NBD_CMD_DISC ends it politely.
                ByteBuffer disc = ByteBuffer.allocate(28).putInt(0x25609513).putShort((short) 0).putShort((short) 2);
                ch.write(disc.position(0));
            }
            assertThat(info.sizeBytes()).isEqualTo(12L << 20);
            assertThat(info.readOnly()).isTrue();
            assertThat(info.transmissionFlags() & 1).as("HAS_FLAGS").isEqualTo(1);
            String json = ProcessRunner.run(java.util.List.of("nbdinfo", "--json", "nbd+unix:///?socket=" + sock), 30)
                    .requireSuccess(java.util.List.of("nbdinfo")).stdout();
            assertThat(json).contains("\"export-size\": " + (12L << 20));
            assertThat(json).contains("\"is_read_only\": true");
            assertThat(json).contains("\"can_flush\": " + ((info.transmissionFlags() & 4) != 0));
        } finally {
            nbdkit.destroy();
            nbdkit.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** Replays canned server bytes and records what the client sent. */
    private static final class Scripted implements NbdClientHandshake.Io {
        final ByteBuffer server;
        final ByteArrayOutputStream sent = new ByteArrayOutputStream();

        Scripted(byte[] server) {
            this.server = ByteBuffer.wrap(server);
        }

        @Override
        public void readFully(byte[] buf) throws IOException {
            if (server.remaining() < buf.length) {
                throw new EOFException("script ends");
            }
            server.get(buf);
        }

        @Override
        public void writeFully(byte[] buf) {
            sent.write(buf, 0, buf.length);
        }
    }

    private static ByteBuffer hello(int flags) {
        return ByteBuffer.allocate(18).putLong(NbdClientHandshake.NBDMAGIC).putLong(NbdClientHandshake.IHAVEOPT)
                .putShort((short) flags);
    }

    private static byte[] reply(int type, byte[] data) {
        return ByteBuffer.allocate(20 + data.length).putLong(NbdClientHandshake.REPLY_MAGIC).putInt(7).putInt(type)
                .putInt(data.length).put(data).array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.write(p, 0, p.length);
        }
        return out.toByteArray();
    }

    @Test
    void theClientSendsOptGoWithTheNameAndABlockSizeRequest() throws Exception {
        byte[] export = ByteBuffer.allocate(12).putShort((short) 0).putLong(1 << 20).putShort((short) 0x10d).array();
        byte[] block = ByteBuffer.allocate(14).putShort((short) 3).putInt(512).putInt(4096).putInt(1 << 25).array();
        Scripted s = new Scripted(concat(hello(3).array(), reply(3, export), reply(3, block), reply(1, new byte[0])));
        NbdClientHandshake.ExportInfo info = NbdClientHandshake.go(s, "r0");
        assertThat(info).isEqualTo(new NbdClientHandshake.ExportInfo(1 << 20, 0x10d, 512, 4096));
        ByteBuffer c = ByteBuffer.wrap(s.sent.toByteArray());
        assertThat(c.getInt(0)).as("client flags FIXED_NEWSTYLE|NO_ZEROES").isEqualTo(3);
        assertThat(c.getLong(4)).isEqualTo(NbdClientHandshake.IHAVEOPT);
        assertThat(c.getInt(12)).isEqualTo(NbdClientHandshake.OPT_GO);
        assertThat(c.getInt(16)).as("option length").isEqualTo(4 + 2 + 2 + 2);
        assertThat(c.getInt(20)).isEqualTo(2);
        assertThat(new String(s.sent.toByteArray(), 24, 2, StandardCharsets.UTF_8)).isEqualTo("r0");
        assertThat(c.getShort(26)).as("one info request").isEqualTo((short) 1);
        assertThat(c.getShort(28)).isEqualTo((short) NbdClientHandshake.INFO_BLOCK_SIZE);
        assertThat(c.limit()).isEqualTo(30);
    }

    @Test
    void refusalsAndGarbageBecomeClearErrors() {
        String msg = "export is Secondary";
        Scripted refused = new Scripted(concat(hello(1).array(),
                reply(0x80000000 | 2, msg.getBytes(StandardCharsets.UTF_8))));
        assertThatThrownBy(() -> NbdClientHandshake.go(refused, "r0"))
                .hasMessageContaining("NBD_REP_ERR_POLICY").hasMessageContaining(msg).hasMessageContaining("'r0'");

        byte[] bad = hello(1).array();
        bad[0] = 'X';
        assertThatThrownBy(() -> NbdClientHandshake.go(new Scripted(bad), "")).hasMessageContaining("not a fixed-newstyle");
        assertThatThrownBy(() -> NbdClientHandshake.go(new Scripted(hello(0).array()), ""))
                .hasMessageContaining("fixed newstyle");
        byte[] noExport = concat(hello(1).array(), reply(1, new byte[0]));
        assertThatThrownBy(() -> NbdClientHandshake.go(new Scripted(noExport), ""))
                .hasMessageContaining("without announcing the export size");
        byte[] huge = ByteBuffer.allocate(20).putLong(NbdClientHandshake.REPLY_MAGIC).putInt(7).putInt(3)
                .putInt(1 << 30).array();
        assertThatThrownBy(() -> NbdClientHandshake.go(new Scripted(concat(hello(1).array(), huge)), ""))
                .hasMessageContaining("too long");
    }
}
