package org.drbdj.device;

import java.util.Locale;

/**
 * How a minor's NBD export becomes {@code /dev/drbdN}; the daemon option
 * {@code --device-strategy} takes the {@linkplain #optionValue() option values}.
 * DRBD's kernel module simply registers a block device; a userspace daemon has to borrow one.
 */
public enum DeviceStrategy {
    /** Pick the best available at start-up: kernel nbd, else nbdfuse + loop, else none. */
    AUTO("auto"),
    /** The kernel nbd driver serves {@code /dev/nbdX}; {@code /dev/drbdN} carries its number. */
    KERNEL_NBD("kernel-nbd"),
    /** nbdfuse presents the export as a file, a loop device is attached to that file. */
    NBDFUSE_LOOP("nbdfuse-loop"),
    /** No block device: only the NBD export on its Unix socket. */
    NONE("none");

    private final String optionValue;

    DeviceStrategy(String optionValue) {
        this.optionValue = optionValue;
    }

    /** The spelling used in the daemon option and in logs. */
    public String optionValue() {
        return optionValue;
    }

    /** Parses an option value ({@code auto}, {@code kernel-nbd}, {@code nbdfuse-loop}, {@code none}). */
    public static DeviceStrategy parse(String text) {
        String s = text == null ? "" : text.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        for (DeviceStrategy d : values()) {
            if (d.optionValue.equals(s)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown device strategy '" + text
                + "'; use one of auto, kernel-nbd, nbdfuse-loop, none");
    }
}
