package io.fragtrace.replay.simulate;

import io.fragtrace.parser.EventType;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.parser.TraceInputException;
import io.fragtrace.replay.Instant;
import io.fragtrace.replay.ModelLoader;
import io.fragtrace.replay.ReplayTo;
import io.fragtrace.replay.blame.BlameTap;
import io.fragtrace.replay.blame.PageOwners;
import io.fragtrace.replay.config.KernelConfig;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.snapshot.KpageFlags;
import io.fragtrace.replay.snapshot.SnapshotException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * A simulator started from the kernel's exact state at an instant of a bundle (the observed replay up to it), so that
 * what the model does from there can be set against what the kernel did from the same free lists and pcp lists,
 * apart from how the model's own allocator placed the pages before it. Allocated pages are classified as the
 * simulator classifies its own: a traced allocation movable when its gfp is (migratetype MOVABLE, or a block
 * device's folio: {@link UnmovableLru}), a page from before the trace by before/kpageflags (PageLRU), a page taken
 * without an mm_page_alloc (a compaction target) movable. The workload's own writes before the instant (trace
 * markers: THP enabled/defrag, compaction_proactiveness) are applied as a whole run applies them. What the kernel's
 * state holds and the trace does not show starts fresh: skip bits, cached scanner positions, deferral, watermark
 * boost, 6.7+ pcp->high (from before/), and kswapd and kcompactd asleep. Events at or before the instant that the
 * caller feeds the simulator only tell it what the kernel's daemons were doing (the kcompactd timer's phase).
 */
public final class KernelStateStart {
    private KernelStateStart() {
    }

    /**
     * @param input a bundle (trace with before/ snapshots)
     * @param cfg   the configuration the model runs under from the instant
     * @param at    seconds on the trace clock or a marker
     * @param what  the option that named the instant, for error messages (e.g. "--from")
     */
    public static Simulator at(TraceInput input, KernelConfig cfg, Instant at, String what)
            throws SnapshotException, TraceInputException, IOException {
        Path bundle = input.bundle();
        PageOwners[] owners = new PageOwners[1];
        List<String> markerText = new ArrayList<>(); // the replay sees events up to the instant only (ReplayTo)
        ReplayTo to = new ReplayTo(input, null, at).named(what);
        to.follow((replay, start, from, upTo) -> {
            owners[0] = new PageOwners(start.model(), from, upTo);
            BlameTap tap = new BlameTap(replay, owners[0]);
            return e -> {
                if (e.type() == EventType.MARKER) {
                    markerText.add(e.text());
                }
                tap.onEvent(e);
            };
        });
        ReplayTo.Result r = to.run();
        BuddyModel m = r.model();
        KpageFlags kf = KpageFlags.loadIn(bundle.resolve("before"));
        BitSet before = kf == null || kf.pfns() == 0 ? new BitSet() : BitSet.valueOf(kf.lruSingleWords());
        BitSet lru = new BitSet();
        PageOwners o = owners[0];
        for (long pfn = m.basePfn(); pfn < m.endPfn(); pfn++) {
            if (m.inFreeOrPcpBlock(pfn)) {
                continue;
            }
            boolean movable = switch (o.origin(pfn)) {
                case PageOwners.TRACED -> o.movable(pfn);
                case PageOwners.UNTRACED -> true;
                default -> before.get((int) pfn);
            };
            if (movable) {
                lru.set((int) pfn);
            }
        }
        int[][][] pcp = Simulation.pcpCpus(ModelLoader.loadDump(bundle.resolve("before")), m);
        Simulator s = new Simulator(m, cfg, pcp, lru.toLongArray(), r.atNs());
        s.fromKernelState = true;
        markerText.forEach(s::workloadWrite);
        // a compaction_proactiveness write's own pass ran at the write, before the instant
        s.proactiveTrigger = false;
        s.nowNs = r.atNs();
        return s;
    }
}
