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
    /** Fields the line printed; values[] of the others is never read (see {@link #get(Field)}). */
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
    /**
     * {@link ChunkedParser}: the chunk's interned task names and gfp texts by the chunk's ids, and each one's id in
     * this event's interners once asked for (-1 before), else null.
     */
    private byte[][] commKeys;
    private int[] commMap;
    private int commLocal;
    private byte[][] gfpKeys;
    private int[] gfpMap;
    private int gfpLocal;

    private final ByteInterner comms;
    private final ByteInterner gfps;
    private long[] gfpBitsById = new long[64];
    private String[] gfpShownById = new String[64];
    /** How a raw hex gfp mask is named ({@link TraceParser#gfpLayout}); null: the kernel is not known. */
    Gfp.Layout gfpLayout;

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
        commKeys = null;
        gfpKeys = null;
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

    /**
     * For {@link ChunkedParser}: the event's task name and gfp text by the chunk's ids (commId/gfpId as restored),
     * interned here only when asked for, so ids come in the order of a one-thread parse; map caches each chunk id's.
     */
    void keys(byte[][] commKeys, int[] commMap, byte[][] gfpKeys, int[] gfpMap) {
        this.commKeys = commKeys;
        this.commMap = commMap;
        this.commLocal = commId;
        this.gfpKeys = gfpKeys;
        this.gfpMap = gfpMap;
        this.gfpLocal = gfpId;
        commId = -1;
        gfpId = -1;
    }

    void set(Field f, long v) {
        values[f.ordinal()] = v;
        present |= 1L << f.ordinal();
    }

    /** {@link #set(Field, long)} by the field's ordinal. */
    void set(int field, long v) {
        values[field] = v;
        present |= 1L << field;
    }

    /**
     * Fields the kernel's TP_printk computes, recomputed from the printed inputs ({@link EventTable.Derived}):
     * mm_page_alloc_extfrag's fragmenting whenever pageblock_order is printed.
     */
    void derive(EventTable.Spec spec) {
        if (spec.derived[Field.FRAGMENTING.ordinal()] == EventTable.Derived.FALLBACK_BELOW_PAGEBLOCK
                && has(Field.PAGEBLOCK_ORDER)) {
            set(Field.FRAGMENTING,
                    values[Field.FALLBACK_ORDER.ordinal()] < values[Field.PAGEBLOCK_ORDER.ordinal()] ? 1 : 0);
        }
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

    /**
     * The printed value, else the field's declared default for this event ({@link EventTable}), else 0: never a
     * value left from an earlier line. {@link #has} tells whether the line printed it.
     */
    public long get(Field f) {
        if (f == Field.GFP) {
            return gfpBits();
        }
        int i = f.ordinal();
        return (present & (1L << i)) != 0 ? values[i] : EventTable.spec(type).absent(i, values);
    }

    public long pfn() {
        return get(Field.PFN);
    }

    public int order() {
        return (int) get(Field.ORDER);
    }

    public int migratetype() {
        return (int) get(Field.MIGRATETYPE);
    }

    /** mm_page_alloc that returned no page ({@code page=(null)} / {@code pfn=0}). */
    public boolean isFailedAlloc() {
        return type == EventType.MM_PAGE_ALLOC && (pageNull || (has(Field.PFN) && pfn() == 0));
    }

    /** Interned task name id (see {@link #commName(int)}). */
    public int commId() {
        if (commId < 0) {
            if (commKeys == null) {
                commId = comms.intern(buf, commOff, commLen);
            } else {
                int g = commMap[commLocal];
                if (g < 0) {
                    byte[] k = commKeys[commLocal];
                    g = commMap[commLocal] = commLocal == ByteInterner.OTHER ? ByteInterner.OTHER : comms.intern(k, 0, k.length);
                }
                commId = g;
            }
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
            if (gfpKeys == null) {
                gfpId = gfps.intern(buf, gfpOff, gfpLen);
            } else {
                int g = gfpMap[gfpLocal];
                if (g < 0) {
                    byte[] k = gfpKeys[gfpLocal];
                    g = gfpMap[gfpLocal] = gfpLocal == ByteInterner.OTHER ? ByteInterner.OTHER : gfps.intern(k, 0, k.length);
                }
                gfpId = g;
            }
        }
        return gfpId;
    }

    /** The gfp flags as the kernel prints them: a raw hex mask (trace-cmd report -R) named ({@link Gfp#showRaw}). */
    public String gfpText() {
        int id = gfpId();
        return id < 0 ? "" : gfpName(id);
    }

    public String gfpName(int id) {
        if (id >= gfpShownById.length) {
            gfpShownById = java.util.Arrays.copyOf(gfpShownById, Math.max(id + 1, gfpShownById.length * 2));
        }
        String shown = gfpShownById[id];
        if (shown == null) {
            String text = gfps.string(id);
            shown = Gfp.isRaw(text) ? Gfp.showRaw(Gfp.parse(text), gfpLayout, text) : text;
            gfpShownById[id] = shown;
        }
        return shown;
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
            bits = Gfp.parse(gfps.string(id), gfpLayout == null ? Gfp.Layout.V6_3 : gfpLayout)
                    | (1L << 62); // bit 62 marks "computed"
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
