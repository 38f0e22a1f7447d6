package io.fragtrace.report.html;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.awt.Color;
import java.util.List;
import java.util.Locale;

/**
 * A heat map's colour scale, declared once: the interactive chart colours cells with it and the page draws its
 * labelled legend from it. {@code stops} interpolate linearly; a {@code special} value (the fragmentation index's −1)
 * has its own colour and label, outside the gradient.
 *
 * @param label  what the colour means, shown next to the legend
 * @param stops  value → colour, ascending
 * @param ticks  values labelled under the gradient, with their text
 * @param special values with their own colour: value, colour, label
 * @param log    values are log10(1 + x); the readout shows x, in {@code unit}
 */
record ColourScale(String label, List<Stop> stops, List<Stop> ticks, List<Stop> special, boolean log, String unit) {
    /** A value with a colour (stops, special) or a text (ticks). */
    record Stop(double value, Color colour, String text) {
    }

    static final Color FREE_BLOCK = new Color(0x74, 0xc4, 0x76);

    /** The fragmentation index: −1 green (a free block of the order exists), 0 → 1 pale yellow → dark red. */
    static ColourScale fragIndex() {
        return new ColourScale("fragmentation index (0: failure for lack of memory, 1: failure for fragmentation)",
                List.of(new Stop(0, new Color(0xff, 0xf7, 0xbc), null), new Stop(0.5, new Color(0xfe, 0x99, 0x29), null),
                        new Stop(1, new Color(0x8c, 0x2d, 0x04), null)),
                List.of(new Stop(0, null, "0"), new Stop(0.5, null, "0.5"), new Stop(1, null, "1")),
                List.of(new Stop(-1, FREE_BLOCK, "−1: a free block of this order exists")), false, "");
    }

    /** buddyinfo: log10(1 + mean free blocks), white → dark blue, ticks at 0, 1, 10, 100, … blocks. */
    static ColourScale freeBlocks(double maxLog) {
        double top = Math.max(1, Math.ceil(maxLog));
        List<Stop> ticks = new java.util.ArrayList<>();
        for (int k = 0; k <= top; k++) {
            ticks.add(new Stop(k, null, k == 0 ? "0" : String.format(Locale.ROOT, "%,d", (long) Math.pow(10, k) - 1)));
        }
        return new ColourScale("mean free blocks of the order in the time bin (log scale: colour = log10(1 + blocks))",
                List.of(new Stop(0, new Color(0xf7, 0xfb, 0xff), null), new Stop(top / 2, new Color(0x6b, 0xae, 0xd6), null),
                        new Stop(top, new Color(0x08, 0x30, 0x6b), null)), ticks, List.of(), true, "blocks");
    }

    double min() {
        return stops.get(0).value();
    }

    double max() {
        return stops.get(stops.size() - 1).value();
    }

    ObjectNode json(ObjectMapper m) {
        ObjectNode o = m.createObjectNode();
        ArrayNode st = o.putArray("stops");
        for (Stop s : stops) {
            st.addArray().add(s.value()).add(Interactive.hex(s.colour()));
        }
        ArrayNode sp = o.putArray("special");
        for (Stop s : special) {
            sp.addArray().add(s.value()).add(Interactive.hex(s.colour())).add(s.text());
        }
        o.put("log", log);
        o.put("unit", unit);
        return o;
    }

    /** The legend: label, gradient with labelled ticks, and a swatch per special value. */
    String legendHtml() {
        StringBuilder g = new StringBuilder();
        for (Stop s : stops) {
            g.append(g.length() == 0 ? "" : ",").append(Interactive.hex(s.colour())).append(' ')
                    .append(String.format(Locale.ROOT, "%.1f%%", 100 * (s.value() - min()) / (max() - min())));
        }
        StringBuilder h = new StringBuilder("<div class=\"scale\"><span class=\"scale-label\">colour: ")
                .append(Page.esc(label)).append("</span> <span class=\"grad\"><span class=\"bar\" style=\"background:"
                        + "linear-gradient(to right,").append(g).append(")\"></span><span class=\"ticks\">");
        for (Stop t : ticks) {
            h.append("<span style=\"left:").append(String.format(Locale.ROOT, "%.1f%%",
                    100 * (t.value() - min()) / (max() - min()))).append("\">").append(Page.esc(t.text())).append("</span>");
        }
        h.append("</span></span>");
        for (Stop s : special) {
            h.append(" <span class=\"swatch\" style=\"background:").append(Interactive.hex(s.colour()))
                    .append("\"></span> ").append(Page.esc(s.text()));
        }
        return h.append(" <span class=\"swatch\" style=\"background:#fff\"></span> no sample</div>\n").toString();
    }
}
