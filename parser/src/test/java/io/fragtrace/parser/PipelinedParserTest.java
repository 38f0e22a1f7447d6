package io.fragtrace.parser;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The two-thread parse hands the visitor exactly the events of a streaming parse, in order, and fails cleanly. */
class PipelinedParserTest {
    @TempDir
    Path tmp;

    @Test
    void sameEventsInTheSameOrderAsAStreamingParse() throws Exception {
        for (String bundle : List.of("fragment-thp-256M", "fragment-thp-256M-k6.12")) {
            TraceInput in = TraceInput.of(Samples.bundle(bundle).toString());
            long[] a = digest();
            ParseReport ra = new TraceParser().parse(in, e -> add(a, e));
            long[] b = digest();
            ParseReport rb = new PipelinedParser().parse(in, e -> add(b, e));
            assertTrue(a[0] > 100_000, bundle);
            assertEquals(a[0], b[0], bundle + ": events");
            assertEquals(a[1], b[1], bundle + ": digest of every event's record (fields, comm, gfp text, markers)");
            assertEquals(ra.totalEvents(), rb.totalEvents());
            assertEquals(ra.badLines(), rb.badLines());
            assertEquals(ra.lines(), rb.lines());
        }
    }

    private static long[] digest() {
        return new long[2];
    }

    private static void add(long[] d, ParsedEvent e) {
        d[0]++;
        d[1] = d[1] * 31 + e.toRecord().hashCode();
    }

    @Test
    void manyDistinctTaskNamesAndMarkersKeepTheirIds() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 300_000; i++) {
            sb.append("task").append(i % 5000).append("-").append(i).append(" [00").append(i % 4).append("] ..... 1.")
                    .append(String.format("%06d", i)).append(i % 1000 == 0 ? ": tracing_mark_write: phase " + i
                            : ": mm_page_alloc: page=0x1 pfn=0x" + Integer.toHexString(i)
                            + " order=0 migratetype=1 gfp_flags=GFP_KERNEL|__GFP_" + (i % 37)).append('\n');
        }
        byte[] text = sb.toString().getBytes(StandardCharsets.US_ASCII);
        List<TraceEvent> streamed = new ArrayList<>();
        new TraceParser().parse(new java.io.ByteArrayInputStream(text), "t", e -> streamed.add(e.toRecord()));
        List<TraceEvent> piped = new ArrayList<>();
        new PipelinedParser().parse(new java.io.ByteArrayInputStream(text), "t", e -> piped.add(e.toRecord()));
        assertEquals(300_000, streamed.size());
        assertEquals(streamed, piped);
    }

    @Test
    void aVisitorFailureStopsTheParseAndReachesTheCaller() throws Exception {
        TraceInput in = TraceInput.of(Samples.bundle("mixed-churn-512M").toString());
        IllegalStateException boom = new IllegalStateException("model failed");
        long[] n = {0};
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> new PipelinedParser().parse(in, e -> {
                    if (++n[0] == 50_000) {
                        throw boom;
                    }
                }));
        assertSame(boom, thrown);
        assertEquals(50_000, n[0]);
    }

    @Test
    void truncatedGzipKeepsEverythingBeforeTheDamageAndNamesItsByteOffset() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 200_000; i++) {
            sb.append("app-1 [000] ..... 1.").append(String.format("%06d", i))
                    .append(": mm_page_free: page=0x1 pfn=0x").append(Integer.toHexString(i)).append(" order=0\n");
        }
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bo)) {
            gz.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
        }
        byte[] all = bo.toByteArray();
        int cut = all.length / 2;
        Path f = tmp.resolve("cut.gz");
        Files.write(f, Arrays.copyOf(all, cut));
        long[] events = {0};
        long[] lastPfn = {-1};
        ParseReport r = new PipelinedParser().parse(TraceInput.of(f.toString()), e -> {
            events[0]++;
            assertEquals(lastPfn[0] + 1, e.pfn(), "every event before the damage, in order");
            lastPfn[0] = e.pfn();
        });
        ParseReport direct = new TraceParser().parse(TraceInput.of(f.toString()), e -> { });
        assertNotNull(r.truncation());
        // the file ends at byte `cut`: the damage is the end of the stored data
        assertTrue(r.truncation().contains("stored byte " + cut), r.truncation());
        assertEquals(direct.count(EventType.MM_PAGE_FREE), events[0]);
        assertTrue(events[0] > 50_000 && events[0] < 200_000, "events before the cut: " + events[0]);
    }
}
