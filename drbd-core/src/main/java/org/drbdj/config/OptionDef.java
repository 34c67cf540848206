package org.drbdj.config;

import java.util.List;
import java.util.Objects;

/**
 * One option drbd-utils knows: its drbd-utils 9 name, section, type, range and unit.
 *
 * <p>For {@link OptionType#NUMERIC} options, {@code scale} is the unit a bare number is counted
 * in, as drbd-utils' {@code DRBD_*_SCALE}: {@code '1'} (plain), {@code 'k'} (KiB) or {@code 's'}
 * (512-byte sectors); a suffix {@code K M G s} on the value is converted into that unit, rounding
 * up, exactly like drbd-utils' {@code new_strtoll}. {@code min}/{@code max} are in that unit.
 * {@code unit} names the unit of the normalised value for humans ("KiB/s", "1/10 s" ...).
 *
 * @param name           the keyword, e.g. {@code resync-rate}
 * @param section        where it is written
 * @param type           value type
 * @param min            lowest allowed value (NUMERIC, ENUM_NUM numbers)
 * @param max            highest allowed value
 * @param defaultValue   DRBD's default, as text (informative)
 * @param scale          unit of a bare number: '1', 'k' or 's'
 * @param unit           unit of the normalised value, "" for plain counts
 * @param enumValues     allowed words (ENUM, ENUM_NOCASE, ENUM_NUM)
 * @param maxLength      maximum string length + 1 as in drbd-utils (0: unlimited)
 * @param implicitClamp  out-of-range numbers are clamped rather than rejected ({@code al-extents})
 */
public record OptionDef(String name, OptionSection section, OptionType type, long min, long max,
        String defaultValue, char scale, String unit, List<String> enumValues, int maxLength,
        boolean implicitClamp) {

    /** Canonical constructor: copies the enum list. */
    public OptionDef {
        Objects.requireNonNull(name);
        Objects.requireNonNull(section);
        Objects.requireNonNull(type);
        enumValues = List.copyOf(enumValues);
    }

    /** True for options that take yes/no and may be written as {@code name;} or {@code no-name;}. */
    public boolean isBoolean() {
        return type == OptionType.BOOLEAN;
    }
}
