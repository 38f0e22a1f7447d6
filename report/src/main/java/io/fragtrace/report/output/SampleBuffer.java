package io.fragtrace.report.output;

import io.fragtrace.replay.ObservedReplay;
import io.fragtrace.replay.metrics.ZoneSample;
import io.fragtrace.replay.metrics.ZoneSampler;

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
final class SampleBuffer implements ObservedReplay.Sampler {
    static final long START_INTERVAL_NS = 1_000_000L;
    static final int MAX_INSTANTS = 2000;
    static final int HARD_CAP = 1_000_000;
    static final int MAX_MARKERS = 100_000;

    private final long startNs;
    private final boolean adaptive;
    private long intervalNs;
    private List<List<ZoneSample>> instants = new ArrayList<>();
    private final List<List<ZoneSample>> markers = new ArrayList<>();
    private long markersDropped;

    SampleBuffer(long startNs, long fixedIntervalNs) {
        this.startNs = startNs;
        this.adaptive = fixedIntervalNs <= 0;
        this.intervalNs = adaptive ? START_INTERVAL_NS : fixedIntervalNs;
    }

    long intervalNs() {
        return intervalNs;
    }

    long markersDropped() {
        return markersDropped;
    }

    @Override
    public void sample(ObservedReplay replay, long timeNs, String marker) {
        if (timeNs < startNs) {
            return;
        }
        if (marker != null) {
            if (markers.size() < MAX_MARKERS) {
                markers.add(ZoneSampler.sample(replay.model(), timeNs, marker));
            } else {
                markersDropped++;
            }
            return;
        }
        instants.add(ZoneSampler.sample(replay.model(), timeNs, null));
        int cap = adaptive ? MAX_INSTANTS : HARD_CAP;
        if (instants.size() >= cap) {
            List<List<ZoneSample>> kept = new ArrayList<>(cap / 2 + 1);
            // keep the odd instants: the one just taken is odd (the cap is even), and the replay schedules the
            // next at its time + the doubled interval, which keeps the spacing even
            for (int i = 1; i < instants.size(); i += 2) {
                kept.add(instants.get(i));
            }
            instants = kept;
            intervalNs *= 2;
            replay.setSampler(this, intervalNs);
        }
    }

    /** All samples in time order (a marker sample after an interval sample of the same instant). */
    List<ZoneSample> samples() {
        List<ZoneSample> all = new ArrayList<>();
        instants.forEach(all::addAll);
        markers.forEach(all::addAll);
        all.sort(Comparator.comparingLong(ZoneSample::timeNs).thenComparing(s -> s.marker() != null));
        return all;
    }
}
