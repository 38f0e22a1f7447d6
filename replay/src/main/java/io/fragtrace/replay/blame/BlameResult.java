package io.fragtrace.replay.blame;

import java.util.List;

/**
 * What {@code fragtrace blame} found: per zone how many aligned order-N ranges are free or why not, and the culprits
 * (tasks, gfp flags, migratetypes) ranked by the ranges they block.
 *
 * @param order      N
 * @param timeNs     the instant analysed (the last failure's with {@code --failures})
 * @param at         how the instant was chosen ("end of trace", "--time 12.5", "marker 'x'", "failures")
 * @param instants   analyses aggregated (1, or the number of failed order-N allocations)
 * @param zones      per zone, ranges by class (summed over the instants)
 * @param tasks      culprits by task, ranked
 * @param gfps       culprits by gfp flags, ranked
 * @param mts        culprits by migratetype of the allocation, ranked
 * @param ranges     every range that is not free (single instant only; empty with --failures)
 * @param failures   each failed order-N allocation analysed (--failures only)
 */
public record BlameResult(int order, long timeNs, String at, int instants, List<ZoneCounts> zones,
                          List<Culprit> tasks, List<Culprit> gfps, List<Culprit> mts, List<Range> ranges,
                          List<Failure> failures) {

    /** Why an aligned range is not a free block, in the order the class is decided. */
    public enum RangeClass {
        FREE("free", "free", "one free buddy block covers the range"),
        HOLE("boot/hole", "boot_reserved", "pages reserved at boot (kernel image, memmap, firmware) or with no"
                + " memory behind them (kpageflags RESERVED, NOPAGE): never free"),
        PINNED("pinned", "pinned", "unmovable/reclaimable pages pin it: no compaction can free it"),
        RESERVED("pcp/reserve", "pcp_reserve", "pages on per-CPU lists, taken but not yet allocated, or a"
                + " highatomic/isolated pageblock"),
        UNKNOWN("unknown", "unknown", "pages allocated before the trace (or by an untraced path) of unknown"
                + " mobility"),
        MOVABLE("movable only", "movable_only", "only movable pages: compaction should have succeeded here");

        /** Column heading. */
        public final String label;
        /** JSON key. */
        public final String key;
        public final String meaning;

        RangeClass(String label, String key, String meaning) {
            this.label = label;
            this.key = key;
            this.meaning = meaning;
        }
    }

    /** Reasons a range counts as {@link RangeClass#RESERVED} (bits; a range may have several). */
    public static final int REASON_PCP = 1;
    public static final int REASON_TAKEN = 2;
    public static final int REASON_HIGHATOMIC = 4;
    public static final int REASON_ISOLATE = 8;
    /** Every page free but not merged into one block (a neighbour on another list, not yet merged). */
    public static final int REASON_SPLIT = 16;
    public static final List<String> REASON_NAMES = List.of("pcp", "taken", "highatomic", "isolate", "split");

    /** The reason bits as words. */
    public static String reasons(int bits) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < REASON_NAMES.size(); i++) {
            if ((bits & (1 << i)) != 0) {
                sb.append(sb.length() == 0 ? "" : ",").append(REASON_NAMES.get(i));
            }
        }
        return sb.toString();
    }

    /**
     * @param ranges  aligned order-N ranges lying wholly in the zone (per instant)
     * @param byClass ranges per {@link RangeClass} ordinal
     * @param byReason reserved ranges per reason bit index (pcp, taken, highatomic, isolate, split)
     */
    public record ZoneCounts(int node, String zone, long ranges, long[] byClass, long[] byReason) {
        public long notFree() {
            return ranges - byClass[RangeClass.FREE.ordinal()];
        }
    }

    /**
     * One culprit: the ranges it blocks (its pages are among the ones deciding the range's class: the unmovable
     * pages of a pinned range, the movable pages of a movable-only range, the unknown pages of an unknown one).
     *
     * @param ranges   ranges it blocks (a range blocked by several culprits counts for each)
     * @param sole     ranges where it is the only culprit of its kind
     * @param pinned   of those, ranges pinned (its pages there are unmovable or reclaimable)
     * @param movable  of those, movable-only ranges (compaction could have moved its pages)
     * @param pages    its blocking pages in those ranges
     * @param firstNs  earliest allocation among those pages (Long.MIN_VALUE: none traced)
     * @param lastNs   latest allocation among them
     * @param examples the first few allocations, in pfn order
     */
    public record Culprit(String name, long ranges, long sole, long pinned, long movable, long unknown, long pages,
                          long firstNs, long lastNs, List<Allocation> examples) {
    }

    /** An allocation standing in a range: pfn..pfn+pages-1 of one traced allocation or one untraced run. */
    public record Allocation(long pfn, int order, long pages, String task, String gfp, String migratetype,
                             long timeNs, long line) {
        public boolean traced() {
            return line >= 0;
        }
    }

    /**
     * A range that is not free.
     *
     * @param blockers the allocations deciding its class (at most {@link Blame#MAX_BLOCKERS}), then moreBlockers
     */
    public record Range(String zone, long pfn, RangeClass cls, int reasons, int free, int pcp, int allocated,
                        int unmovable, int movable, int unknown, List<Allocation> blockers, int moreBlockers) {
    }

    /** A failed order-N allocation and the ranges by class at its instant (all zones). */
    public record Failure(long timeNs, long line, String task, String gfp, long[] byClass) {
    }
}
