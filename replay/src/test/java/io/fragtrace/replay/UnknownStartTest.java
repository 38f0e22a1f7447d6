package io.fragtrace.replay;

import io.fragtrace.parser.Samples;

import io.fragtrace.parser.TraceInput;
import io.fragtrace.parser.TraceParser;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.snapshot.ZoneInfo;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Without a dump every page starts unknown; events resolve the pages they touch, nothing is a contradiction. */
class UnknownStartTest {
    @Test
    void zoneinfoOnlyStart() throws Exception {
        Path b = Samples.bundle("fragment-thp-256M");
        BuddyModel m = ModelLoader.fromZoneInfo(ZoneInfo.load(b.resolve("before/zoneinfo")), KernelSemantics.V6_1);
        assertEquals(2, m.zoneCount());
        assertEquals(1.0, m.unknownFraction(), 1e-9);
        ObservedReplay r = new ObservedReplay(m);
        new TraceParser().parse(TraceInput.of(b.toString()), r);
        double unknown = m.unknownFraction();
        assertTrue(unknown > 0 && unknown < 1, "unknown fraction " + unknown);
        // the pages an event touched are known; an unknown page allocated first is not a contradiction
        assertTrue(r.consistency().count(Consistency.Kind.ALLOC_NOT_FREE) <= 1,
                "alloc_not_free " + r.consistency().count(Consistency.Kind.ALLOC_NOT_FREE));
        assertEquals(0, r.consistency().count(Consistency.Kind.PFN_OUTSIDE_ZONES));
    }

    @Test
    void x86DefaultTopology() {
        // 8 GiB = 0x200000 pfns: DMA [1, 0x1000), DMA32 [0x1000, 0x100000), Normal [0x100000, 0x200000)
        BuddyModel m = ModelLoader.x86Default(0x200000, KernelSemantics.V6_1, 4);
        assertEquals(3, m.zoneCount());
        assertEquals("DMA32", m.zone(1).name);
        assertEquals(0x100000, m.zone(1).end);
        assertEquals(2, m.zoneOf(0x100000));
        assertEquals(-1, m.zoneOf(0x200000));
        assertEquals(1.0, m.unknownFraction(), 1e-9);
    }
}
