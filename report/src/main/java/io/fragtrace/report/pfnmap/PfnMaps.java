package io.fragtrace.report.pfnmap;

import io.fragtrace.replay.Instant;
import io.fragtrace.replay.model.BuddyModel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The pfn maps of a replay run: at the start state, at trace markers, and at the end. At most
 * {@link #MAX_MARKER_FRAMES} marker frames are kept, spread evenly over the markers: when one more would be kept, every
 * other one is dropped and from then on only every 2nd (4th, ...) marker is taken, so a run with many markers pays a
 * model walk per taken marker only (a few ms for a few GiB) and the PNGs are drawn at the end, for the kept frames.
 * Written as {@code pfnmap-NN.png} plus {@code pfnmaps.csv} (docs/replay-output.md), read by report.html.
 */
public final class PfnMaps {
    public static final int MAX_MARKER_FRAMES = 8;
    public static final String INDEX = "pfnmaps.csv";

    private final int regionShift;
    private final long startNs;
    private PfnFrame start;
    private PfnFrame end;
    private final List<PfnFrame> markers = new ArrayList<>();
    private long markersSeen;
    private long stride = 1;

    /**
     * @param startNs     the instant the start state reflects (markers before it are not pictured)
     * @param regionShift log2 of the memory-region size in pages (0: none drawn)
     */
    public PfnMaps(long startNs, int regionShift) {
        this.startNs = startNs;
        this.regionShift = regionShift;
    }

    public void start(BuddyModel m) {
        start = PfnFrame.capture(m, "start", startNs, regionShift);
    }

    /** At a trace marker (the replay's sampler hook): the model before the marker's instant's later events. */
    public void marker(BuddyModel m, long timeNs, String text) {
        if (timeNs < startNs) {
            return;
        }
        if (markersSeen++ % stride != 0) {
            return;
        }
        markers.add(PfnFrame.capture(m, text == null ? "" : text.strip(), timeNs, regionShift));
        if (markers.size() > MAX_MARKER_FRAMES) {
            List<PfnFrame> kept = new ArrayList<>();
            for (int i = 0; i < markers.size(); i += 2) {
                kept.add(markers.get(i));
            }
            markers.clear();
            markers.addAll(kept);
            stride *= 2;
        }
    }

    public void end(BuddyModel m, long timeNs) {
        end = PfnFrame.capture(m, "end", timeNs, regionShift);
    }

    /** start, the kept markers, end (those taken). */
    public List<PfnFrame> frames() {
        List<PfnFrame> all = new ArrayList<>();
        if (start != null) {
            all.add(start);
        }
        all.addAll(markers);
        if (end != null) {
            all.add(end);
        }
        return all;
    }

    /** Writes the PNGs and the index into a replay output folder. */
    public void write(Path dir, String input) throws IOException {
        StringBuilder csv = new StringBuilder("file,kind,time_s,label,mixed_pageblocks\n");
        List<PfnFrame> frames = frames();
        for (int i = 0; i < frames.size(); i++) {
            PfnFrame f = frames.get(i);
            String kind = f == start ? "start" : f == end ? "end" : "marker";
            String file = String.format(Locale.ROOT, "pfnmap-%02d.png", i);
            boolean known = f.timeNs != Long.MIN_VALUE;
            String when = known ? Instant.seconds(f.timeNs) + " s" : "before the first event";
            String title = "Physical memory of " + input + (kind.equals("marker") ? " at marker '" + f.label + "', "
                    + when : ", " + kind + " (" + when + ")");
            Files.write(dir.resolve(file), PfnMapImage.png(f, title));
            csv.append(file).append(',').append(kind).append(',').append(known ? Instant.seconds(f.timeNs) : "").append(',')
                    .append(quote(f.label)).append(',').append(f.mixed()).append('\n');
        }
        Files.writeString(dir.resolve(INDEX), csv.toString(), StandardCharsets.UTF_8);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }
}
