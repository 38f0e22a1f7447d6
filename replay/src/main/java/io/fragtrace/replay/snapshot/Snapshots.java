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
}
