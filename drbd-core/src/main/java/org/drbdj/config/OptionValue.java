package org.drbdj.config;

import java.util.Objects;

/**
 * One option setting as written in drbd.conf, with its schema entry and where it was written.
 *
 * <p>{@link #text()} is the value as drbdadm keeps it (quotes and escapes removed; {@code name;}
 * and {@code no-name;} become {@code yes} / {@code no}); {@code drbdadm dump} prints it. The typed
 * accessors give the normalised value: {@link #longValue()} in the unit of {@link #unit()} (for
 * instance {@code resync-rate 1024M} is 1048576 KiB/s), {@link #booleanValue()}, {@link
 * #enumValue()} in the spelling of the schema ({@code protocol c} gives {@code C}).
 *
 * @param def  the option's schema entry (its name is the drbd-utils 9 name)
 * @param text the value text
 * @param file the file it was written in (as drbdadm names it)
 * @param line the line it was written on
 */
public record OptionValue(OptionDef def, String text, String file, int line) {

    /** Canonical constructor: all but the location are required. */
    public OptionValue {
        Objects.requireNonNull(def);
        Objects.requireNonNull(text);
    }

    /** The option name, as drbd-utils 9 names it. */
    public String name() {
        return def.name();
    }

    /** The unit of {@link #longValue()} ("KiB/s", "1/10 s", "sectors", "" for plain counts). */
    public String unit() {
        return def.unit();
    }

    /**
     * The numeric value in the option's unit, suffixes converted (NUMERIC options and numeric
     * ENUM_NUM values). Clamped into range for options DRBD clamps ({@code al-extents}).
     *
     * @throws IllegalStateException when the option is not numeric
     */
    public long longValue() {
        Long l = OptionSchema.parseNumber(text, def.scale());
        if (l == null) {
            throw new IllegalStateException("option " + name() + " value '" + text + "' is not numeric");
        }
        if (def.implicitClamp()) {
            return Math.max(def.min(), Math.min(def.max(), l));
        }
        return l;
    }

    /** True when the value is numeric (always for NUMERIC, for ENUM_NUM when not a word). */
    public boolean isNumeric() {
        return OptionSchema.parseNumber(text, def.scale()) != null;
    }

    /**
     * The boolean value of a BOOLEAN option.
     *
     * @throws IllegalStateException when the option is not boolean
     */
    public boolean booleanValue() {
        if (def.type() != OptionType.BOOLEAN) {
            throw new IllegalStateException("option " + name() + " is not a yes/no option");
        }
        return text.equals("yes");
    }

    /** The enum word in the schema's spelling ({@code c} -> {@code C}); the text otherwise. */
    public String enumValue() {
        for (String v : def.enumValues()) {
            if (v.equalsIgnoreCase(text)) {
                return v;
            }
        }
        return text;
    }

    @Override
    public String toString() {
        return name() + " " + text;
    }
}
