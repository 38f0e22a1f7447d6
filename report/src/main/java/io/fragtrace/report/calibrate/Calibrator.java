package io.fragtrace.report.calibrate;

import io.fragtrace.parser.EventHandlers;
import io.fragtrace.parser.EventType;
import io.fragtrace.parser.ParsedEvent;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.parser.TraceInputException;
import io.fragtrace.replay.HeapCheck;
import io.fragtrace.replay.ModelLoader;
import io.fragtrace.replay.ObservedReplay;
import io.fragtrace.replay.StartState;
import io.fragtrace.replay.compaction.CompactionContext;
import io.fragtrace.replay.compaction.CompactionRun;
import io.fragtrace.replay.compaction.CompactionTracker;
import io.fragtrace.replay.config.BundleConfig;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.FragMetrics;
import io.fragtrace.replay.order.LockOrderSorter;
import io.fragtrace.replay.simulate.SimStats;
import io.fragtrace.replay.simulate.Simulation;
import io.fragtrace.replay.simulate.Simulator;
import io.fragtrace.replay.snapshot.BuddyDump;
import io.fragtrace.replay.snapshot.SnapshotException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Collects model and kernel side by side in the simulate pass, phase by phase (a phase runs from one trace marker to
 * the next). Kernel side: the trace's own events after the start state's instant (failed mm_page_alloc by order,
 * mm_vmscan_kswapd_wake, mm_compaction_kcompactd_wake, the {@link CompactionTracker}'s passes with their context,
 * status and nr_migrated); its buddyinfo over time from an observed replay of the same trace sampled at each
 * marker (when a second model fits the heap), and at the end the kernel's own after/ snapshot. Model side: the
 * {@link Simulator}'s counters taken at each marker and its compaction passes.
 * <p>
 * Feed each event with {@link #onEvent} <em>before</em> the simulator sees it (the model's state at a marker is then
 * the state after every earlier event), then call {@link #finish} after {@link Simulator#finish()}.
 */
public final class Calibrator {
    /** At most this many phases (markers) are kept apart; later markers fold into the last phase. */
    static final int MAX_PHASES = 2000;

    /** One phase: from the marker that opens it (or the start state) to the next marker (or the trace end). */
    static final class Phase {
        final String label;
        final long fromNs;
        long toNs = Long.MAX_VALUE;
        final Tally kernel = new Tally();
        final Tally model = new Tally();
        long[][] modelFree;
        long[][] kernelFree;
        Calibration.Split modelSplit;
        Calibration.Split kernelSplit;

        Phase(String label, long fromNs) {
            this.label = label;
            this.fromNs = fromNs;
        }
    }

    private final Simulator sim;
    private final CompactionTracker kernelPasses;
    private final long startNs;
    private final List<Phase> phases = new ArrayList<>();
    private final List<BundleConfig.SysctlWrite> writes = new ArrayList<>();
    private final ObservedReplay observed;
    private final LockOrderSorter sorter;
    private final Map<Long, long[][]> observedAtMarker = new HashMap<>();
    private final Map<Long, Calibration.Split> observedSplitAtMarker = new HashMap<>();
    private final String[] zoneNames;
    // the model's cumulative counters at the last phase boundary
    private final long[] lastFailed = new long[Tally.ORDERS];
    private long lastKswapd;
    private long lastKcompactd;
    // the kernel's end: after/ snapshot, and the model at its instant
    private final long[][] kernelEnd;
    private final long endAtNs;
    private final String endFrom;
    private long[][] modelEnd;
    private long lastNs = Long.MIN_VALUE;
    // proactive checks: {instant, model's fragmentation_score_node(), kernel's (-1: not known), the model's wmark high}
    private final Set<String> kcompactdWaiting = new HashSet<>();
    private final List<long[]> kernelChecks = new ArrayList<>();
    private final List<long[]> modelChecks = new ArrayList<>();
    private int modelChecksSeen;
    /** Checks whose kernel score the observed replay fills in as its events pass their instant. */
    private final PriorityQueue<long[]> kernelScorePending = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));

    /**
     * @param kernelPasses the tracker the caller feeds every event (the kernel's own compaction passes)
     * @param withObserved whether to replay the trace in observed mode as well, for the kernel's buddyinfo at each
     *                     marker (skipped when a second model does not fit the heap)
     */
    public Calibrator(TraceInput input, Simulator sim, CompactionTracker kernelPasses, boolean withObserved)
            throws SnapshotException, TraceInputException, IOException {
        this.sim = sim;
        this.kernelPasses = kernelPasses;
        this.startNs = sim.startNs();
        BuddyModel m = sim.model();
        zoneNames = new String[m.zoneCount()];
        for (int z = 0; z < zoneNames.length; z++) {
            zoneNames[z] = m.zone(z).name;
        }
        phases.add(new Phase("start state", startNs));
        Path bundle = input.bundle();
        if (withObserved && bundle != null
                && 2 * HeapCheck.bytesFor(m.endPfn()) <= Runtime.getRuntime().maxMemory()) {
            StartState start = StartState.of(input, null, null);
            long[] to = new long[start.fromNs().length];
            java.util.Arrays.fill(to, Long.MAX_VALUE);
            observed = new ObservedReplay(start.model(), start.fromNs(), to);
            observed.setSampler((r, t, marker) -> {
                if (marker != null) {
                    observedAtMarker.put(t, nrFree(r.model()));
                    observedSplitAtMarker.put(t, split(r.model()));
                }
            }, 0);
            // the observed replay's node score at each proactive check's instant, taken before the first event after it
            ObservedReplay obs = observed;
            sorter = new LockOrderSorter(observed, e -> {
                fillKernelScores(e.timestampNs());
                obs.onEvent(e);
            }, LockOrderSorter.DEFAULT_WINDOW, LockOrderSorter.slackFor(bundle), false);
        } else {
            observed = null;
            sorter = null;
        }
        Path afterDump = bundle == null ? null : bundle.resolve("after").resolve("buddydump.txt");
        Path afterInfo = bundle == null ? null : bundle.resolve("after").resolve("buddyinfo");
        if (afterDump != null && Files.isRegularFile(afterDump)) {
            BuddyDump d = ModelLoader.loadDump(afterDump.getParent());
            kernelEnd = new long[zoneNames.length][];
            long at = Long.MIN_VALUE;
            for (int z = 0; z < zoneNames.length; z++) {
                BuddyDump.Zone dz = d.zone(zoneNames[z]);
                if (dz != null) {
                    kernelEnd[z] = java.util.Arrays.stream(dz.nrFree).asLongStream().toArray();
                    at = Math.max(at, dz.lockNs);
                }
            }
            endAtNs = at == Long.MIN_VALUE ? Long.MAX_VALUE : at;
            endFrom = "after/buddydump.txt";
        } else if (afterInfo != null && Files.isRegularFile(afterInfo)) {
            Map<String, long[]> info = Simulation.readBuddyinfo(afterInfo);
            kernelEnd = new long[zoneNames.length][];
            for (int z = 0; z < zoneNames.length; z++) {
                kernelEnd[z] = info.get(zoneNames[z]);
            }
            endAtNs = Long.MAX_VALUE;
            endFrom = "after/buddyinfo";
        } else {
            kernelEnd = null;
            endAtNs = Long.MAX_VALUE;
            endFrom = null;
        }
    }

    static long[][] nrFree(BuddyModel m) {
        long[][] a = new long[m.zoneCount()][m.nrOrders()];
        for (int z = 0; z < a.length; z++) {
            for (int o = 0; o < a[z].length; o++) {
                a[z][o] = m.nrFree(z, o);
            }
        }
        return a;
    }

    /** A model's buddy pages and pcp->count per CPU, per zone. */
    static Calibration.Split split(BuddyModel m) {
        long[] buddy = new long[m.zoneCount()];
        long[][] pcp = new long[m.zoneCount()][m.maxCpus()];
        for (int z = 0; z < buddy.length; z++) {
            buddy[z] = m.freePages(z);
            for (int c = 0; c < pcp[z].length; c++) {
                pcp[z][c] = m.pcpCount(z, c);
            }
        }
        return new Calibration.Split(buddy, pcp);
    }

    private void fillKernelScores(long ts) {
        while (!kernelScorePending.isEmpty() && kernelScorePending.peek()[0] <= ts) {
            kernelScorePending.poll()[2] = FragMetrics.fragmentationScoreNode(observed.model());
        }
    }

    /**
     * The kernel's proactive checks: kcompactd's first mm_compaction_begin after its mm_compaction_kcompactd_sleep with
     * no mm_compaction_kcompactd_wake between (kcompactd()'s timeout path, should_proactive_compact_node() held), and
     * the model's own checks since the last event; the model's score is taken now, before the simulator sees e.
     */
    private void proactiveChecks(ParsedEvent e, long ts) {
        switch (e == null ? EventType.MARKER : e.type()) {
            case MM_COMPACTION_KCOMPACTD_SLEEP -> kcompactdWaiting.add(e.comm());
            case MM_COMPACTION_KCOMPACTD_WAKE -> kcompactdWaiting.remove(e.comm());
            case MM_COMPACTION_BEGIN -> {
                if (kcompactdWaiting.remove(e.comm()) && ts > startNs) {
                    long[] c = {ts, sim.fragmentationScoreNode(), -1, sim.proactiveWmarkHigh()};
                    kernelChecks.add(c);
                    if (observed != null) {
                        kernelScorePending.add(c);
                    }
                }
            }
            default -> {
            }
        }
        List<long[]> mc = sim.proactiveChecks();
        for (; modelChecksSeen < mc.size(); modelChecksSeen++) {
            long[] m = mc.get(modelChecksSeen);
            if (m[2] != 0) {
                long[] c = {m[0], m[1], -1, sim.proactiveWmarkHigh()};
                modelChecks.add(c);
                if (observed != null) {
                    kernelScorePending.add(c);
                }
            }
        }
    }

    /** Every event, in trace order, before the simulator's onEvent. */
    public void onEvent(ParsedEvent e) {
        if (sorter != null) {
            sorter.onEvent(e);
        }
        long ts = e.timestampNs();
        proactiveChecks(e, ts);
        if (ts <= startNs) {
            if (sim.fromKernelState() && e.type() == EventType.MARKER) {
                recordWrite(ts, e.text()); // applied to the kernel state the model starts from
            }
            return;
        }
        lastNs = ts;
        if (modelEnd == null && ts > endAtNs) {
            modelEnd = nrFree(sim.model());
        }
        kernelEvents.onEvent(e);
    }

    /** The kernel's side of the open phase, per event type; a marker opens the next phase. */
    private final EventHandlers kernelEvents = new EventHandlers()
            .on(e -> {
                int o = e.order();
                if (e.isFailedAlloc() && o >= 0 && o < Tally.ORDERS) {
                    kernel().failures[o]++;
                }
            }, EventType.MM_PAGE_ALLOC)
            .on(e -> kernel().kswapdWakes++, EventType.MM_VMSCAN_KSWAPD_WAKE)
            .on(e -> kernel().kcompactdWakes++, EventType.MM_COMPACTION_KCOMPACTD_WAKE)
            .on(e -> marker(e.timestampNs(), e.text()), EventType.MARKER);

    private Tally kernel() {
        return phases.get(phases.size() - 1).kernel;
    }

    private void marker(long ts, String text) {
        recordWrite(ts, text);
        if (phases.size() >= MAX_PHASES) {
            return;
        }
        closePhase(ts);
        phases.add(new Phase(label(text), ts));
    }

    private void recordWrite(long ts, String text) {
        BundleConfig.SysctlWrite w = BundleConfig.parseWrite(ts, text);
        if (w != null) {
            writes.add(w);
        }
    }

    static String label(String text) {
        String t = text.strip();
        if (t.startsWith("capture: ")) {
            t = t.substring(9);
        }
        if (t.startsWith("phase ")) {
            t = t.substring(6);
        }
        return t.length() > 80 ? t.substring(0, 77) + "..." : t;
    }

    /** The model's counters since the last boundary go to the open phase, which ends at ts. */
    private void closePhase(long ts) {
        Phase p = phases.get(phases.size() - 1);
        p.toNs = ts;
        SimStats s = sim.stats();
        for (int o = 0; o < Tally.ORDERS && o < s.modelFailed.length; o++) {
            p.model.failures[o] = s.modelFailed[o] - lastFailed[o];
            lastFailed[o] = s.modelFailed[o];
        }
        p.model.kswapdWakes = s.kswapdWakes - lastKswapd;
        lastKswapd = s.kswapdWakes;
        p.model.kcompactdWakes = s.kcompactdWakes - lastKcompactd;
        lastKcompactd = s.kcompactdWakes;
        p.modelFree = nrFree(sim.model());
        p.modelSplit = split(sim.model());
    }

    /** After {@link Simulator#finish()}: closes the last phase and places every compaction pass in its phase. */
    public Calibration finish() {
        closePhase(Math.max(lastNs, phases.get(phases.size() - 1).fromNs));
        proactiveChecks(null, Long.MAX_VALUE);
        if (sorter != null) {
            sorter.finish();
            fillKernelScores(Long.MAX_VALUE);
            for (Phase p : phases) {
                p.kernelFree = observedAtMarker.get(p.toNs);
                p.kernelSplit = observedSplitAtMarker.get(p.toNs);
            }
            phases.get(phases.size() - 1).kernelFree = nrFree(observed.model());
            phases.get(phases.size() - 1).kernelSplit = split(observed.model());
        }
        if (modelEnd == null) {
            modelEnd = nrFree(sim.model());
        }
        for (CompactionRun r : kernelPasses.runs()) {
            if (r.endNs() > startNs) {
                phaseOf(r.endNs()).kernel.add(r);
            }
        }
        for (CompactionRun r : sim.runs()) {
            phaseOf(r.endNs()).model.add(r);
        }
        List<Calibration.PhaseResult> out = new ArrayList<>();
        for (Phase p : phases) {
            out.add(new Calibration.PhaseResult(p.label, p.fromNs, p.toNs, p.kernel, p.model, p.kernelFree,
                    p.modelFree, p.kernelSplit, p.modelSplit));
        }
        Calibration.ProactiveChecks checks = new Calibration.ProactiveChecks(
                checks(kernelChecks, kernelPasses.runs(), sim.proactiveChecks()), checks(modelChecks, sim.runs(), null));
        return new Calibration(List.copyOf(out), List.copyOf(writes), zoneNames, kernelEnd, modelEnd, endAtNs,
                endFrom, observed != null, checks);
    }

    /** Each check with the proactive passes that began at or after it and before the next check. */
    static List<Calibration.ProactiveCheck> checks(List<long[]> at, List<CompactionRun> runs, List<long[]> near) {
        List<Calibration.ProactiveCheck> out = new ArrayList<>();
        List<CompactionRun> proactive = new ArrayList<>();
        for (CompactionRun r : runs) {
            if (r.context() == CompactionContext.PROACTIVE) {
                proactive.add(r);
            }
        }
        proactive.sort(java.util.Comparator.comparingLong(CompactionRun::beginNs));
        int next = 0;
        for (int i = 0; i < at.size(); i++) {
            long from = at.get(i)[0];
            long to = i + 1 < at.size() ? at.get(i + 1)[0] : Long.MAX_VALUE;
            List<CompactionRun> passes = new ArrayList<>();
            while (next < proactive.size() && proactive.get(next).beginNs() < from) {
                next++;
            }
            while (next < proactive.size() && proactive.get(next).beginNs() < to) {
                passes.add(proactive.get(next++));
            }
            long[] c = at.get(i);
            long[] nearest = null;
            if (near != null && !near.isEmpty()) {
                // the model's checks are in time order: the first at or after the instant, or the one before it
                int lo = 0;
                int hi = near.size();
                while (lo < hi) {
                    int mid = (lo + hi) >>> 1;
                    if (near.get(mid)[0] < c[0]) {
                        lo = mid + 1;
                    } else {
                        hi = mid;
                    }
                }
                for (int j = Math.max(0, lo - 1); j <= lo && j < near.size(); j++) {
                    long[] n = near.get(j);
                    if (nearest == null || Math.abs(n[0] - c[0]) < Math.abs(nearest[0] - c[0])) {
                        nearest = new long[] {n[0], n[1]};
                    }
                }
            }
            out.add(new Calibration.ProactiveCheck(c[0], c[3], c[2], c[1], List.copyOf(passes), nearest));
        }
        return out;
    }

    /** The phase whose (from, to] holds ts (the first phase for ts before any marker). */
    private Phase phaseOf(long ts) {
        int lo = 0;
        int hi = phases.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (phases.get(mid).fromNs < ts) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return phases.get(lo);
    }
}
