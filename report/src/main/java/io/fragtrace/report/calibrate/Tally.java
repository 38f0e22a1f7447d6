package io.fragtrace.report.calibrate;

import io.fragtrace.parser.CompactStatus;
import io.fragtrace.replay.compaction.CompactOutcome;
import io.fragtrace.replay.compaction.CompactionContext;
import io.fragtrace.replay.compaction.CompactionRun;

/** What one side (the kernel as traced, or the model) did in one phase: the quantities the calibration compares. */
final class Tally {
    static final int ORDERS = 16;
    static final int CONTEXTS = CompactionContext.values().length;
    static final int STATUSES = CompactStatus.values().length;

    /** Allocation requests that failed, by order. */
    final long[] failures = new long[ORDERS];
    /** compact_zone() passes by context and end status. */
    final long[][] passes = new long[CONTEXTS][STATUSES];
    long kswapdWakes;
    long kcompactdWakes;
    /** Pages migrated by compaction (mm_compaction_migratepages nr_migrated; the model's own migrations). */
    long migrated;

    void add(CompactionRun r) {
        passes[r.context().ordinal()][r.status().ordinal()]++;
        migrated += r.migrated();
    }

    long attempts(CompactionContext c) {
        long s = 0;
        for (long v : passes[c.ordinal()]) {
            s += v;
        }
        return s;
    }

    long attempts() {
        long s = 0;
        for (CompactionContext c : CompactionContext.values()) {
            s += attempts(c);
        }
        return s;
    }

    /** Passes that succeeded by the kernel's meaning of compact_result ({@link CompactOutcome}). */
    long successes(CompactionContext c) {
        long s = 0;
        for (CompactStatus st : CompactStatus.values()) {
            if (CompactOutcome.succeeded(c, st)) {
                s += passes[c.ordinal()][st.ordinal()];
            }
        }
        return s;
    }

    long successes() {
        long s = 0;
        for (CompactionContext c : CompactionContext.values()) {
            s += successes(c);
        }
        return s;
    }

    long failures() {
        long s = 0;
        for (long v : failures) {
            s += v;
        }
        return s;
    }

    /** Whether anything the calibration compares happened. */
    boolean active() {
        return attempts() > 0 || failures() > 0 || kswapdWakes > 0 || kcompactdWakes > 0 || migrated > 0;
    }

    void addAll(Tally t) {
        for (int o = 0; o < ORDERS; o++) {
            failures[o] += t.failures[o];
        }
        for (int c = 0; c < CONTEXTS; c++) {
            for (int s = 0; s < STATUSES; s++) {
                passes[c][s] += t.passes[c][s];
            }
        }
        kswapdWakes += t.kswapdWakes;
        kcompactdWakes += t.kcompactdWakes;
        migrated += t.migrated;
    }
}
