package org.drbdj.device;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One event read from a fanotify group that reports file handles ({@code FAN_REPORT_FID}):
 * {@code struct fanotify_event_metadata} followed by info records, of which we use the
 * {@code FAN_EVENT_INFO_TYPE_FID} one to tell which watched node the event is about.
 *
 * <pre>
 * metadata: u32 event_len | u8 vers | u8 reserved | u16 metadata_len | u64 mask | s32 fd | s32 pid
 * info:     u8 info_type | u8 pad | u16 len | s32 fsid[2] | u32 handle_bytes | s32 handle_type | handle
 * </pre>
 * All fields are in the machine's byte order.
 *
 * @param mask   the event bits ({@code FAN_OPEN}, {@code FAN_CLOSE_WRITE}; several when the kernel merged events)
 * @param pid    the process (thread group) that caused it; 0 when outside our pid namespace
 * @param handle the object's file handle as {@link #handleKey} text, or null when the event has none
 */
record FanotifyEvent(long mask, int pid, String handle) {
    static final int METADATA_BYTES = 24;
    private static final int EVENT_LEN = 0;
    private static final int VERS = 4;
    private static final int METADATA_LEN = 6;
    private static final int MASK = 8;
    private static final int PID = 20;
    private static final int INFO_TYPE = 0;
    private static final int INFO_LEN = 2;
    private static final int INFO_HANDLE_BYTES = 12;
    private static final int INFO_HANDLE_TYPE = 16;
    private static final int INFO_HANDLE = 20;

    /**
     * Parses the events in {@code buf} from its position to its limit (what one read returned).
     *
     * @throws IllegalArgumentException on a metadata version we do not know or a malformed length
     *         (the kernel's ABI changed: better stop than misread)
     */
    static List<FanotifyEvent> parse(ByteBuffer buf) {
        ByteBuffer b = buf.slice().order(ByteOrder.nativeOrder());
        List<FanotifyEvent> events = new ArrayList<>();
        int at = 0;
        while (b.limit() - at >= METADATA_BYTES) {
            int eventLen = b.getInt(at + EVENT_LEN);
            int vers = b.get(at + VERS) & 0xff;
            int metadataLen = b.getShort(at + METADATA_LEN) & 0xffff;
            if (vers != Fanotify.FANOTIFY_METADATA_VERSION) {
                throw new IllegalArgumentException("fanotify metadata version " + vers + ", expected "
                        + Fanotify.FANOTIFY_METADATA_VERSION);
            }
            if (eventLen < METADATA_BYTES || eventLen > b.limit() - at || metadataLen < METADATA_BYTES
                    || metadataLen > eventLen) {
                throw new IllegalArgumentException("malformed fanotify event at byte " + at + ": event_len "
                        + eventLen + ", metadata_len " + metadataLen + ", " + (b.limit() - at) + " bytes left");
            }
            long mask = b.getLong(at + MASK);
            int pid = b.getInt(at + PID);
            String handle = null;
            for (int info = at + metadataLen; info + 4 <= at + eventLen; ) {
                int type = b.get(info + INFO_TYPE) & 0xff;
                int len = b.getShort(info + INFO_LEN) & 0xffff;
                if (len < 4 || info + len > at + eventLen) {
                    throw new IllegalArgumentException("malformed fanotify info record at byte " + info + ": len " + len);
                }
                if (type == Fanotify.FAN_EVENT_INFO_TYPE_FID && len >= INFO_HANDLE) {
                    int handleBytes = b.getInt(info + INFO_HANDLE_BYTES);
                    if (handleBytes < 0 || INFO_HANDLE + handleBytes > len) {
                        throw new IllegalArgumentException("fanotify file handle of " + handleBytes
                                + " bytes does not fit its " + len + "-byte record");
                    }
                    byte[] bytes = new byte[handleBytes];
                    b.get(info + INFO_HANDLE, bytes);
                    handle = handleKey(b.getInt(info + INFO_HANDLE_TYPE), bytes);
                }
                info += len;
            }
            events.add(new FanotifyEvent(mask, pid, handle));
            at += eventLen;
        }
        return events;
    }

    /** A file handle as comparable text: {@code TYPE:HEX}. */
    static String handleKey(int handleType, byte[] bytes) {
        return handleType + ":" + HexFormat.of().formatHex(bytes);
    }

    boolean has(long bit) {
        return (mask & bit) != 0;
    }
}
