package io.fragtrace.parser;

import java.nio.charset.StandardCharsets;

/**
 * The event being parsed, as a reused flyweight: valid only inside {@link TraceVisitor#onEvent}. Numeric fields are
 * read with {@link #get(Field)}; text (task name, gfp string, marker text) is resolved only when asked for.
 * Call {@link #toRecord()} to keep an event beyond the callback.
 */
public final class ParsedEvent {
    EventType type;
    long line;
    long timestampNs;
    boolean hasTimestamp;
    int cpu;
    int pid;
    int tgid;
    final long[] values = new long[Field.COUNT];
    long present;
    boolean pageNull;
    /** The hardirq/softirq character of the irq-flags column ('.', 's', 'h', 'H', 'z', 'Z'), 0 when absent. */
    byte irqContext;
    /** The preempt-depth digit of the irq-flags column (0 for '.' or when absent). */
    byte preemptDepth;

    byte[] buf;
    int commOff;
    int commLen;
    int gfpOff;
    int gfpLen;
    int bodyOff;
    int bodyLen;
    private int commId = -1;
    private int gfpId = -1;

    private final ByteInterner comms;
    private final ByteInterner gfps;
    private long[] gfpBitsById = new long[64];

    ParsedEvent(ByteInterner comms, ByteInterner gfps) {
        this.comms = comms;
        this.gfps = gfps;
    }

    ByteInterner comms() {
        return comms;
    }

    ByteInterner gfps() {
        return gfps;
    }

    void reset(byte[] buf) {
        this.buf = buf;
        present = 0;
        pageNull = false;
        irqContext = 0;
        preemptDepth = 0;
        commId = -1;
        gfpId = -1;
        hasTimestamp = false;
        timestampNs = 0;
        cpu = -1;
        pid = -1;
        tgid = -1;
        commLen = 0;
        gfpLen = 0;
        bodyLen = 0;
    }

    /** For {@link EventLog}: the ids were interned when the event was first parsed. */
    void restore(int commId, int gfpId, byte[] text) {
        restore(commId, gfpId, text, 0, text == null ? 0 : text.length);
    }

    /** As {@link #restore(int, int, byte[])} with the body text at text[off, off+len). */
    void restore(int commId, int gfpId, byte[] text, int off, int len) {
        this.commId = commId;
        this.gfpId = gfpId;
        if (text != null) {
            this.buf = text;
            this.bodyOff = off;
            this.bodyLen = len;
        }
    }

    void set(Field f, long v) {
        values[f.ordinal()] = v;
        present |= 1L << f.ordinal();
    }

    public EventType type() {
        return type;
    }

    /** 1-based line number in the input. */
    public long line() {
        return line;
    }

    public boolean hasTimestamp() {
        return hasTimestamp;
    }

    /** Trace clock in ns (seconds.micros scaled), or raw ticks for counter clocks. */
    public long timestampNs() {
        return timestampNs;
    }

    /** CPU of the event, -1 when the line had none. */
    public int cpu() {
        return cpu;
    }

    public int pid() {
        return pid;
    }

    /** tgid column when the trace has one, else -1. */
    public int tgid() {
        return tgid;
    }

    /** Whether the line had an irq-flags column (raw ftrace, trace-cmd report). */
    public boolean hasIrqFlags() {
        return irqContext != 0;
    }

    /** The event fired in interrupt context (softirq, hardirq or NMI) by the irq-flags column. */
    public boolean inInterrupt() {
        return irqContext != 0 && irqContext != '.';
    }

    /**
     * preempt_count()'s depth when the event fired (irq-flags column): in an interrupt it includes the interrupted
     * context's, so a spinlock held there (pcp_spin_lock: 2) shows.
     */
    public int preemptDepth() {
        return preemptDepth;
    }

    public boolean has(Field f) {
        return (present & (1L << f.ordinal())) != 0;
    }

    public long get(Field f) {
        if (f == Field.GFP) {
            return gfpBits();
        }
        return values[f.ordinal()];
    }

    public long get(Field f, long absent) {
        return has(f) ? get(f) : absent;
    }

    public long pfn() {
        return values[Field.PFN.ordinal()];
    }

    public int order() {
        return (int) values[Field.ORDER.ordinal()];
    }

    public int migratetype() {
        return (int) values[Field.MIGRATETYPE.ordinal()];
    }

    /** mm_page_alloc that returned no page ({@code page=(null)} / {@code pfn=0}). */
    public boolean isFailedAlloc() {
        return type == EventType.MM_PAGE_ALLOC && (pageNull || (has(Field.PFN) && pfn() == 0));
    }

    /** Interned task name id (see {@link #commName(int)}). */
    public int commId() {
        if (commId < 0) {
            commId = comms.intern(buf, commOff, commLen);
        }
        return commId;
    }

    public String comm() {
        return comms.string(commId());
    }

    public String commName(int id) {
        return comms.string(id);
    }

    /** Interned gfp string id, -1 if the event has no gfp field. */
    public int gfpId() {
        if (!has(Field.GFP)) {
            return -1;
        }
        if (gfpId < 0) {
            gfpId = gfps.intern(buf, gfpOff, gfpLen);
        }
        return gfpId;
    }

    public String gfpText() {
        int id = gfpId();
        return id < 0 ? "" : gfps.string(id);
    }

    public String gfpName(int id) {
        return gfps.string(id);
    }

    /** {@link Gfp} bits, parsed once per distinct gfp string. */
    public long gfpBits() {
        int id = gfpId();
        if (id < 0) {
            return 0;
        }
        if (id >= gfpBitsById.length) {
            gfpBitsById = java.util.Arrays.copyOf(gfpBitsById, Math.max(id + 1, gfpBitsById.length * 2));
        }
        long bits = gfpBitsById[id];
        if (bits == 0) {
            bits = Gfp.parse(gfps.string(id)) | (1L << 62); // bit 62 marks "computed"
            gfpBitsById[id] = bits;
        }
        return bits & ~(1L << 62);
    }

    /** The text after {@code event: } (the marker text of a {@link EventType#MARKER}). Allocates. */
    public String text() {
        return new String(buf, bodyOff, bodyLen, StandardCharsets.UTF_8);
    }

    /** An immutable copy of this event. */
    public TraceEvent toRecord() {
        return TraceEvent.of(this);
    }

    @Override
    public String toString() {
        return "line " + line + ": " + type.kernelName() + " " + text();
    }
}
