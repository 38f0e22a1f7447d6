package io.fragtrace.parser;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.EnumMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On the real captures, the parser's count of each event equals an independent count made with plain string
 * matching (lines containing " name: "), and lost events equal what the trace header says (entries-written minus
 * entries-in-buffer: 0 in every capture, confirmed by the per-CPU ring-buffer stats in guest/tracefs).
 */
class SampleCaptureCountsTest {

    @ParameterizedTest
    @ValueSource(strings = {"fragment-thp-256M", "fragment-thp-256M-k6.12", "mixed-churn-512M"})
    void eventCountsMatchIndependentCount(String bundle) throws Exception {
        Map<EventType, Long> expected = new EnumMap<>(EventType.class);
        long eventLines = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                Files.newInputStream(Samples.bundle(bundle).resolve("trace.txt.gz"))), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("#")) {
                    continue;
                }
                eventLines++;
                for (EventType t : EventType.values()) {
                    if (line.contains(" " + t.kernelName() + ": ")) {
                        expected.merge(t, 1L, Long::sum);
                        break;
                    }
                }
            }
        }
        TraceInput in = TraceInput.of(Samples.bundle(bundle).toString());
        ParseReport report = new TraceParser().parse(in, e -> { });
        for (EventType t : EventType.values()) {
            assertEquals(expected.getOrDefault(t, 0L), report.count(t), t.kernelName());
        }
        assertEquals(eventLines, report.eventLines());
        assertEquals(0, report.badLines(), () -> report.examples().toString());
        assertEquals(0, report.lostEvents());
        assertTrue(report.hasEntriesHeader());
        assertEquals(report.entriesWritten(), report.entriesInBuffer());
        assertEquals(report.entriesWritten(), eventLines, "every ring-buffer entry is one line");
    }
}
