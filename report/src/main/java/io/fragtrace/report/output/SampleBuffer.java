package io.fragtrace.report.output;

import io.fragtrace.replay.ObservedReplay;
import io.fragtrace.replay.metrics.RegionSampler;
import io.fragtrace.replay.metrics.ZoneSample;
import io.fragtrace.replay.metrics.ZoneSampler;
import io.fragtrace.replay.simulate.Simulator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Collects model samples with memory bounded whatever the trace length: interval samples start every
 * {@link #START_INTERVAL_NS} and, whenever {@link #MAX_INSTANTS} instants are held, every other one is dropped and
 * the interval doubles (so a run ends with between MAX/2 and MAX evenly spaced instants). With a fixed interval
 * from the user, instants are only thinned past {@link #HARD_CAP}. Marker samples are kept up to
 * {@link #MAX_MARKERS}. Samples before {@code startNs} (the start state's instant) are not taken.
 */
final class SampleBuffer implements ObservedReplay.Sampler, Simulator.Sampler {
    static final long START_INTERVAL_NS = 1_000_000L;
    static final int MAX_INSTANTS = 2000;
    static final int HARD_CAP = 1_000_000;
    static final int MAX_MARKERS = 100_000;

    /** One sample instant: every zone, and pages in use per memory region (null when regions are off). */
    record Instant(List<ZoneSample> zones, long[] regionsUsed) {
        long timeNs() {
            return zones.get(0).timeNs();
        }
    }

    private final long startNs;
    /** Also told of every marker in observed mode (the pfn maps); this buffer re-registers itself as the sampler. */
    private ObservedReplay.Sampler markerHook;
    private final RegionSampler regions;
    private final boolean adaptive;
    private long intervalNs;
    private List<Instant> instants = new ArrayList<>();
    private final List<Instant> markers = new ArrayList<>();
    private long markersDropped;

    SampleBuffer(long startNs, long fixedIntervalNs, RegionSampler regions) {
        this.startNs = startNs;
        this.regions = regions;
        this.adaptive = fixedIntervalNs <= 0;
        this.intervalNs = adaptive ? START_INTERVAL_NS : fixedIntervalNs;
    }

    long intervalNs() {
        return intervalNs;
    }

    long markersDropped() {
        return markersDropped;
    }

    /** Observed mode: the replay's model, regions from {@link RegionSampler}. */
    @Override
    public void sample(ObservedReplay replay, long timeNs, String marker) {
        if (marker != null && markerHook != null) {
            markerHook.sample(replay, timeNs, marker);
        }
        take(timeNs, marker, () -> instant(replay, timeNs, marker), iv -> replay.setSampler(this, iv));
    }

    /** Simulate mode: the simulator's model, free regions as the simulator's region allocator counts them. */
    @Override
    public void sample(Simulator sim, long timeNs, String marker) {
        take(timeNs, marker, () -> new Instant(withRegions(sim, ZoneSampler.sample(sim.model(), timeNs, marker,
                        sim.reporting(), sim.reserves())), null),
                iv -> sim.setSampler(this, iv));
    }

    /** Calls {@code hook} at each trace marker too (observed mode). */
    void markerHook(ObservedReplay.Sampler hook) {
        this.markerHook = hook;
    }

    private void take(long timeNs, String marker, java.util.function.Supplier<Instant> sample,
                      java.util.function.LongConsumer setInterval) {
        if (timeNs < startNs) {
            return;
        }
        if (marker != null) {
            if (markers.size() < MAX_MARKERS) {
                markers.add(sample.get());
            } else {
                markersDropped++;
            }
            return;
        }
        instants.add(sample.get());
        int cap = adaptive ? MAX_INSTANTS : HARD_CAP;
        if (instants.size() >= cap) {
            List<Instant> kept = new ArrayList<>(cap / 2 + 1);
            // keep the odd instants: the one just taken is odd (the cap is even), and the replay schedules the
            // next at its time + the doubled interval, which keeps the spacing even
            for (int i = 1; i < instants.size(); i += 2) {
                kept.add(instants.get(i));
            }
            instants = kept;
            intervalNs *= 2;
            setInterval.accept(intervalNs);
        }
    }

    /** Zone samples with the simulator's count of completely free regions. */
    static List<ZoneSample> withRegions(Simulator sim, List<ZoneSample> in) {
        List<ZoneSample> out = new ArrayList<>(in.size());
        for (int z = 0; z < in.size(); z++) {
            out.add(in.get(z).withFreeRegions(sim.freeRegions(z)));
        }
        return out;
    }

    private Instant instant(ObservedReplay replay, long timeNs, String marker) {
        List<ZoneSample> zones = ZoneSampler.sample(replay.model(), timeNs, marker, replay.reporting(),
                replay.reserves());
        if (regions == null) {
            return new Instant(zones, null);
        }
        long[] used = regions.used(replay.model());
        zones.replaceAll(z -> z.withFreeRegions(RegionSampler.freeRegions(regions, used, z.node())));
        return new Instant(zones, used);
    }

    /** All instants in time order (a marker sample after an interval sample of the same instant). */
    List<Instant> instants() {
        List<Instant> all = new ArrayList<>(instants);
        all.addAll(markers);
        all.sort(Comparator.comparingLong(Instant::timeNs).thenComparing(i -> i.zones().get(0).marker() != null));
        return all;
    }

    /** All zone samples in time order. */
    List<ZoneSample> samples() {
        List<ZoneSample> all = new ArrayList<>();
        instants().forEach(i -> all.addAll(i.zones()));
        return all;
    }
}
