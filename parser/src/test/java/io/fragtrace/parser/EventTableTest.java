package io.fragtrace.parser;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The event table is complete and unambiguous. */
class EventTableTest {
    @Test
    void everyEventIsDeclaredAndEveryKeyMeansOneField() {
        for (EventType t : EventType.values()) {
            assertNotNull(EventTable.spec(t), t.kernelName());
            EventTable.Spec s = EventTable.spec(t);
            assertEquals(0, s.required & s.optional, t.kernelName() + ": a field both required and optional");
        }
        Set<String> keys = new HashSet<>();
        for (EventTable.Spelling sp : EventTable.SPELLING) {
            assertTrue(keys.add(sp.key()), "key spelled twice: " + sp.key());
        }
    }

    @Test
    void aKeyOfAnotherEventIsIgnoredLikeAnyUnknownKey() {
        // nr_failed= belongs to the migrate events; in an mm_page_alloc line it is not read at all, so a value that
        // is not a number does not cost the line (with one key table for every event it was rejected as malformed)
        Lines l = Lines.parse("app-1 [000] ..... 1.000000: mm_page_alloc: pfn=0x10 order=0 migratetype=1 nr_failed=x "
                + "gfp_flags=GFP_KERNEL\n");
        assertEquals(1, l.events.size(), l.report.examples().toString());
        assertEquals(0, l.report.badLines());
    }
}
