package org.drbdj.state;

/**
 * Thrown when a state field would change along an edge that its {@link TransitionTable} does not
 * have. This is a programming error or a peer reporting an impossible state, never a user error:
 * user requests are refused with a {@link StateChangeResult} carrying DRBD's SS_* code instead.
 */
public final class IllegalStateTransitionException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final String dimension;
    private final String from;
    private final String to;

    IllegalStateTransitionException(String dimension, String from, String to, String allowed) {
        super("illegal " + dimension + " transition " + from + " -> " + to
                + " (allowed from " + from + ": " + allowed + ")");
        this.dimension = dimension;
        this.from = from;
        this.to = to;
    }

    /** The state dimension, e.g. "disk state". */
    public String dimension() {
        return dimension;
    }

    /** The DRBD name of the current state. */
    public String from() {
        return from;
    }

    /** The DRBD name of the refused target state. */
    public String to() {
        return to;
    }
}
