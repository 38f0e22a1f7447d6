package io.fragtrace.report.html;

import io.fragtrace.report.pfnmap.PfnMaps;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * report.html: "Physical memory", the pfn maps the run drew (pfnmaps.csv and its pfnmap-NN.png: the start state,
 * some trace markers, the end), each with its mixed-pageblock count.
 */
final class MemorySection extends Section {
    MemorySection(Section s) {
        super(s);
    }

    /** One row of pfnmaps.csv. */
    record Map(String file, String kind, String time, String label, long mixed) {
    }

    void write() {
        page.h2("physmem", "Physical memory");
        page.note("Every page of each zone in pfn order, a tile per pageblock (its pages row by row, framed in the "
                + "pageblock's migratetype colour), or a cell per pageblock on machines above 2 GiB: free pages by "
                + "order, pages on per-CPU lists, pages isolated by compaction, allocated pages by the migratetype "
                + "their traced allocation asked for (pale: allocated before the trace told it, drawn in the "
                + "pageblock's type). Magenta outlines mark mixed pageblocks, holding a page allocated for another "
                + "type than their own: where unmovable allocations sit and how they spread. Taken at the start, at "
                + "up to " + PfnMaps.MAX_MARKER_FRAMES + " trace markers (spread over them) and at the end.");
        List<Map> maps = read(f.dir().resolve(PfnMaps.INDEX));
        if (maps.isEmpty()) {
            page.empty("This replay folder has no pfn maps (pfnmaps.csv): it was written before they existed.");
            return;
        }
        for (Map m : maps) {
            Path png = f.dir().resolve(m.file());
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(png);
            } catch (IOException e) {
                page.empty(m.file() + " is missing from the replay folder.");
                continue;
            }
            String when = m.time().isEmpty() ? "before the first event" : m.time() + " s";
            String head = switch (m.kind()) {
                case "start" -> "Start state (" + when + ")";
                case "end" -> "End of the replay (" + when + ")";
                default -> "Marker '" + m.label() + "' (" + when + ")";
            };
            page.raw("<h3>" + Page.esc(head) + " <span class=\"note\">" + String.format(Locale.ROOT, "%,d", m.mixed())
                    + " mixed pageblock" + (m.mixed() == 1 ? "" : "s") + "</span></h3>\n");
            files.put(m.file(), bytes);
            page.figure(m.file(), bytes, "pfn map: " + head, String.format(Locale.ROOT, "%,d", m.mixed())
                    + " mixed pageblocks.", null);
        }
    }

    /** pfnmaps.csv: file,kind,time_s,label,mixed_pageblocks (label quoted). */
    static List<Map> read(Path csv) {
        List<Map> out = new ArrayList<>();
        if (!Files.isRegularFile(csv)) {
            return out;
        }
        try {
            List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] a = line.split(",", 4);
                if (a.length < 4) {
                    continue;
                }
                int q = a[3].lastIndexOf(',');
                String label = a[3].substring(0, q);
                if (label.length() >= 2 && label.startsWith("\"") && label.endsWith("\"")) {
                    label = label.substring(1, label.length() - 1).replace("\"\"", "\"");
                }
                out.add(new Map(a[0], a[1], a[2], label, Long.parseLong(a[3].substring(q + 1).trim())));
            }
        } catch (IOException | RuntimeException e) {
            return out;
        }
        return out;
    }
}
