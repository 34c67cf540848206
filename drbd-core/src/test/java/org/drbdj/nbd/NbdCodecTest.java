package org.drbdj.nbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link NbdServerDecoder} and {@link NbdServerEncoder} on an {@link EmbeddedChannel}: every frame
 * fed whole and split at odd offsets must decode the same, short input must wait, corrupt and
 * oversized frames must close the channel, and encoded replies must match the protocol's layouts
 * byte for byte (the expected bytes are written out from doc/proto.md, not from the encoder).
 */
@Timeout(30)
class NbdCodecTest {
    private static final int MAX_PAYLOAD = 1024 * 1024;

    private static EmbeddedChannel decoderChannel() {
        return new EmbeddedChannel(new NbdServerDecoder(64 * 1024, MAX_PAYLOAD), new NbdErrorHandler());
    }

    /** Client flags, LIST, GO("disk"), then requests (after switching phase), as one client byte stream. */
    private static ByteBuf handshakeBytes() {
        ByteBuf b = Unpooled.buffer();
        b.writeInt(NbdProtocol.FLAG_C_FIXED_NEWSTYLE | NbdProtocol.FLAG_C_NO_ZEROES);
        OptionHeader.encode(b, NbdProtocol.OPT_LIST, 0);
        byte[] go = RawNbdClient.goData("disk", NbdProtocol.INFO_BLOCK_SIZE);
        OptionHeader.encode(b, NbdProtocol.OPT_GO, go.length);
        b.writeBytes(go);
        return b;
    }

    private static ByteBuf requestBytes(byte[] writeData) {
        ByteBuf b = Unpooled.buffer();
        RequestHeader.encode(b, 0, NbdProtocol.CMD_READ, 0x1122334455667788L, 4096, 512);
        RequestHeader.encode(b, NbdProtocol.CMD_FLAG_FUA, NbdProtocol.CMD_WRITE, 2, 8192, writeData.length);
        b.writeBytes(writeData);
        RequestHeader.encode(b, 0, NbdProtocol.CMD_FLUSH, 3, 0, 0);
        RequestHeader.encode(b, 0, NbdProtocol.CMD_TRIM, 4, -512, 0xFFFFFFFF); // unsigned extremes
        return b;
    }

    @Test
    void handshakeAndRequestsDecodeTheSameForEverySplit() {
        byte[] writeData = new byte[20_000]; // longer than most chunks: exercises gathering
        new Random(1).nextBytes(writeData);
        ByteBuf hs = handshakeBytes();
        ByteBuf rq = requestBytes(writeData);
        byte[] handshake = ByteBufUtil.getBytes(hs);
        byte[] requests = ByteBufUtil.getBytes(rq);
        hs.release();
        rq.release();
        for (int chunk : new int[] {1, 3, 7, 13, 29, 4095, 65536, Integer.MAX_VALUE}) {
            EmbeddedChannel ch = decoderChannel();
            feed(ch, handshake, chunk);
            NbdClientFlags flags = ch.readInbound();
            assertThat(flags.fixedNewstyle()).isTrue();
            assertThat(flags.noZeroes()).isTrue();
            assertThat(flags.unknownBits()).isZero();
            NbdOptionRequest list = ch.readInbound();
            assertThat(list.option()).isEqualTo(NbdProtocol.OPT_LIST);
            assertThat(list.data()).isEmpty();
            NbdOptionRequest go = ch.readInbound();
            assertThat(go.option()).isEqualTo(NbdProtocol.OPT_GO);
            assertThat(go.data()).isEqualTo(RawNbdClient.goData("disk", NbdProtocol.INFO_BLOCK_SIZE));
            assertThat((Object) ch.readInbound()).isNull();

            ch.pipeline().get(NbdServerDecoder.class).enterTransmission();
            feed(ch, requests, chunk);
            NbdRequest read = ch.readInbound();
            assertThat(read.type()).isEqualTo(NbdProtocol.CMD_READ);
            assertThat(read.cookie()).isEqualTo(0x1122334455667788L);
            assertThat(read.offsetBytes()).isEqualTo(4096);
            assertThat(read.lengthBytes()).isEqualTo(512);
            assertThat(read.content().readableBytes()).isZero();
            read.release();
            NbdRequest write = ch.readInbound();
            try {
                assertThat(write.type()).isEqualTo(NbdProtocol.CMD_WRITE);
                assertThat(write.hasFlag(NbdProtocol.CMD_FLAG_FUA)).isTrue();
                assertThat(write.cookie()).isEqualTo(2);
                assertThat(write.offsetBytes()).isEqualTo(8192);
                assertThat(write.lengthBytes()).isEqualTo(writeData.length);
                assertThat(ByteBufUtil.getBytes(write.content())).as("split %d", chunk).isEqualTo(writeData);
            } finally {
                write.release();
            }
            NbdRequest flush = ch.readInbound();
            assertThat(flush.type()).isEqualTo(NbdProtocol.CMD_FLUSH);
            flush.release();
            NbdRequest trim = ch.readInbound();
            assertThat(trim.offsetBytes()).isEqualTo(-512); // 2^64 - 512 as a signed long
            assertThat(trim.lengthBytes()).isEqualTo(0xFFFFFFFFL);
            trim.release();
            assertThat((Object) ch.readInbound()).isNull();
            assertThat(ch.isOpen()).isTrue();
            assertThat(ch.finishAndReleaseAll()).isFalse();
        }
    }

    @Test
    void shortInputWaitsForMore() {
        EmbeddedChannel ch = decoderChannel();
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0, 0}));
        assertThat((Object) ch.readInbound()).isNull();
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {1}));
        assertThat((NbdClientFlags) ch.readInbound()).isEqualTo(new NbdClientFlags(1));
        ByteBuf option = Unpooled.buffer();
        OptionHeader.encode(option, NbdProtocol.OPT_EXPORT_NAME, 4);
        option.writeBytes("disk".getBytes(StandardCharsets.UTF_8));
        ch.writeInbound(option.readRetainedSlice(OptionHeader.LENGTH + 3));
        assertThat((Object) ch.readInbound()).isNull();
        ch.writeInbound(option);
        NbdOptionRequest req = ch.readInbound();
        assertThat(new String(req.data(), StandardCharsets.UTF_8)).isEqualTo("disk");
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void badOptionMagicClosesTheChannel() {
        EmbeddedChannel ch = decoderChannel();
        ByteBuf b = Unpooled.buffer().writeInt(1).writeLong(NbdProtocol.NBDMAGIC).writeInt(7).writeInt(0);
        ch.writeInbound(b);
        assertThat((NbdClientFlags) ch.readInbound()).isNotNull();
        assertThat((Object) ch.readInbound()).isNull();
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }

    @Test
    void badRequestMagicClosesTheChannel() {
        EmbeddedChannel ch = transmissionChannel();
        ByteBuf b = Unpooled.buffer();
        RequestHeader.encode(b, 0, NbdProtocol.CMD_READ, 1, 0, 512);
        b.setInt(RequestHeader.OFFSET_MAGIC, NbdProtocol.SIMPLE_REPLY_MAGIC);
        ch.writeInbound(b);
        assertThat((Object) ch.readInbound()).isNull();
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }

    @Test
    void decoderThrowsCorruptedFrameOnBadMagic() {
        EmbeddedChannel ch = new EmbeddedChannel(new NbdServerDecoder(64 * 1024, MAX_PAYLOAD));
        ch.pipeline().get(NbdServerDecoder.class);
        ch.writeInbound(Unpooled.buffer().writeInt(0));
        ch.readInbound();
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.buffer().writeLong(0).writeLong(0)))
                .isInstanceOf(CorruptedFrameException.class);
        ch.finishAndReleaseAll();
    }

    @Test
    void oversizedWriteAndOptionCloseTheChannelWithoutAllocating() {
        EmbeddedChannel ch = transmissionChannel();
        ByteBuf b = Unpooled.buffer();
        RequestHeader.encode(b, 0, NbdProtocol.CMD_WRITE, 1, 0, MAX_PAYLOAD + 1);
        ch.writeInbound(b);
        assertThat((Object) ch.readInbound()).isNull();
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();

        EmbeddedChannel ch2 = new EmbeddedChannel(new NbdServerDecoder(64 * 1024, MAX_PAYLOAD));
        ch2.writeInbound(Unpooled.buffer().writeInt(0));
        ch2.readInbound();
        ByteBuf o = Unpooled.buffer();
        OptionHeader.encode(o, NbdProtocol.OPT_GO, 64 * 1024 + 1);
        assertThatThrownBy(() -> ch2.writeInbound(o)).isInstanceOf(TooLongFrameException.class);
        ch2.finishAndReleaseAll();
    }

    @Test
    void aReadLongerThanThePayloadLimitIsStillDecodedForAnErrorReply() {
        EmbeddedChannel ch = transmissionChannel();
        ByteBuf b = Unpooled.buffer();
        RequestHeader.encode(b, 0, NbdProtocol.CMD_READ, 1, 0, -1);
        ch.writeInbound(b);
        NbdRequest r = ch.readInbound();
        assertThat(r.lengthBytes()).isEqualTo(0xFFFFFFFFL);
        r.release();
        assertThat(ch.isOpen()).isTrue();
        ch.finishAndReleaseAll();
    }

    @Test
    void discardAfterAbortIgnoresEverything() {
        EmbeddedChannel ch = transmissionChannel();
        ch.pipeline().get(NbdServerDecoder.class).discardInput();
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[100]));
        assertThat((Object) ch.readInbound()).isNull();
        assertThat(ch.isOpen()).isTrue();
        ch.finishAndReleaseAll();
    }

    @Test
    void pendingWriteDataIsReleasedWhenTheChannelCloses() {
        EmbeddedChannel ch = transmissionChannel();
        ByteBuf b = Unpooled.buffer();
        RequestHeader.encode(b, 0, NbdProtocol.CMD_WRITE, 1, 0, 4096);
        b.writeBytes(new byte[100]);
        ch.writeInbound(b);
        assertThat((Object) ch.readInbound()).isNull();
        // The half-gathered WRITE holds a slice of the input; closing must drop it.
        assertThat(b.refCnt()).isPositive();
        ch.close();
        ch.finishAndReleaseAll();
        assertThat(b.refCnt()).isZero();
    }

    // ---- encoder ----

    @Test
    void encoderWritesTheProtocolLayouts() {
        EmbeddedChannel ch = new EmbeddedChannel(new NbdServerEncoder());

        ch.writeOutbound(new NbdServerMessage.Greeting(3));
        assertThat(outbound(ch)).isEqualTo(hex("4e42444d41474943 49484156454f5054 0003"));

        ch.writeOutbound(new NbdServerMessage.OptionReply(7, NbdProtocol.REP_ERR_POLICY, new byte[] {'n', 'o'}));
        assertThat(outbound(ch)).isEqualTo(hex("0003e889045565a9 00000007 80000002 00000002 6e6f"));

        ch.writeOutbound(new NbdServerMessage.ExportNameAnswer(0x10000, 0x0143, true));
        assertThat(outbound(ch)).isEqualTo(hex("0000000000010000 0143"));
        ch.writeOutbound(new NbdServerMessage.ExportNameAnswer(0x10000, 0x0143, false));
        byte[] withZeroes = outbound(ch);
        assertThat(withZeroes).hasSize(134);
        assertThat(Arrays.copyOfRange(withZeroes, 10, 134)).containsOnly(0);

        ByteBuf data = Unpooled.directBuffer().writeBytes(new byte[] {9, 8, 7});
        ch.writeOutbound(new NbdServerMessage.SimpleReply(0, 0x0102030405060708L, data));
        assertThat(outbound(ch)).isEqualTo(hex("67446698 00000000 0102030405060708 090807"));
        assertThat(data.refCnt()).isZero();

        ch.writeOutbound(new NbdServerMessage.SimpleReply(NbdProtocol.EPERM, 5, null));
        assertThat(outbound(ch)).isEqualTo(hex("67446698 00000001 0000000000000005"));

        ByteBuf read = Unpooled.directBuffer().writeBytes(new byte[] {1, 2});
        ch.writeOutbound(NbdServerMessage.StructuredReply.offsetData(6, 0x200, read));
        assertThat(outbound(ch)).isEqualTo(hex("668e33ef 0001 0001 0000000000000006 0000000a 0000000000000200 0102"));

        ch.writeOutbound(NbdServerMessage.StructuredReply.error(7, NbdProtocol.EINVAL, "bad"));
        assertThat(outbound(ch)).isEqualTo(hex("668e33ef 0001 8001 0000000000000007 00000009 00000016 0003 626164"));

        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void infoItemsFollowTheProtocolLayouts() {
        assertThat(InfoItem.export(0x4000, 0x0021)).isEqualTo(hex("0000 0000000000004000 0021"));
        assertThat(InfoItem.blockSize(1, 4096, 0x2000000)).isEqualTo(hex("0003 00000001 00001000 02000000"));
        assertThat(InfoItem.string(NbdProtocol.INFO_NAME, "ab")).isEqualTo(hex("0001 6162"));
    }

    private static EmbeddedChannel transmissionChannel() {
        EmbeddedChannel ch = decoderChannel();
        ch.writeInbound(Unpooled.buffer().writeInt(1));
        ch.readInbound();
        ch.pipeline().get(NbdServerDecoder.class).enterTransmission();
        return ch;
    }

    private static void feed(EmbeddedChannel ch, byte[] bytes, int chunk) {
        for (int off = 0; off < bytes.length; off += chunk) {
            int n = Math.min(chunk, bytes.length - off);
            ByteBuf b = Unpooled.directBuffer(n).writeBytes(bytes, off, n);
            ch.writeInbound(b);
        }
    }

    private static byte[] outbound(EmbeddedChannel ch) {
        List<byte[]> parts = new ArrayList<>();
        int total = 0;
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            byte[] part = ByteBufUtil.getBytes(b);
            b.release();
            parts.add(part);
            total += part.length;
        }
        byte[] all = new byte[total];
        int pos = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, pos, p.length);
            pos += p.length;
        }
        return all;
    }

    private static byte[] hex(String spaced) {
        return ByteBufUtil.decodeHexDump(spaced.replace(" ", ""));
    }
}
