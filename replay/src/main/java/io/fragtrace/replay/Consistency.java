package io.fragtrace.replay;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Events that contradict the model (the trace wins), and untraced kernel paths the model inferred, by kind. */
public final class Consistency {
    public enum Kind {
        /** mm_page_alloc of a page that is neither on a pcp list, nor taken by zone_locked, nor free. */
        ALLOC_NOT_FREE(true),
        /** mm_page_alloc that returned no page (not a contradiction; counted). */
        FAILED_ALLOC(false),
        /** mm_page_free / free_batched of a page the model has free. */
        FREE_OF_FREE(true),
        /** mm_page_alloc_zone_locked of a page not free in the buddy. */
        ZONE_LOCKED_NOT_FREE(true),
        /** zone_locked of a page inside (not at the head of) a larger free block. */
        ZONE_LOCKED_INSIDE_BLOCK(true),
        /** mm_page_pcpu_drain of a page not on a per-CPU list. */
        DRAIN_NOT_ON_PCP(true),
        /** mm_page_alloc_extfrag whose page is not a free block of fallback_order. */
        EXTFRAG_NOT_FREE(true),
        /** pfn outside every zone. */
        PFN_OUTSIDE_ZONES(true),
        /** order above the largest order. */
        ORDER_TOO_LARGE(true),
        /** mm_compaction_isolate_freepages took fewer free pages in the model than nr_taken. */
        ISOLATE_SHORT(true),
        /** fast_isolate_freepages (6.12 event) found no candidate block of the order taken. */
        FAST_ISOLATE_NOT_FOUND(true),
        /** A 6.12 fast_isolate_freepages summary the model's own search did not reproduce exactly, or of a pass
         * begun before the trace: the search ran with what the trace says (CompactionFreeScanner.FastTrace), a guess. */
        FAST_ISOLATE_APPROX(false),
        /** Inferred: compaction capture (free merged into the compacting task's page, no buddy visit). */
        CAPTURE(false),
        /** Inferred: free pages taken by untraced compaction free-page search (6.1 fast_isolate_freepages). */
        UNTRACED_ISOLATION(false),
        /** Inferred: a free showed that an untraced isolation took another block of the same size than the model
         * guessed; the two were exchanged ({@code UntracedGuesses}). */
        UNTRACED_GUESS_CORRECTED(false),
        /** Inferred: per-CPU pages taken by __alloc_pages_bulk() (no mm_page_alloc), seen when a later allocation
         * takes a page from behind them on the list. */
        UNTRACED_BULK_ALLOC(false),
        /** Inferred: pcp-able frees from an interrupt that hit a pcp-locked loop, sent to the buddy. */
        INTERRUPT_FREE(false),
        /** Inferred: an interrupt free sent to the buddy after its loop's last step (preempt depth the loop's own, or
         * the interrupt's nesting over the unlocked task) that a drain of the pcp list then named: moved back. */
        INTERRUPT_FREE_ON_PCP(false),
        /** Inferred: interrupt frees printed between a task's mm_page_free and its next event, an allocation of that
         * page from behind them: they came before its free_unref_page_commit() list_add(), so were under it. */
        INTERRUPT_FREE_UNDER_COMMIT(false),
        /** Inferred: pcp-able frees on a CPU whose pcp lock another CPU's drain_pages_zone() held, sent to the buddy
         * (free_unref_page(), or free_unref_page_list()/free_unref_folios()' commit loop: pcp_spin_trylock() failed,
         * free_one_page()). */
        DRAIN_LOCKED_FREE(false),
        /** Recovered lock order: an event that needed a free block was applied after another CPU's later-printed
         * free or drain of it (same instant, printed in CPU order, or traced outside zone->lock). */
        REORDERED_AFTER_FREE(false),
        /** Recovered lock order: a free was applied after another CPU's later-printed allocation of the page. */
        REORDERED_AFTER_ALLOC(false),
        /** Recovered lock order: an event was applied after another CPU's later-printed operation on the block
         * around it (a split or merge the lock ordered first). */
        REORDERED_AFTER_SPLIT(false);

        public final boolean contradiction;

        Kind(boolean contradiction) {
            this.contradiction = contradiction;
        }
    }

    /** One example: trace time (ns), input line, what happened. */
    public record Example(long timeNs, long line, String text) {
        @Override
        public String toString() {
            return String.format("%d.%06d line %d: %s", timeNs / 1_000_000_000L, (timeNs % 1_000_000_000L) / 1000, line,
                    text);
        }
    }

    public static final int MAX_EXAMPLES = 5;
    /** FT_DEBUG set: every event is printed on stderr as it is counted (docs/switches.md). */
    private static final boolean PRINT_ALL = System.getenv("FT_DEBUG") != null;
    private final long[] counts = new long[Kind.values().length];
    private final Map<Kind, List<Example>> examples = new EnumMap<>(Kind.class);

    /** Counts one occurrence; the text is built only for the first few (no allocation afterwards). */
    public void add(Kind kind, long timeNs, long line, String what, long pfn, int order) {
        if (PRINT_ALL) {
            System.err.println("CONS " + kind + " line " + line + " " + what + " pfn=0x" + Long.toHexString(pfn)
                    + " order=" + order);
        }
        if (counts[kind.ordinal()]++ < MAX_EXAMPLES) {
            examples.computeIfAbsent(kind, k -> new ArrayList<>())
                    .add(new Example(timeNs, line, what + " pfn=0x" + Long.toHexString(pfn) + " order=" + order));
        }
    }

    public long count(Kind kind) {
        return counts[kind.ordinal()];
    }

    public long contradictions() {
        long s = 0;
        for (Kind k : Kind.values()) {
            if (k.contradiction) {
                s += counts[k.ordinal()];
            }
        }
        return s;
    }

    public List<Example> examples(Kind kind) {
        return Collections.unmodifiableList(examples.getOrDefault(kind, List.of()));
    }

    /** The kept examples of each kind with a non-zero count, by kind name (lower case), in {@link #asMap} order. */
    public Map<String, List<String>> examplesMap() {
        Map<String, List<String>> m = new java.util.LinkedHashMap<>();
        for (Kind k : Kind.values()) {
            List<Example> ex = examples.get(k);
            if (ex != null && !ex.isEmpty()) {
                m.put(k.name().toLowerCase(java.util.Locale.ROOT), ex.stream().map(Example::toString).toList());
            }
        }
        return m;
    }

    /** Non-zero counts, by kind name (lower case). */
    public Map<String, Long> asMap() {
        Map<String, Long> m = new java.util.LinkedHashMap<>();
        for (Kind k : Kind.values()) {
            if (counts[k.ordinal()] != 0) {
                m.put(k.name().toLowerCase(java.util.Locale.ROOT), counts[k.ordinal()]);
            }
        }
        return m;
    }
}
