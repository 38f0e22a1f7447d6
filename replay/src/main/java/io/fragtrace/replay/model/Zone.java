package io.fragtrace.replay.model;

/** A zone of the model: its pfn span and what zoneinfo says about it. Mutable only while the model is built. */
public final class Zone {
    public final int index;
    public final int nid;
    public final String name;
    /** zone_start_pfn. */
    public final long start;
    /** zone_end_pfn (exclusive) = start + spanned. */
    public final long end;
    public long present;
    public long managed;
    public long wmarkMin;
    public long wmarkLow;
    public long wmarkHigh;
    public long boost;
    public long[] lowmemReserve = new long[0];

    public Zone(int index, int nid, String name, long start, long spanned) {
        this.index = index;
        this.nid = nid;
        this.name = name;
        this.start = start;
        this.end = start + spanned;
    }

    /** zone_spans_pfn(). */
    public boolean spans(long pfn) {
        return pfn >= start && pfn < end;
    }

    public long spanned() {
        return end - start;
    }

    @Override
    public String toString() {
        return "node " + nid + " zone " + name + " [" + start + ", " + end + ")";
    }
}
