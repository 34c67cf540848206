package org.drbdj.meta.al;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One 4 KiB activity-log transaction, DRBD's {@code struct al_transaction_on_disk}
 * ({@code drbd_meta_data.h}), all fields big-endian:
 *
 * <pre>
 *    0 u32 magic 0x69cb65a2        4 u32 tr_number        8 u32 crc32c (over the 4 KiB, this field 0)
 *   12 u16 transaction_type (0 update, 0xffff initialized)  14 u16 n_updates
 *   16 u16 context_size (al-extents)  18 u16 context_start_slot_nr   20 u32 reserved[4]
 *   36 u16 update_slot_nr[64]     164 u32 update_extent_nr[64]     420 u32 context[919]
 * </pre>
 *
 * Unused update slots hold slot 0xffff and extent 0xffffffff (LC_FREE); unused context entries hold
 * LC_FREE. Extent numbers are unsigned 32-bit values kept in {@code long}s here.
 */
public record AlTransaction(long trNumber, int type, int[] updateSlots, long[] updateExtents, int contextSize,
        int contextStartSlot, long[] context) {
    /** DRBD_AL_MAGIC, "actlog==" base64-decoded. */
    public static final int MAGIC = 0x69cb65a2;
    public static final int BLOCK_BYTES = 4096;
    /** AL_UPDATES_PER_TRANSACTION. */
    public static final int UPDATES_PER_TRANSACTION = 64;
    /** AL_CONTEXT_PER_TRANSACTION. */
    public static final int CONTEXT_PER_TRANSACTION = 919;
    public static final int TYPE_UPDATE = 0;
    public static final int TYPE_INITIALIZED = 0xffff;
    /** LC_FREE: a slot holding no extent. */
    public static final long FREE = 0xffffffffL;

    static final int OFF_MAGIC = 0;
    static final int OFF_TR_NUMBER = 4;
    static final int OFF_CRC = 8;
    static final int OFF_TYPE = 12;
    static final int OFF_N_UPDATES = 14;
    static final int OFF_CONTEXT_SIZE = 16;
    static final int OFF_CONTEXT_START = 18;
    static final int OFF_UPDATE_SLOTS = 36;
    static final int OFF_UPDATE_EXTENTS = OFF_UPDATE_SLOTS + 2 * UPDATES_PER_TRANSACTION;
    static final int OFF_CONTEXT = OFF_UPDATE_EXTENTS + 4 * UPDATES_PER_TRANSACTION;

    public AlTransaction {
        if (updateSlots.length != updateExtents.length || updateSlots.length > UPDATES_PER_TRANSACTION) {
            throw new IllegalArgumentException("at most " + UPDATES_PER_TRANSACTION
                    + " updates with one extent each, got " + updateSlots.length + "/" + updateExtents.length);
        }
        if (context.length > CONTEXT_PER_TRANSACTION) {
            throw new IllegalArgumentException("at most " + CONTEXT_PER_TRANSACTION + " context entries, got "
                    + context.length);
        }
    }

    /** The transaction drbdmeta's {@code initialize_al} writes to every ring block (all other fields zero). */
    public static void encodeInitialized(ByteBuffer dst4k) {
        ByteBuffer b = dst4k.duplicate().order(ByteOrder.BIG_ENDIAN);
        int base = b.position();
        for (int i = 0; i < BLOCK_BYTES; i++) {
            b.put(base + i, (byte) 0);
        }
        b.putInt(base + OFF_MAGIC, MAGIC);
        b.putShort(base + OFF_TYPE, (short) TYPE_INITIALIZED);
        ByteBuffer view = b.duplicate();
        view.position(base).limit(base + BLOCK_BYTES);
        b.putInt(base + OFF_CRC, Crc32cRaw.compute(view));
    }

    /** Writes this transaction, with its crc, into the 4096 bytes at dst's position (position unchanged). */
    public void encode(ByteBuffer dst4k) {
        ByteBuffer b = dst4k.duplicate().order(ByteOrder.BIG_ENDIAN);
        int base = b.position();
        for (int i = 0; i < BLOCK_BYTES; i++) {
            b.put(base + i, (byte) 0);
        }
        b.putInt(base + OFF_MAGIC, MAGIC);
        b.putInt(base + OFF_TR_NUMBER, (int) trNumber);
        b.putShort(base + OFF_TYPE, (short) type);
        b.putShort(base + OFF_N_UPDATES, (short) updateSlots.length);
        b.putShort(base + OFF_CONTEXT_SIZE, (short) contextSize);
        b.putShort(base + OFF_CONTEXT_START, (short) contextStartSlot);
        for (int i = 0; i < UPDATES_PER_TRANSACTION; i++) {
            boolean used = i < updateSlots.length;
            b.putShort(base + OFF_UPDATE_SLOTS + 2 * i, (short) (used ? updateSlots[i] : 0xffff));
            b.putInt(base + OFF_UPDATE_EXTENTS + 4 * i, (int) (used ? updateExtents[i] : FREE));
        }
        for (int i = 0; i < CONTEXT_PER_TRANSACTION; i++) {
            b.putInt(base + OFF_CONTEXT + 4 * i, (int) (i < context.length ? context[i] : FREE));
        }
        ByteBuffer view = b.duplicate();
        view.position(base).limit(base + BLOCK_BYTES);
        b.putInt(base + OFF_CRC, Crc32cRaw.compute(view));
    }

    /**
     * Decodes the 4096 bytes at src's position; null when the magic or crc is wrong (a torn,
     * corrupt or never-written block). Position unchanged.
     */
    public static AlTransaction decodeValid(ByteBuffer src4k) {
        Header h = header(src4k);
        if (h.magic() != MAGIC || h.crc() != h.computedCrc()) {
            return null;
        }
        ByteBuffer b = src4k.duplicate().order(ByteOrder.BIG_ENDIAN);
        int base = b.position();
        int n = Math.min(h.nUpdates(), UPDATES_PER_TRANSACTION);
        int[] slots = new int[n];
        long[] extents = new long[n];
        for (int i = 0; i < n; i++) {
            slots[i] = Short.toUnsignedInt(b.getShort(base + OFF_UPDATE_SLOTS + 2 * i));
            extents[i] = Integer.toUnsignedLong(b.getInt(base + OFF_UPDATE_EXTENTS + 4 * i));
        }
        long[] context = new long[CONTEXT_PER_TRANSACTION];
        for (int i = 0; i < CONTEXT_PER_TRANSACTION; i++) {
            context[i] = Integer.toUnsignedLong(b.getInt(base + OFF_CONTEXT + 4 * i));
        }
        return new AlTransaction(h.trNumber(), h.type(), slots, extents, h.contextSize(), h.contextStartSlot(),
                context);
    }

    /** The header fields of a block, valid or not, and the crc it should carry. */
    public record Header(int magic, long trNumber, int crc, int computedCrc, int type, int nUpdates, int contextSize,
            int contextStartSlot) {
        public boolean valid() {
            return magic == MAGIC && crc == computedCrc;
        }
    }

    /** Reads the header of the 4096 bytes at src's position without validating them. */
    public static Header header(ByteBuffer src4k) {
        ByteBuffer b = src4k.duplicate().order(ByteOrder.BIG_ENDIAN);
        int base = b.position();
        ByteBuffer copy = ByteBuffer.allocate(BLOCK_BYTES);
        ByteBuffer view = b.duplicate();
        view.limit(base + BLOCK_BYTES);
        copy.put(view).flip();
        copy.putInt(OFF_CRC, 0);
        return new Header(b.getInt(base + OFF_MAGIC), Integer.toUnsignedLong(b.getInt(base + OFF_TR_NUMBER)),
                b.getInt(base + OFF_CRC), Crc32cRaw.compute(copy), Short.toUnsignedInt(b.getShort(base + OFF_TYPE)),
                Short.toUnsignedInt(b.getShort(base + OFF_N_UPDATES)),
                Short.toUnsignedInt(b.getShort(base + OFF_CONTEXT_SIZE)),
                Short.toUnsignedInt(b.getShort(base + OFF_CONTEXT_START)));
    }

    /** The update extents in the header sector of a block, even when its crc is wrong (for torn blocks). */
    public static long[] rawUpdateExtents(ByteBuffer src4k) {
        ByteBuffer b = src4k.duplicate().order(ByteOrder.BIG_ENDIAN);
        int base = b.position();
        int n = Math.min(Short.toUnsignedInt(b.getShort(base + OFF_N_UPDATES)), UPDATES_PER_TRANSACTION);
        long[] r = new long[n];
        for (int i = 0; i < n; i++) {
            r[i] = Integer.toUnsignedLong(b.getInt(base + OFF_UPDATE_EXTENTS + 4 * i));
        }
        return r;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AlTransaction t && t.trNumber == trNumber && t.type == type
                && Arrays.equals(t.updateSlots, updateSlots) && Arrays.equals(t.updateExtents, updateExtents)
                && t.contextSize == contextSize && t.contextStartSlot == contextStartSlot
                && Arrays.equals(t.context, context);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(trNumber) * 31 + Arrays.hashCode(updateExtents);
    }

    @Override
    public String toString() {
        return "AlTransaction[tr=" + trNumber + ", type=" + type + ", updates=" + Arrays.toString(updateSlots) + "->"
                + Arrays.toString(updateExtents) + ", context " + contextStartSlot + "/" + contextSize + "]";
    }
}
