package io.fragtrace.replay.simulate;

import io.fragtrace.parser.EventLog;
import io.fragtrace.parser.EventType;
import io.fragtrace.parser.TraceInput;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ZONE_RECLAIM_ACTIVE (mm/vmscan.c: set_reclaim_active() .. clear_reclaim_active() around balance_pgdat()'s priority
 * loop) as nr_pcp_high() (mm/page_alloc.c, 6.7+) reads it on a free ({@link PageFree#zoneReclaimActive}): the kernel's
 * kswapd frees only from its reclaim, inside balance_pgdat(), so a free by the kswapd task meets the flag set, whatever
 * the model's own kswapd is doing; and the flag is clear during kswapd's HZ/10 nap after its round.
 */
class ReclaimActivePcpTest {
    /**
     * fragment-thp-512M-k6.12, the trace's own lines: kswapd0 frees pfn 0x5238 (DMA32) on CPU 0 at 16.233066 s and
     * mm_page_pcpu_drain lists 93 pages of CPU 0's pageset right after it. nr_pcp_high() with ZONE_RECLAIM_ACTIVE:
     * min(batch << 2, pcp->high) = min(31 << 2, ..) = 124, under the pageset's count of about 2,900; nr_pcp_free() =
     * clamp(free_count, batch, high - batch) = 124 - 31 = 93 (free_count is far above it). Without the flag pcp->high
     * (3,545 here) is over the count and nothing is drained. The model's kswapd is put to sleep before the free.
     */
    @Test
    void aFreeByTheKernelsKswapdDrainsAsUnderReclaim() throws Exception {
        Path bundle = SimSamples.bundle("fragment-thp-512M-k6.12");
        Simulator s = SimSamples.simulator("fragment-thp-512M-k6.12");
        long at = 16_233_066_000L;
        int dma32 = 1;
        long[] before = {-1};
        long[] after = {-1};
        int[] kernelDrained = {0};
        boolean[] freed = {false};
        EventLog.record(TraceInput.of(bundle.toString())).replay(e -> {
            long ts = e.timestampNs();
            if (ts < at) {
                s.onEvent(e);
                return;
            }
            if (!freed[0] && e.type() == EventType.MM_PAGE_FREE && e.comm().startsWith("kswapd")) {
                freed[0] = true;
                s.kswapdAwake = false;
                before[0] = s.pcpCount[dma32][0];
                s.onEvent(e);
                after[0] = s.pcpCount[dma32][0];
            } else if (freed[0] && kernelDrained[0] >= 0) {
                if (e.type() == EventType.MM_PAGE_PCPU_DRAIN && e.comm().startsWith("kswapd")) {
                    kernelDrained[0]++;
                } else {
                    assertEquals(93, kernelDrained[0]);
                    kernelDrained[0] = -1; // the drain ends at the next free
                }
            }
        });
        assertEquals(-1, kernelDrained[0]);
        assertTrue(before[0] > 124, "count " + before[0]);
        assertEquals(before[0] + 1 - 93, after[0]);
    }

    /**
     * fragment-thp-512M-k6.12 ends (after/buddydump.txt, "C 0 count=2454 high=3545 batch=31" under DMA32) with 2,454
     * pages on CPU 0's DMA32 list; the observed replay shows 2,415 to 2,454 on it from 16.53 s on. It kept the pages
     * kcompactd's proactive pass freed at 16.50–16.53 s while kswapd napped (its round at 16.497267 s freed nothing;
     * mm_vmscan_kswapd_sleep at 16.597876 s, a HZ/10 nap after it): no drain follows those frees in the trace. The
     * model's kswapd, whose round follows the kernel's, holds its round open through the nap; were
     * ZONE_RECLAIM_ACTIVE read as "the model's kswapd awake", the model's own pass there would drain the list to
     * batch << 2 and it would end with about 500 pages. Simulated from before/ to the dump's read, the list is the
     * kernel's within 5 %.
     */
    @Test
    void kswapdsNapIsOutsideReclaimAndTheListKeepsWhatKcompactdFreed() throws Exception {
        Path bundle = SimSamples.bundle("fragment-thp-512M-k6.12");
        Simulator s = SimSamples.simulator("fragment-thp-512M-k6.12");
        long dumpRead = 18_739_000_000L; // the marker "snapshot after read /proc/buddyinfo", before the dump's read
        EventLog.record(TraceInput.of(bundle.toString())).replay(e -> {
            if (e.timestampNs() <= dumpRead) {
                s.onEvent(e);
            }
        });
        long kernel = 2454;
        long model = s.pcpCount[1][0];
        assertTrue(Math.abs(model - kernel) <= kernel / 20, "model CPU 0 DMA32 pcp count " + model);
    }
}
