package io.fragtrace.replay;

import io.fragtrace.parser.Samples;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.parser.TraceParser;
import io.fragtrace.replay.metrics.ReserveWatch;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.model.PageReporting;
import io.fragtrace.replay.model.Zone;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On real captures: observed-mode free page reporting only marks (the free lists, in list order, end exactly as in a
 * replay without it), and the maintained figures equal a recount from the lists at every 50 ms sample: free pages per
 * zone (NR_FREE_PAGES) and reported pages (the marked heads on the free lists, 2^order each).
 */
class MechanismsCaptureTest {
    private static BuddyModel replay(TraceInput input, boolean mechanisms, int[] samples) throws Exception {
        StartState start = StartState.of(input, null, null);
        BuddyModel m = start.model();
        long[] to = new long[m.zoneCount()];
        java.util.Arrays.fill(to, Long.MAX_VALUE);
        ObservedReplay r = new ObservedReplay(m, start.fromNs(), to);
        if (mechanisms) {
            PageReporting.ZoneWatermarks zw = new PageReporting.ZoneWatermarks() {
                public long wmark(int z, int which) {
                    Zone zone = m.zone(z);
                    return which == 0 ? zone.wmarkMin : which == 1 ? zone.wmarkLow : zone.wmarkHigh;
                }

                public long boost(int z) {
                    return 0;
                }

                public long reservedHighatomic(int z) {
                    return 0;
                }
            };
            PageReporting rep = new PageReporting(m, zw, m.pageblockOrder(), PageReporting.PAGE_REPORTING_CAPACITY,
                    PageReporting.PAGE_REPORTING_DELAY_NS, true);
            r.withReporting(rep).withReserves(new ReserveWatch(m, zw));
            r.setSampler((rr, t, marker) -> {
                check(m, rep);
                samples[0]++;
                for (int z = 0; z < m.zoneCount(); z++) {
                    samples[1] = (int) Math.max(samples[1], rep.reportedPages(z));
                }
            }, 50_000_000L);
        }
        new TraceParser().parse(input, r);
        return m;
    }

    private static void check(BuddyModel m, PageReporting rep) {
        for (int z = 0; z < m.zoneCount(); z++) {
            long free = 0;
            long reported = 0;
            for (int o = 0; o < m.nrOrders(); o++) {
                for (int mt = 0; mt < KernelSemantics.MIGRATE_TYPES; mt++) {
                    for (long pfn : m.freeList(z, o, mt)) {
                        free += 1L << o;
                        if (m.isReported(pfn)) {
                            reported += 1L << o;
                            assertTrue(o >= rep.order, "reported block below the reporting order at " + pfn);
                        }
                    }
                }
            }
            assertEquals(free, m.freePages(z), "NR_FREE_PAGES, zone " + z);
            assertEquals(reported, rep.reportedPages(z), "reported pages, zone " + z);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mixed-churn-512M", "kcompactd-512M"})
    void markOnlyReportingMovesNothingAndItsCountsHold(String bundle) throws Exception {
        TraceInput input = TraceInput.of(Samples.bundle(bundle).toString());
        BuddyModel plain = replay(input, false, new int[2]);
        int[] samples = {0, 0};
        BuddyModel marked = replay(input, true, samples);
        assertTrue(samples[0] > 20, bundle + ": " + samples[0] + " samples");
        // both 512 MiB guests have more than low + 32 << 9 pages free at times: reporting marks something
        assertTrue(samples[1] > 0, bundle + ": nothing marked reported at any sample");
        for (int z = 0; z < plain.zoneCount(); z++) {
            for (int o = 0; o < plain.nrOrders(); o++) {
                for (int mt = 0; mt < KernelSemantics.MIGRATE_TYPES; mt++) {
                    assertArrayEquals(plain.freeList(z, o, mt), marked.freeList(z, o, mt),
                            bundle + " zone " + z + " order " + o + " mt " + mt);
                }
            }
            for (int cpu = 0; cpu < plain.maxCpus(); cpu++) {
                for (int p = 0; p < plain.ks.nrPcpLists(); p++) {
                    assertArrayEquals(plain.pcpList(z, cpu, p), marked.pcpList(z, cpu, p));
                }
            }
        }
    }
}
