package org.drbdj.state;

import java.util.Objects;

/**
 * The outcome of a requested {@link StateChange}: committed (with the new snapshot), nothing to do,
 * or refused with DRBD's {@link StateChangeError} and optional extra detail (DRBD's
 * "additional info from kernel" lines).
 *
 * @param outcome  what happened
 * @param error    why it was refused ({@code null} unless {@link Outcome#REFUSED})
 * @param detail   extra explanation for the operator ({@code ""} if none)
 * @param newState the committed snapshot ({@code null} if refused); for NOTHING_TO_DO the unchanged one
 */
public record StateChangeResult(Outcome outcome, StateChangeError error, String detail, ResourceState newState) {

    /** The three outcomes, mirroring {@code SS_SUCCESS}, {@code SS_NOTHING_TO_DO} and {@code SS_*} errors. */
    public enum Outcome { COMMITTED, NOTHING_TO_DO, REFUSED }

    public StateChangeResult {
        Objects.requireNonNull(outcome, "outcome");
        detail = detail == null ? "" : detail;
        if ((outcome == Outcome.REFUSED) != (error != null)) {
            throw new IllegalArgumentException("a refused result needs an error, others must not have one: "
                    + outcome + " " + error);
        }
    }

    /** A committed change. */
    public static StateChangeResult committed(ResourceState newState) {
        return new StateChangeResult(Outcome.COMMITTED, null, "", Objects.requireNonNull(newState));
    }

    /** A change that changed nothing ({@code SS_NOTHING_TO_DO}). */
    public static StateChangeResult nothingToDo(ResourceState state) {
        return new StateChangeResult(Outcome.NOTHING_TO_DO, null, "", state);
    }

    /** A refused change. */
    public static StateChangeResult refused(StateChangeError error, String detail) {
        return new StateChangeResult(Outcome.REFUSED, Objects.requireNonNull(error), detail, null);
    }

    /** True unless refused. */
    public boolean isSuccess() {
        return outcome != Outcome.REFUSED;
    }
}
