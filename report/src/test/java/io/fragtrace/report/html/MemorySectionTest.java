package io.fragtrace.report.html;

import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.model.Zone;
import io.fragtrace.report.pfnmap.PfnMaps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Physical memory section reads back the pfn maps a replay wrote. */
class MemorySectionTest {
    @Test
    void theIndexRoundTripsWithMarkersHoldingCommasAndQuotes(@TempDir Path dir) throws Exception {
        Zone z = new Zone(0, 0, "Normal", 0, 1024);
        z.present = 1024;
        BuddyModel m = new BuddyModel(KernelSemantics.V6_1, List.of(z), 1);
        m.markAllocated(10, 0, false, KernelSemantics.MIGRATE_UNMOVABLE); // pageblock 0 (movable): mixed
        PfnMaps maps = new PfnMaps(1_500_000_000L, 0);
        maps.start(m);
        maps.marker(m, 2_000_000_000L, "capture: phase \"a\", b");
        maps.end(m, 3_250_000_000L);
        maps.write(dir, "t");
        List<MemorySection.Map> rows = MemorySection.read(dir.resolve(PfnMaps.INDEX));
        assertEquals(List.of(new MemorySection.Map("pfnmap-00.png", "start", "1.500000", "start", 1),
                new MemorySection.Map("pfnmap-01.png", "marker", "2.000000", "capture: phase \"a\", b", 1),
                new MemorySection.Map("pfnmap-02.png", "end", "3.250000", "end", 1)), rows);
        assertTrue(Files.size(dir.resolve("pfnmap-01.png")) > 500);
    }
}
