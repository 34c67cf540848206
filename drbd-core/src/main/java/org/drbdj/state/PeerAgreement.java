package org.drbdj.state;

/**
 * The "peer agreement" step of a state change: before a validated change is committed, the peers
 * may have to agree (DRBD 9's cluster-wide two-phase commit, {@code P_TWOPC_PREPARE} →
 * {@code P_TWOPC_YES|NO|RETRY} → {@code P_TWOPC_COMMIT|ABORT}; 8.4's {@code P_STATE_CHG_REQ}/
 * {@code P_STATE_CHG_REPLY}). Until replication exists, {@link #LOCAL_ONLY} agrees to everything.
 */
@FunctionalInterface
public interface PeerAgreement {
    /** Agrees to everything: a single node, or a change that needs no peer. */
    PeerAgreement LOCAL_ONLY = (current, proposed, change, nowNs) -> null;

    /**
     * Asks the connected peers about a change that passed local validation.
     *
     * @param current  the committed state
     * @param proposed the state after the change
     * @param change   the request (to be sent to the peers)
     * @param nowNs    the current time from the state machine's clock
     * @return {@code null} if all agree, else a refusal (typically {@link StateChangeError#CW_FAILED_BY_PEER},
     *         {@link StateChangeError#TIMEOUT} or {@link StateChangeError#CONCURRENT_ST_CHG})
     */
    StateChangeResult ask(ResourceState current, ResourceState proposed, StateChange change, long nowNs);
}
