package io.fragtrace.report.stats;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fragtrace.parser.CompactStatus;
import io.fragtrace.parser.MigrateReason;
import io.fragtrace.parser.ParseReport;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;
import java.util.Map;

/** The JSON form of {@link TraceStats}; the schema is documented in docs/stats-json.md. */
public final class StatsJson {
    /** Bumped on any incompatible change (a key removed, renamed or changing meaning); additions keep it. */
    public static final int SCHEMA_VERSION = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    private StatsJson() {
    }

    public static void write(TraceStats s, int top, OutputStream out) throws IOException {
        write(s, top, KmemSort.DEFAULT, out);
    }

    /** {@code sort}: the order of the {@code kmem} rows (perf kmem -s). */
    public static void write(TraceStats s, int top, KmemSort sort, OutputStream out) throws IOException {
        MAPPER.writeValue(out, tree(s, top, sort));
        out.write('\n');
        out.flush();
    }

    public static ObjectNode tree(TraceStats s, int top) {
        return tree(s, top, KmemSort.DEFAULT);
    }

    public static ObjectNode tree(TraceStats s, int top, KmemSort sort) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ParseReport r = s.report();
        ObjectNode root = f.objectNode();
        root.put("schema_version", SCHEMA_VERSION);
        root.put("generator", io.fragtrace.report.OutputGuard.GENERATOR);

        ObjectNode input = root.putObject("input");
        input.put("name", r.input());
        input.put("bytes", r.bytes());
        input.put("stored_bytes_read", r.rawBytes());
        input.put("truncated", r.truncation() != null);
        input.put("truncation", r.truncation());

        ObjectNode lines = root.putObject("lines");
        lines.put("total", r.lines());
        lines.put("event", r.eventLines());
        lines.put("header", r.headerLines());
        lines.put("blank", r.blankLines());
        lines.put("continuation", r.continuationLines());
        lines.put("bad", r.badLines());
        ObjectNode byReason = lines.putObject("bad_by_reason");
        r.malformed().entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> byReason.put(e.getKey(), e.getValue()));
        ArrayNode ex = lines.putArray("bad_examples");
        for (ParseReport.Problem p : r.examples()) {
            ObjectNode e = ex.addObject();
            e.put("file", p.file());
            e.put("line", p.line());
            e.put("reason", p.reason());
            e.put("text", p.text());
        }

        ObjectNode lost = root.putObject("lost_events");
        lost.put("total", r.lostEvents());
        if (r.hasEntriesHeader()) {
            lost.put("entries_in_buffer", r.entriesInBuffer());
            lost.put("entries_written", r.entriesWritten());
        } else {
            lost.putNull("entries_in_buffer");
            lost.putNull("entries_written");
        }

        ObjectNode time = root.putObject("time");
        boolean hasTs = r.firstTimestampNs() != Long.MIN_VALUE;
        if (hasTs) {
            time.put("unit", r.counterClock() ? "ticks" : "ns");
        } else {
            time.putNull("unit");
        }
        if (hasTs) {
            time.put("first", r.firstTimestampNs());
            time.put("last", r.lastTimestampNs());
            time.put("span", r.lastTimestampNs() - r.firstTimestampNs());
        } else {
            time.putNull("first");
            time.putNull("last");
            time.putNull("span");
        }

        ObjectNode events = root.putObject("events");
        events.put("total", s.events());
        ObjectNode byName = events.putObject("by_name");
        s.eventsByName().forEach(byName::put);
        ObjectNode unknown = events.putObject("unknown");
        r.unknownEvents().forEach(unknown::put);

        int maxOrder = s.maxOrder();
        ObjectNode alloc = root.putObject("allocations");
        count(alloc, s.allocations());
        alloc.put("invalid_order", s.allocationsInvalidOrder());
        ArrayNode ao = alloc.putArray("by_order");
        for (int k = 0; k <= maxOrder; k++) {
            count(ao.addObject().put("order", k), s.allocations(k));
        }
        ArrayNode am = alloc.putArray("by_migratetype");
        for (int k = 0; k <= s.maxMigratetype(); k++) {
            ObjectNode m = am.addObject();
            migratetype(m, "migratetype", k);
            count(m, s.allocationsByMigratetype(k));
        }
        alloc.set("by_gfp_flags", top(s.byGfp(top), "gfp_flags", false));
        alloc.set("by_process", top(s.byProcess(top), "comm", true));

        ObjectNode fail = root.putObject("allocation_failures");
        fail.put("requests", s.failures());
        fail.put("invalid_order", s.failuresInvalidOrder());
        ArrayNode fo = fail.putArray("by_order");
        for (int k = 0; k <= maxOrder; k++) {
            fo.addObject().put("order", k).put("requests", s.failures(k));
        }

        ObjectNode free = root.putObject("frees");
        count(free, s.frees());
        free.put("invalid_order", s.freesInvalidOrder());
        free.put("batched", s.freesBatched());
        free.put("batched_with_page_free", s.freesBatchedAlsoFree());
        free.put("batched_only", s.freesBatchedOnly());
        ArrayNode fro = free.putArray("by_order");
        for (int k = 0; k <= maxOrder; k++) {
            count(fro.addObject().put("order", k), s.frees(k));
        }

        ObjectNode pcp = root.putObject("pcp");
        count(pcp.putObject("refills"), s.pcpRefills());
        count(pcp.putObject("zone_locked"), s.zoneLocked());
        count(pcp.putObject("drains"), s.pcpDrains());
        count(pcp.putObject("pcpu_refill_events"), s.pcpRefillEvents());

        ObjectNode xf = root.putObject("extfrag");
        xf.put("fallbacks", s.extfragFallbacks());
        xf.put("fragmenting", s.extfragFragmenting());
        xf.put("severe", s.extfragSevere());
        xf.put("moderate", s.extfragModerate());
        xf.put("change_ownership", s.extfragChangeOwnership());
        if (s.pageblockOrder() >= 0) {
            xf.put("pageblock_order", s.pageblockOrder());
        } else {
            xf.putNull("pageblock_order");
        }
        ArrayNode pairs = xf.putArray("by_migratetype");
        for (int a = 0; a <= s.maxMigratetype(); a++) {
            for (int b = 0; b <= s.maxMigratetype(); b++) {
                if (s.extfrag(a, b) > 0) {
                    ObjectNode p = pairs.addObject();
                    migratetype(p, "alloc_migratetype", a);
                    migratetype(p, "fallback_migratetype", b);
                    p.put("fallbacks", s.extfrag(a, b));
                    p.put("fragmenting", s.extfragFragmenting(a, b));
                }
            }
        }

        KmemJson.extfrag(xf, s);
        KmemJson.kmem(root, s, sort);

        ObjectNode comp = root.putObject("compaction");
        ObjectNode ce = comp.putObject("events");
        s.compactionEvents().forEach(ce::put);
        ObjectNode endStatus = comp.putObject("end_status");
        ObjectNode finished = comp.putObject("finished_ret");
        ObjectNode suitable = comp.putObject("suitable_ret");
        for (CompactStatus c : CompactStatus.values()) {
            endStatus.put(c.kernelName(), s.endStatus(c));
            finished.put(c.kernelName(), s.finishedRet(c));
            suitable.put(c.kernelName(), s.suitableRet(c));
        }
        comp.putObject("begin_mode").put("sync", s.beginSync()).put("async", s.beginAsync());
        ArrayNode tt = comp.putArray("try_to_compact_pages_by_order");
        for (int k = 0; k <= maxOrder; k++) {
            tt.addObject().put("order", k).put("events", s.tryToCompact(k));
        }
        scanTake(comp.putObject("isolate_migratepages"), s.isolateMigratepages());
        scanTake(comp.putObject("isolate_freepages"), s.isolateFreepages());
        scanTake(comp.putObject("fast_isolate_freepages"), s.fastIsolateFreepages());
        long[] cm = s.compactionMigratepages();
        comp.putObject("migratepages").put("events", cm[0]).put("nr_migrated", cm[1]).put("nr_failed", cm[2]);

        ObjectNode mig = root.putObject("migrate_pages");
        long[] all = s.migratePages();
        mig.put("events", all[0]).put("nr_succeeded", all[1]).put("nr_failed", all[2]);
        ObjectNode byReasonM = mig.putObject("by_reason");
        for (MigrateReason reason : MigrateReason.values()) {
            long[] v = s.migratePages(reason);
            if (v[0] > 0) {
                byReasonM.putObject(reason.name().toLowerCase(Locale.ROOT))
                        .put("events", v[0]).put("nr_succeeded", v[1]).put("nr_failed", v[2]);
            }
        }

        ObjectNode live = root.putObject("pages_at_end");
        live.put("allocated", s.pagesAllocated());
        live.put("freed_after_alloc", s.pagesFreedAfterAlloc());
        live.put("reallocated_without_free", s.pagesReallocatedWithoutFree());
        live.put("still_allocated", s.pagesStillAllocated());
        live.put("freed_not_allocated", s.pagesFreedNotAllocated());
        live.put("complete", s.pageTrackingComplete());
        return root;
    }

    private static void count(ObjectNode n, TraceStats.Count c) {
        n.put("requests", c.requests());
        n.put("pages", c.pages());
    }

    private static void migratetype(ObjectNode n, String key, int slot) {
        int num = TraceStats.migratetypeNumber(slot);
        if (num < 0) {
            n.putNull(key);
        } else {
            n.put(key, num);
        }
        n.put(key + "_name", TraceStats.migratetypeName(slot));
    }

    private static void scanTake(ObjectNode n, long[] v) {
        n.put("events", v[0]).put("nr_scanned", v[1]).put("nr_taken", v[2]);
    }

    private static ObjectNode top(TraceStats.Top t, String key, boolean frees) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("distinct", t.distinct());
        ArrayNode rows = n.putArray("top");
        for (TraceStats.Row r : t.rows()) {
            row(rows.addObject().put(key, r.name()), r, frees);
        }
        row(n.putObject("others").put("count", t.distinct() - t.rows().size()), t.rest(), frees);
        return n;
    }

    private static void row(ObjectNode n, TraceStats.Row r, boolean frees) {
        if (frees) {
            n.put("alloc_requests", r.allocRequests());
            n.put("alloc_pages", r.allocPages());
            n.put("free_requests", r.freeRequests());
            n.put("free_pages", r.freePages());
        } else {
            n.put("requests", r.allocRequests());
            n.put("pages", r.allocPages());
        }
        n.put("failures", r.failures());
    }
}
