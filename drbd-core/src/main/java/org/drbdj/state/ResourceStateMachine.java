package org.drbdj.state;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the current {@link ResourceState} of one resource and runs every change through DRBD's
 * state-change lifecycle: <b>request → local validation ({@link StateRules}) → peer agreement
 * ({@link PeerAgreement}) → commit → listeners</b>. Changes of one resource are serialised (DRBD's
 * per-resource state mutex); readers get the committed snapshot without locking.
 *
 * <p>Time is a parameter: the clock is injected ({@code nanoClock}), so tests drive it by hand.
 */
public final class ResourceStateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(ResourceStateMachine.class);

    private final ResourcePolicy policy;
    private final LongSupplier nanoClock;
    private final PeerAgreement agreement;
    private final List<StateListener> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private volatile ResourceState current;
    private volatile long lastChangeNs;

    /**
     * @param initial   the starting snapshot
     * @param policy    the configured settings the rules need
     * @param nanoClock monotonic clock in nanoseconds (e.g. {@code System::nanoTime})
     * @param agreement the peer agreement step ({@link PeerAgreement#LOCAL_ONLY} without replication)
     */
    public ResourceStateMachine(ResourceState initial, ResourcePolicy policy, LongSupplier nanoClock,
                                PeerAgreement agreement) {
        this.current = Objects.requireNonNull(initial, "initial");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.agreement = Objects.requireNonNull(agreement, "agreement");
        this.lastChangeNs = nanoClock.getAsLong();
    }

    /** The committed snapshot. */
    public ResourceState current() {
        return current;
    }

    /** Clock time of the last commit (or of construction). */
    public long lastChangeNs() {
        return lastChangeNs;
    }

    /** Registers a listener for committed changes. */
    public void addListener(StateListener listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    /** Removes a listener. */
    public void removeListener(StateListener listener) {
        listeners.remove(listener);
    }

    /**
     * Runs one change through validation, agreement and commit.
     *
     * @return committed (with the new snapshot), nothing-to-do, or refused with DRBD's SS_* error
     * @throws IllegalStateTransitionException if the change breaks a transition table (a bug)
     * @throws IllegalArgumentException        if it names a volume or peer the resource lacks
     */
    public StateChangeResult request(StateChange change) {
        synchronized (lock) {
            ResourceState before = current;
            ResourceState proposed = StateRules.propose(before, change);
            if (proposed.equals(before)) {
                return StateChangeResult.nothingToDo(before);
            }
            Optional<StateChangeResult> refusal = StateRules.validate(before, proposed, change, policy);
            long nowNs = nanoClock.getAsLong();
            if (refusal.isPresent()) {
                LOG.info("{}: {} refused: {} {}", before.name(), change.description(),
                        refusal.get().error().drbdsetupText(), refusal.get().detail());
                return refusal.get();
            }
            StateChangeResult peerAnswer = agreement.ask(before, proposed, change, nowNs);
            if (peerAnswer != null && !peerAnswer.isSuccess()) {
                LOG.info("{}: {} refused by peer: {}", before.name(), change.description(),
                        peerAnswer.error().drbdsetupText());
                return peerAnswer;
            }
            current = proposed;
            lastChangeNs = nowNs;
            LOG.info("{}: {}: {}", before.name(), change.description(), StateRules.differences(before, proposed));
            for (StateListener l : listeners) {
                try {
                    l.committed(before, proposed, change, nowNs);
                } catch (RuntimeException e) {
                    // A broken status writer must not undo or block a committed state change.
                    LOG.error("{}: state listener {} failed after '{}'", before.name(), l, change.description(), e);
                }
            }
            return StateChangeResult.committed(proposed);
        }
    }

    /**
     * Replaces counters and other non-state facts (statistics, resync progress, paths) without the
     * state-change lifecycle: they are not DRBD state and change on every I/O. The function must only
     * touch such fields; state dimensions are checked against the tables anyway.
     */
    public ResourceState updateFacts(java.util.function.UnaryOperator<ResourceState> update) {
        synchronized (lock) {
            ResourceState before = current;
            ResourceState after = update.apply(before);
            StateRules.checkTables(before, after);
            current = after;
            return after;
        }
    }
}
