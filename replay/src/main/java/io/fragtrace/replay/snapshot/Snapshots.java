package io.fragtrace.replay.snapshot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Shared helpers of the snapshot loaders. */
final class Snapshots {
    private Snapshots() {
    }

    static List<String> lines(Path file) throws SnapshotException {
        if (!Files.isRegularFile(file)) {
            throw new SnapshotException(file + ": no such file");
        }
        try {
            return Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new SnapshotException(file + ": cannot read (" + e.getMessage() + ")");
        }
    }

    /** "12.345678" seconds → ns, exactly as the trace parser scales timestamps. */
    static long secondsToNs(String s) {
        int dot = s.indexOf('.');
        if (dot < 0) {
            return Long.parseLong(s) * 1_000_000_000L;
        }
        long sec = Long.parseLong(s.substring(0, dot));
        String frac = s.substring(dot + 1);
        if (frac.length() > 9 || frac.isEmpty()) {
            throw new NumberFormatException("bad fraction: " + s);
        }
        long f = Long.parseLong(frac);
        for (int i = frac.length(); i < 9; i++) {
            f *= 10;
        }
        return sec * 1_000_000_000L + f;
    }

    /** "-1.000" / "0.962" → thousandths (-1000 / 962), the kernel's %d.%03d. */
    static int parseThousandths(String s) {
        boolean neg = s.startsWith("-");
        String t = neg ? s.substring(1) : s;
        int dot = t.indexOf('.');
        if (dot < 0 || t.length() - dot - 1 != 3) {
            throw new NumberFormatException("not %d.%03d: " + s);
        }
        int v = Integer.parseInt(t.substring(0, dot)) * 1000 + Integer.parseInt(t.substring(dot + 1));
        return neg ? -v : v;
    }

    /**
     * {@code line.trim().split("\\s+")} without a regular expression (a dump has a line per free block): the
     * runs of characters other than space, tab, newline, vertical tab, form feed and carriage return between the
     * trimmed ends; {@code [""]} for a blank line, as split gives.
     */
    static String[] fields(String line) {
        int from = 0;
        int to = line.length();
        while (from < to && line.charAt(from) <= ' ') {
            from++;
        }
        while (to > from && line.charAt(to - 1) <= ' ') {
            to--;
        }
        if (from == to) {
            return new String[] {""};
        }
        int n = 1;
        for (int i = from; i < to; i++) {
            if (space(line.charAt(i)) && !space(line.charAt(i - 1))) {
                n++;
            }
        }
        String[] out = new String[n];
        int k = 0;
        int start = from;
        for (int i = from; i <= to; i++) {
            if (i == to || space(line.charAt(i))) {
                if (start < i) {
                    out[k++] = line.substring(start, i);
                }
                start = i + 1;
            }
        }
        return out;
    }

    /** A character of the regular expression class {@code \s}. */
    private static boolean space(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }
}
