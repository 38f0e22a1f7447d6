package io.fragtrace.report.pfnmap;

import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.model.Zone;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The replay's pfn maps: a bounded number spread over the markers. */
class PfnMapsTest {
    static BuddyModel small() {
        Zone z = new Zone(0, 0, "Normal", 0, 1024);
        z.present = 1024;
        return new BuddyModel(KernelSemantics.V6_1, List.of(z), 1);
    }

    @Test
    void manyMarkersKeepAtMostEightSpreadOverThem() {
        BuddyModel m = small();
        PfnMaps maps = new PfnMaps(1000, 0);
        maps.start(m);
        maps.marker(m, 999, "before the start state: not pictured");
        for (int i = 0; i < 100; i++) {
            maps.marker(m, 2000 + i, "m" + i);
        }
        maps.end(m, 5000);
        List<PfnFrame> f = maps.frames();
        assertEquals("start", f.get(0).label);
        assertEquals("end", f.get(f.size() - 1).label);
        List<String> markers = f.subList(1, f.size() - 1).stream().map(x -> x.label).toList();
        // 9 kept at every marker would exceed 8: thinned to every 2nd, then every 4th, 8th, 16th: at 100 markers the
        // stride is 16 and the kept ones are m0, m16, m32, m48, m64, m80, m96 (m112 would be next)
        assertEquals(List.of("m0", "m16", "m32", "m48", "m64", "m80", "m96"), markers);
        assertTrue(markers.size() <= PfnMaps.MAX_MARKER_FRAMES);
    }

    @Test
    void fewMarkersAreAllKept() {
        BuddyModel m = small();
        PfnMaps maps = new PfnMaps(0, 0);
        for (int i = 0; i < 8; i++) {
            maps.marker(m, 10 + i, "m" + i);
        }
        assertEquals(8, maps.frames().size());
    }
}
