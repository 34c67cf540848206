package org.drbdj.meta;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Guesses what occupies the start of a device before create-md/restore-md writes meta-data, like
 * drbdmeta's {@code check_for_existing_data}: it reads the first 68 KiB and looks for swap, LVM2,
 * ext2/3/4, XFS, JFS and ReiserFS signatures. All-zero means "nothing there".
 */
public final class ExistingDataDetector {
    private ExistingDataDetector() {
    }

    /** How many bytes at the start of the device are inspected (drbdmeta's {@code SO_MUCH}). */
    public static final int INSPECT_BYTES = 68 * 1024;

    /**
     * What was found.
     *
     * @param description  e.g. "ext3 filesystem", "some data"
     * @param usedBytes    bytes the filesystem claims (blocks x block size), 0 if unknown
     * @param alwaysRefuse true for signatures drbdmeta always refuses to overwrite (swap, LVM2 PV)
     */
    public record Found(String description, long usedBytes, boolean alwaysRefuse) {
    }

    /** Returns null when the inspected area is all zero. */
    public static Found inspect(ByteBuffer start) {
        byte[] d = new byte[start.remaining()];
        start.duplicate().get(d);
        boolean zero = true;
        for (byte x : d) {
            if (x != 0) {
                zero = false;
                break;
            }
        }
        if (zero) {
            return null;
        }
        ByteBuffer le = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer be = ByteBuffer.wrap(d).order(ByteOrder.BIG_ENDIAN);
        if (has(d, 4096 - 10, "SWAP-SPACE") || has(d, 4096 - 10, "SWAPSPACE2")
                || has(d, 8192 - 10, "SWAP-SPACE") || has(d, 8192 - 10, "SWAPSPACE2")) {
            return new Found("swap space signature", 0, true);
        }
        if (has(d, 0x218, "LVM2")) {
            return new Found("LVM2 physical volume signature", 0, true);
        }
        if (d.length > 0x460 && (le.getShort(0x438) & 0xffff) == 0xEF53) {
            // s_feature_compat bit 2 = has_journal
            String type = (d[0x45c] & 4) != 0 ? "ext3 filesystem" : "ext2 filesystem";
            long blocks = Integer.toUnsignedLong(le.getInt(0x404));
            int logSize = le.getInt(0x418);
            long bsize = logSize == 0 ? 1024 : logSize == 1 ? 2048 : 4096;
            return new Found(type, blocks * bsize, false);
        }
        if (be.getInt(0) == 0x58465342) {
            long bsize = Integer.toUnsignedLong(be.getInt(4));
            return new Found("xfs filesystem", bsize * be.getLong(8), false);
        }
        if (has(d, 0x8000, "JFS1")) {
            return new Found("JFS filesystem", le.getLong(0x8008) * Integer.toUnsignedLong(le.getInt(0x8018)), false);
        }
        if (has(d, 0x10034, "ReIsErFs") || has(d, 0x10034, "ReIsEr2Fs")) {
            return new Found("reiser filesystem",
                    Integer.toUnsignedLong(le.getInt(0x10000)) * (le.getShort(0x1002c) & 0xffff), false);
        }
        return new Found("some data", 0, false);
    }

    private static boolean has(byte[] d, int offset, String sig) {
        byte[] s = sig.getBytes(StandardCharsets.US_ASCII);
        if (offset + s.length > d.length) {
            return false;
        }
        for (int i = 0; i < s.length; i++) {
            if (d[offset + i] != s[i]) {
                return false;
            }
        }
        return true;
    }
}
