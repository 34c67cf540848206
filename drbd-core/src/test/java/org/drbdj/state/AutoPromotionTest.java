package org.drbdj.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.drbdj.state.AutoPromotion.Access;
import org.drbdj.state.AutoPromotion.Demotion;
import org.junit.jupiter.api.Test;

/** DRBD 9's auto-promote decisions, on every role and option combination. */
class AutoPromotionTest {
    private static final long QUIET_NS = TimeUnit.SECONDS.toNanos(1);

    @Test
    void writesPromoteASecondaryOnlyWithAutoPromote() {
        assertThat(AutoPromotion.write(Role.PRIMARY, true)).isEqualTo(Access.SERVE);
        assertThat(AutoPromotion.write(Role.PRIMARY, false)).isEqualTo(Access.SERVE);
        assertThat(AutoPromotion.write(Role.SECONDARY, true)).isEqualTo(Access.PROMOTE_FIRST);
        assertThat(AutoPromotion.write(Role.SECONDARY, false)).isEqualTo(Access.REFUSE);
    }

    @Test
    void aSecondaryServesReadsOfUpToDateDataOnlyWithAutoPromote() {
        for (DiskState disk : new DiskState[] {DiskState.UP_TO_DATE, DiskState.INCONSISTENT, DiskState.DISKLESS}) {
            assertThat(AutoPromotion.read(Role.PRIMARY, false, disk)).as("Primary, " + disk).isEqualTo(Access.SERVE);
            assertThat(AutoPromotion.read(Role.SECONDARY, false, disk)).as("no auto-promote, " + disk)
                    .isEqualTo(Access.REFUSE);
        }
        assertThat(AutoPromotion.read(Role.SECONDARY, true, DiskState.UP_TO_DATE)).isEqualTo(Access.SERVE);
        assertThat(AutoPromotion.read(Role.SECONDARY, true, DiskState.INCONSISTENT)).isEqualTo(Access.REFUSE);
        assertThat(AutoPromotion.read(Role.SECONDARY, true, DiskState.OUTDATED)).isEqualTo(Access.REFUSE);
        assertThat(AutoPromotion.read(Role.SECONDARY, true, DiskState.DISKLESS)).isEqualTo(Access.REFUSE);
    }

    @Test
    void theReadOnlyFlagIsSetOnlyOnASecondaryWithoutAutoPromote() {
        assertThat(AutoPromotion.readOnlyFlag(Role.SECONDARY, false)).isTrue();
        assertThat(AutoPromotion.readOnlyFlag(Role.SECONDARY, true)).as("the promoting write must get through").isFalse();
        assertThat(AutoPromotion.readOnlyFlag(Role.PRIMARY, false)).isFalse();
        assertThat(AutoPromotion.readOnlyFlag(Role.PRIMARY, true)).isFalse();
    }

    @Test
    void onlyAnAutoPromotedPrimaryIsDemotedAndOnlyOnceReleasedAndQuiet() {
        long now = 50 * QUIET_NS;
        long longAgo = now - 2 * QUIET_NS;
        assertThat(AutoPromotion.demotion(false, Role.PRIMARY, false, longAgo, now, QUIET_NS))
                .as("drbdadm primary").isEqualTo(Demotion.NOT_AUTO_PROMOTED);
        assertThat(AutoPromotion.demotion(true, Role.SECONDARY, false, longAgo, now, QUIET_NS))
                .as("already demoted").isEqualTo(Demotion.NOT_AUTO_PROMOTED);
        assertThat(AutoPromotion.demotion(true, Role.PRIMARY, true, longAgo, now, QUIET_NS))
                .as("mounted or open for write").isEqualTo(Demotion.HELD);
        assertThat(AutoPromotion.demotion(true, Role.PRIMARY, false, now - QUIET_NS / 2, now, QUIET_NS))
                .as("a write half a quiet period ago").isEqualTo(Demotion.SETTLING);
        assertThat(AutoPromotion.demotion(true, Role.PRIMARY, false, now - QUIET_NS, now, QUIET_NS))
                .isEqualTo(Demotion.DEMOTE);
        assertThat(AutoPromotion.demotion(true, Role.PRIMARY, false, longAgo, now, QUIET_NS)).isEqualTo(Demotion.DEMOTE);
    }

    @Test
    void theQuietPeriodSurvivesTheNanoClockWrapping() {
        long before = Long.MAX_VALUE - QUIET_NS / 2;
        long after = before + 2 * QUIET_NS; // overflows to negative
        assertThat(AutoPromotion.demotion(true, Role.PRIMARY, false, before, after, QUIET_NS)).isEqualTo(Demotion.DEMOTE);
        assertThat(AutoPromotion.demotion(true, Role.PRIMARY, false, before, before + QUIET_NS / 4, QUIET_NS))
                .isEqualTo(Demotion.SETTLING);
    }

    @Test
    void autoRoleChangesAreRequestsNamedForTheLog() {
        assertThat(StateChange.autoPromote().description()).isEqualTo("auto-promote");
        assertThat(StateChange.autoPromote().cause()).as("refusable like drbdadm primary").isEqualTo(StateChange.Cause.REQUEST);
        assertThat(StateChange.autoPromote().force()).isFalse();
        ResourceState s = StateRulesTest.single(DiskState.UP_TO_DATE);
        assertThat(StateChange.autoPromote().applyTo(s).role()).isEqualTo(Role.PRIMARY);
        assertThat(StateChange.autoDemote().applyTo(s.withRole(Role.PRIMARY)).role()).isEqualTo(Role.SECONDARY);
    }
}
