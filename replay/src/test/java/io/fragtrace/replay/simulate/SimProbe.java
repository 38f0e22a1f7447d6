package io.fragtrace.replay.simulate;

import io.fragtrace.parser.EventLog;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.replay.compaction.CompactionContext;
import io.fragtrace.replay.compaction.CompactionTracker;
import io.fragtrace.replay.config.Configs;
import io.fragtrace.replay.config.KernelConfig;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/** Manual probe: figures of simulate mode on the sample captures (not a test; run with -Dtest=SimProbe). */
public final class SimProbe {
    public static void main(String[] args) throws Exception {
        for (String b : args.length > 1 ? Arrays.copyOfRange(args, 1, args.length)
                : new String[] {"fragment-thp-256M", "fragment-thp-256M-k6.12", "mixed-churn-512M"}) {
            Path bundle = Path.of(args.length > 0 ? args[0] : "sample-traces").resolve(b);
            EventLog log = EventLog.record(TraceInput.of(bundle.toString()));
            CompactionTracker t = new CompactionTracker();
            log.replay(t::onEvent);
            System.out.printf("%s observed: passes=%d direct=%d kcompactd=%d proactive=%d wakeup_kcompactd=%d kcompactd_wake=%d kswapd_wake=%d%n",
                    b, t.passes(), count(t, CompactionContext.DIRECT), count(t, CompactionContext.KCOMPACTD),
                    count(t, CompactionContext.PROACTIVE), t.wakeupKcompactd(), t.kcompactdWakes(), t.kswapdWakes());
            {
                var dump = io.fragtrace.replay.ModelLoader.loadDump(bundle.resolve("before"));
                var ks = io.fragtrace.replay.ModelLoader.semanticsFor(bundle, dump);
                var om = io.fragtrace.replay.ModelLoader.fromDump(dump, ks, null);
                long[] from = new long[om.zoneCount()];
                long[] to = new long[om.zoneCount()];
                for (int z = 0; z < om.zoneCount(); z++) {
                    from[z] = dump.zone(om.zone(z).name).lockNs;
                    to[z] = Long.MAX_VALUE;
                }
                var or = new io.fragtrace.replay.ObservedReplay(om, from, to);
                log.replay(or);
                System.out.println("  observed consistency " + or.consistency().asMap());
            }
            java.util.List<String> cfgs = new java.util.ArrayList<>(Configs.PRESETS);
            if (System.getProperty("extra") != null) {
                cfgs.addAll(java.util.List.of(System.getProperty("extra").split(",")));
            }
            for (String c : cfgs) {
                KernelConfig cfg = Configs.load(c);
                Simulator sim = Simulation.forBundle(bundle, cfg);
                long t0 = System.nanoTime();
                log.replay(sim);
                sim.finish();
                long dt = System.nanoTime() - t0;
                SimStats s = sim.stats();
                Map<String, long[]> after = Simulation.readBuddyinfo(bundle.resolve("after/buddyinfo"));
                StringBuilder d = new StringBuilder();
                for (int z = 0; z < sim.model().zoneCount(); z++) {
                    var dist = Simulation.distance(sim.model(), z, after.get(sim.model().zone(z).name));
                    d.append(dist.zone()).append(" blocks=").append(dist.blocks()).append(" pages=").append(dist.pages())
                            .append(" model=").append(Arrays.toString(dist.model())).append(" kernel=")
                            .append(Arrays.toString(dist.kernel())).append("; ");
                }
                long free = 0, pcp = 0;
                for (int z = 0; z < sim.model().zoneCount(); z++) {
                    free += sim.model().freePages(z);
                    pcp += sim.model().pcpPages(z);
                }
                System.out.printf("  free=%d pcp=%d orphans=%d allocated=%d released=%d kmigrated=%d%n", free, pcp,
                        sim.orphansPending(), sim.allocatedPages(), s.kernelReleasedFree, s.kernelMigrated);
                System.out.printf("  regions=%d free=%d hints=%d evac rej/att/ok=%d/%d/%d moved=%d%n", sim.regionCount(), sim.freeRegions(),
                        s.regionHints, s.evacuationsRejected, s.evacuationsAttempted, s.evacuationsSucceeded, s.regionPagesMoved);
                System.out.printf("  pagesAllocated=%d pagesFreed=%d migratedModel=%d%n", s.pagesAllocated, s.pagesFreed, s.migrated);
                System.out.printf("  %-10s %.0f ev/s passes=%d direct=%d kcd=%d pro=%d success=%d wakeupKcd=%d kcdWakes=%d proRuns=%d kswapd=%d stall=%d csucc=%d cfail=%d failed=%s traceFailed=%s standIn=%d unmatched=%d ofFailed=%d fallbacks=%d/%d migrated=%d%n    %s%n",
                        c, log.size() / (dt / 1e9), s.passes(), s.passes(CompactionContext.DIRECT), s.passes(CompactionContext.KCOMPACTD),
                        s.passes(CompactionContext.PROACTIVE), s.passesWith(io.fragtrace.parser.CompactStatus.SUCCESS),
                        s.wakeupKcompactd, s.kcompactdWakes, s.proactiveRuns, s.kswapdWakes, s.compactStall, s.compactSuccess, s.compactFail,
                        Arrays.toString(Arrays.copyOf(s.modelFailed, 11)), Arrays.toString(Arrays.copyOf(s.traceFailed, 11)),
                        s.reclaimStandIns, s.freesUnmatched, s.freesOfModelFailed, s.fallbacks, s.fallbacksChangedOwnership, s.migrated, d);
            }
        }
    }

    private static long count(CompactionTracker t, CompactionContext c) {
        long s = 0;
        for (var st : io.fragtrace.parser.CompactStatus.values()) {
            s += t.passes(c, st);
        }
        return s;
    }
}
