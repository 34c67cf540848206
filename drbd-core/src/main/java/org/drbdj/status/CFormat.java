package org.drbdj.status;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Number formatting exactly as glibc's {@code printf} does it, so our output is byte-identical to
 * DRBD's tools: {@code %.Nf} rounds the exact binary value half-to-even (Java's {@code String.format}
 * rounds half-up on the decimal string) and prints {@code nan}/{@code inf}; grouping matches the
 * kernel's {@code seq_printf_with_thousands_grouping}.
 */
final class CFormat {
    private CFormat() {
    }

    /** {@code printf("%.<decimals>f", v)}. */
    static String fixed(double v, int decimals) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        String s = new BigDecimal(v).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
        // glibc keeps the sign of a negative value that rounds to zero ("-0.00").
        if (v < 0 && !s.startsWith("-")) {
            s = "-" + s;
        }
        return s;
    }

    /**
     * DRBD 8.4's {@code seq_printf_with_thousands_grouping}: {@code 6,345}, {@code 1,000,000};
     * only values up to 999,999,999 are grouped completely, as in the kernel.
     */
    static String grouped(long v) {
        if (v >= 1_000_000) {
            long rest = v % 1_000_000;
            return (v / 1_000_000) + "," + pad3(rest / 1000) + "," + pad3(rest % 1000);
        } else if (v >= 1000) {
            return (v / 1000) + "," + pad3(v % 1000);
        }
        return Long.toString(v);
    }

    private static String pad3(long v) {
        String s = Long.toString(v);
        return "000".substring(s.length()) + s;
    }
}
