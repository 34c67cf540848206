package org.drbdj.status;

import org.drbdj.state.DeviceState;
import org.drbdj.state.DiskState;
import org.drbdj.state.PeerDeviceState;
import org.drbdj.state.PeerState;
import org.drbdj.state.ResourceState;
import org.drbdj.state.Role;

/**
 * The failover signals {@code may_promote} and {@code promotion_score} that {@code events2} prints on
 * resource lines, computed from a snapshot by the same rules as drbd-utils'
 * {@code compute_promotion_info}: promotion is possible if no node is Primary, I/O is not being
 * failed, every volume has quorum and can reach stable UpToDate data; the score is
 * {@code 10000 * (all volumes have a local disk with data) + 100 * min(UpToDate local volumes, 99)
 * + min(UpToDate replicas of the worst volume, 99)}.
 *
 * @param mayPromote     {@code may_promote:yes}
 * @param promotionScore {@code promotion_score:}
 */
public record PromotionInfo(boolean mayPromote, int promotionScore) {
    /** Computes the signals for a resource. */
    public static PromotionInfo of(ResourceState r) {
        if (r.devices().isEmpty() || r.forceIoFailures()) {
            return new PromotionInfo(false, 0);
        }
        int upToDateDevices = 0;
        boolean allHaveDisk = true;
        int minReplicas = -1;
        boolean allStable = true;
        for (DeviceState d : r.devices()) {
            if (!d.quorum()) {
                return new PromotionInfo(false, 0);
            }
            int replicas = d.disk() == DiskState.UP_TO_DATE ? 1 : 0;
            boolean stable = d.disk() == DiskState.UP_TO_DATE;
            for (PeerState p : r.peers()) {
                PeerDeviceState pd = p.peerDevice(d.volume());
                if (pd != null && pd.peerDisk() == DiskState.UP_TO_DATE) {
                    replicas++;
                    stable |= pd.peerUpToDateStable();
                }
            }
            if (d.disk() == DiskState.UP_TO_DATE) {
                upToDateDevices++;
            } else if (d.disk() != DiskState.CONSISTENT && d.disk() != DiskState.INCONSISTENT) {
                allHaveDisk = false;
            }
            if (minReplicas == -1 || replicas < minReplicas) {
                minReplicas = replicas;
            }
            if (!stable) {
                allStable = false;
            }
        }
        if (minReplicas <= 0) {
            return new PromotionInfo(false, 0);
        }
        boolean havePrimary = r.role() == Role.PRIMARY
                || r.peers().stream().anyMatch(p -> p.peerRole() == Role.PRIMARY);
        int score = (allHaveDisk ? 1 : 0) * 10000 + Math.min(upToDateDevices, 99) * 100 + Math.min(minReplicas, 99);
        return new PromotionInfo(!havePrimary && allStable, score);
    }
}
