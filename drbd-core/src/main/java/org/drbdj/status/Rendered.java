package org.drbdj.status;

/**
 * The result of a status query as a command would emit it: standard output, standard error and
 * exit code (drbdsetup's: 0, or 10 for an unknown object).
 *
 * @param out      text for standard output
 * @param err      text for standard error
 * @param exitCode process exit code
 */
public record Rendered(String out, String err, int exitCode) {
    /** Exit code drbdsetup uses for an unknown resource, connection or device. */
    public static final int NO_SUCH_OBJECT = 10;

    /** Success with the given output. */
    public static Rendered ok(String out) {
        return new Rendered(out, "", 0);
    }

    /** Failure with a message line on standard error and exit code 10. */
    public static Rendered noSuch(String object, String what) {
        return new Rendered("", object + ": No such " + what + "\n", NO_SUCH_OBJECT);
    }
}
