package io.fragtrace.replay.model;

import io.fragtrace.replay.metrics.RegionSampler;

/** Lets tests of other packages run {@link MaintainedCountersTest#check}. */
public final class MaintainedCountersTestAccess {
    private MaintainedCountersTestAccess() {
    }

    public static void check(BuddyModel m, RegionSampler rs) {
        MaintainedCountersTest.check(m, rs);
    }
}
