package io.fragtrace.replay;

import io.fragtrace.parser.TraceParser;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.snapshot.BuddyDump;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Replay throughput excluding parsing (run by hand: -Dtest=PerfProbe -Dperf=1): (parse+replay) - parse. */
class PerfProbe {
    @org.junit.jupiter.api.Test
    void perf() throws Exception {
        if (System.getProperty("perf") == null) {
            return;
        }
        Path b = Samples.bundle("mixed-churn-512M");
        byte[] text = new GZIPInputStream(Files.newInputStream(b.resolve("trace.txt.gz"))).readAllBytes();
        BuddyDump before = BuddyDump.load(b.resolve("before/buddydump.txt"));
        KernelSemantics ks = ModelLoader.semanticsFor(b, before);
        long[] count = new long[1];
        for (int round = 0; round < 6; round++) {
            long t0 = System.nanoTime();
            count[0] = 0;
            new TraceParser().parse(new ByteArrayInputStream(text), "t", e -> count[0]++);
            long t1 = System.nanoTime();
            BuddyModel m = ModelLoader.fromDump(before, ks, null);
            ObservedReplay r = new ObservedReplay(m);
            long t2 = System.nanoTime();
            new TraceParser().parse(new ByteArrayInputStream(text), "t", r);
            long t3 = System.nanoTime();
            double replayOnly = ((t3 - t2) - (t1 - t0)) / 1e9;
            System.out.printf("round %d: %d events parse %.3fs parse+replay %.3fs replay-only %.3fs = %.1f M events/s%n",
                    round, count[0], (t1 - t0) / 1e9, (t3 - t2) / 1e9, replayOnly, count[0] / replayOnly / 1e6);
        }
    }
}
