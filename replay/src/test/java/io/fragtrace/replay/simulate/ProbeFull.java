package io.fragtrace.replay.simulate;
import io.fragtrace.replay.config.KernelConfig;
public final class ProbeFull {
    public static void main(String[] a) throws Exception {
        java.nio.file.Path bundle = java.nio.file.Path.of(a[0]);
        double[] times = java.util.Arrays.stream(a).skip(1).mapToDouble(Double::parseDouble).toArray();
        KernelConfig cfg = io.fragtrace.replay.config.BundleConfig.read(bundle, "linux-6.1").config();
        Simulator sim = Simulation.forBundle(bundle, cfg);
        sim.setPassCostSource(io.fragtrace.replay.compaction.PassCost.whenAsked(io.fragtrace.parser.TraceInput.of(bundle.toString())));
        int[] next = {0};
        new io.fragtrace.parser.PipelinedParser().parse(io.fragtrace.parser.TraceInput.of(bundle.toString()), e -> {
            while (next[0] < times.length && e.timestampNs() > times[next[0]] * 1e9) {
                System.out.printf("t=%.3f", times[next[0]]);
                for (int z = 0; z < sim.nz; z++) {
                    for (int c = 0; c < sim.tuned[z].length; c++) {
                        PcpTuned t = sim.tuned[z][c];
                        System.out.printf(" %s/cpu%d count %d high %d", sim.m.zone(z).name, c, sim.pcpCount[z][c], t.high);
                    }
                }
                System.out.printf(" belowHigh %s kswapd %b", java.util.Arrays.toString(sim.belowHigh), sim.kswapdAwake);
                for (int z = 0; z < sim.nz; z++) {
                    System.out.printf(" [%s wm %s boost %d reserve %s]", sim.m.zone(z).name, java.util.Arrays.toString(sim.wmark[z]), sim.boost[z], java.util.Arrays.toString(sim.zones[z].lowmemReserve));
                }
                for (int z = 0; z < sim.nz; z++) {
                    System.out.printf(" %s o9+ %d free %d", sim.m.zone(z).name, sim.m.nrFree(z, 9) + 2 * sim.m.nrFree(z, 10), sim.m.freePages(z));
                }
                System.out.println();
                next[0]++;
                if (Boolean.getBoolean("stats")) {
                    for (java.lang.reflect.Field f : SimStats.class.getFields()) {
                        try {
                            Object v = f.get(sim.stats());
                            if (v instanceof Long l && l != 0) System.out.print(" " + f.getName() + "=" + l);
                        } catch (Exception ex) { }
                    }
                    System.out.println();
                }
            }
            sim.onEvent(e);
        });
    }
}
