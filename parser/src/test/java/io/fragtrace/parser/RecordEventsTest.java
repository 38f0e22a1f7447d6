package io.fragtrace.parser;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** scripts/fragtrace-events.txt, the list fragtrace-record enables, names exactly the events the parser reads. */
class RecordEventsTest {
    @Test
    void recordListIsTheParsersEventSet() throws Exception {
        Path list = Samples.dir().getParent().resolve("scripts").resolve("fragtrace-events.txt");
        List<String> lines = Files.readAllLines(list).stream()
                .map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        Set<EventType> listed = new HashSet<>();
        for (String l : lines) {
            String[] se = l.split("/");
            assertEquals(2, se.length, l);
            assertTrue(Set.of("kmem", "compaction", "vmscan", "migrate").contains(se[0]), l);
            EventType t = EventType.byName(se[1]);
            assertNotNull(t, l + " is not an event the parser reads");
            assertEquals(se[1], t.kernelName(), l + ": use the current kernel name");
            assertTrue(listed.add(t), l + " listed twice");
        }
        for (EventType t : EventType.values()) {
            if (t != EventType.MARKER) { // trace_marker writes are always recorded, no event to enable
                assertTrue(listed.contains(t), t.kernelName() + " missing from " + list);
            }
        }
    }
}
