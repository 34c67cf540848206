package org.drbdj.config;

/** Value types of drbd.conf options, as drbd-utils' field classes ({@code fc_numeric} ...). */
public enum OptionType {
    /** An unsigned integer with an optional unit suffix (K, M, G, s) and a range. */
    NUMERIC,
    /** {@code yes} / {@code no}; {@code name;} means yes and {@code no-name;} means no. */
    BOOLEAN,
    /** One of a fixed set of words, compared case-sensitively. */
    ENUM,
    /** One of a fixed set of words, compared ignoring case ({@code protocol c}). */
    ENUM_NOCASE,
    /** A symbolic word ({@code off|majority|all}) or a number in a range ({@code quorum}). */
    ENUM_NUM,
    /** A free string, optionally length limited. */
    STRING,
    /** A handler command line (a string passed to {@code sh -c}). */
    HANDLER,
}
