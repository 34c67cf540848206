package org.drbdj.state;

/**
 * Told about every committed state change, in commit order: the status file writer, events2
 * subscribers and handler invocations hang off this. Called with the state machine's lock held, so
 * it must be quick and must not request state changes itself (queue them instead).
 */
@FunctionalInterface
public interface StateListener {
    /**
     * A change was committed.
     *
     * @param before the previous snapshot
     * @param after  the new snapshot
     * @param change the change that was committed
     * @param nowNs  commit time from the state machine's clock
     */
    void committed(ResourceState before, ResourceState after, StateChange change, long nowNs);
}
