package io.fragtrace.report.stats;

import java.util.ArrayList;
import java.util.List;

/** A column-aligned text table: first column left-aligned, the others (numbers) right-aligned. */
final class TextTable {
    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();
    private final boolean[] leftAligned;

    TextTable(String... header) {
        this.header = header;
        this.leftAligned = new boolean[header.length];
        leftAligned[0] = true;
    }

    TextTable left(int column) {
        leftAligned[column] = true;
        return this;
    }

    TextTable right(int column) {
        leftAligned[column] = false;
        return this;
    }

    TextTable row(Object... cells) {
        String[] r = new String[header.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = i < cells.length && cells[i] != null ? String.valueOf(cells[i]) : "";
        }
        rows.add(r);
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    void render(StringBuilder out, String indent) {
        int[] w = new int[header.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = header[i].length();
            for (String[] r : rows) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        line(out, indent, header, w);
        for (String[] r : rows) {
            line(out, indent, r, w);
        }
    }

    private void line(StringBuilder out, String indent, String[] cells, int[] w) {
        StringBuilder l = new StringBuilder(indent);
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                l.append("  ");
            }
            String pad = " ".repeat(w[i] - cells[i].length());
            if (leftAligned[i]) {
                l.append(cells[i]).append(pad);
            } else {
                l.append(pad).append(cells[i]);
            }
        }
        int end = l.length();
        while (end > 0 && l.charAt(end - 1) == ' ') {
            end--;
        }
        out.append(l, 0, end).append('\n');
    }
}
