package io.fragtrace.parser;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code trace-cmd report -R} (raw entry fields) of the variants capture read completely: every record equals the
 * same event of the kernel's own text ({@code trace.txt.gz}, one ring buffer recorded both ways), field by field.
 * Expected values are the kernel's text, not our output. What a raw record cannot hold is named: the kernel
 * computes pageblock_order in TP_printk (absent from -R), and the kswapd wake records carry zid which the text
 * does not print.
 */
class RawReportTest {
    private static final Path BUNDLE = Samples.bundle("variants-fragment-thp-256M-k6.12");

    private static List<TraceEvent> events(String file, ParseReport[] report) throws TraceInputException {
        List<TraceEvent> out = new ArrayList<>();
        report[0] = new TraceParser().gfpLayout(Gfp.Layout.forKernel("6.12.107+deb13-amd64"))
                .parse(TraceInput.of(BUNDLE.resolve(file).toString()), e -> out.add(e.toRecord()));
        return out;
    }

    /**
     * A record without its line number; pageblock_order and zid dropped (not in both formats); gfp bits without
     * __GFP_SKIP_KASAN, which the names imply in our 6.1 layout and a raw x86 mask does not have.
     */
    private static String comparable(TraceEvent e) {
        TraceEvent.Header h = new TraceEvent.Header(0, e.header().timestampNs(), e.header().cpu(), e.header().pid(),
                e.header().comm());
        if (e instanceof TraceEvent.PageAlloc a) {
            e = new TraceEvent.PageAlloc(h, a.pfn(), a.order(), a.migratetype(), a.gfp() & ~Gfp.SKIP_KASAN,
                    a.gfpText(), a.failed());
        } else if (e instanceof TraceEvent.Extfrag x) {
            e = new TraceEvent.Extfrag(h, x.pfn(), x.allocOrder(), x.fallbackOrder(), -1, x.allocMigratetype(),
                    x.fallbackMigratetype(), x.fragmenting(), x.changeOwnership());
        } else if (e instanceof TraceEvent.Kswapd k) {
            e = new TraceEvent.Kswapd(h, k.kind(), k.nid(), k.order(), -1, k.gfp() & ~Gfp.SKIP_KASAN);
        } else if (e instanceof TraceEvent.TryToCompact c) {
            e = new TraceEvent.TryToCompact(h, c.order(), c.gfp() & ~Gfp.SKIP_KASAN, c.gfpText(), c.priority());
        }
        String s = e.toString();
        return s.substring(s.indexOf(", timestampNs=")); // drop "Record[header=Header[line=N"
    }

    @Test
    void everyRawRecordEqualsTheKernelsTextOfTheSameEvent() throws Exception {
        ParseReport[] tr = new ParseReport[1];
        ParseReport[] rr = new ParseReport[1];
        List<TraceEvent> text = events("trace.txt.gz", tr);
        List<TraceEvent> raw = events("trace-cmd-report-raw.txt.gz", rr);
        assertEquals(0, rr[0].badLines(), () -> "raw lines rejected: " + rr[0].examples());
        // counts.txt of the bundle: 128572 events + 46 markers in each format
        assertEquals(128618, text.size());
        assertEquals(text.size(), raw.size());
        for (EventType t : EventType.values()) {
            assertEquals(tr[0].count(t), rr[0].count(t), t.kernelName());
        }
        assertEquals(27, rr[0].count(EventType.MM_MIGRATE_PAGES));
        // both files are merged by timestamp; events of one timestamp may come in another order
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        for (TraceEvent e : text) {
            a.add(e.getClass().getSimpleName() + comparable(e));
            if (e instanceof TraceEvent.Extfrag x) {
                assertEquals(9, x.pageblockOrder()); // printed by the kernel's TP_printk
            }
        }
        for (TraceEvent e : raw) {
            b.add(e.getClass().getSimpleName() + comparable(e));
            if (e instanceof TraceEvent.Extfrag x) {
                assertEquals(-1, x.pageblockOrder()); // not a field of the raw record
            }
        }
        a.sort(null);
        b.sort(null);
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).equals(b.get(i))) {
                assertEquals(a.get(i), b.get(i), "first differing record");
            }
        }
    }

    @Test
    void rawSpellingsOfOneLineEach() {
        String p = "            work-239   [001]    16.962683: ";
        Lines l = Lines.parse(p + "mm_compaction_begin:   zone_start=0x1000 migrate_pfn=0x1000 free_pfn=0xfe00 "
                + "zone_end=0xffd7 sync=1\n"
                + p + "mm_compaction_end:     zone_start=0x1000 migrate_pfn=0x3620 free_pfn=0xfe00 zone_end=0xffd7 "
                + "sync=0 status=8\n"
                + p + "mm_compaction_defer_reset:  nid=0 idx=1 order=9 considered=1 defer_shift=3 order_failed=10\n"
                + p + "mm_migrate_pages:      succeeded=127 failed=1 thp_succeeded=0 thp_failed=0 thp_split=0 "
                + "large_folio_split=2 mode=1 reason=0\n"
                + p + "mm_vmscan_wakeup_kswapd:  nid=0 zid=3 order=9 gfp_flags=0x346cca\n"
                + p + "print:                 ip=tracing_mark_write buf=capture: tracing on\n");
        assertEquals(6, l.events.size(), l.report.examples().toString());
        assertEquals(MigrateMode.SYNC_ANY, ((TraceEvent.CompactionScanners) l.events.get(0)).mode());
        TraceEvent.CompactionScanners end = (TraceEvent.CompactionScanners) l.events.get(1);
        assertEquals(MigrateMode.ASYNC, end.mode());
        assertEquals(CompactStatus.SUCCESS, end.status()); // enum compact_result: COMPACT_SUCCESS = 8
        TraceEvent.CompactionDefer d = (TraceEvent.CompactionDefer) l.events.get(2);
        assertEquals(ZoneType.DMA32, d.zone());
        assertEquals(1, d.considered());
        assertEquals(8, d.limit()); // limit = 1UL << defer_shift
        TraceEvent.MigratePages m = (TraceEvent.MigratePages) l.events.get(3);
        assertEquals(127, m.nrSucceeded());
        assertEquals(1, m.nrFailed());
        assertEquals(2, m.nrSplit());
        assertEquals(MigrateMode.SYNC_LIGHT, m.mode());
        assertEquals(MigrateReason.COMPACTION, m.reason());
        TraceEvent.Kswapd k = (TraceEvent.Kswapd) l.events.get(4);
        assertEquals(3, k.zid());
        assertTrue((k.gfp() & Gfp.THISNODE) != 0);
        assertEquals("capture: tracing on", ((TraceEvent.Marker) l.events.get(5)).text());
    }

    @Test
    void rawGfpMasksAreNamedAsTheKernelPrintsThem() {
        // left: the mask in trace-cmd-report-raw.txt.gz; right: the same event in the kernel's trace.txt.gz (6.12)
        Gfp.Layout k612 = Gfp.Layout.forKernel("6.12.107+deb13-amd64");
        assertEquals("GFP_HIGHUSER_MOVABLE|__GFP_NOWARN|__GFP_RETRY_MAYFAIL|__GFP_COMP|__GFP_THISNODE",
                Gfp.show(0x346cca, k612));
        assertEquals("GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO", Gfp.show(0x140dca, k612));
        assertEquals("GFP_KERNEL_ACCOUNT|__GFP_ZERO", Gfp.show(0x400dc0, k612));
        assertEquals("GFP_NOWAIT", Gfp.show(0x2800, k612));
        assertEquals("__GFP_IO|__GFP_FS|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP|__GFP_NOMEMALLOC",
                Gfp.show(0xd20c0, k612));
        // 6.1 prints 0x2800 as GFP_NOWAIT|__GFP_NOWARN (fragment-thp-256M/trace.txt.gz) and has __GFP_ATOMIC
        Gfp.Layout k61 = Gfp.Layout.forKernel("6.1.0-56-amd64");
        assertEquals("GFP_NOWAIT|__GFP_NOWARN", Gfp.show(0x2800, k61));
        assertEquals("GFP_ATOMIC", Gfp.show(0xa20, k61)); // __GFP_HIGH|__GFP_ATOMIC|__GFP_KSWAPD_RECLAIM
        assertEquals("none", Gfp.show(0, k61));
    }
}
