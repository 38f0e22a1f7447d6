package io.fragtrace.replay.simulate;

import io.fragtrace.parser.CompactStatus;
import io.fragtrace.parser.EventLog;
import io.fragtrace.parser.Gfp;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.parser.TraceParser;
import io.fragtrace.parser.ZoneType;
import io.fragtrace.replay.Instant;
import io.fragtrace.replay.compaction.CompactionContext;
import io.fragtrace.replay.compaction.CompactionRun;
import io.fragtrace.replay.compaction.Interval;
import io.fragtrace.replay.compaction.PassCost;
import io.fragtrace.replay.config.BundleConfig;
import io.fragtrace.replay.model.BuddyModel;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static io.fragtrace.replay.simulate.SimulatorRulesTest.sim;
import static io.fragtrace.replay.simulate.SimulatorRulesTest.zone;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * pgdat->kswapd_failures (mm/vmscan.c, 6.1/6.12): balance_pgdat() counts a round whose priority loop ran out with
 * sc.nr_reclaimed == 0; at MAX_RECLAIM_RETRIES (16) the node is hopeless: wakeup_kswapd() leaves it to direct reclaim
 * (waking kcompactd for a request that cannot reclaim) and prepare_kswapd_sleep() lets kswapd sleep; shrink_node()'s
 * reclaim progress resets the count. sc.nr_reclaimed's stand-in is what the kernel's kswapd frees through its reclaim
 * list (shrink_folio_list() → free_unref_folios() / free_unref_page_list(): mm_page_free_batched). Fixture of
 * {@link SimulatorRulesTest}: one DMA32 zone [0, 4096), watermarks min 10, low 14, high 18, every page allocated
 * unless put on a free list.
 */
class KswapdFailuresTest {
    private static final int DMA32 = 1;

    private static void feed(Simulator s, String lines) {
        new TraceParser().parse(new ByteArrayInputStream(lines.getBytes(StandardCharsets.UTF_8)), "t", s);
    }

    /**
     * 256 free order-3 blocks, none buddies: balanced at order 0 (2,048 free pages > high 18), no free block of
     * order 9, and kcompactd_node_suitable() at order 9 (free above low 14 + compact_gap(9) 1,024; fragmentation index
     * 1000 - (1000 + 2048 * 1000 / 512) / 256 = 981 > extfrag_threshold 500).
     */
    private static Simulator balancedAtOrderZero() {
        BuddyModel m = zone();
        for (int i = 0; i < 256; i++) {
            m.addToFreeList(0, 16L * i, 3, MIGRATE_MOVABLE, true);
        }
        return sim(m, "linux-6.1");
    }

    /** An order-9 request's slow path: wake_all_kswapds() → wakeup_kswapd(). */
    private static void wakeAtOrderNine(Simulator s, String gfp) {
        s.wakeupKswapd(0, Gfp.parse(gfp), 9, DMA32);
    }

    /** A GFP_HIGHUSER_MOVABLE request's slow path wakes kswapd at order 9; kswapd runs its round. */
    private static void roundAtOrderNine(Simulator s) {
        wakeAtOrderNine(s, "GFP_HIGHUSER_MOVABLE");
        s.runKswapd();
    }

    @Test
    void kswapdsReclaimIsWhatItFreesThroughItsReclaimList() {
        // 6.1 and 6.12 trace a page freed from a reclaim list twice: mm_page_free (free_pages_prepare()), then
        // mm_page_free_batched (the list's commit); a page kswapd frees otherwise is traced as mm_page_free alone
        Simulator s = sim(zone(), "linux-6.1");
        feed(s, "         kswapd0-51      [001] .....     1.000000: mm_page_free: page=0 pfn=0x10 order=0\n"
                + "         kswapd0-51      [001] .....     1.000001: mm_page_free: page=0 pfn=0x11 order=0\n");
        assertEquals(0, s.kswapdReclaimed);
        feed(s, "         kswapd0-51      [001] d..3.     1.000002: mm_page_free_batched: page=0 pfn=0x10 order=0\n");
        assertEquals(1, s.kswapdReclaimed);
        // the same frees by another task are not kswapd's reclaim
        feed(s, "            work-9       [000] .....     1.000003: mm_page_free: page=0 pfn=0x20 order=0\n"
                + "            work-9       [000] d..3.     1.000004: mm_page_free_batched: page=0 pfn=0x20 order=0\n");
        assertEquals(1, s.kswapdReclaimed);
    }

    @Test
    void sixteenRoundsWithoutReclaimMakeTheNodeHopeless() {
        Simulator s = balancedAtOrderZero();
        s.keepDecisions(1000);
        for (int i = 1; i <= 16; i++) {
            roundAtOrderNine(s);
            // not balanced at order 9, nothing reclaimed (no kswapd free since the check: the priority loop ran dry)
            // and balanced at order 0: the round gives the order up, kswapd_failures++, and kswapd sleeps
            assertFalse(s.kswapdAwake);
            assertEquals(i, s.kswapdFailures);
        }
        assertEquals(16, s.stats().kswapdWakes);
        // 16 >= MAX_RECLAIM_RETRIES: wakeup_kswapd() no longer wakes kswapd, and a request that may reclaim
        // directly wakes no kcompactd ...
        wakeAtOrderNine(s, "GFP_HIGHUSER_MOVABLE");
        assertFalse(s.kswapdAwake);
        assertEquals(16, s.stats().wakeupKswapd);
        assertEquals(0, s.stats().wakeupKcompactd);
        // ... while a request that cannot reclaim (no __GFP_DIRECT_RECLAIM) gets kcompactd woken instead
        wakeAtOrderNine(s, "GFP_TRANSHUGE_LIGHT");
        assertFalse(s.kswapdAwake);
        assertEquals(1, s.stats().wakeupKcompactd);
        // the decisions say so, in order: 16 × (wake, failure, sleep), then the two wakeups left to direct reclaim
        List<DecisionLog.Decision> d = s.decisions().decisions();
        assertEquals(16 * 3 + 2, d.size());
        assertEquals("balance_pgdat", d.get(46).what());
        assertTrue(d.get(46).detail().endsWith("kswapd_failures 16"), d.get(46).detail());
        assertEquals("wakeup_kswapd", d.get(48).what());
        assertTrue(d.get(49).detail().contains("hopeless"), d.get(49).detail());
    }

    @Test
    void reclaimProgressRevivesAHopelessNode() {
        Simulator s = balancedAtOrderZero();
        for (int i = 0; i < 16; i++) {
            roundAtOrderNine(s);
        }
        assertEquals(16, s.kswapdFailures);
        // shrink_node(): "On reclaim progress, reset the failure counter"
        feed(s, "         kswapd0-51      [001] .....     1.000000: mm_page_free: page=0 pfn=0x18 order=0\n"
                + "         kswapd0-51      [001] d..3.     1.000001: mm_page_free_batched: page=0 pfn=0x18 order=0\n");
        assertEquals(0, s.kswapdFailures);
        wakeAtOrderNine(s, "GFP_HIGHUSER_MOVABLE");
        assertTrue(s.kswapdAwake);
        assertEquals(17, s.stats().wakeupKswapd);
    }

    @Test
    void aRoundThatReclaimedIsNoFailure() {
        Simulator s = balancedAtOrderZero();
        s.kswapdReclaimed = 2048; // the kernel's kswapd has reclaimed compact_gap(9) before: it reclaims at order 9
        wakeAtOrderNine(s, "GFP_HIGHUSER_MOVABLE");
        s.runKswapd(); // first check: not balanced at order 9, the iteration reclaims up to nr_to_reclaim 32
        assertTrue(s.kswapdAwake);
        s.m.addToFreeList(0, 4096 - 8, 3, MIGRATE_MOVABLE, true); // the kernel's kswapd reclaims 8 pages
        s.kswapdReclaimed += 8;
        s.freedSinceKswapdWake += 8;
        s.runKswapd(); // 8 < 32 and progress: still reclaiming
        s.runKswapd(); // no free since: a new iteration's check, progress since the previous check
        assertTrue(s.kswapdAwake);
        s.runKswapd(); // no progress since the previous check: 8 < compact_gap(9) = 1024, the order is given up
        assertFalse(s.kswapdAwake);
        assertEquals(0, s.kswapdFailures); // sc.nr_reclaimed 8 != 0
    }

    /**
     * fragment-thp-1G-k6.12, its hugetlb phase (the trace's own lines): the kernel's kswapd makes 16 rounds at order 9
     * (mm_vmscan_kswapd_wake 23.293392 … 23.899014 s), freeing nothing through a reclaim list (its 10 frees at
     * 23.2986–23.3031 s are mm_page_free alone); the requests of 23.920250, 23.951550 and 23.979191 s then enter
     * compaction (mm_compaction_try_to_compact_pages) with no mm_vmscan_wakeup_kswapd although kswapd waits (in its
     * HZ/10 nap until its mm_vmscan_kswapd_sleep at 24.005436 s): the node is hopeless. (The model's kswapd makes 18
     * rounds here, some at order 0 while the kernel's held its round, and turns hopeless later; the unit tests above
     * check the count.) Meanwhile kcompactd, on the same
     * CPU 0 as kswapd, ran its proactive pass 23.629892–24.837284 s to SUCCESS (12,766 pages migrated) through six of
     * those rounds: kswapd, woken on kcompactd's CPU, ran and went back to its nap before kcompactd's next
     * __compact_finished(), which never saw it running.
     */
    @Test
    void kswapdsRoundsOnKcompactdsCpuLeaveItsProactivePassAlone() throws Exception {
        Path bundle = SimSamples.bundle("fragment-thp-1G-k6.12");
        // from the kernel's own state just before its 16 rounds, so that the pass meets them with the kernel's lists
        // and scanner positions (a whole run drifts: its direct passes move the shared cached positions differently)
        Simulator s = KernelStateStart.at(TraceInput.of(bundle.toString()),
                BundleConfig.read(bundle, "linux-6.1").config(), Instant.parse("23.29"), "--from");
        s.setPassCostSource(PassCost.whenAsked(TraceInput.of(bundle.toString()))); // as calibrate and simulate do
        long cut = 24_900_000_000L;
        EventLog.record(TraceInput.of(bundle.toString())).replay(e -> {
            if (e.timestampNs() <= cut) {
                s.onEvent(e);
            }
        });
        List<Interval> rounds = s.kswapdIntervals();
        long during = rounds.stream().filter(r -> r.beginNs() > 23_630_000_000L && r.beginNs() < 24_800_000_000L)
                .count();
        assertTrue(during >= 3, "model kswapd rounds during the pass: " + rounds);
        CompactionRun pass = s.runs().stream()
                .filter(r -> r.context() == CompactionContext.PROACTIVE && r.zone() == ZoneType.DMA32)
                .findFirst().orElseThrow();
        assertEquals(CompactStatus.SUCCESS, pass.status());
        assertTrue(Math.abs(pass.endNs() - 24_837_284_000L) < 50_000_000L, "pass end " + pass.endNs());
    }
}
