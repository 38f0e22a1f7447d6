package io.fragtrace.bench;

import io.fragtrace.parser.EventLog;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.replay.ModelLoader;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.snapshot.BuddyDump;

import java.nio.file.Path;

/**
 * A sample bundle's trace held in memory (parsing excluded from the op) and its start dump, loaded once per trial;
 * {@link #fresh()} builds the start model again for each invocation.
 */
final class RecordedBundle {
    final EventLog log;
    private final BuddyDump before;
    private final KernelSemantics ks;

    /** A fresh start model and the instants its zones were snapshotted at (to: no end). */
    record Start(BuddyModel model, long[] from, long[] to) {
    }

    private RecordedBundle(EventLog log, BuddyDump before, KernelSemantics ks) {
        this.log = log;
        this.before = before;
        this.ks = ks;
    }

    /** Records the trace of a sample bundle ({@link BenchData#resolve}) and prints its size. */
    static RecordedBundle load(String trace) throws Exception {
        Path bundle = BenchData.resolve(trace);
        EventLog log = EventLog.record(TraceInput.of(bundle.toString()));
        BuddyDump before = ModelLoader.loadDump(bundle.resolve("before"));
        KernelSemantics ks = ModelLoader.semanticsFor(bundle, before);
        System.out.printf("%n[%s] %d events per op%n", trace, log.size());
        return new RecordedBundle(log, before, ks);
    }

    Start fresh() {
        BuddyModel model = ModelLoader.fromDump(before, ks, null);
        long[] from = new long[model.zoneCount()];
        long[] to = new long[model.zoneCount()];
        for (int z = 0; z < from.length; z++) {
            from[z] = before.zone(model.zone(z).name).lockNs;
            to[z] = Long.MAX_VALUE;
        }
        return new Start(model, from, to);
    }
}
