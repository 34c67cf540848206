package org.drbdj.meta.al;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.drbdj.storage.AlignedBufferPool;
import org.drbdj.storage.BackingDevice;

/**
 * The activity log (DRBD's {@code act_log} lru_cache plus {@code drbd_actlog.c}): the set of "hot"
 * 4 MiB extents that may have writes in flight. Before a write touches an extent that is not
 * active, the extent is activated and a transaction recording it is committed to the on-disk ring
 * ({@link AlLayout}); only then may the write be submitted. After a crash, every extent in the
 * recovered active set is resynced ({@link AlRecovery}, {@link ApplyAl}), so the AL bounds the
 * resync after a primary crash to {@code al-extents * 4 MiB}.
 *
 * <p>The active set has {@code al-extents} slots. A slot is pinned while writes to its extent are
 * in flight ({@link #complete} unpins); an unpinned slot is evicted in least-recently-used order
 * when a new extent needs room. Before the transaction that evicts an extent is written, the
 * bitmap pages covering it are written and flushed ({@link EvictionHook}): from then on the bitmap
 * alone records which of its blocks are out of sync.
 *
 * <p>Each transaction carries up to 64 slot updates and 919 slots of context (the current content
 * of slots {@code [cycle, cycle+919)}, cycling), so that the last {@code ceil(al-extents/919)}
 * transactions describe the whole set and a replay of the ring rebuilds it.
 *
 * <p>Usage, per write: {@link #tryBegin}; when it returns {@link Begin#NEEDS_COMMIT} call
 * {@link #commit} (blocking I/O; on an I/O thread) before submitting the write; when it returns
 * {@link Begin#BUSY} retry after some {@link #complete}. Thread-safe.
 */
public final class ActivityLog {
    /** AL_EXTENT_SHIFT: one extent covers 4 MiB. */
    public static final int EXTENT_SHIFT = 22;
    public static final long EXTENT_BYTES = 1L << EXTENT_SHIFT;
    /** DRBD's default {@code al-extents}. */
    public static final int DEFAULT_AL_EXTENTS = 1237;

    /** Outcome of {@link #tryBegin}. */
    public enum Begin {
        /** Every extent is active and committed: submit the write. */
        ACTIVE,
        /** The extents are reserved but at least one is not on disk yet: {@link #commit} first. */
        NEEDS_COMMIT,
        /**
         * No slot can be freed (all pinned) or 64 changes are already pending: nothing reserved;
         * retry after some {@link #complete} or {@link #commit}.
         */
        BUSY
    }

    /** Makes the bitmap bits of evicted extents durable before the AL forgets them. */
    @FunctionalInterface
    public interface EvictionHook {
        /** Called with the evicted extent numbers before the transaction is written; must flush. */
        void beforeEvict(long[] extents) throws IOException;

        /**
         * The standard hook: write the changed pages of bitmap that hold the evicted extents' bits
         * (every slot), then flush (the kernel's drbd_bm_write_hinted).
         */
        static EvictionHook writingBitmap(org.drbdj.meta.bitmap.OnDiskBitmap bitmap) {
            return extents -> {
                java.util.stream.IntStream.Builder pages = java.util.stream.IntStream.builder();
                long bits = bitmap.bitmap().bits();
                for (long e : extents) {
                    long from = e * org.drbdj.meta.bitmap.DrbdBitmap.BITS_PER_AL_EXTENT;
                    if (from >= bits) {
                        continue;
                    }
                    long to = Math.min(bits, from + org.drbdj.meta.bitmap.DrbdBitmap.BITS_PER_AL_EXTENT);
                    for (int p : bitmap.bitmap().pagesForBits(from, to)) {
                        pages.add(p);
                    }
                }
                bitmap.writeOut(pages.build().toArray());
            };
        }
    }

    private final BackingDevice device;
    private final AlLayout layout;
    private final EvictionHook evictionHook;

    // The slot arrays are replaced by resize(), always under this object's monitor.
    private int nrSlots;
    private long[] committed;
    /** The extent a slot will hold once the pending transaction is committed (== committed when none). */
    private long[] target;
    private int[] refcnt;
    private boolean[] pending;
    private final Map<Long, Integer> slotOfExtent = new HashMap<>();
    /** Unpinned slots, least recently used first (free slots come before them). */
    private final LinkedHashSet<Integer> lru = new LinkedHashSet<>();
    private final List<Integer> pendingSlots = new ArrayList<>();
    private final ReentrantLock commitLock = new ReentrantLock();
    private long trNumber;
    private int contextCycle;
    private long transactionsWritten;

    /**
     * An empty activity log of alExtents slots over the ring at layout, continuing after
     * transaction {@code lastTrNumber} (use {@link AlRecovery.Result#nextTrNumber()} on attach).
     */
    public ActivityLog(BackingDevice device, AlLayout layout, int alExtents, long nextTrNumber,
            EvictionHook evictionHook) {
        checkSize(layout, alExtents);
        if (layout.alOffsetBytes() + layout.sizeBytes() > device.sizeBytes()) {
            throw new IllegalArgumentException("AL area [" + layout.alOffsetBytes() + ", "
                    + (layout.alOffsetBytes() + layout.sizeBytes()) + ") does not fit on " + device.path());
        }
        this.device = device;
        this.layout = layout;
        this.evictionHook = evictionHook;
        this.trNumber = nextTrNumber & 0xffffffffL;
        emptySlots(alExtents);
    }

    private static void checkSize(AlLayout layout, int alExtents) {
        if (alExtents < 1 || alExtents > layout.maxAlExtents()) {
            throw new IllegalArgumentException("al-extents " + alExtents + " must be in [1, " + layout.maxAlExtents()
                    + "] for an AL ring of " + layout.ringBlocks() + " blocks (919 * (blocks - 1))");
        }
    }

    private void emptySlots(int alExtents) {
        nrSlots = alExtents;
        committed = new long[alExtents];
        target = new long[alExtents];
        refcnt = new int[alExtents];
        pending = new boolean[alExtents];
        Arrays.fill(committed, AlTransaction.FREE);
        Arrays.fill(target, AlTransaction.FREE);
        slotOfExtent.clear();
        lru.clear();
        for (int i = 0; i < alExtents; i++) {
            lru.add(i);
        }
        contextCycle = 0;
    }

    /**
     * Changes the number of slots ({@code disk-options --al-extents}), as DRBD's {@code
     * drbd_al_shrink} + {@code drbd_check_al_size}: only while no write holds an extent and no
     * change waits for a commit. Every committed extent is evicted first (through the eviction
     * hook, so its bitmap is on disk); the log then starts empty with the new size and continues
     * the transaction numbering. The ring may still name the old extents until newer transactions
     * overwrite them, which only widens a resync after a crash.
     *
     * @return false, changing nothing, while the log is in use; retry when writes have completed
     * @throws IllegalArgumentException when alExtents does not fit the ring
     */
    public boolean resize(int alExtents) throws IOException {
        checkSize(layout, alExtents);
        commitLock.lock();
        try {
            long[] evicted;
            synchronized (this) {
                if (!idle()) {
                    return false;
                }
                evicted = committedExtents();
            }
            if (evicted.length > 0) {
                evictionHook.beforeEvict(evicted);
            }
            synchronized (this) {
                // A write may have begun while the hook ran; commits cannot (we hold commitLock).
                if (!idle()) {
                    return false;
                }
                emptySlots(alExtents);
                return true;
            }
        } finally {
            commitLock.unlock();
        }
    }

    private boolean idle() {
        if (!pendingSlots.isEmpty()) {
            return false;
        }
        for (int r : refcnt) {
            if (r != 0) {
                return false;
            }
        }
        return true;
    }

    /** The extent number of a byte offset. */
    public static long extentOf(long offsetBytes) {
        return offsetBytes >>> EXTENT_SHIFT;
    }

    /**
     * Reserves the extents of a write of lengthBytes at offsetBytes (pins them). Returns whether a
     * commit is needed first, or BUSY with nothing reserved.
     */
    public synchronized Begin tryBegin(long offsetBytes, long lengthBytes) {
        long first = extentOf(offsetBytes);
        long last = lengthBytes <= 0 ? first : extentOf(offsetBytes + lengthBytes - 1);
        int cold = 0;
        for (long e = first; e <= last; e++) {
            if (!slotOfExtent.containsKey(e)) {
                cold++;
            }
        }
        if (cold > 0 && (pendingSlots.size() + cold > AlTransaction.UPDATES_PER_TRANSACTION || cold > evictable())) {
            return Begin.BUSY;
        }
        boolean needsCommit = false;
        for (long e = first; e <= last; e++) {
            Integer slot = slotOfExtent.get(e);
            if (slot == null) {
                slot = lru.iterator().next(); // least recently used unpinned (or free) slot
                long old = target[slot];
                if (old != AlTransaction.FREE) {
                    slotOfExtent.remove(old);
                }
                target[slot] = e;
                slotOfExtent.put(e, slot);
                if (!pending[slot]) {
                    pending[slot] = true;
                    pendingSlots.add(slot);
                }
            }
            if (refcnt[slot]++ == 0) {
                lru.remove(slot);
            }
            needsCommit |= pending[slot];
        }
        return needsCommit ? Begin.NEEDS_COMMIT : Begin.ACTIVE;
    }

    /**
     * Unpins the extents of a finished write (success or failure). Set any out-of-sync bits for
     * the write in the bitmap <em>before</em> this call: once unpinned, the extent may be evicted,
     * and only bits already set are written out before the AL forgets it.
     */
    public synchronized void complete(long offsetBytes, long lengthBytes) {
        long first = extentOf(offsetBytes);
        long last = lengthBytes <= 0 ? first : extentOf(offsetBytes + lengthBytes - 1);
        for (long e = first; e <= last; e++) {
            Integer slot = slotOfExtent.get(e);
            if (slot == null || refcnt[slot] == 0) {
                throw new IllegalStateException("complete() on inactive AL extent " + e + " (offset " + offsetBytes + ")");
            }
            if (--refcnt[slot] == 0) {
                lru.add(slot); // most recently used end
            }
        }
    }

    /** {@link #tryBegin} then {@link #commit} when needed; throws IllegalStateException when BUSY. */
    public void begin(long offsetBytes, long lengthBytes) throws IOException {
        Begin b = tryBegin(offsetBytes, lengthBytes);
        if (b == Begin.BUSY) {
            throw new IllegalStateException("activity log busy: all " + alExtents() + " extents are in use");
        }
        if (b == Begin.NEEDS_COMMIT) {
            commit();
        }
    }

    /**
     * Writes one transaction with every pending change (no-op when none): first the bitmap pages of
     * evicted extents (hook, flushed), then the transaction block with FUA. On failure the changes
     * stay pending and the exception propagates (the caller detaches the disk).
     */
    public void commit() throws IOException {
        commitLock.lock();
        try {
            AlTransaction tr;
            List<Integer> slots;
            long[] evicted;
            synchronized (this) {
                if (pendingSlots.isEmpty()) {
                    return;
                }
                slots = List.copyOf(pendingSlots);
                int[] updateSlots = new int[slots.size()];
                long[] updateExtents = new long[slots.size()];
                List<Long> ev = new ArrayList<>();
                for (int i = 0; i < slots.size(); i++) {
                    int s = slots.get(i);
                    updateSlots[i] = s;
                    updateExtents[i] = target[s];
                    if (committed[s] != AlTransaction.FREE && committed[s] != target[s]) {
                        ev.add(committed[s]);
                    }
                }
                evicted = ev.stream().mapToLong(Long::longValue).toArray();
                int n = Math.min(AlTransaction.CONTEXT_PER_TRANSACTION, nrSlots - contextCycle);
                long[] context = Arrays.copyOfRange(committed, contextCycle, contextCycle + n);
                tr = new AlTransaction(trNumber, AlTransaction.TYPE_UPDATE, updateSlots, updateExtents, nrSlots,
                        contextCycle, context);
            }
            if (evicted.length > 0) {
                evictionHook.beforeEvict(evicted);
            }
            ByteBuffer buf = AlignedBufferPool.allocateAligned(AlTransaction.BLOCK_BYTES);
            tr.encode(buf);
            device.writeFua(buf, layout.offsetOfTransaction(tr.trNumber()));
            synchronized (this) {
                for (int i = 0; i < slots.size(); i++) {
                    int s = slots.get(i);
                    committed[s] = tr.updateExtents()[i];
                    if (target[s] == committed[s]) {
                        pending[s] = false;
                        pendingSlots.remove((Integer) s);
                    }
                }
                trNumber = (trNumber + 1) & 0xffffffffL;
                contextCycle += AlTransaction.CONTEXT_PER_TRANSACTION;
                if (contextCycle >= nrSlots) {
                    contextCycle = 0;
                }
                transactionsWritten++;
            }
        } finally {
            commitLock.unlock();
        }
    }

    /** True when changes wait for {@link #commit}. */
    public synchronized boolean hasPendingChanges() {
        return !pendingSlots.isEmpty();
    }

    /** Committed active extents (sorted), what a crash now would resync. */
    public synchronized long[] committedExtents() {
        return Arrays.stream(committed).filter(e -> e != AlTransaction.FREE).sorted().toArray();
    }

    /** Whether an extent is active (committed or pending). */
    public synchronized boolean isActive(long extent) {
        return slotOfExtent.containsKey(extent);
    }

    /** The number the next transaction will carry. */
    public synchronized long nextTrNumber() {
        return trNumber;
    }

    /** Transactions written (the {@code al:} counter of /proc/drbd). */
    public synchronized long transactionsWritten() {
        return transactionsWritten;
    }

    /** The ring this log writes to. */
    public AlLayout layout() {
        return layout;
    }

    /** Number of slots ({@code al-extents}). */
    public synchronized int alExtents() {
        return nrSlots;
    }

    private int evictable() {
        int n = 0;
        for (int s : lru) {
            if (!pending[s] || target[s] == AlTransaction.FREE) {
                n++;
            }
        }
        return n;
    }

    /**
     * Writes an INITIALIZED transaction (as drbdmeta's {@code initialize_al}) to every block of the
     * ring, then flushes: an empty, clean activity log (create-md, after apply-al).
     */
    public static void initializeRing(BackingDevice device, AlLayout layout) throws IOException {
        ByteBuffer buf = AlignedBufferPool.allocateAligned(AlTransaction.BLOCK_BYTES);
        AlTransaction.encodeInitialized(buf);
        for (int b = 0; b < layout.ringBlocks(); b++) {
            device.write(buf.duplicate(), layout.alOffsetBytes() + (long) b * 4096);
        }
        device.flush();
    }
}
