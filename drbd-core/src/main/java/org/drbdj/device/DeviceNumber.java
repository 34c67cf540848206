package org.drbdj.device;

/**
 * A Linux block device number (major:minor), as shown by {@code ls -l} and {@code lsblk}.
 * {@code /dev/drbdN} is a block node carrying the number of the device that really serves it
 * (a loop device or {@code /dev/nbdX}); DRBD itself owns major 147, which we cannot register
 * from userspace.
 *
 * @param major the major number, 0..4095
 * @param minor the minor number, 0..1048575
 */
public record DeviceNumber(int major, int minor) {
    /** Major number of the Linux loop driver. */
    public static final int LOOP_MAJOR = 7;
    /** Major number of the Linux nbd driver. */
    public static final int NBD_MAJOR = 43;

    public DeviceNumber {
        if (major < 0 || major > 0xfff) {
            throw new IllegalArgumentException("device major " + major + " out of range 0..4095");
        }
        if (minor < 0 || minor > 0xfffff) {
            throw new IllegalArgumentException("device minor " + minor + " out of range 0..1048575");
        }
    }

    /** Decodes a kernel {@code dev_t} (glibc's {@code gnu_dev_major/minor} encoding). */
    public static DeviceNumber fromDevT(long devT) {
        int major = (int) (((devT >>> 8) & 0xfffL) | ((devT >>> 32) & ~0xfffL));
        int minor = (int) ((devT & 0xffL) | ((devT >>> 12) & ~0xffL));
        return new DeviceNumber(major, minor);
    }

    /** Encodes as a kernel {@code dev_t} (glibc's {@code gnu_dev_makedev}). */
    public long toDevT() {
        long ma = major & 0xffffffffL;
        long mi = minor & 0xffffffffL;
        return ((ma & 0xfffL) << 8) | ((ma & ~0xfffL) << 32) | (mi & 0xffL) | ((mi & ~0xffL) << 12);
    }

    /** Parses the {@code MAJ:MIN} form of sysfs {@code dev} files and {@code lsblk}. */
    public static DeviceNumber parse(String text) {
        String s = text.strip();
        int colon = s.indexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException("not a MAJOR:MINOR device number: '" + text + "'");
        }
        try {
            return new DeviceNumber(Integer.parseInt(s.substring(0, colon)), Integer.parseInt(s.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a MAJOR:MINOR device number: '" + text + "'", e);
        }
    }

    @Override
    public String toString() {
        return major + ":" + minor;
    }
}
