package org.drbdj.status;

/**
 * Options of {@code drbdadm status} / {@code drbdsetup status} (DRBD 9).
 *
 * @param verbose    {@code --verbose} level (0, 1, or 2 for the extra resync fields)
 * @param statistics {@code --statistics}
 * @param json       {@code --json}
 * @param tty        standard output is a terminal (DRBD then hides {@code client:no}/{@code peer-client:no})
 * @param columns    line width for wrapping; DRBD uses 80 when the output is not a terminal
 * @param reportOpen show {@code open:} on device lines, as DRBD 9.2+ kernels report it (older
 *                   kernels do not, and the DRBD 9 User's Guide examples predate it)
 */
public record StatusOptions(int verbose, boolean statistics, boolean json, boolean tty, int columns,
                            boolean reportOpen) {
    /** Plain {@code drbdadm status} to a pipe or file. */
    public static final StatusOptions DEFAULT = new StatusOptions(0, false, false, false, 80, true);

    public StatusOptions {
        if (verbose < 0) {
            throw new IllegalArgumentException("verbose level must not be negative: " + verbose);
        }
        if (columns < 1) {
            throw new IllegalArgumentException("columns must be positive: " + columns);
        }
    }

    /** Returns a copy with another verbose level. */
    public StatusOptions withVerbose(int value) {
        return new StatusOptions(value, statistics, json, tty, columns, reportOpen);
    }

    /** Returns a copy with another statistics flag. */
    public StatusOptions withStatistics(boolean value) {
        return new StatusOptions(verbose, value, json, tty, columns, reportOpen);
    }

    /** Returns a copy with another json flag. */
    public StatusOptions withJson(boolean value) {
        return new StatusOptions(verbose, statistics, value, tty, columns, reportOpen);
    }

    /** Returns a copy for a terminal of the given width (or not a terminal, 80 columns). */
    public StatusOptions withTty(boolean value, int width) {
        return new StatusOptions(verbose, statistics, json, value, width, reportOpen);
    }

    /** Returns a copy with another reportOpen flag. */
    public StatusOptions withReportOpen(boolean value) {
        return new StatusOptions(verbose, statistics, json, tty, columns, value);
    }
}
