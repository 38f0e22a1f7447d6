package io.fragtrace.replay.metrics;

import io.fragtrace.replay.ZoneStats;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.PageReporting;
import io.fragtrace.replay.model.Zone;

import java.util.ArrayList;
import java.util.List;

/** Time-stamped {@link ZoneStats} of every zone of a model, for time series. */
public final class ZoneSampler {
    private ZoneSampler() {
    }

    /** One sample per zone of the model. */
    public static List<ZoneSample> sample(BuddyModel m, long timeNs, String marker) {
        return sample(m, timeNs, marker, null, null);
    }

    /** One sample per zone, with free page reporting and the headroom above min when given (null: not known). */
    public static List<ZoneSample> sample(BuddyModel m, long timeNs, String marker, PageReporting rep,
                                          ReserveWatch reserves) {
        List<ZoneSample> out = new ArrayList<>(m.zoneCount());
        for (int z = 0; z < m.zoneCount(); z++) {
            Zone zone = m.zone(z);
            ZoneStats s = ZoneStats.of(m, z);
            out.add(new ZoneSample(timeNs, marker, zone.nid, zone.name, m.freePages(z), s.pcpPages(), s.nrFree(),
                    s.freePagesByMt(), s.extfragIndex(), s.unusableIndex(), s.fragmentationScore(), s.pageblocksByMt(),
                    m.mixedPageblocks(z), -1, rep == null ? -1 : rep.reportedPages(z),
                    rep == null ? -1 : rep.reportedTotal(z), rep == null ? -1 : rep.reallocated(z),
                    rep == null ? -1 : rep.freeAtOrAbove(z),
                    reserves == null || !reserves.known(z) ? Long.MIN_VALUE : reserves.headroom(z)));
        }
        return out;
    }
}
