package io.fragtrace.report.blame;

import io.fragtrace.replay.blame.BlameResult;
import io.fragtrace.replay.blame.BlameResult.Allocation;
import io.fragtrace.replay.blame.BlameResult.Culprit;
import io.fragtrace.replay.blame.BlameResult.RangeClass;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code fragtrace blame}'s text: ranges by class per zone, the top culprits, and the first pinned ranges. */
public final class BlameText {
    private BlameText() {
    }

    public static String render(BlameResult r, String input, int top) {
        StringBuilder sb = new StringBuilder();
        int size = 1 << r.order();
        sb.append(String.format(Locale.ROOT, "Who blocks order-%d (%d pages, %s) in %s, %s", r.order(), size,
                kib(size), input, r.at()));
        if (r.failures().isEmpty() && !r.at().startsWith("failed")) {
            sb.append(String.format(Locale.ROOT, " (%.6f s)", r.timeNs() / 1e9));
        } else {
            sb.append(String.format(Locale.ROOT, ": %d failure(s) analysed; range counts are summed over them",
                    r.instants()));
        }
        sb.append("\n\nAligned order-").append(r.order()).append(" ranges per zone, and why each is not one free block:\n");
        List<String[]> rows = new ArrayList<>();
        List<String> head = new ArrayList<>(List.of("zone", "ranges"));
        for (RangeClass c : RangeClass.values()) {
            head.add(c.label);
        }
        rows.add(head.toArray(new String[0]));
        for (BlameResult.ZoneCounts z : r.zones()) {
            List<String> row = new ArrayList<>(List.of(z.zone(), num(z.ranges())));
            for (RangeClass c : RangeClass.values()) {
                row.add(num(z.byClass()[c.ordinal()]));
            }
            rows.add(row.toArray(new String[0]));
        }
        table(sb, rows, false);
        sb.append('\n');
        for (RangeClass c : RangeClass.values()) {
            sb.append(String.format(Locale.ROOT, "  %-13s %s%n", c.label + ":", c.meaning));
        }
        if (r.instants() == 0) {
            sb.append("\nNo failed order-").append(r.order()).append(" allocation in the trace.\n");
            return sb.toString();
        }
        culprits(sb, "tasks (comm-pid)", r.tasks(), top);
        culprits(sb, "gfp flags", r.gfps(), top);
        culprits(sb, "allocation migratetypes", r.mts(), top);
        sb.append("\nranges: ranges the culprit blocks (a range blocked by several counts for each); sole: it alone"
                + " blocks them;\npinned: its unmovable/reclaimable pages pin the range; movable: its movable pages"
                + " fill a range\ncompaction could have freed; other: unknown mobility.\n");
        pinned(sb, r, top);
        if (!r.failures().isEmpty()) {
            sb.append("\nFailed order-").append(r.order()).append(" allocations analysed (first ").append(
                    Math.min(top, r.failures().size())).append("):\n");
            for (int i = 0; i < Math.min(top, r.failures().size()); i++) {
                BlameResult.Failure f = r.failures().get(i);
                sb.append(String.format(Locale.ROOT, "  %.6f s line %d %s %s: %d free, %d pinned, %d movable only%n",
                        f.timeNs() / 1e9, f.line(), f.task(), f.gfp(), f.byClass()[RangeClass.FREE.ordinal()],
                        f.byClass()[RangeClass.PINNED.ordinal()], f.byClass()[RangeClass.MOVABLE.ordinal()]));
            }
        }
        return sb.toString();
    }

    private static void culprits(StringBuilder sb, String what, List<Culprit> cs, int top) {
        sb.append("\nTop ").append(what).append(" by ranges blocked (").append(cs.size()).append(" in all):\n");
        if (cs.isEmpty()) {
            sb.append("  none: no range is blocked by an allocated page\n");
            return;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {what.startsWith("tasks") ? "task" : what.startsWith("gfp") ? "gfp flags"
                : "migratetype", "ranges", "sole", "pinned", "movable", "other", "pages", "example (lowest pfn)"});
        for (int i = 0; i < Math.min(top, cs.size()); i++) {
            Culprit c = cs.get(i);
            rows.add(new String[] {c.name(), num(c.ranges()), num(c.sole()), num(c.pinned()), num(c.movable()),
                    num(c.unknown()), num(c.pages()), c.examples().isEmpty() ? "" : example(c.examples().get(0))});
        }
        table(sb, rows, true);
    }

    /** The first pinned ranges with the unmovable allocations standing in them. */
    private static void pinned(StringBuilder sb, BlameResult r, int top) {
        List<BlameResult.Range> pinned = r.ranges().stream().filter(g -> g.cls() == RangeClass.PINNED).toList();
        if (pinned.isEmpty()) {
            return;
        }
        sb.append("\nPinned ranges (first ").append(Math.min(top, pinned.size())).append(" of ").append(pinned.size())
                .append("; --json lists all), with the unmovable/reclaimable allocations in them:\n");
        for (int i = 0; i < Math.min(top, pinned.size()); i++) {
            BlameResult.Range g = pinned.get(i);
            sb.append(String.format(Locale.ROOT, "  %s 0x%x-0x%x: %d unmovable, %d movable, %d free, %d pcp pages%n",
                    g.zone(), g.pfn(), g.pfn() + (1L << r.order()) - 1, g.unmovable(), g.movable(), g.free(), g.pcp()));
            int shown = 0;
            // traced allocations first: they name a task; runs of pages from before the trace follow
            List<Allocation> traced = new ArrayList<>(g.blockers().stream().filter(Allocation::traced).toList());
            g.blockers().stream().filter(a -> !a.traced()).forEach(traced::add);
            for (Allocation a : traced) {
                if (shown++ == 4) {
                    sb.append(String.format(Locale.ROOT, "      ... %d more%n",
                            g.blockers().size() - 4 + g.moreBlockers()));
                    break;
                }
                sb.append("      ").append(a.traced() ? a.task() + "  " + a.gfp() + "  " : "").append(example(a))
                        .append('\n');
            }
        }
    }

    /** pfn, size and when: "pfn 0x1a2 order 0, 12.949635 s line 7". */
    static String example(Allocation a) {
        if (!a.traced()) {
            return String.format(Locale.ROOT, "pfn 0x%x, %d page%s %s", a.pfn(), a.pages(), a.pages() == 1 ? "" : "s",
                    a.migratetype());
        }
        return String.format(Locale.ROOT, "pfn 0x%x order %d, %.6f s line %d", a.pfn(), a.order(), a.timeNs() / 1e9,
                a.line());
    }

    static String num(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    static String kib(long pages) {
        long kb = pages * 4;
        return kb >= 1024 ? (kb / 1024) + " MiB" : kb + " KiB";
    }

    /** First column left-aligned, the others right-aligned, except a last text column (lastText). */
    static void table(StringBuilder sb, List<String[]> rows, boolean lastText) {
        int n = rows.get(0).length;
        int[] w = new int[n];
        for (String[] r : rows) {
            for (int i = 0; i < n; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder l = new StringBuilder("  ");
            for (int i = 0; i < n; i++) {
                String pad = " ".repeat(w[i] - r[i].length());
                boolean left = i == 0 || (lastText && i == n - 1);
                l.append(i == 0 ? "" : "  ").append(left ? r[i] + pad : pad + r[i]);
            }
            sb.append(l.toString().stripTrailing()).append('\n');
        }
    }
}
