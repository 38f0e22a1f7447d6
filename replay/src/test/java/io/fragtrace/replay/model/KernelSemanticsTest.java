package io.fragtrace.replay.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each version switch flips at the release the kernel's history gives (mm/compaction.c, mm/page_alloc.c of each
 * release): kcompactd 4.6, the "alike pages" claim in steal_suitable_fallback() 4.12, __rmqueue_fallback()'s
 * smallest-page fallback and __rmqueue()'s retry 4.13, watermark boosting and ALLOC_NOFRAGMENT 5.0, proactive
 * compaction 5.9, high-order pcp lists 5.13, the 6.10 free-list/steal rework; non-LRU movable page migration 4.8
 * (mm/migrate.c, "support non-lru movable page migration"), free page reporting 5.7 (mm/page_reporting.c added),
 * the migration scanner's skip-bit and rescan rules 6.3 / 6.5 / 6.6.
 */
class KernelSemanticsTest {
    @Test
    void eachSwitchFlipsAtItsRelease() {
        assertFalse(KernelSemantics.forKernel("4.5").kcompactd());
        assertTrue(KernelSemantics.forKernel("4.6").kcompactd());
        assertFalse(KernelSemantics.forKernel("4.11").alikeSteal());
        assertTrue(KernelSemantics.forKernel("4.12").alikeSteal());
        assertFalse(KernelSemantics.forKernel("4.12").fallbackToSmallest());
        assertTrue(KernelSemantics.forKernel("4.13").fallbackToSmallest());
        assertTrue(KernelSemantics.forKernel("4.13").retryAfterSteal());
        assertFalse(KernelSemantics.forKernel("4.20").watermarkBoost());
        assertTrue(KernelSemantics.forKernel("5.0").watermarkBoost());
        assertTrue(KernelSemantics.forKernel("5.0").allocNofragment());
        assertFalse(KernelSemantics.forKernel("5.8").proactiveCompaction());
        assertTrue(KernelSemantics.forKernel("5.9").proactiveCompaction());
        assertFalse(KernelSemantics.forKernel("5.12").pcpHighOrders());
        assertTrue(KernelSemantics.forKernel("5.13").pcpHighOrders());
        assertFalse(KernelSemantics.forKernel("6.9").extfragTakesPage());
        assertTrue(KernelSemantics.forKernel("6.10").extfragTakesPage());
        assertFalse(KernelSemantics.forKernel("4.7").movableNonLru());
        assertTrue(KernelSemantics.forKernel("4.8").movableNonLru());
        assertFalse(KernelSemantics.forKernel("5.6").pageReporting());
        assertTrue(KernelSemantics.forKernel("5.7").pageReporting());
        // mm/compaction.c: cc->rescan renamed cc->finish_pageblock 6.3; the skip-bit series (valid_page in
        // test_and_set_skip(), fast_find_migrateblock() no longer marks its block) 6.5; compact_zone()'s
        // last_migrated_pfn from the pageblock the isolation ended in 6.6
        assertFalse(KernelSemantics.forKernel("6.2").finishPageblock());
        assertTrue(KernelSemantics.forKernel("6.3").finishPageblock());
        assertFalse(KernelSemantics.forKernel("6.4").skipFromValidPage());
        assertTrue(KernelSemantics.forKernel("6.5").skipFromValidPage());
        assertFalse(KernelSemantics.forKernel("6.5").lastMigratedFromBlock());
        assertTrue(KernelSemantics.forKernel("6.6").lastMigratedFromBlock());
        // cc->freepages[NR_PAGE_ORDERS] and release_free_list() (mm/compaction.c of 6.10)
        assertFalse(KernelSemantics.forKernel("6.9").freepagesByOrder());
        assertTrue(KernelSemantics.forKernel("6.10").freepagesByOrder());
        assertFalse(KernelSemantics.forKernel("6.9").folioBatchFree());
        assertTrue(KernelSemantics.forKernel("6.10").folioBatchFree());
    }

    @Test
    void theTwoCaptureKernelsAreTheNamedConstants() {
        assertEquals(KernelSemantics.V6_1, KernelSemantics.forKernel("6.1"));
        assertEquals(KernelSemantics.V6_12, KernelSemantics.forKernel("6.12"));
        assertEquals(KernelSemantics.V6_12, KernelSemantics.forRelease("6.12.107+deb13-amd64"));
    }
}
