package org.drbdj.config;

/**
 * A configuration that cannot be used: a syntax error, an unknown keyword, a value out of range, or
 * a semantic conflict (duplicate minor, unknown {@code resync-after} target, no host section for
 * this node ...).
 *
 * <p>The message follows drbdadm's {@code FILE:LINE: text} shape so that an operator sees the
 * same kind of pointer into the file as with drbd-utils. {@link #file()} is the file name as
 * drbdadm shows it: the configuration file as given on the command line, or an included file as
 * its glob expanded (relative to the including file's directory when the pattern was relative).
 * {@link #exitCode()} is the drbdadm exit code the failure maps to (10, E_CONFIG_INVALID, for
 * nearly everything, as drbd-utils 9).
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    /** drbdadm's E_USAGE. */
    public static final int E_USAGE = 1;
    /** drbdadm's E_CONFIG_INVALID: what drbd-utils 9 returns for parse and validation errors. */
    public static final int E_CONFIG_INVALID = 10;

    private final String file;
    private final int line;
    private final String detail;
    private final int exitCode;

    /** An error located at {@code file:line}; exit code {@link #E_CONFIG_INVALID}. */
    public ConfigException(String file, int line, String detail) {
        this(file, line, detail, E_CONFIG_INVALID);
    }

    /** An error located at {@code file:line} (line 0: no line) with an explicit exit code. */
    public ConfigException(String file, int line, String detail, int exitCode) {
        super(format(file, line, detail));
        this.file = file;
        this.line = line;
        this.detail = detail;
        this.exitCode = exitCode;
    }

    private static String format(String file, int line, String detail) {
        if (file == null) {
            return detail;
        }
        return line > 0 ? file + ":" + line + ": " + detail : file + ": " + detail;
    }

    /** The file as drbdadm would name it, or null when the error concerns no file. */
    public String file() {
        return file;
    }

    /** 1-based line number, 0 when not tied to a line. */
    public int line() {
        return line;
    }

    /** The message without the {@code file:line:} prefix. */
    public String detail() {
        return detail;
    }

    /** The drbdadm exit code for this failure. */
    public int exitCode() {
        return exitCode;
    }
}
