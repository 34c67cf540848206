package org.drbdj.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fanotify event layout with file handles, and how malformed input is refused. */
class FanotifyEventTest {
    private static final byte[] HANDLE = {1, 2, 3, 4, 5, 6, 7, 8};

    /** One event as the kernel lays it out: metadata, then one FID info record (4-byte aligned). */
    private static void event(ByteBuffer b, int version, long mask, int pid, int handleType, byte[] handle) {
        int infoLen = (20 + handle.length + 3) & ~3;
        int start = b.position();
        b.putInt(24 + infoLen).put((byte) version).put((byte) 0).putShort((short) 24).putLong(mask).putInt(-1).putInt(pid);
        b.put((byte) Fanotify.FAN_EVENT_INFO_TYPE_FID).put((byte) 0).putShort((short) infoLen);
        b.putInt(0x1234).putInt(0x5678); // fsid
        b.putInt(handle.length).putInt(handleType).put(handle);
        b.position(start + 24 + infoLen);
    }

    private static ByteBuffer buffer() {
        return ByteBuffer.allocate(512).order(ByteOrder.nativeOrder());
    }

    @Test
    void parsesSeveralEventsWithTheirHandles() {
        ByteBuffer b = buffer();
        event(b, 3, Fanotify.FAN_OPEN, 4711, 0x81, HANDLE);
        event(b, 3, Fanotify.FAN_OPEN | Fanotify.FAN_CLOSE_WRITE, 4712, 0x81, new byte[] {9, 9, 9, 9, 9, 9});
        b.flip();
        List<FanotifyEvent> events = FanotifyEvent.parse(b);
        assertThat(events).hasSize(2);
        assertThat(events.get(0)).isEqualTo(new FanotifyEvent(Fanotify.FAN_OPEN, 4711,
                FanotifyEvent.handleKey(0x81, HANDLE)));
        assertThat(events.get(0).handle()).isEqualTo("129:0102030405060708");
        assertThat(events.get(1).has(Fanotify.FAN_OPEN)).as("merged open").isTrue();
        assertThat(events.get(1).has(Fanotify.FAN_CLOSE_WRITE)).as("merged close").isTrue();
        assertThat(events.get(1).pid()).isEqualTo(4712);
    }

    @Test
    void anOverflowEventHasNoHandle() {
        ByteBuffer b = buffer();
        b.putInt(24).put((byte) 3).put((byte) 0).putShort((short) 24).putLong(Fanotify.FAN_Q_OVERFLOW).putInt(-1).putInt(0);
        b.flip();
        assertThat(FanotifyEvent.parse(b)).containsExactly(new FanotifyEvent(Fanotify.FAN_Q_OVERFLOW, 0, null));
    }

    @Test
    void refusesAnotherMetadataVersion() {
        ByteBuffer b = buffer();
        event(b, 2, Fanotify.FAN_OPEN, 1, 1, HANDLE);
        b.flip();
        assertThatThrownBy(() -> FanotifyEvent.parse(b)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fanotify metadata version 2, expected 3");
    }

    @Test
    void refusesLengthsThatDoNotFit() {
        ByteBuffer truncated = buffer();
        event(truncated, 3, Fanotify.FAN_OPEN, 1, 1, HANDLE);
        truncated.flip().limit(truncated.limit() - 4);
        assertThatThrownBy(() -> FanotifyEvent.parse(truncated)).hasMessageContaining("malformed fanotify event at byte 0");

        ByteBuffer bigHandle = buffer();
        event(bigHandle, 3, Fanotify.FAN_OPEN, 1, 1, HANDLE);
        bigHandle.putInt(24 + 12, 200).flip(); // handle_bytes beyond its record
        assertThatThrownBy(() -> FanotifyEvent.parse(bigHandle)).hasMessageContaining("does not fit");

        ByteBuffer zeroInfo = buffer();
        event(zeroInfo, 3, Fanotify.FAN_OPEN, 1, 1, HANDLE);
        zeroInfo.putShort(24 + 2, (short) 0).flip(); // an info record of length 0 would loop forever
        assertThatThrownBy(() -> FanotifyEvent.parse(zeroInfo)).hasMessageContaining("malformed fanotify info record");
    }

    @Test
    void aShortTailIsLeftAlone() {
        ByteBuffer b = buffer();
        event(b, 3, Fanotify.FAN_OPEN, 1, 1, HANDLE);
        b.putInt(7).flip(); // fewer bytes than a metadata header: not an event
        assertThat(FanotifyEvent.parse(b)).hasSize(1);
    }

    @Test
    void fdinfoFlagsTellWhetherADescriptorWrites() {
        assertThat(ProcOpeners.writeAccess("pos:\t0\nflags:\t02100000\nmnt_id:\t26\nino:\t5\n")).as("O_RDONLY").isFalse();
        assertThat(ProcOpeners.writeAccess("pos:\t0\nflags:\t0140001\nmnt_id:\t26\n")).as("O_WRONLY|O_DIRECT").isTrue();
        assertThat(ProcOpeners.writeAccess("pos:\t0\nflags:\t0100002\n")).as("O_RDWR").isTrue();
        assertThatThrownBy(() -> ProcOpeners.writeAccess("pos:\t0\n")).hasMessageContaining("no flags line");
    }
}
