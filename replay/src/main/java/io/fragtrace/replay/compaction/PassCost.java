package io.fragtrace.replay.compaction;

import io.fragtrace.parser.PipelinedParser;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.parser.TraceInputException;

/**
 * How long a kcompactd or compact_memory compact_zone() pass (mm/compaction.c) takes on the captured machine,
 * measured from the kernel's own traced passes: each mm_compaction_begin..mm_compaction_end of one task gives its
 * duration d, the pages it migrated m (Σ nr_migrated of its mm_compaction_migratepages) and the pfns its scanners
 * scanned s (Σ nr_scanned of its isolate_migratepages, isolate_freepages and fast_isolate_freepages lines).
 * <ul>
 * <li>ns per scanned pfn b = Σd / Σs over the passes that migrated nothing (pure scanning; pooled over kcompactd,
 * proactive and manual passes: few of each migrate nothing), 0 when there is none;
 * <li>ns per migrated page a = Σ(d − b·s) / Σm over the context's passes that migrated (at least 0); a context with
 * none takes the pooled figure of the three daemon contexts; a capture with none has no rate.
 * </ul>
 * Ratios of sums (a least-squares fit weighting each pass by its size), so the long passes that decide when a pass
 * meets kswapd or the workload's frees weigh most. Direct passes are not used: they are short (tens of µs to a few
 * ms, many migrate nothing) and their durations are dominated by the allocating task's preemption on a busy CPU
 * (parallel-512M-smp4: up to 2 ms per scanned pfn), and the model runs them whole in the allocating task's event.
 * A few sums: memory does not grow with the trace.
 */
public final class PassCost {
    private static final int CONTEXTS = CompactionContext.values().length;
    /** Per context, pooled daemon contexts in the last slot: Σd, Σs, Σm of passes that migrated. */
    private final double[][] migrating = new double[CONTEXTS + 1][3];
    /** Σd, Σs of daemon passes that migrated nothing. */
    private final double[] scanning = new double[2];
    private long passes;

    /** A pass's cost in trace time: ns per migrated page and per scanned pfn. */
    public record Rate(double nsPerMigrated, double nsPerScanned, boolean pooled) {
        /** The trace time an iteration that migrated dm pages and scanned ds pfns takes, in ns. */
        public long costNs(long dm, long ds) {
            return Math.round(nsPerMigrated * dm + nsPerScanned * ds);
        }
    }

    /** One traced pass of the context: its duration, pages migrated and pfns scanned (both scanners). */
    public void add(CompactionContext c, long durationNs, long migrated, long scanned) {
        if (c == CompactionContext.DIRECT || durationNs < 0 || migrated < 0 || scanned < 0
                || migrated + scanned == 0) {
            return; // a pass that ended at its first check (a zone under the score's low mark) did no work
        }
        passes++;
        if (migrated == 0) {
            scanning[0] += durationNs;
            scanning[1] += scanned;
            return;
        }
        for (double[] s : new double[][] {migrating[c.ordinal()], migrating[CONTEXTS]}) {
            s[0] += durationNs;
            s[1] += scanned;
            s[2] += migrated;
        }
    }

    /** A kernel pass as {@link CompactionTracker} rebuilt it. */
    public void add(CompactionRun r) {
        add(r.context(), r.durationNs(), r.migrated(), r.migrateScanned() + r.freeScanned() + r.fastFreeScanned());
    }

    /** Daemon passes taken (direct passes are not). */
    public long passes() {
        return passes;
    }

    /** ns per scanned pfn: Σd / Σs of the passes that migrated nothing, 0 without one. */
    public double nsPerScanned() {
        return scanning[1] > 0 ? scanning[0] / scanning[1] : 0;
    }

    /** The rate of the context's traced passes, else of all daemon passes (pooled), else null; null for DIRECT. */
    public Rate rate(CompactionContext c) {
        if (c == CompactionContext.DIRECT) {
            return null;
        }
        double b = nsPerScanned();
        double[] s = migrating[c.ordinal()];
        boolean pooled = s[2] == 0;
        if (pooled) {
            s = migrating[CONTEXTS];
        }
        if (s[2] == 0) {
            return b > 0 ? new Rate(0, b, true) : null;
        }
        return new Rate(Math.max(0, s[0] - b * s[1]) / s[2], b, pooled);
    }

    /**
     * {@link #ofTrace} of the same trace read a second time, from its start, when first asked (a simulation asks only
     * when a pass of a timed context begins); null (passes run whole) when that read fails or the input is stdin.
     */
    public static java.util.function.Supplier<PassCost> whenAsked(TraceInput input) {
        return () -> {
            if (input.file() == null) {
                return null;
            }
            try {
                return ofTrace(input.reopen());
            } catch (TraceInputException e) {
                return null;
            }
        };
    }

    /**
     * The rates of a capture, read in one pass over its whole trace: the model's pass usually comes
     * before the kernel's matching one (the model's tick is not the kernel's), so rates from the passes seen so far
     * would leave the first passes of each context untimed; the machine's speed is one property of the whole capture.
     */
    public static PassCost ofTrace(TraceInput input) throws TraceInputException {
        CompactionTracker t = new CompactionTracker();
        new PipelinedParser().parse(input, t::onEvent);
        PassCost c = new PassCost();
        for (CompactionRun r : t.runs()) {
            c.add(r);
        }
        return c;
    }
}
