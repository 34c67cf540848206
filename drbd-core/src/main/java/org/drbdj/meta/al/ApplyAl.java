package org.drbdj.meta.al;

import java.io.IOException;
import org.drbdj.meta.bitmap.DrbdBitmap;
import org.drbdj.meta.bitmap.OnDiskBitmap;
import org.drbdj.storage.BackingDevice;

/**
 * {@code apply-al}: after an unclean stop, mark every block of every hot activity-log extent out of
 * sync in the on-disk bitmap (for every peer slot, as drbdmeta does), then re-initialize the AL
 * ring. The bitmap is flushed before the ring is reset, so a crash in between only repeats the
 * work. If the ring cannot be trusted ({@link AlRecovery.Result#trustworthy()}), every bit is set
 * (a full resync) instead of guessing.
 *
 * <p>This does not touch the superblock: marking the meta-data clean (MDF_AL_CLEAN, the 8.4
 * "unclean" magic) is the caller's job, after this returns.
 */
public final class ApplyAl {
    /**
     * What apply-al did.
     *
     * @param recovery    what the ring said
     * @param bitsNewlySet bits (per slot, summed over slots) that were clear and are now set
     * @param fullSync    true when every bit was set because the ring was untrustworthy
     */
    public record Outcome(AlRecovery.Result recovery, long bitsNewlySet, boolean fullSync) {
    }

    private ApplyAl() {
    }

    /**
     * Runs apply-al on the meta-data areas of device.
     *
     * @param layout        the AL ring
     * @param bmOffsetBytes the bitmap area
     * @param bits          bitmap bits per slot
     * @param maxPeers      bm_max_peers (1 for v08)
     */
    public static Outcome apply(BackingDevice device, AlLayout layout, long bmOffsetBytes, long bits, int maxPeers)
            throws IOException {
        AlRecovery.Result r = AlRecovery.read(device, layout);
        DrbdBitmap bm = new DrbdBitmap(bits, maxPeers);
        OnDiskBitmap disk = new OnDiskBitmap(device, bmOffsetBytes, bm);
        disk.readAll();
        long added = 0;
        boolean full = !r.trustworthy();
        for (int slot = 0; slot < maxPeers; slot++) {
            if (full) {
                added += bm.setAll(slot);
                continue;
            }
            for (long e : r.hotExtents()) {
                long from = e * DrbdBitmap.BITS_PER_AL_EXTENT;
                if (from >= bits) {
                    continue; // beyond the device (drbdmeta warns and skips these, too)
                }
                added += bm.set(slot, from, Math.min(bits, from + DrbdBitmap.BITS_PER_AL_EXTENT));
            }
        }
        disk.writeChanged(); // flushes
        ActivityLog.initializeRing(device, layout);
        return new Outcome(r, added, full);
    }
}
