package io.fragtrace.report.calibrate;

import io.fragtrace.parser.CompactStatus;
import io.fragtrace.replay.compaction.CompactionContext;
import io.fragtrace.replay.config.BundleConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Model against kernel for one bundle: per phase and in total, and the bars of issue 12 evaluated row by row —
 * compaction success rate within {@link #SUCCESS_POINTS} points of the kernel's, attempts within
 * {@link #ATTEMPTS_SHARE} of the kernel's or within {@link #ATTEMPTS_ABS}, the end buddyinfo's misplaced free pages
 * within {@link #END_SHARE} of free memory. Rows without a bar (allocation failures, daemon wakes, pages migrated,
 * buddyinfo over time) are shown for reading, not judged.
 */
public final class Calibration {
    public static final double SUCCESS_POINTS = 10;
    public static final double ATTEMPTS_SHARE = 0.30;
    public static final long ATTEMPTS_ABS = 2;
    public static final double END_SHARE = 0.10;

    /** A row's bar, or none. */
    public enum Bar {
        ATTEMPTS("±30 % or ±2"), SUCCESS_RATE("±10 points"), END_BUDDYINFO("≤ 10 % of free"), NONE("");

        public final String text;

        Bar(String text) {
            this.text = text;
        }
    }

    public enum Verdict { PASS, FAIL, NONE }

    /** One compared quantity. error: model − kernel (counts, points), or the misplaced share (buddyinfo). */
    public record Row(String key, String name, double kernel, double model, double error, String unit, Bar bar,
                      Verdict verdict) {
    }

    /**
     * Where a side's free pages sit at an instant: per zone, the buddy lists' pages (NR_FREE_PAGES without the pcp)
     * and each CPU's pcp->count.
     */
    public record Split(long[] buddy, long[][] pcp) {
        /** Buddy pages summed over the zones. */
        public long buddyTotal() {
            long s = 0;
            for (long b : buddy) {
                s += b;
            }
            return s;
        }

        /** pcp->count of one CPU summed over the zones (0 for a CPU the side has not seen). */
        public long pcpOfCpu(int cpu) {
            long s = 0;
            for (long[] z : pcp) {
                s += cpu < z.length ? z[cpu] : 0;
            }
            return s;
        }

        /** The CPUs a side knows (the widest zone's). */
        public int cpus() {
            int n = 0;
            for (long[] z : pcp) {
                n = Math.max(n, z.length);
            }
            return n;
        }
    }

    /**
     * One phase's result (free lists per zone and order; the pcp/buddy split at the phase end; the kernel's null when
     * not known).
     */
    public record PhaseResult(String label, long fromNs, long toNs, Tally kernel, Tally model, long[][] kernelFree,
                              long[][] modelFree, Split kernelSplit, Split modelSplit) {
        /** Misplaced share of the model's buddyinfo at the phase end against the kernel's; NaN when not known. */
        public double misplaced() {
            return kernelFree == null ? Double.NaN : Calibration.misplaced(modelFree, kernelFree);
        }
    }

    /**
     * One proactive check (kcompactd()'s timeout path): its instant, fragmentation_score_wmark(false) in force, the
     * node's fragmentation_score_node() in the kernel (the observed replay; -1 when not computed) and in the model at
     * that instant, and the proactive_compact_node() passes it ran (one per populated zone) on its own side; for a
     * kernel check, the model's own check nearest to it ({instant, score}, null when the model made none).
     */
    public record ProactiveCheck(long atNs, long wmarkHigh, long kernelScore, long modelScore,
                                 List<io.fragtrace.replay.compaction.CompactionRun> passes, long[] modelNearest) {
    }

    /** The kernel's checks that ran a pass, and the model's. */
    public record ProactiveChecks(List<ProactiveCheck> kernel, List<ProactiveCheck> model) {
    }

    private final List<PhaseResult> phases;
    private final List<BundleConfig.SysctlWrite> writes;
    private final String[] zones;
    private final long[][] kernelEnd;
    private final long[][] modelEnd;
    private final long endAtNs;
    private final String endFrom;
    private final boolean overTime;
    private final Tally kernel = new Tally();
    private final Tally model = new Tally();
    private final List<Row> rows;
    private final ProactiveChecks proactiveChecks;

    Calibration(List<PhaseResult> phases, List<BundleConfig.SysctlWrite> writes, String[] zones, long[][] kernelEnd,
                long[][] modelEnd, long endAtNs, String endFrom, boolean overTime, ProactiveChecks proactiveChecks) {
        this.phases = phases;
        this.proactiveChecks = proactiveChecks;
        this.writes = writes;
        this.zones = zones;
        this.kernelEnd = kernelEnd;
        this.modelEnd = modelEnd;
        this.endAtNs = endAtNs;
        this.endFrom = endFrom;
        this.overTime = overTime;
        for (PhaseResult p : phases) {
            kernel.addAll(p.kernel());
            model.addAll(p.model());
        }
        this.rows = buildRows();
    }

    public List<PhaseResult> phases() {
        return phases;
    }

    public List<BundleConfig.SysctlWrite> writes() {
        return writes;
    }

    public List<Row> rows() {
        return rows;
    }

    public ProactiveChecks proactiveChecks() {
        return proactiveChecks;
    }

    Tally kernel() {
        return kernel;
    }

    Tally model() {
        return model;
    }

    String[] zones() {
        return zones;
    }

    long endAtNs() {
        return endAtNs;
    }

    String endFrom() {
        return endFrom;
    }

    boolean overTime() {
        return overTime;
    }

    long[][] kernelEnd() {
        return kernelEnd;
    }

    long[][] modelEnd() {
        return modelEnd;
    }

    /** Rows with a bar that pass, and rows with a bar. */
    public int[] passed() {
        int pass = 0;
        int barred = 0;
        for (Row r : rows) {
            if (r.verdict() != Verdict.NONE) {
                barred++;
                pass += r.verdict() == Verdict.PASS ? 1 : 0;
            }
        }
        return new int[] {pass, barred};
    }

    /** PASS when every row with a bar passes. */
    public Verdict verdict() {
        int[] p = passed();
        return p[0] == p[1] ? Verdict.PASS : Verdict.FAIL;
    }

    /** ½ Σ zones Σ orders 2^o·|model − kernel| ÷ the kernel's free pages: free memory on the wrong order. */
    public static double misplaced(long[][] model, long[][] kernel) {
        long off = 0;
        long free = 0;
        for (int z = 0; z < Math.min(model.length, kernel.length); z++) {
            if (model[z] == null || kernel[z] == null) {
                continue;
            }
            for (int o = 0; o < Math.max(model[z].length, kernel[z].length); o++) {
                long m = o < model[z].length ? model[z][o] : 0;
                long k = o < kernel[z].length ? kernel[z][o] : 0;
                off += Math.abs(m - k) << o;
                free += k << o;
            }
        }
        return free == 0 ? Double.NaN : off / 2.0 / free;
    }

    static boolean attemptsPass(long k, long m) {
        return Math.abs(m - k) <= Math.max(ATTEMPTS_ABS, ATTEMPTS_SHARE * k);
    }

    static double rate(long ok, long n) {
        return n == 0 ? Double.NaN : 100.0 * ok / n;
    }

    private Row attempts(String key, String name, long k, long m) {
        return new Row(key, name, k, m, m - k, "count", Bar.ATTEMPTS, attemptsPass(k, m) ? Verdict.PASS
                : Verdict.FAIL);
    }

    private Row success(String key, String name, long kOk, long kN, long mOk, long mN) {
        double kr = rate(kOk, kN);
        double mr = rate(mOk, mN);
        Verdict v = kN == 0 ? Verdict.NONE : mN == 0 ? Verdict.FAIL
                : Math.abs(mr - kr) <= SUCCESS_POINTS ? Verdict.PASS : Verdict.FAIL;
        return new Row(key, name, kr, mr, mr - kr, "percent", Bar.SUCCESS_RATE, v);
    }

    private static Row info(String key, String name, long k, long m) {
        return new Row(key, name, k, m, m - k, "count", Bar.NONE, Verdict.NONE);
    }

    private List<Row> buildRows() {
        List<Row> out = new ArrayList<>();
        out.add(attempts("attempts", "compaction attempts", kernel.attempts(), model.attempts()));
        out.add(success("success_rate", "compaction success rate", kernel.successes(), kernel.attempts(),
                model.successes(), model.attempts()));
        for (CompactionContext c : CompactionContext.values()) {
            long k = kernel.attempts(c);
            long m = model.attempts(c);
            if (k + m == 0) {
                continue;
            }
            String ctx = c.name().toLowerCase(Locale.ROOT);
            out.add(attempts("attempts." + c.name(), "compaction attempts, " + ctx, k, m));
            out.add(success("success_rate." + c.name(), "compaction success rate, " + ctx, kernel.successes(c), k,
                    model.successes(c), m));
        }
        if (kernelEnd != null) {
            double share = misplaced(modelEnd, kernelEnd);
            out.add(new Row("end_buddyinfo", "end buddyinfo, free memory misplaced across orders", 0, share, share,
                    "share", Bar.END_BUDDYINFO, Double.isNaN(share) ? Verdict.NONE
                    : share <= END_SHARE ? Verdict.PASS : Verdict.FAIL));
        }
        for (int o = 0; o < Tally.ORDERS; o++) {
            if (kernel.failures[o] + model.failures[o] > 0) {
                out.add(info("failures." + o, "allocation failures, order " + o, kernel.failures[o],
                        model.failures[o]));
            }
        }
        out.add(info("kswapd_wakes", "kswapd wakes", kernel.kswapdWakes, model.kswapdWakes));
        out.add(info("kcompactd_wakes", "kcompactd wakes", kernel.kcompactdWakes, model.kcompactdWakes));
        out.add(info("migrated", "pages migrated by compaction", kernel.migrated, model.migrated));
        double worst = Double.NaN;
        for (PhaseResult p : phases) {
            double s = p.misplaced();
            if (!Double.isNaN(s) && (Double.isNaN(worst) || s > worst)) {
                worst = s;
            }
        }
        if (!Double.isNaN(worst)) {
            out.add(new Row("buddyinfo_over_time_max", "buddyinfo over time, worst phase end (misplaced)", 0, worst,
                    worst, "share", Bar.NONE, Verdict.NONE));
        }
        return out;
    }

    /** Kernel passes of a context by status, for the outcome breakdown. */
    long kernelPasses(CompactionContext c, CompactStatus s) {
        return kernel.passes[c.ordinal()][s.ordinal()];
    }

    long modelPasses(CompactionContext c, CompactStatus s) {
        return model.passes[c.ordinal()][s.ordinal()];
    }
}
