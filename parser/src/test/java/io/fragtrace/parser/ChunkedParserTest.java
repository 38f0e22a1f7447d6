package io.fragtrace.parser;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The chunked parse must be indistinguishable from a one-thread parse of the same file: the expected values are
 * what {@link TraceParser} reads from the same bytes (the reference), event by event and report field by field,
 * with chunks cut small so that many boundaries fall inside the text.
 */
class ChunkedParserTest {
    @TempDir
    Path tmp;

    /** Everything a visitor can see of an event, as text. */
    private static TraceVisitor recorder(List<String> out) {
        return e -> {
            TraceEvent r = e.toRecord();
            out.add(e.line() + " " + e.commId() + " " + e.gfpId() + " " + e.cpu() + " " + e.preemptDepth() + " "
                    + e.inInterrupt() + " " + e.tgid() + " " + r + (e.type() == EventType.MARKER ? " " + e.text() : ""));
        };
    }

    private static String report(ParseReport r) {
        StringBuilder b = new StringBuilder();
        b.append("bytes=").append(r.bytes()).append(" raw=").append(r.rawBytes()).append(" lines=").append(r.lines())
                .append(" eventLines=").append(r.eventLines()).append(" headers=").append(r.headerLines())
                .append(" blank=").append(r.blankLines()).append(" cont=").append(r.continuationLines())
                .append(" lost=").append(r.lostEvents()).append(" inBuffer=").append(r.entriesInBuffer())
                .append(" written=").append(r.entriesWritten()).append(" first=").append(r.firstTimestampNs())
                .append(" last=").append(r.lastTimestampNs()).append(" counter=").append(r.counterClock())
                .append(" truncation=").append(r.truncation()).append(" notATrace=").append(r.notATrace());
        for (EventType t : EventType.values()) {
            b.append(' ').append(t).append('=').append(r.count(t));
        }
        b.append("\nunknown=").append(r.unknownEvents()).append("\nmalformed=").append(r.malformed());
        for (ParseReport.Problem p : r.examples()) {
            b.append('\n').append(p);
        }
        return b.toString();
    }

    private void assertSameAsOneThread(Path file, int workers, int chunk) throws Exception {
        List<String> want = new ArrayList<>();
        ParseReport one = new TraceParser().parse(TraceInput.of(file.toString()), recorder(want));
        List<String> got = new ArrayList<>();
        ParseReport chunked = new ChunkedParser(workers, chunk).parse(TraceInput.of(file.toString()), recorder(got));
        assertEquals(report(one), report(chunked), file + " report, chunks of " + chunk);
        assertEquals(want.size(), got.size(), "events");
        for (int i = 0; i < want.size(); i++) {
            assertEquals(want.get(i), got.get(i), "event " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fragment-thp-256M/trace.txt.gz", "fragment-thp-256M-k6.12/trace.txt.gz",
            "variants-fragment-thp-256M-k6.12/trace-cmd-report.txt.gz",
            "variants-fragment-thp-256M-k6.12/trace-cmd-report-raw.txt.gz",
            "variants-fragment-thp-256M-k6.12/perf-script.txt.gz"})
    void sampleCapturesAsOneThreadReadsThem(String trace) throws Exception {
        Path plain = tmp.resolve(trace.replace('/', '-') + ".txt");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(Samples.dir().resolve(trace)))) {
            Files.copy(in, plain);
        }
        assertSameAsOneThread(plain, 2, 1 << 20);
        assertSameAsOneThread(plain, 3, 100_003); // odd size: boundaries anywhere in a line
    }

    @Test
    void badLinesKeepTheirFileLineAcrossChunks() throws Exception {
        StringBuilder sb = new StringBuilder("# tracer: nop\n#\n");
        String good = "app-12 [001] d..1. 5.%06d: mm_page_free: page=0x1 pfn=0x%x order=0\n";
        int bad = 0;
        for (int i = 0; i < 30_000; i++) {
            if (i % 997 == 0) {
                sb.append("app-12 [001] d..1. 5.000001: mm_page_alloc: page=0x1 pfn=zz order=0 migratetype=0 gfp_flags=GFP_KERNEL\n");
                bad++;
            } else if (i % 1499 == 0) {
                sb.append("app-12 [001] d..1. 5.000001: kmalloc_node: call_site=x").append(i % 7).append('\n');
            } else if (i % 4001 == 0) {
                sb.append("CPU:1 [LOST 7 EVENTS]\r\n\n");
            } else if (i % 3001 == 0) {
                sb.append("  => __alloc_pages\n  <idle>-0 [000] d.h2. 5.1: tracing_mark_write: mark ").append(i).append('\n');
            } else {
                sb.append(String.format(good, i, i));
            }
        }
        sb.append("x".repeat(TraceParser.MAX_LINE + 10)).append('\n'); // overlong: reported, skipped
        sb.append(String.format(good, 1, 1).trim()); // last line without a newline
        Path f = tmp.resolve("bad.txt");
        Files.writeString(f, sb, StandardCharsets.US_ASCII);
        for (int chunk : new int[] {16_411, 65_537, 1 << 20}) {
            assertSameAsOneThread(f, 2, chunk);
        }
        ParseReport r = new ChunkedParser(2, 4096).parse(TraceInput.of(f.toString()), e -> { });
        assertEquals(bad, r.malformed().get("mm_page_alloc: bad value for pfn"));
        // line 3 is i = 0 (two header lines before it): bad; i = 997 is line 3 + 997
        assertEquals(3, r.examples().get(0).line());
        assertEquals(3 + 997, r.examples().get(1).line());
        assertEquals(7 * 7, r.lostEvents()); // i = 4001 k for k = 1..7 (i = 0 is a bad line)
    }

    @Test
    void notATraceIsDecidedAsOneThreadDecidesIt() throws Exception {
        Path f = tmp.resolve("words.txt");
        String line = "no event on this line, only words\n";
        Files.writeString(f, line.repeat((int) (3 * ChunkedParser.CHUNK / line.length())));
        assertTrue(ChunkedParser.plainTextFile(TraceInput.of(f.toString())));
        ParseReport r = new ChunkedParser(2).parse(TraceInput.of(f.toString()), e -> { });
        assertTrue(r.notATrace());
        assertEquals(ParseReport.MAX_EXAMPLES, r.examples().size());
        assertEquals(new TraceParser().parse(TraceInput.of(f.toString()), e -> { }).notATrace(), r.notATrace());
    }

    @Test
    void onlyPlainTextFilesAreSplit() throws Exception {
        Path gz = Samples.bundle("mixed-churn-512M").resolve("trace.txt.gz");
        assertFalse(ChunkedParser.plainTextFile(TraceInput.of(gz.toString())), "compressed: streams");
        assertFalse(ChunkedParser.applies(TraceInput.of(gz.toString())), "compressed: streams");
        Path small = tmp.resolve("small.txt");
        Files.writeString(small, "app-1 [000] ..... 1.000000: mm_page_free: page=0x1 pfn=0x1 order=0\n");
        assertFalse(ChunkedParser.plainTextFile(TraceInput.of(small.toString())), "small: one chunk");
    }

    @Test
    void statsSplitsOnlyFilesThatPayBackTheWarmUp() throws Exception {
        // 3 chunks of plain text: splittable, but under AUTO_MIN_BYTES, so stats keeps one thread whatever the load
        Path f = tmp.resolve("mid.txt");
        String line = "app-1 [000] ..... 1.000000: mm_page_free: page=0x1 pfn=0x1 order=0\n";
        Files.writeString(f, line.repeat((int) (3 * ChunkedParser.CHUNK / line.length())));
        assertTrue(ChunkedParser.plainTextFile(TraceInput.of(f.toString())));
        assertTrue(Files.size(f) < ChunkedParser.AUTO_MIN_BYTES);
        assertFalse(ChunkedParser.appliesForLightVisitor(TraceInput.of(f.toString())));
        assertFalse(ChunkedParser.appliesForLightVisitor(
                TraceInput.of(Samples.bundle("mixed-churn-512M").resolve("trace.txt.gz").toString())));
    }
}
