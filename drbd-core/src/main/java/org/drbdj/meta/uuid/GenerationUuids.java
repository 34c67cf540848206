package org.drbdj.meta.uuid;

import java.util.Arrays;

/**
 * The generation identifiers (data generation UUIDs) of one volume, the data model behind DRBD's
 * sync-direction and split-brain decisions. The resync handshake rules live elsewhere; this class
 * holds the values and the operations that change them, with DRBD's semantics:
 *
 * <ul>
 * <li><b>v08</b> (DRBD 8.4): {@code current}, one {@code bitmap} UUID, {@code history[2]}
 *     ({@code drbd_uuid_new_current}, {@code drbd_uuid_set_bm}, {@code drbd_uuid_move_history}).</li>
 * <li><b>v09</b> (DRBD 9): {@code current}, one bitmap UUID per peer node id, {@code history[32]}
 *     ({@code rotate_current_into_bitmap}, {@code _drbd_uuid_push_history}).</li>
 * </ul>
 *
 * <p>Bit 0 of the current UUID is the role flag ({@link #UUID_PRIMARY}); it is masked off in
 * comparisons. Values are unsigned 64-bit numbers held in {@code long}s. Not thread-safe: the
 * owner serializes changes (DRBD's uuid_lock) and persists them with the superblock.
 */
public final class GenerationUuids {
    /** Lowest bit of the current UUID: set while the node is primary. */
    public static final long UUID_PRIMARY = 1;
    /** The current UUID create-md writes. */
    public static final long UUID_JUST_CREATED = 4;
    /** Added to the bitmap UUID by a sync source at resync start (UUID_NEW_BM_OFFSET). */
    public static final long UUID_NEW_BM_OFFSET = 1L << 48;
    /** DRBD 8.4's history length. */
    public static final int V08_HISTORY = 2;
    /** DRBD 9's history length (HISTORY_UUIDS) and number of node ids. */
    public static final int V09_HISTORY = 32;
    public static final int V09_NODE_IDS = 32;

    /** Meta-data format, which fixes the number of bitmap and history UUIDs. */
    public enum Format { V08, V09 }

    private final Format format;
    private final int myNodeId;
    private long current;
    /** v08: one entry; v09: indexed by peer node id. */
    private final long[] bitmap;
    private final long[] history;

    private GenerationUuids(Format format, int myNodeId) {
        this.format = format;
        this.myNodeId = myNodeId;
        this.current = UUID_JUST_CREATED;
        this.bitmap = new long[format == Format.V08 ? 1 : V09_NODE_IDS];
        this.history = new long[format == Format.V08 ? V08_HISTORY : V09_HISTORY];
    }

    /** Fresh DRBD 8.4 UUIDs, as create-md leaves them (current = JUST_CREATED). */
    public static GenerationUuids v08() {
        return new GenerationUuids(Format.V08, 0);
    }

    /** Fresh DRBD 9 UUIDs of the node with myNodeId (0..31). */
    public static GenerationUuids v09(int myNodeId) {
        if (myNodeId < 0 || myNodeId >= V09_NODE_IDS) {
            throw new IllegalArgumentException("node-id must be in [0, 31], got " + myNodeId);
        }
        return new GenerationUuids(Format.V09, myNodeId);
    }

    public Format format() {
        return format;
    }

    public long current() {
        return current;
    }

    /** v08: the bitmap UUID (peerNodeId ignored); v09: the bitmap UUID of that peer. */
    public long bitmap(int peerNodeId) {
        return bitmap[slot(peerNodeId)];
    }

    /** A copy of the history, newest first. */
    public long[] history() {
        return history.clone();
    }

    /** Sets the current UUID, with bit 0 reflecting the role (as {@code __drbd_uuid_set_current}). */
    public void setCurrent(long uuid, boolean primary) {
        current = primary ? uuid | UUID_PRIMARY : uuid & ~UUID_PRIMARY;
    }

    /**
     * DRBD 8.4 {@code drbd_uuid_new_current}: the bitmap UUID becomes the current one (the data
     * generation the absent peer still has), and a new random current UUID starts.
     */
    public void newCurrentUuidV08(long random, boolean primary) {
        requireFormat(Format.V08);
        bitmap[0] = current;
        setCurrent(random, primary);
    }

    /**
     * DRBD 9 {@code __new_current_uuid_prepare}: every peer in {@code missingPeerMask} (bit = node
     * id) whose bitmap UUID is unset, or already equal to the current UUID, gets the current UUID as
     * its bitmap UUID; if at least one did (or the UUIDs are still in their day-0 state), the
     * current UUID becomes {@code random} (role flag applied) and true is returned. Otherwise
     * nothing changes: no peer needs a new generation to track.
     */
    public boolean newCurrentUuidV09(long random, boolean primary, long missingPeerMask) {
        requireFormat(Format.V09);
        boolean day0 = isDay0();
        long prev = current;
        boolean gotNew = false;
        for (int node = 0; node < V09_NODE_IDS; node++) {
            if (node == myNodeId || (missingPeerMask & (1L << node)) == 0) {
                continue;
            }
            if (bitmap[node] != 0 && bitmap[node] != prev) {
                continue;
            }
            bitmap[node] = prev;
            gotNew = true;
        }
        if (!gotNew && !day0) {
            return false;
        }
        setCurrent(random, primary);
        if (day0) {
            pushHistory(prev);
        }
        return true;
    }

    /**
     * Sets a peer's bitmap UUID (0 clears it, e.g. when a resync finished). The previous value goes
     * into the history, as DRBD 8.4's {@code drbd_uuid_set_bm} (only when clearing) and DRBD 9's
     * {@code drbd_uuid_set_bitmap} (always) do.
     */
    public void setBitmap(int peerNodeId, long uuid) {
        int s = slot(peerNodeId);
        long previous = bitmap[s];
        if (format == Format.V08) {
            if (uuid == 0) {
                if (previous != 0) {
                    pushHistory(previous);
                }
                bitmap[s] = 0;
            } else {
                bitmap[s] = uuid & ~UUID_PRIMARY;
            }
            return;
        }
        bitmap[s] = uuid;
        if (previous != 0) {
            pushHistory(previous);
        }
    }

    /** A sync source at resync start: bitmap UUID += UUID_NEW_BM_OFFSET (sent as P_SYNC_UUID). */
    public long bumpBitmapForResync(int peerNodeId) {
        int s = slot(peerNodeId);
        bitmap[s] += UUID_NEW_BM_OFFSET;
        return bitmap[s];
    }

    /**
     * Rotates a UUID into the history (newest first). v08 ({@code drbd_uuid_move_history}) always
     * shifts. v09 ({@code _drbd_uuid_push_history}) skips 0, JUST_CREATED, the current UUID, a UUID
     * held in a bitmap slot or already in the history, and keeps the day-0 UUID in history[0].
     */
    public void pushHistory(long uuid) {
        if (format == Format.V08) {
            System.arraycopy(history, 0, history, 1, history.length - 1);
            history[0] = uuid;
            return;
        }
        if (uuid == UUID_JUST_CREATED || uuid == 0) {
            return;
        }
        long v = uuid & ~UUID_PRIMARY;
        if (v == (current & ~UUID_PRIMARY)) {
            return;
        }
        if (history[0] == 0) {
            history[0] = v;
            return;
        }
        for (int node = 0; node < V09_NODE_IDS; node++) {
            if (node != myNodeId && v == (bitmap[node] & ~UUID_PRIMARY)) {
                return;
            }
        }
        for (long h : history) {
            if (h == v) {
                return;
            }
        }
        System.arraycopy(history, 0, history, 1, history.length - 1);
        history[0] = v;
    }

    /** True when a real current UUID was set but never rotated (DRBD 9 {@code drbd_uuid_is_day0}). */
    public boolean isDay0() {
        if ((current & ~UUID_PRIMARY) == UUID_JUST_CREATED || current == 0) {
            return false;
        }
        for (long h : history) {
            if (h != 0) {
                return false;
            }
        }
        for (int node = 0; node < bitmap.length; node++) {
            if (node != myNodeId && bitmap[node] != 0) {
                return false;
            }
        }
        return true;
    }

    private int slot(int peerNodeId) {
        if (format == Format.V08) {
            return 0;
        }
        if (peerNodeId < 0 || peerNodeId >= V09_NODE_IDS || peerNodeId == myNodeId) {
            throw new IllegalArgumentException("peer node-id " + peerNodeId + " is invalid (0..31, not our own "
                    + myNodeId + ")");
        }
        return peerNodeId;
    }

    private void requireFormat(Format f) {
        if (format != f) {
            throw new IllegalStateException("operation for " + f + " meta-data called on " + format);
        }
    }

    @Override
    public String toString() {
        return format + "[current=" + Long.toHexString(current) + ", bitmap=" + Arrays.toString(bitmap)
                + ", history=" + Arrays.toString(history) + "]";
    }
}
