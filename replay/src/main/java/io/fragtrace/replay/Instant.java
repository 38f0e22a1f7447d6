package io.fragtrace.replay;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * An instant of a trace as a user names it: seconds on the trace clock ({@code 28.50699}), or a
 * {@code tracing_mark_write} marker ({@code "phase round 3"}), resolved while the trace is read.
 *
 * @param ns     the instant in nanoseconds, for a time (unused for a marker)
 * @param marker the marker's name, or null for a time
 */
public record Instant(long ns, String marker) {
    /** The end of the trace: every event. */
    public static final Instant END = new Instant(Long.MAX_VALUE, null);

    /** A time on the trace clock. */
    public static Instant ofNs(long ns) {
        return new Instant(ns, null);
    }

    /**
     * "12.5" (seconds, as the trace prints them; exact decimal, no binary rounding) or a marker name: anything that
     * is not a plain non-negative decimal number.
     */
    public static Instant parse(String s) {
        String t = s == null ? "" : s.strip();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("--time needs seconds on the trace clock (e.g. 28.5) or a marker name");
        }
        if (t.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.') && t.chars().filter(c -> c == '.').count() <= 1
                && t.chars().anyMatch(Character::isDigit)) {
            BigDecimal secs = new BigDecimal(t);
            if (secs.compareTo(BigDecimal.valueOf(Long.MAX_VALUE / 1_000_000_000L)) > 0) {
                throw new IllegalArgumentException("--time " + t + ": too large for the trace clock");
            }
            return ofNs(secs.movePointRight(9).setScale(0, RoundingMode.HALF_UP).longValueExact());
        }
        return new Instant(Long.MIN_VALUE, t);
    }

    public boolean isEnd() {
        return marker == null && ns == Long.MAX_VALUE;
    }

    public boolean isMarker() {
        return marker != null;
    }

    /**
     * Whether a marker's text names this instant: the same text, or the text ending with the name after a space or
     * colon ({@code "round 3"} names {@code "capture: phase round 3"}, not {@code "capture: phase round 30"}).
     */
    public boolean matches(String markerText) {
        if (marker == null || markerText == null) {
            return false;
        }
        String m = markerText.strip();
        if (m.equals(marker)) {
            return true;
        }
        if (!m.endsWith(marker) || m.length() == marker.length()) {
            return false;
        }
        char before = m.charAt(m.length() - marker.length() - 1);
        return before == ' ' || before == ':';
    }

    /** Seconds as the trace prints them (6 decimals). */
    public static String seconds(long ns) {
        return String.format(java.util.Locale.ROOT, "%d.%06d", ns / 1_000_000_000L, (ns % 1_000_000_000L) / 1000);
    }

    @Override
    public String toString() {
        return marker != null ? "marker '" + marker + "'" : isEnd() ? "end of trace" : seconds(ns) + " s";
    }
}
