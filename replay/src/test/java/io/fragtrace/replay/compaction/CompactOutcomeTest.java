package io.fragtrace.replay.compaction;

import io.fragtrace.parser.CompactStatus;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** enum compact_result's meaning (include/linux/compaction.h) and __compact_finished() (mm/compaction.c). */
class CompactOutcomeTest {
    @Test
    void anOrderNPassSucceedsOnlyWithSuccess() {
        // "direct compaction terminated after concluding that the allocation should now succeed"
        assertTrue(CompactOutcome.succeeded(9, CompactStatus.SUCCESS));
        // "The full zone was compacted scanned but wasn't successfull to compact suitable pages."
        assertFalse(CompactOutcome.succeeded(9, CompactStatus.COMPLETE));
        assertFalse(CompactOutcome.succeeded(9, CompactStatus.PARTIAL_SKIPPED));
        assertFalse(CompactOutcome.succeeded(9, CompactStatus.CONTENDED));
        assertFalse(CompactOutcome.succeeded(CompactionContext.DIRECT, CompactStatus.COMPLETE));
        assertFalse(CompactOutcome.succeeded(CompactionContext.KCOMPACTD, CompactStatus.COMPLETE));
    }

    @Test
    void aWholeZonePassSucceedsWhenItCompletes() {
        // is_via_compact_memory(-1): __compact_finished() says CONTINUE until the scanners meet, then COMPLETE
        assertTrue(CompactOutcome.succeeded(-1, CompactStatus.COMPLETE));
        assertTrue(CompactOutcome.succeeded(CompactionContext.MANUAL, CompactStatus.COMPLETE));
        assertTrue(CompactOutcome.succeeded(CompactionContext.PROACTIVE, CompactStatus.COMPLETE));
        // proactive: SUCCESS once fragmentation_score_zone() is under the low mark
        assertTrue(CompactOutcome.succeeded(CompactionContext.PROACTIVE, CompactStatus.SUCCESS));
        // proactive: PARTIAL_SKIPPED when kswapd is running (it gave up), not a success
        assertFalse(CompactOutcome.succeeded(CompactionContext.PROACTIVE, CompactStatus.PARTIAL_SKIPPED));
        assertFalse(CompactOutcome.succeeded(-1, CompactStatus.CONTENDED));
    }

    @Test
    void theCsvSpellingFollowsTheSameRule() {
        assertTrue(CompactOutcome.succeeded("PROACTIVE", -1, "COMPLETE"));
        assertTrue(CompactOutcome.succeeded("MANUAL", 0, "COMPLETE"));
        assertFalse(CompactOutcome.succeeded("DIRECT", 9, "COMPLETE"));
        assertTrue(CompactOutcome.succeeded("DIRECT", 9, "SUCCESS"));
        assertFalse(CompactOutcome.succeeded("DIRECT", 9, "no such status"));
    }
}
