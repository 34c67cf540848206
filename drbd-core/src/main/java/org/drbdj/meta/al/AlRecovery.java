package org.drbdj.meta.al;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.drbdj.storage.BackingDevice;

/**
 * Reads the activity-log ring and rebuilds the set of hot extents at the newest transaction, as
 * drbdmeta's {@code replay_al_84} does: validate every block (magic and crc32c), find the oldest
 * and newest valid update transactions by (wrapping) tr_number, and replay them oldest to newest,
 * context first, then updates.
 *
 * <p>Where drbdmeta only warns, this recovery stays on the safe side of "resync at least every
 * block that may differ":
 * <ul>
 * <li>A bad block at the ring position after the newest valid transaction is the transaction that
 *     was being written when the machine died (torn). Its writes were never submitted, unless the
 *     block was complete and got damaged later; so when its first sector is a self-consistent
 *     header naming the next tr_number, its update extents (all in the first sector) are added
 *     to the hot set anyway. If the header is exactly the block's previous content (the
 *     tr_number one ring earlier, or INITIALIZED), the write never reached the header and the
 *     block is ignored.</li>
 * <li>Residual risk (shared with DRBD): a bit flipped on the medium inside the update list of the
 *     newest committed transaction, keeping the header self-consistent, can hide one extent.</li>
 * <li>Any other bad block means transactions may be lost in the middle of the log: the result is
 *     {@linkplain Result#trustworthy() untrustworthy} and callers resync everything.</li>
 * </ul>
 */
public final class AlRecovery {
    /**
     * What the ring says.
     *
     * @param hotExtents      sorted, distinct extent numbers to resync (empty when clean)
     * @param validBlocks     blocks with a good magic and crc
     * @param corruptBlocks   ring indexes (logical, by tr_number) of bad blocks
     * @param updateTransactions valid transactions of type update
     * @param newestTrNumber  tr_number of the newest valid update transaction, or -1
     * @param trustworthy     false when the hot set may be incomplete: resync the whole device
     * @param reason          why it is untrustworthy, or null
     */
    public record Result(long[] hotExtents, int validBlocks, List<Integer> corruptBlocks, int updateTransactions,
            long newestTrNumber, boolean trustworthy, String reason) {
        /** The tr_number an {@link ActivityLog} should continue with. */
        public long nextTrNumber() {
            return newestTrNumber < 0 ? 0 : (newestTrNumber + 1) & 0xffffffffL;
        }

        /** True when there is nothing to apply (all INITIALIZED, or no update ever written). */
        public boolean clean() {
            return trustworthy && hotExtents.length == 0;
        }
    }

    private AlRecovery() {
    }

    /** The header sector of a torn block is self-consistent: used update slots within the context, the rest unused. */
    private static boolean plausibleUpdates(ByteBuffer block, AlTransaction.Header h) {
        if (h.nUpdates() > AlTransaction.UPDATES_PER_TRANSACTION || h.contextSize() == 0) {
            return false;
        }
        ByteBuffer b = block.duplicate().order(java.nio.ByteOrder.BIG_ENDIAN);
        int base = b.position();
        for (int i = 0; i < AlTransaction.UPDATES_PER_TRANSACTION; i++) {
            int slot = Short.toUnsignedInt(b.getShort(base + AlTransaction.OFF_UPDATE_SLOTS + 2 * i));
            long extent = Integer.toUnsignedLong(b.getInt(base + AlTransaction.OFF_UPDATE_EXTENTS + 4 * i));
            boolean used = i < h.nUpdates();
            if (used ? slot >= h.contextSize() : (slot != 0xffff || extent != AlTransaction.FREE)) {
                return false;
            }
        }
        return true;
    }

    /** Reads the ring at layout from device and replays it. */
    public static Result read(BackingDevice device, AlLayout layout) throws IOException {
        ByteBuffer ring = ByteBuffer.allocate((int) layout.sizeBytes());
        device.read(ring, layout.alOffsetBytes());
        ring.flip();
        return replay(ring, layout);
    }

    /** Replays a ring image (layout.sizeBytes() bytes, on-disk block order). */
    public static Result replay(ByteBuffer ring, AlLayout layout) {
        int mx = layout.ringBlocks();
        AlTransaction[] tr = new AlTransaction[mx];
        ByteBuffer[] block = new ByteBuffer[mx];
        int valid = 0;
        int updates = 0;
        int oldest = -1;
        int newest = -1;
        List<Integer> corrupt = new ArrayList<>();
        for (int b = 0; b < mx; b++) {
            ByteBuffer blk = ring.duplicate();
            blk.position(ring.position() + layout.blockOfRingIndex(b) * AlTransaction.BLOCK_BYTES);
            block[b] = blk;
            tr[b] = AlTransaction.decodeValid(blk);
            if (tr[b] == null) {
                corrupt.add(b);
                continue;
            }
            valid++;
            if (tr[b].type() == AlTransaction.TYPE_INITIALIZED) {
                continue;
            }
            updates++;
            if (oldest < 0) {
                oldest = b;
                newest = b;
                continue;
            }
            if ((int) (tr[b].trNumber() - tr[oldest].trNumber()) < 0) {
                oldest = b;
            }
            if ((int) (tr[b].trNumber() - tr[newest].trNumber()) > 0) {
                newest = b;
            }
        }
        if (valid == 0) {
            return new Result(new long[0], 0, corrupt, 0, -1, false,
                    "no valid activity-log block found (never initialized, or not DRBD 8.4/9 meta-data)");
        }
        TreeSet<Long> hot = new TreeSet<>();
        long newestTr = -1;
        if (updates > 0) {
            newestTr = tr[newest].trNumber();
            long[] slotExtent = new long[65536];
            Arrays.fill(slotExtent, AlTransaction.FREE);
            int end = newest < oldest ? newest + mx : newest;
            for (int i = oldest; i <= end; i++) {
                AlTransaction t = tr[i % mx];
                if (t == null || t.type() == AlTransaction.TYPE_INITIALIZED) {
                    continue;
                }
                long[] ctx = t.context();
                for (int k = 0; k < ctx.length; k++) {
                    int slot = t.contextStartSlot() + k;
                    if (slot >= t.contextSize() && ctx[k] == AlTransaction.FREE) {
                        continue;
                    }
                    if (slot < slotExtent.length) {
                        slotExtent[slot] = ctx[k];
                    }
                }
                for (int k = 0; k < t.updateSlots().length; k++) {
                    slotExtent[t.updateSlots()[k]] = t.updateExtents()[k];
                }
            }
            for (long e : slotExtent) {
                if (e != AlTransaction.FREE) {
                    hot.add(e);
                }
            }
        }
        String reason = null;
        // The block after the newest transaction (ring index 0 with tr_number 0 after initialization).
        int next = updates > 0 ? (newest + 1) % mx : 0;
        long expected = updates > 0 ? (newestTr + 1) & 0xffffffffL : 0;
        for (int b : corrupt) {
            if (b == next) {
                AlTransaction.Header h = AlTransaction.header(block[b]);
                if (h.magic() == AlTransaction.MAGIC && h.trNumber() == expected
                        && h.type() == AlTransaction.TYPE_UPDATE && plausibleUpdates(block[b], h)) {
                    for (long e : AlTransaction.rawUpdateExtents(block[b])) {
                        if (e != AlTransaction.FREE) {
                            hot.add(e); // torn transaction: its extents may or may not have been written
                        }
                    }
                    continue;
                }
                long previous = (expected - mx) & 0xffffffffL;
                boolean previousContent = h.magic() == AlTransaction.MAGIC
                        && (h.type() == AlTransaction.TYPE_INITIALIZED || h.trNumber() == previous);
                if (previousContent) {
                    continue; // the header sector never got overwritten: that transaction was not committed
                }
            }
            reason = "activity-log block " + layout.blockOfRingIndex(b) + " is damaged (bad magic or crc32c)"
                    + " outside the transaction that was being written; transactions may be lost";
        }
        long[] hotArr = hot.stream().mapToLong(Long::longValue).toArray();
        return new Result(hotArr, valid, List.copyOf(corrupt), updates, newestTr, reason == null, reason);
    }
}
