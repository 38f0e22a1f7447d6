package io.fragtrace.replay;

import io.fragtrace.parser.EventType;
import io.fragtrace.parser.Field;
import io.fragtrace.parser.ParsedEvent;
import io.fragtrace.parser.TraceVisitor;
import io.fragtrace.replay.model.BuddyModel;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The history of a few pfns through a replay, for {@code validate --explain}: every event whose pages cover one,
 * and every event after which a pfn's state changed without naming it (an untraced path the model inferred), with
 * the model's state before and after and the rules (consistency kinds) the event triggered. Sits between the
 * lock-order stage and the replay; costs a few lookups per event, so it is used only when asked for.
 */
public final class PfnWatch implements TraceVisitor {
    /** One event in a pfn's history. */
    public record Step(long line, long timeNs, int cpu, String comm, String event, String text, String before,
                       String after, List<String> rules) {
        @Override
        public String toString() {
            return String.format("  line %d  %d.%06d  cpu %d  %s  %s %s%n      %s -> %s%s", line, timeNs / 1_000_000_000L,
                    (timeNs % 1_000_000_000L) / 1000, cpu, comm, event, text, before, after,
                    rules.isEmpty() ? "" : "   [" + String.join(", ", rules) + "]");
        }
    }

    private final ObservedReplay replay;
    private final BuddyModel m;
    private final long[] pfns;
    private final int maxSteps;
    private final List<Deque<Step>> history = new ArrayList<>();
    /** Each pfn's state in words and as {@link #stateKey}, as of the last event (words built only on a change). */
    private final String[] before;
    private final long[] beforeKey;
    private final long[] counts = new long[Consistency.Kind.values().length];

    public PfnWatch(ObservedReplay replay, long[] pfns, int maxSteps) {
        this.replay = replay;
        this.m = replay.model();
        this.pfns = pfns.clone();
        this.maxSteps = maxSteps;
        this.before = new String[pfns.length];
        this.beforeKey = new long[pfns.length];
        for (int i = 0; i < pfns.length; i++) {
            history.add(new ArrayDeque<>());
        }
    }

    /** The last steps of the i-th watched pfn, oldest first. */
    public List<Step> history(int i) {
        return List.copyOf(history.get(i));
    }

    /** The model's state of a pfn in words. */
    public static String state(BuddyModel m, long pfn) {
        if (!m.inRange(pfn)) {
            return "outside the model";
        }
        if (m.isUnknown(pfn)) {
            return "unknown";
        }
        long h = m.findBuddyHead(pfn);
        if (h >= 0) {
            return "free (order-" + m.orderAt(h) + " block 0x" + Long.toHexString(h) + ", list mt "
                    + m.listMigratetype(h) + ")";
        }
        long p = m.findPcpHead(pfn);
        if (p >= 0) {
            return "on cpu " + m.pcpCpuOf(p) + "'s pcp list (order-" + m.orderAt(p) + " block 0x" + Long.toHexString(p)
                    + ")";
        }
        return m.kind(pfn) == BuddyModel.KIND_TAKEN ? "taken (allocation pending)" : "allocated";
    }

    /** {@link #state} as one number (equal numbers, equal words), cheap enough for every event. */
    static long stateKey(BuddyModel m, long pfn) {
        if (!m.inRange(pfn)) {
            return -1;
        }
        if (m.isUnknown(pfn)) {
            return -2;
        }
        long h = m.findBuddyHead(pfn);
        if (h >= 0) {
            return ((h << 8 | m.orderAt(h)) << 8 | (m.listMigratetype(h) & 0xff)) << 2 | 1;
        }
        long p = m.findPcpHead(pfn);
        if (p >= 0) {
            return ((p << 8 | m.orderAt(p)) << 16 | (m.pcpCpuOf(p) & 0xffff)) << 2 | 2;
        }
        return m.kind(pfn) == BuddyModel.KIND_TAKEN ? -3 : -4;
    }

    @Override
    public void onEvent(ParsedEvent e) {
        Consistency c = replay.consistency();
        Consistency.Kind[] kinds = Consistency.Kind.values();
        for (int k = 0; k < kinds.length; k++) {
            counts[k] = c.count(kinds[k]);
        }
        for (int i = 0; i < pfns.length; i++) {
            long key = stateKey(m, pfns[i]);
            if (before[i] == null || key != beforeKey[i]) {
                before[i] = state(m, pfns[i]);
                beforeKey[i] = key;
            }
        }
        replay.onEvent(e);
        List<String> rules = null;
        for (int i = 0; i < pfns.length; i++) {
            boolean changed = stateKey(m, pfns[i]) != beforeKey[i];
            if (changed || covers(e, pfns[i])) {
                String after = changed ? state(m, pfns[i]) : before[i];
                if (rules == null) {
                    rules = new ArrayList<>();
                    for (int k = 0; k < kinds.length; k++) {
                        if (c.count(kinds[k]) != counts[k]) {
                            rules.add(kinds[k].name().toLowerCase(java.util.Locale.ROOT));
                        }
                    }
                }
                Deque<Step> h = history.get(i);
                if (h.size() == maxSteps) {
                    h.removeFirst();
                }
                h.addLast(new Step(e.line(), e.timestampNs(), e.cpu(), e.comm(), e.type().kernelName(), e.text(),
                        before[i], after, rules));
            }
        }
    }

    /** Whether the event names pages that include pfn. */
    private static boolean covers(ParsedEvent e, long pfn) {
        long start;
        long end;
        if (e.type() == EventType.MM_COMPACTION_ISOLATE_FREEPAGES && e.has(Field.RANGE_END)) {
            start = e.get(Field.RANGE_START);
            end = e.get(Field.RANGE_END);
        } else if (e.has(Field.PFN)) {
            int order = e.type() == EventType.MM_PAGE_ALLOC_EXTFRAG
                    ? (int) Math.max(e.get(Field.ALLOC_ORDER), e.get(Field.FALLBACK_ORDER))
                    : e.has(Field.ORDER) ? e.order() : 0;
            start = e.pfn();
            end = start + (1L << Math.max(0, Math.min(order, 20)));
        } else {
            return false;
        }
        return pfn >= start && pfn < end;
    }
}
