package io.fragtrace.replay.compaction;

import io.fragtrace.parser.CompactStatus;
import io.fragtrace.parser.Samples;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.parser.TraceParser;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Observed compaction analytics against the kernel's own counters. All compaction of these captures happens between
 * the before and after snapshots, so vmstat deltas cover it:
 * compact_stall is counted once per __alloc_pages_direct_compact() that did not get COMPACT_SKIPPED and
 * compact_success when the page was then obtained (mm/page_alloc.c); compact_daemon_wake once per
 * kcompactd_do_work() (mm/compaction.c). compact_migrate_scanned adds cc->total_migrate_scanned, which
 * isolate_migratepages_block() raises by what its tracepoint prints and fast_find_migrateblock() raises with no
 * tracepoint at all: the traced sum is a lower bound.
 */
class CompactionTrackerSampleTest {

    @ParameterizedTest
    @ValueSource(strings = {"fragment-thp-256M", "mixed-churn-512M", "fragment-thp-256M-k6.12"})
    void agreesWithTheTraceAndTheKernelCounters(String name) throws Exception {
        Path bundle = Samples.bundle(name);
        CompactionTracker t = new CompactionTracker();
        new TraceParser().parse(TraceInput.of(bundle.toString()), t::onEvent);
        Map<String, Long> lines = countLines(bundle, "mm_compaction_begin: ", "mm_compaction_kcompactd_wake: ",
                "mm_vmscan_kswapd_wake: ", "status=success", "status=partial_skipped", "status=complete");

        assertEquals(lines.get("mm_compaction_begin: "), t.passes(), "one pass per mm_compaction_begin");
        assertEquals(0, t.unmatchedEnds());
        assertEquals(lines.get("status=success"), sum(t, CompactStatus.SUCCESS));
        assertEquals(lines.get("status=partial_skipped"), sum(t, CompactStatus.PARTIAL_SKIPPED));
        assertEquals(lines.get("status=complete"), sum(t, CompactStatus.COMPLETE));
        assertEquals(lines.get("mm_compaction_kcompactd_wake: "), t.kcompactdWakes());
        assertEquals(lines.get("mm_vmscan_kswapd_wake: "), t.kswapdWakes());

        Map<String, Long> d = Samples.vmstatDelta(bundle);
        assertEquals(d.get("compact_daemon_wake"), t.kcompactdWakes(), "compact_daemon_wake");
        long directPasses = 0;
        long migrateScanned = 0;
        for (CompactionRun r : t.runs()) {
            migrateScanned += r.migrateScanned();
            directPasses += r.context() == CompactionContext.DIRECT ? 1 : 0;
        }
        assertTrue(migrateScanned <= d.get("compact_migrate_scanned"), "compact_migrate_scanned");
        assertTrue(migrateScanned > 0);
        long okAfter = 0;
        long failedAfter = 0;
        for (int o = 1; o <= 10; o++) {
            okAfter += t.allocationsAfterCompaction(o, true);
            failedAfter += t.allocationsAfterCompaction(o, false);
        }
        // No direct request in these captures was COMPACT_SKIPPED (every one has a pass), so stall = requests.
        assertEquals(d.get("compact_stall"), okAfter + failedAfter, "compact_stall");
        assertEquals(d.get("compact_success"), okAfter, "compact_success");
        assertEquals(d.get("compact_fail"), failedAfter, "compact_fail");
        long daemonScanned = t.runs().stream().filter(r -> r.context() == CompactionContext.KCOMPACTD)
                .mapToLong(CompactionRun::migrateScanned).sum();
        assertTrue(daemonScanned <= d.get("compact_daemon_migrate_scanned"),
                "kcompactd_do_work() passes only; proactive passes count as plain compaction");
    }

    private static long sum(CompactionTracker t, CompactStatus s) {
        long n = 0;
        for (CompactionContext c : CompactionContext.values()) {
            n += t.passes(c, s);
        }
        return n;
    }

    private static Map<String, Long> countLines(Path bundle, String... needles) throws IOException {
        Map<String, Long> m = new HashMap<>();
        for (String n : needles) {
            m.put(n, 0L);
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(bundle.resolve("trace.txt.gz"))), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                for (String n : needles) {
                    if (line.contains(n)) {
                        m.merge(n, 1L, Long::sum);
                    }
                }
            }
        }
        return m;
    }
}
