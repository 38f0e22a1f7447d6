package io.fragtrace.replay;

import io.fragtrace.parser.ParseReport;
import io.fragtrace.parser.ParsedEvent;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.parser.TraceVisitor;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.snapshot.BuddyDump;
import io.fragtrace.replay.snapshot.Problems;
import io.fragtrace.replay.snapshot.SnapshotException;
import io.fragtrace.replay.snapshot.ZoneTable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * {@code replay}'s fidelity check on the replay's own model, with no second start state: the replay runs on to the
 * end of the trace, and each zone is compared with {@code after/buddydump.txt} ({@link Validation#compare}) when the
 * replay reaches that zone's after/ {@code L} instant. The events of the instant itself are in, as in
 * {@link Validation}'s window (from, L]. Sits between the lock-order stage and the replay: the stage emits in
 * timestamp order (it reorders only events of one instant), so the first event later than a zone's instant is where
 * the zone is in the state the dump shows. The comparison costs O(zone) once per zone, whatever the trace's length.
 */
public final class FidelityAtInstant implements TraceVisitor {
    private final TraceInput input;
    private final StartState start;
    private final BuddyModel model;
    private final TraceVisitor downstream;
    /** The kernel's printed indexes beside the dump (null when absent). */
    private final ZoneTable extfrag;
    private final ZoneTable unusable;
    /** Released once every zone is compared. */
    private BuddyDump after;
    private final Problems afterProblems;
    private final long[] toNs;
    /** Zone indexes in the order their instants come. */
    private final int[] byInstant;
    private int next;
    private final Validation.Result res = new Validation.Result();
    /** Each zone's comparison (null: not yet, or not in the dump), in zone order at the end. */
    private final Validation.ZoneResult[] zones;

    private FidelityAtInstant(TraceInput input, StartState start, BuddyDump after, ZoneTable extfrag,
                              ZoneTable unusable, long[] toNs, TraceVisitor downstream) {
        this.input = input;
        this.start = start;
        this.model = start.model();
        this.after = after;
        this.afterProblems = after.problems();
        this.extfrag = extfrag;
        this.unusable = unusable;
        this.toNs = toNs;
        this.downstream = downstream;
        this.byInstant = IntStream.range(0, toNs.length).boxed()
                .sorted(Comparator.comparingLong(z -> toNs[z])).mapToInt(Integer::intValue).toArray();
        this.zones = new Validation.ZoneResult[toNs.length];
    }

    /**
     * The check of the replay of {@code start.model()} against the input bundle's after/ dump; the events it gets
     * go on to {@code downstream} (the replay, or a visitor that feeds it). Loads after/ only.
     */
    public static FidelityAtInstant of(TraceInput input, StartState start, TraceVisitor downstream)
            throws SnapshotException {
        Path afterDir = afterDir(input);
        BuddyDump after = ModelLoader.loadDump(afterDir);
        return new FidelityAtInstant(input, start, after, Validation.index(afterDir, "extfrag_index"),
                Validation.index(afterDir, "unusable_index"), ModelLoader.lockInstants(start.model(), after, afterDir), downstream);
    }

    /** The bundle's after/ folder, or an error saying the comparison needs after/buddydump.txt. */
    static Path afterDir(TraceInput input) throws SnapshotException {
        Path bundle = input.bundle();
        Path afterDir = bundle == null ? null : bundle.resolve("after");
        if (afterDir == null || !Files.isRegularFile(afterDir.resolve("buddydump.txt"))) {
            throw new SnapshotException((bundle != null ? bundle.toString() : input.displayName()) + ": validation needs a bundle folder with "
                    + "after/buddydump.txt (the kernel's state to compare with)");
        }
        return afterDir;
    }

    @Override
    public void onEvent(ParsedEvent e) {
        long ts = e.timestampNs();
        while (next < byInstant.length && ts > toNs[byInstant[next]]) {
            compareNext();
        }
        downstream.onEvent(e);
    }

    /** Compares the next zone whose instant has come, as the model is now. */
    private void compareNext() {
        int z = byInstant[next++];
        int before = res.zones.size();
        Validation.compare(model, after, extfrag, unusable, z, res);
        if (res.zones.size() > before) {
            zones[z] = res.zones.get(before);
        }
        if (next == byInstant.length) {
            after = null;
        }
    }

    /**
     * After the last event (the lock-order stage finished): compares the zones whose instant the trace did not pass,
     * and returns the comparison. Its counts of events and consistency are not set: the windowed ones of
     * {@code validate} do not exist here, the replay's own are in its summary.
     */
    public Validation.Result finish(ParseReport pr) {
        while (next < byInstant.length) {
            compareNext();
        }
        res.zones.clear();
        Arrays.stream(zones).filter(z -> z != null).forEach(res.zones::add);
        res.bundle = input.bundle().toString();
        res.kernel = model.ks.name();
        res.startState = start.kind();
        res.parseProblems = pr == null ? 0 : pr.badLines();
        res.snapshotProblems = start.problems().size() + afterProblems.count();
        res.snapshotProblemExamples.addAll(start.problems());
        res.snapshotProblemExamples.addAll(afterProblems.examples());
        return res;
    }
}
