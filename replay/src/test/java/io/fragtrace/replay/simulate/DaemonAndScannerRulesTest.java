package io.fragtrace.replay.simulate;

import io.fragtrace.parser.CompactStatus;
import io.fragtrace.parser.EventType;
import io.fragtrace.parser.Gfp;
import io.fragtrace.parser.MigrateMode;
import io.fragtrace.replay.compaction.CompactionContext;
import io.fragtrace.replay.compaction.PassCost;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.CompactControl;
import org.junit.jupiter.api.Test;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static io.fragtrace.replay.simulate.SimulatorRulesTest.sim;
import static io.fragtrace.replay.simulate.SimulatorRulesTest.zone;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kswapd wake/sleep (mm/vmscan.c), wakeup_kcompactd() and kcompactd_node_suitable(), __compact_finished(),
 * isolate_migratepages_block() and the proactive fragmentation score (mm/compaction.c, 6.1), on the one-zone fixture
 * of {@link SimulatorRulesTest}: DMA32 [0, 4096), 8 MOVABLE pageblocks of 512 pages, watermarks min 10, low 14,
 * high 18, lowmem_reserve 0, every page allocated (order 0, movable) unless put on a free list. Expected values are
 * worked out by hand beside each assertion.
 */
class DaemonAndScannerRulesTest {
    /** kcompactd and kswapd take zone_idx(DMA32) = 1 as highest_zoneidx. */
    private static final int DMA32 = 1;

    /** 275 free order-2 blocks (1100 pages), none of order >= 9: a fragmented zone. */
    private static BuddyModel scattered() {
        BuddyModel m = zone();
        for (int i = 0; i < 275; i++) {
            m.addToFreeList(0, 8L * i, 2, MIGRATE_MOVABLE, true);
        }
        return m;
    }

    /** The scattered zone with the capture's pass cost of 1 ms per migrated page and no scan cost for proactive passes. */
    private static Simulator proactivePassesAtOneMsPerPage() {
        Simulator s = sim(scattered(), "linux-6.1");
        PassCost cost = new PassCost();
        cost.add(CompactionContext.PROACTIVE, 1_000_000_000L, 1_000, 0);
        s.setPassCost(cost);
        return s;
    }

    /** 16 free order-2 blocks (64 pages). */
    private static BuddyModel low() {
        BuddyModel m = zone();
        for (int i = 0; i < 16; i++) {
            m.addToFreeList(0, 1024 + 8L * i, 2, MIGRATE_MOVABLE, true);
        }
        return m;
    }

    @Test
    void kswapdWakesWhenTheNodeIsNotBalancedAndSleepsAtOrderZero() {
        Simulator s = sim(low(), "linux-6.1");
        // pgdat_balanced(order 9): __zone_watermark_ok(free 64 - (512 - 1) < high 18) fails -> wake
        s.wakeupKswapd(0, Gfp.parse("GFP_KERNEL"), 9, DMA32);
        assertEquals(1, s.stats().wakeupKswapd);
        assertTrue(s.kswapdAwake);
        // a second wakeup while kswapd runs only raises the request
        s.wakeupKswapd(0, Gfp.parse("GFP_KERNEL"), 10, DMA32);
        assertEquals(1, s.stats().wakeupKswapd);
        s.runKswapd();
        // balance_pgdat took kswapd_order = 10; nothing freed (< compact_gap(10) = 2048), but the node is balanced at
        // order 0 (64 > 18): kswapd gives up the high order and sleeps with order 0 -> no kcompactd wake
        assertFalse(s.kswapdAwake);
        assertEquals(1, s.stats().kswapdWakes);
        assertEquals(1, s.stats().kswapdSleeps);
        assertEquals(0, s.kswapdIntervals().get(0).order());
        assertEquals(0, s.stats().wakeupKcompactd);
    }

    @Test
    void kswapdThatReclaimedCompactGapSleepsAtTheAllocationOrderAndAsksKcompactd() {
        Simulator s = sim(low(), "linux-6.1");
        s.wakeupKswapd(0, Gfp.parse("GFP_KERNEL"), 9, DMA32);
        s.kswapdRunPending = false;     // the first run's bookkeeping by hand: order 9 requested
        s.kswapdAllocOrder = 9;
        s.kswapdReclaimOrder = 9;
        s.kswapdHighest = DMA32;
        s.kswapdRoundOpen = true;
        s.freedSinceKswapdWake = 1024;  // nr_reclaimed >= compact_gap(9) = 2 << 9 = 1024
        s.runKswapd();
        // kswapd_shrink_node(): reclaim order drops to 0; balanced at 0 -> sleep with kswapd_order 9 and
        // wakeup_kcompactd(9): kcompactd_node_suitable() = compaction_suitable(order 9): order-9 min watermark fails,
        // order-0 check needs free > low 14 + compact_gap 1024 = 1038, free is 64 -> SKIPPED -> kcompactd stays asleep
        assertFalse(s.kswapdAwake);
        assertEquals(9, s.kswapdIntervals().get(0).order());
        assertEquals(0, s.stats().wakeupKcompactd);
    }

    /**
     * balance_pgdat() (mm/vmscan.c, 6.1): kswapd keeps reclaiming at the requested order until it is balanced there
     * or kswapd_shrink_node() has reclaimed compact_gap(order); it gives up the high order only when its priority
     * loop runs out without progress. The model's stand-in for that reclaim is the kernel's kswapd frees in the trace
     * (kswapdReclaimed): a first reclaim round is granted where they have reached compact_gap before (reclaimable
     * memory exists), and each later check gives up the high order if they made no progress since the previous one.
     */
    @Test
    void kswapdKeepsTheHighOrderWhileItsReclaimProgressesThenAsksKcompactd() {
        Simulator s = sim(low(), "linux-6.1");
        s.kswapdReclaimed = 4096; // the kernel's kswapd freed 4096 pages earlier: >= compact_gap(9) = 2 << 9 = 1024
        s.wakeupKswapd(0, Gfp.parse("GFP_KERNEL"), 9, DMA32);
        s.runKswapd();
        // first check: not balanced at 9 (64 - 511 < 18), nr_reclaimed 0 < 1024; balanced at 0 (64 > 18) but this is
        // the first reclaim round -> kswapd stays awake at order 9
        assertTrue(s.kswapdAwake);
        assertEquals(9, s.kswapdReclaimOrder);
        s.kswapdReclaimed += 512;       // the kernel's kswapd freed 512 pages meanwhile (sc->nr_reclaimed)
        s.freedSinceKswapdWake += 512;
        s.runKswapd();
        // progress (4608 != 4096) but 512 < compact_gap 1024 -> still reclaiming at order 9
        assertTrue(s.kswapdAwake);
        s.kswapdReclaimed += 512;
        s.freedSinceKswapdWake += 512;
        s.runKswapd();
        // 1024 >= compact_gap(9) -> sc->order = 0; balanced at 0 -> kswapd_try_to_sleep(alloc 9, reclaim 0) sleeps
        // with order 9 and wakeup_kcompactd(9): compaction_suitable needs free > low 14 + 1024, free is 64 -> SKIPPED,
        // kcompactd not woken (kcompactd_max_order raised to 9 for its timeout)
        assertFalse(s.kswapdAwake);
        assertEquals(9, s.kswapdIntervals().get(0).order());
        assertEquals(0, s.stats().wakeupKcompactd);
        assertEquals(9, s.kcompactdMaxOrder);
    }

    /** balance_pgdat() (mm/vmscan.c): with reclaim that makes no progress, kswapd gives up the high order. */
    @Test
    void kswapdWithoutReclaimProgressGivesUpTheHighOrder() {
        Simulator s = sim(low(), "linux-6.1");
        s.kswapdReclaimed = 4096;
        s.wakeupKswapd(0, Gfp.parse("GFP_KERNEL"), 9, DMA32);
        s.runKswapd();
        assertTrue(s.kswapdAwake); // the first reclaim round, as above
        s.runKswapd();
        // no kswapd free since the first check (4096 == 4096), balanced at order 0 (64 > 18): the priority loop ran
        // out -> kswapd_order 0, kswapd_try_to_sleep(0, 0) -> sleeps with order 0, no kcompactd
        assertFalse(s.kswapdAwake);
        assertEquals(0, s.kswapdIntervals().get(0).order());
        assertEquals(0, s.kcompactdMaxOrder);
    }

    /**
     * Where the kernel's kswapd never freed compact_gap(order) (nothing reclaimable: anon without swap, tmpfs), the
     * model's balance_pgdat() gives up the high order at its first check, as the kernel's priority loop does at once.
     */
    @Test
    void kswapdOnANodeWithNothingReclaimableGivesUpAtOnce() {
        Simulator s = sim(low(), "linux-6.1");
        s.kswapdReclaimed = 10; // 10 < compact_gap(9) = 1024
        s.wakeupKswapd(0, Gfp.parse("GFP_KERNEL"), 9, DMA32);
        s.runKswapd();
        assertFalse(s.kswapdAwake);
        assertEquals(0, s.kswapdIntervals().get(0).order());
    }

    @Test
    void aBalancedNodeWakesNeitherDaemon() {
        BuddyModel m = low();
        m.addToFreeList(0, 3584, 9, MIGRATE_MOVABLE, true);
        Simulator s = sim(m, "linux-6.1");
        // free 576: 576 - 511 = 65 > high 18 and free_area[9] has a block -> pgdat_balanced; GFP_NOWAIT has no
        // __GFP_DIRECT_RECLAIM -> wakeup_kcompactd(9), whose compaction_suitable() is SUCCESS (the order-9 min
        // watermark holds) -> not CONTINUE -> no wake
        s.wakeupKswapd(0, Gfp.parse("GFP_NOWAIT"), 9, DMA32);
        assertFalse(s.kswapdAwake);
        assertEquals(0, s.stats().wakeupKswapd);
        assertEquals(0, s.stats().wakeupKcompactd);
    }

    @Test
    void kcompactdWakesOnlyWhenCompactionWouldHelp() {
        // scattered: 1100 free pages in 275 order-2 blocks. compaction_suitable(order 9): order-9 watermark fails;
        // 1100 > low 14 + compact_gap 1024 = 1038; fragmentation_index = 1000 - (1000 + 1100 * 1000 / 512) / 275
        // = 1000 - (1000 + 2148) / 275 = 1000 - 11 = 989 > extfrag_threshold 500 -> CONTINUE -> suitable, woken
        Simulator s = sim(scattered(), "linux-6.1");
        s.wakeupKcompactd(9, DMA32);
        assertEquals(1, s.stats().wakeupKcompactd);
        assertTrue(s.kcompactdPending);
        // order 0 never wakes kcompactd
        Simulator s0 = sim(scattered(), "linux-6.1");
        s0.wakeupKcompactd(0, DMA32);
        assertEquals(0, s0.stats().wakeupKcompactd);
        // 6 free order-8 blocks (1536 pages): 1536 > 1038, but fragmentation_index = 1000 - (1000 + 1536000 / 512) / 6
        // = 1000 - 4000 / 6 = 1000 - 666 = 334 <= 500 -> NOT_SUITABLE_ZONE (reclaim, not compaction) -> no wake
        BuddyModel m = zone();
        for (int i = 0; i < 6; i++) {
            m.addToFreeList(0, 512L * i, 8, MIGRATE_MOVABLE, true);
        }
        Simulator s2 = sim(m, "linux-6.1");
        assertFalse(s2.kcompactdNodeSuitable());
        s2.wakeupKcompactd(9, DMA32);
        assertEquals(0, s2.stats().wakeupKcompactd);
        // kcompactd = off (linux-4.4): never
        Simulator old = sim(scattered(), "linux-4.4");
        old.wakeupKcompactd(9, DMA32);
        assertEquals(0, old.stats().wakeupKcompactd);
    }

    @Test
    void proactiveFragmentationScore() {
        // fragmentation_score_zone() = extfrag_for_order(zone, 9) = (free - suitable blocks << 9) * 100 / free;
        // fragmentation_score_zone_weighted() = present * zone score / (node_present_pages + 1), one zone of 4096
        Simulator s = sim(scattered(), "linux-6.1");
        assertEquals(99, s.fragmentationScoreNode());            // (1100 - 0) * 100 / 1100 = 100; 4096 * 100 / 4097
        // proactiveness 20: wmark low = max(100 - 20, 5) = 80, high = min(80 + 10, 100) = 90; 99 > 90
        assertTrue(s.shouldProactiveCompactNode());
        BuddyModel m = low();
        m.addToFreeList(0, 3584, 9, MIGRATE_MOVABLE, true);
        Simulator t = sim(m, "linux-6.1");
        assertEquals(10, t.fragmentationScoreNode());            // (576 - 512) * 100 / 576 = 11; 4096 * 11 / 4097
        assertFalse(t.shouldProactiveCompactNode());
        // kswapd running: never proactive
        s.kswapdAwake = true;
        assertFalse(s.shouldProactiveCompactNode());
    }

    @Test
    void aWriteToCompactionProactivenessWakesKcompactdUnderTheNewThresholds() {
        // compaction_proactiveness_sysctl_handler() (mm/compaction.c, 5.18+): proc_dointvec_minmax() (0..100), then a
        // non-zero value sets proactive_compact_trigger and wakes kcompactd, which (after the writer) skips
        // kcompactd_do_work() and runs the proactive branch: should_proactive_compact_node() under
        // fragmentation_score_wmark() of the new value, the next timeout default_timeout from then: 125 jiffies at HZ
        // 250, fired at the timer wheel's 8-jiffy bucket after it: 128 jiffies = 512 ms
        long at = 35_570_210_000L;
        BuddyModel m = low();
        m.addToFreeList(0, 3584, 9, MIGRATE_MOVABLE, true);
        Simulator t = sim(m, "linux-6.1");                        // node score 10 (proactiveFragmentationScore)
        assertTrue(t.compactionProactivenessSysctlHandler(100));
        // 100: wmark low = max(100 - 100, 5) = 5, high = min(5 + 10, 100) = 15
        assertEquals(5, t.proactiveWmarks[0]);
        assertEquals(15, t.proactiveWmarks[1]);
        assertEquals(1, t.stats().proactiveTriggers);
        assertEquals(0, t.stats().proactiveChecks);               // kcompactd runs after the writer, not inside it
        t.nowNs = at;
        t.runPendingDaemons();
        // score 10 <= high 15 -> checked, no pass; trigger cleared
        assertEquals(1, t.stats().proactiveChecks);
        assertEquals(0, t.stats().proactiveRuns);
        assertFalse(t.proactiveTrigger);
        assertEquals(at + 512_000_000L, t.nextProactiveNs);
        // out of range: -EINVAL, nothing changes, no wake
        assertFalse(t.compactionProactivenessSysctlHandler(101));
        assertEquals(100, t.proactiveness);
        assertFalse(t.proactiveTrigger);
        // 0: taken (low 100, high min(110, 100) = 100) but "if (write && sysctl_compaction_proactiveness)": no wake
        assertTrue(t.compactionProactivenessSysctlHandler(0));
        assertEquals(100, t.proactiveWmarks[0]);
        assertFalse(t.proactiveTrigger);
        // scattered: node score 99 > high 90 (proactiveness 20) -> the triggered check runs proactive_compact_node()
        Simulator s = sim(scattered(), "linux-6.1");
        assertTrue(s.compactionProactivenessSysctlHandler(20));
        s.nowNs = at;
        s.runPendingDaemons();
        s.advanceDaemonPasses(at); // the pass runs through trace time: without a measured cost, all of it at once
        assertEquals(1, s.stats().proactiveRuns);
        assertEquals(1, s.stats().passes(CompactionContext.PROACTIVE)); // one populated zone: one compact_zone()
        // kswapd running: woken, but should_proactive_compact_node() is false
        Simulator k = sim(scattered(), "linux-6.1");
        k.kswapdAwake = true;
        assertTrue(k.compactionProactivenessSysctlHandler(100));
        k.nowNs = at;
        k.runPendingDaemons();
        assertEquals(1, k.stats().proactiveChecks);
        assertEquals(0, k.stats().proactiveRuns);
    }

    private static CompactControl cc(int order, MigrateMode mode, CompactionContext ctx) {
        return new CompactControl(0, order, mode, MIGRATE_MOVABLE, 0, DMA32, ctx);
    }

    @Test
    void compactFinished() {
        Simulator s = sim(scattered(), "linux-6.1");
        // scanners met (free pfn 512 and migrate pfn 512 in one pageblock): COMPLETE for a whole-zone pass, else
        // PARTIAL_SKIPPED
        CompactControl met = cc(9, MigrateMode.ASYNC, CompactionContext.DIRECT);
        met.migratePfn = 512;
        met.freePfn = 512;
        assertEquals(CompactStatus.PARTIAL_SKIPPED, s.compactFinished(met));
        met.wholeZone = true;
        assertEquals(CompactStatus.COMPLETE, s.compactFinished(met));
        // order -1 (not proactive): CONTINUE
        CompactControl any = cc(-1, MigrateMode.SYNC_LIGHT, CompactionContext.KCOMPACTD);
        any.migratePfn = 512;
        any.freePfn = 4096;
        assertEquals(CompactStatus.CONTINUE, s.compactFinished(any));
        // mid-pageblock: finish the block first
        CompactControl mid = cc(9, MigrateMode.ASYNC, CompactionContext.DIRECT);
        mid.migratePfn = 600;
        mid.freePfn = 4096;
        assertEquals(CompactStatus.CONTINUE, s.compactFinished(mid));
        // aligned, no free block of order >= 9 on any list: NO_SUITABLE_PAGE, which compact_finished() reports as
        // CONTINUE
        mid.migratePfn = 1024;
        assertEquals(CompactStatus.CONTINUE, s.compactFinished(mid));
        // a free order-9 block on the MOVABLE list: SUCCESS
        BuddyModel m = scattered();
        m.addToFreeList(0, 3584, 9, MIGRATE_MOVABLE, true);
        Simulator t = sim(m, "linux-6.1");
        assertEquals(CompactStatus.SUCCESS, t.compactFinished(mid));
        // proactive, on the zone's unweighted score: 100 > wmark low 80 -> CONTINUE; kswapd running -> PARTIAL_SKIPPED;
        // 11 <= 80 -> SUCCESS
        CompactControl pro = cc(-1, MigrateMode.SYNC_LIGHT, CompactionContext.PROACTIVE);
        pro.proactive = true;
        pro.migratePfn = 1024;
        pro.freePfn = 4096;
        assertEquals(CompactStatus.CONTINUE, s.compactFinished(pro));
        s.kswapdAwake = true;
        assertEquals(CompactStatus.PARTIAL_SKIPPED, s.compactFinished(pro));
        BuddyModel u = low();
        u.addToFreeList(0, 3584, 9, MIGRATE_MOVABLE, true);
        assertEquals(CompactStatus.SUCCESS, sim(u, "linux-6.1").compactFinished(pro));
    }

    @Test
    void isolateMigratepagesBlockStepsOverBuddiesAndStopsAtClusterMax() {
        // block [0, 512): a free order-4 block at [16, 32), every other page allocated, order 0, movable.
        // kcompactd (sync, no skip_on_failure): pfn 0..15 isolated (16), pfn 16 is PageBuddy order 4 -> low_pfn += 15,
        // pfn 32..47 isolated: 32 = COMPACT_CLUSTER_MAX at pfn 47 -> ++low_pfn, break -> returns 48;
        // nr_scanned = 16 + 1 + 16 = 33
        BuddyModel m = zone();
        m.addToFreeList(0, 16, 4, MIGRATE_MOVABLE, true);
        Simulator s = sim(m, "linux-6.1");
        CompactControl c = cc(9, MigrateMode.SYNC_LIGHT, CompactionContext.KCOMPACTD);
        assertEquals(48, s.cz.migrate.isolateMigratepagesBlock(c, 0, 512, 0, s.migrateList, s.pages));
        assertEquals(32, c.nrMigratepages);
        assertEquals(33, c.migrateScanned);
        assertEquals(32, c.migrateIsolated);
        assertEquals(15, s.migrateList[15]);
        assertEquals(32, s.migrateList[16]);
    }

    @Test
    void asyncDirectIsolationGivesUpTheOrderAlignedChunkAtTheFirstFailure() {
        // async direct compaction for order 9 (skip_on_failure, chunk 512): pfn 0..4 isolated, pfn 5 cannot be
        // (pinned) -> isolate_fail: the 5 go back (nr_migratepages = 0), low_pfn = next_skip_pfn - 1 = 511 -> the
        // loop ends at 512; nr_scanned 6
        Simulator s = sim(zone(), "linux-6.1");
        s.amt[5] = SimState.PINNED;
        CompactControl c = cc(9, MigrateMode.ASYNC, CompactionContext.DIRECT);
        assertEquals(512, s.cz.migrate.isolateMigratepagesBlock(c, 0, 512, 0, s.migrateList, s.pages));
        assertEquals(0, c.nrMigratepages);
        assertEquals(6, c.migrateScanned);
        assertEquals(0, c.migrateIsolated);
    }

    @Test
    void compactZoneDrainsTheLocalPcpOnceTheScannerLeavesTheMigratedBlock() {
        // compact_zone()'s check_drain (mm/compaction.c): order 9, last_migrated_pfn 512; with the migration scanner
        // still in the order-9 block [512, 1024) (migrate_pfn 700) nothing happens; at 1024 block_start_pfn(1024, 9)
        // = 1024 > 512: lru_add_drain_cpu_zone() drains CPU 0's pcp lists (2 pages back to the buddy), and
        // last_migrated_pfn is reset
        BuddyModel m = zone();
        int pindex = m.ks.orderToPindex(MIGRATE_MOVABLE, 0);
        m.pcpAdd(0, 0, 2000, 0, pindex, false);
        m.pcpAdd(0, 0, 2001, 0, pindex, false);
        Simulator s = sim(m, "linux-6.1");
        s.curCpu = 0;
        CompactControl c = cc(9, MigrateMode.ASYNC, CompactionContext.DIRECT);
        s.lastMigratedPfn = 512;
        c.migratePfn = 700;
        s.checkDrain(c);
        assertEquals(512, s.lastMigratedPfn);
        assertEquals(2, m.pcpPages(0));
        c.migratePfn = 1024;
        s.checkDrain(c);
        assertEquals(0, s.lastMigratedPfn);
        assertEquals(0, m.pcpPages(0));
        assertEquals(BuddyModel.KIND_BUDDY, m.kind(2000));
    }

    @Test
    void aTimeoutFindsRequestedWorkAKcompactdWakeUpLeftBehind() {
        // wakeup_kcompactd(pgdat, 9, DMA32) (mm/compaction.c) on a zone with no free page: kcompactd_max_order = 9,
        // but kcompactd_node_suitable() is false (compaction_suitable(): 0 free <= min 10 + compact_gap 1024), so no
        // wake-up. kcompactd()'s 500 ms wait_event_freezable_timeout() re-tests kcompactd_work_requested() at the
        // timeout: 9 > 0, so kcompactd_do_work() runs (one mm_compaction_kcompactd_wake; its zone check finds nothing
        // to do), resets kcompactd_max_order to 0 (<= cc.order 9), and the next timeout is 512 ms (125 jiffies at HZ
        // 250 on the timer wheel's level 1: ((125 >> 3) + 1) << 3 = 128 jiffies). The timeout after
        // that finds no request: the proactive check (proactive_checks + 1).
        Simulator s = sim(zone(), "linux-6.1");
        s.wakeupKcompactd(9, DMA32);
        assertEquals(0, s.stats().wakeupKcompactd);
        assertEquals(9, s.kcompactdMaxOrder);
        s.kcompactdTimeout(1_000_000_000L);
        s.advanceDaemonPasses(1_000_000_000L);
        assertEquals(1_000_000_000L + 512_000_000L, s.nextProactiveNs);
        assertEquals(1, s.stats().kcompactdWakes);
        assertEquals(0, s.kcompactdMaxOrder);
        long checks = s.stats().proactiveChecks;
        s.kcompactdTimeout(1_500_000_000L);
        assertEquals(1, s.stats().kcompactdWakes);
        assertEquals(checks + 1, s.stats().proactiveChecks);
    }

    @Test
    void aManualPassFreesOnTheWritersCpu() {
        // compact_node() (mm/compaction.c) runs in the task that wrote /proc/sys/vm/compact_memory; migrate_pages()
        // frees each migrated-from page with free_unref_page() (mm/page_alloc.c) to the pcp list of the CPU that task
        // is on: the first iteration (1 ms per migrated page) isolates and migrates 32 pages of block 0 while the
        // writer is on CPU 2 -> 32 on CPU 2's list, none on CPU 0's; the writer then shows up on CPU 3 -> the next
        // 32 (clock t0 + 32 ms) go to CPU 3's
        long t0 = 20_000_000_000L;
        Simulator s = sim(scattered(), "linux-6.1");
        PassCost cost = new PassCost();
        cost.add(CompactionContext.MANUAL, 1_000_000_000L, 1_000, 0);
        s.passRates[CompactionContext.MANUAL.ordinal()] = cost.rate(CompactionContext.MANUAL);
        s.pcpHigh[0][0] = 1000;
        s.nowNs = t0;
        s.manualPid = 187;
        s.manualCpu = 2;
        s.compactMemoryZone(0);
        s.advanceDaemonPasses(t0);
        assertEquals(32, s.manualPass.zone.cc.migrated);
        assertEquals(32, s.pcpCount[0][2]);
        assertEquals(0, s.pcpCount[0][0]);
        s.manualCpu = 3;
        s.advanceDaemonPasses(t0 + 32_000_000L);
        assertEquals(64, s.manualPass.zone.cc.migrated);
        assertEquals(32, s.pcpCount[0][2]);
        assertEquals(32, s.pcpCount[0][3]);
    }

    /**
     * kcompactd() → proactive_compact_node() (mm/compaction.c) through trace time: each iteration of compact_zone()'s
     * loop advances the pass's clock by the capture's measured cost, and the workload's events before that clock come
     * first. At 1 ms per migrated page: at t0 the first iteration isolates COMPACT_CLUSTER_MAX = 32 pages from block 0
     * (4..7, 12..15, ..., 60..63: the allocated halves of the free order-2 blocks) and migrates them -> clock t0 + 32 ms.
     * Nothing runs at t0 + 1 ns. kswapd woken meanwhile: the next __compact_finished() (at t0 + 32 ms) finds
     * kswapd_is_running() -> PARTIAL_SKIPPED, the pass ends at t0 + 32 ms. The node score stays 99 (the 32 freed pages
     * wait on the pcp list: buddy free 1100 - 32 = 1068, none in an order-9 block: 100; 4096 * 100 / 4097 = 99 >=
     * 99), so kcompactd() defers: the next check default_timeout << COMPACT_MAX_DEFER_SHIFT (6) = 125 << 6 = 8,000
     * jiffies at HZ 250 after the pass's end, which the timer wheel files on level 3 (4,032..32,255 jiffies, 512-jiffy
     * buckets) and fires at ((8000 >> 9) + 1) << 9 = 8,192 jiffies = 32.768 s.
     */
    @Test
    void aProactivePassRunsThroughTraceTimeAndGivesWayToKswapd() {
        long t0 = 20_000_000_000L;
        Simulator s = proactivePassesAtOneMsPerPage(); // proactive passes are timed (Kcompactd.TIMED)
        s.nowNs = t0;
        s.proactiveTimeout(t0);
        assertEquals(1, s.stats().proactiveRuns);
        assertEquals(Long.MAX_VALUE, s.nextProactiveNs); // kcompactd is in its pass: no timeout runs meanwhile
        s.advanceDaemonPasses(t0);
        assertEquals(32, s.kcompactdPass.zone.cc.migrated);
        assertEquals(t0 + 32_000_000L, s.kcompactdPass.clockNs);
        s.advanceDaemonPasses(t0 + 1);
        assertEquals(32, s.kcompactdPass.zone.cc.migrated);
        assertEquals(0, s.stats().passes(CompactionContext.PROACTIVE));
        s.kswapdAwake = true;
        s.advanceDaemonPasses(t0 + 40_000_000L);
        assertEquals(1, s.stats().passes(CompactionContext.PROACTIVE));
        assertEquals(1, s.stats().passes(CompactionContext.PROACTIVE, CompactStatus.PARTIAL_SKIPPED));
        assertEquals(t0 + 32_000_000L, s.runs().get(0).endNs());
        assertEquals(t0 + 32_000_000L + 32_768_000_000L, s.nextProactiveNs);
    }

    /**
     * kswapd_is_running() (mm/compaction.c) is task_is_running(pgdat->kswapd), not "kswapd has work": where the model's
     * kswapd follows a traced round of the kernel's (mm_vmscan_kswapd_wake, no mm_vmscan_kswapd_sleep yet), the kernel's
     * task counts as running only within KSWAPD_SILENT_NS (0.2 ms) of its last event; a longer silence is the HZ/10 nap
     * of kswapd_try_to_sleep() or reclaim_throttle(), which the trace does not show. Pass timed at 1 ms per migrated
     * page as above: each iteration isolates COMPACT_CLUSTER_MAX = 32 pages, so the loop's checks fall at t0 + 32 ms,
     * t0 + 64 ms, ...
     */
    @Test
    void aProactivePassGoesOnWhileTheKernelsKswapdWaitsInsideItsRound() {
        long t0 = 20_000_000_000L;
        Simulator s = proactivePassesAtOneMsPerPage();
        s.nowNs = t0;
        s.kernelKswapd(EventType.MM_VMSCAN_KSWAPD_WAKE); // the kernel's kswapd in a round, its pid seen at t0 + 1 ms
        s.kernelKswapdPid = 52;
        s.kernelKswapdLastNs = t0 + 1_000_000L;
        s.kswapdAwake = true; // the model's kswapd follows it
        // the check at t0 + 5 ms: 4 ms of silence > 0.2 ms, the kernel's kswapd waits: should_proactive_compact_node()
        s.kcompactdTimeout(t0 + 5_000_000L);
        assertEquals(1, s.stats().proactiveRuns);
        s.advanceDaemonPasses(t0 + 5_000_000L);               // first iteration at t0 + 5 ms: 32 migrated
        // the check at t0 + 37 ms: still silent (36 ms) -> CONTINUE, 32 more migrated
        s.advanceDaemonPasses(t0 + 40_000_000L);
        assertEquals(64, s.kcompactdPass.zone.cc.migrated);
        assertEquals(t0 + 69_000_000L, s.kcompactdPass.clockNs);
        s.kernelKswapdLastNs = t0 + 68_900_000L;              // a kswapd free 0.1 ms before the next check
        s.advanceDaemonPasses(t0 + 70_000_000L);
        // __compact_finished() at t0 + 69 ms: 0.1 ms <= 0.2 ms, kswapd_is_running() -> PARTIAL_SKIPPED
        assertEquals(1, s.stats().passes(CompactionContext.PROACTIVE, CompactStatus.PARTIAL_SKIPPED));
        assertEquals(t0 + 69_000_000L, s.runs().get(0).endNs());
        assertEquals(64, s.runs().get(0).migrated());
    }

    /** Without a traced round of the kernel's (the model woke kswapd where the kernel did not), the model's decides. */
    @Test
    void theModelsOwnKswapdRoundIsRunningWhereTheKernelTracedNone() {
        Simulator s = sim(scattered(), "linux-6.1");
        s.nowNs = 20_000_000_000L;
        s.kswapdAwake = true;
        assertTrue(s.kswapdIsRunning());
        assertFalse(s.shouldProactiveCompactNode());
        s.kernelKswapd(EventType.MM_VMSCAN_KSWAPD_WAKE);
        s.kernelKswapdLastNs = s.nowNs - 300_000L; // 0.3 ms silent
        assertFalse(s.kswapdIsRunning());
        s.kernelKswapdWokenNs = s.nowNs - 100_000L; // a traced wakeup_kswapd(): it was waiting, now runnable
        assertTrue(s.kswapdIsRunning());
        s.kernelKswapdLastNs = s.nowNs - 50_000L;   // it ran (its mm_vmscan_kswapd_wake) ...
        s.nowNs += 250_000L;                        // ... and is silent again for 0.25 ms
        assertFalse(s.kswapdIsRunning());
        s.kernelKswapd(EventType.MM_VMSCAN_KSWAPD_SLEEP);
        assertTrue(s.kswapdIsRunning()); // the kernel's kswapd sleeps: the model's own round again
        s.kswapdAwake = false;
        assertFalse(s.kswapdIsRunning());
    }

    /**
     * kcompactd in a pass has no sleeper on kcompactd_wait: wakeup_kcompactd() (mm/compaction.c) only raises
     * kcompactd_max_order (9) and returns; when the pass ends, kcompactd() loops and wait_event_freezable_timeout()
     * tests kcompactd_work_requested() before sleeping: 9 > 0, so kcompactd_do_work() runs at once (one
     * mm_compaction_kcompactd_wake), at the pass's end.
     */
    @Test
    void aWakeUpDuringAKcompactdPassRunsItsWorkWhenThePassEnds() {
        long t0 = 20_000_000_000L;
        Simulator s = sim(scattered(), "linux-6.1");
        s.nowNs = t0;
        s.proactiveTimeout(t0);                       // node score 99 > 90: a proactive pass begins
        s.wakeupKcompactd(9, DMA32);
        assertEquals(0, s.stats().wakeupKcompactd);
        assertFalse(s.kcompactdPending);
        assertEquals(9, s.kcompactdMaxOrder);
        s.advanceDaemonPasses(t0);                    // no measured cost: the pass ends at t0, then the work
        assertEquals(1, s.stats().passes(CompactionContext.PROACTIVE));
        assertEquals(1, s.stats().kcompactdWakes);
    }
}
