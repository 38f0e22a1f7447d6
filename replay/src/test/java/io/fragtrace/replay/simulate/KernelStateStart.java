package io.fragtrace.replay.simulate;

import io.fragtrace.parser.TraceInput;
import io.fragtrace.replay.Instant;
import io.fragtrace.replay.ModelLoader;
import io.fragtrace.replay.ReplayTo;
import io.fragtrace.replay.blame.BlameTap;
import io.fragtrace.replay.blame.PageOwners;
import io.fragtrace.replay.config.BundleConfig;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.snapshot.KpageFlags;

import java.nio.file.Path;
import java.util.BitSet;

/**
 * A simulator started from the kernel's exact state at an instant of a bundle (the observed replay up to it), so that
 * one compaction pass of the model can be set against the kernel's own pass from the same free lists: what the
 * pass does, apart from how the model's allocator placed the pages before it. Allocated pages are classified as
 * the simulator classifies its own: a traced allocation movable when its gfp is (migratetype MOVABLE, or a block
 * device's folio: {@link UnmovableLru}), a page from before the trace by before/kpageflags (PageLRU), a page taken
 * without an mm_page_alloc (a compaction target) movable. What the kernel's state holds and the trace does not
 * show starts fresh: skip bits, cached scanner positions, 6.7+ pcp->high.
 */
final class KernelStateStart {
    private KernelStateStart() {
    }

    static Simulator at(Path bundle, String time) throws Exception {
        PageOwners[] owners = new PageOwners[1];
        ReplayTo to = new ReplayTo(TraceInput.of(bundle.toString()), null, Instant.parse(time));
        to.follow((replay, start, from, upTo) -> {
            owners[0] = new PageOwners(start.model(), from, upTo);
            return new BlameTap(replay, owners[0]);
        });
        ReplayTo.Result r = to.run();
        BuddyModel m = r.model();
        KpageFlags kf = KpageFlags.loadIn(bundle.resolve("before"));
        BitSet before = kf == null ? new BitSet() : BitSet.valueOf(kf.lruSingleWords());
        BitSet lru = new BitSet();
        for (long pfn = m.basePfn(); pfn < m.endPfn(); pfn++) {
            if (m.inFreeOrPcpBlock(pfn)) {
                continue;
            }
            PageOwners o = owners[0];
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
        Simulator s = new Simulator(m, BundleConfig.read(bundle, "linux-6.1").config(), pcp, lru.toLongArray(),
                r.atNs());
        s.nowNs = r.atNs();
        return s;
    }
}
