package io.fragtrace.parser;

/**
 * A bounded window of parsed events kept as packed primitives, in arrival order, from which any event can be
 * re-emitted (and so taken out of order) through a reused flyweight. For a stage that must look ahead in the trace,
 * such as recovering the order in which CPUs took a lock: memory is fixed by the capacity, never by the trace.
 */
public final class EventRing {
    private final int capacity;
    private final long[] data;
    /** Each slot's body text (what follows "event: "), truncated to TEXT_BYTES: for messages and markers. */
    private static final int TEXT_BYTES = 192;
    private final byte[] texts;
    private final int[] textLen;
    private final boolean[] gone;
    private final int[] cpus;
    private final long[] times;
    private int head;
    private int count;
    /** Events that have left the window through its head: the k-th event is number headSeq + k overall. */
    private long headSeq;
    private ParsedEvent view;
    /** The slot decoded in view, or -1. */
    private int viewSlot = -1;
    private ParsedEvent emit;
    private final boolean keepText;

    /** A ring that keeps the body text of markers only (what a replay reads). */
    public EventRing(int capacity) {
        this(capacity, false);
    }

    /** keepText: keep every event's body text, for consumers that print events (truncated to 192 bytes). */
    public EventRing(int capacity, boolean keepText) {
        this.keepText = keepText;
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity " + capacity);
        }
        this.capacity = capacity;
        this.data = new long[capacity * PackedEvent.MAX_LONGS];
        this.texts = new byte[capacity * TEXT_BYTES];
        this.textLen = new int[capacity];
        this.gone = new boolean[capacity];
        this.cpus = new int[capacity];
        this.times = new long[capacity];
    }

    /** Slots in use, events taken out of order included until the head passes them. */
    public int size() {
        return count;
    }

    /** Number of the oldest event in the window, counted from the first event added. */
    public long headSeq() {
        return headSeq;
    }

    public boolean isFull() {
        return count == capacity;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    private int slot(int k) {
        int s = head + k;
        return s >= capacity ? s - capacity : s;
    }

    /** Appends a copy of e (the ring must not be full). */
    public void add(ParsedEvent e) {
        if (count == capacity) {
            throw new IllegalStateException("ring full");
        }
        if (view == null) {
            view = new ParsedEvent(e.comms(), e.gfps());
            emit = new ParsedEvent(e.comms(), e.gfps());
        }
        int s = slot(count++);
        int len = e.buf == null || !(keepText || e.type == EventType.MARKER) ? 0 : Math.min(e.bodyLen, TEXT_BYTES);
        if (len > 0) {
            System.arraycopy(e.buf, e.bodyOff, texts, s * TEXT_BYTES, len);
        }
        textLen[s] = len;
        PackedEvent.write(e, data, s * PackedEvent.MAX_LONGS, s);
        gone[s] = false;
        cpus[s] = e.cpu;
        times[s] = e.timestampNs;
    }

    /**
     * Moves a window of one event to the first slot, so that a consumer that keeps the window short writes and reads
     * the same few slots (in cache) instead of walking the whole ring.
     */
    public void rebase() {
        if (count != 1 || head == 0) {
            return;
        }
        int w = PackedEvent.MAX_LONGS;
        System.arraycopy(data, head * w, data, 0, w);
        if (textLen[head] > 0) {
            System.arraycopy(texts, head * TEXT_BYTES, texts, 0, textLen[head]);
        }
        textLen[0] = textLen[head];
        data[5] = (data[5] & 0xffffffff00000000L); // the text slot written with the event: now 0
        gone[0] = gone[head];
        cpus[0] = cpus[head];
        times[0] = times[head];
        head = 0;
        viewSlot = -1;
    }

    /** Whether the k-th event (0 = oldest) was already taken out of order. */
    public boolean taken(int k) {
        return gone[slot(k)];
    }

    public int cpu(int k) {
        return cpus[slot(k)];
    }

    public long timestampNs(int k) {
        return times[slot(k)];
    }

    /** The k-th event, decoded into a shared view that the next call to peek overwrites. */
    public ParsedEvent peek(int k) {
        int s = slot(k);
        if (s != viewSlot) {
            PackedEvent.read(data, s * PackedEvent.MAX_LONGS, view, texts, s * TEXT_BYTES, textLen[s]);
            viewSlot = s;
        }
        return view;
    }

    /** Emits the k-th event to v and takes it out of the window (the oldest slots free as the head passes). */
    public void emit(int k, TraceVisitor v) {
        int s = slot(k);
        ParsedEvent ev = emit;
        if (s == viewSlot) {
            ev = view; // decoded already by peek
        } else {
            PackedEvent.read(data, s * PackedEvent.MAX_LONGS, ev, texts, s * TEXT_BYTES, textLen[s]);
        }
        viewSlot = -1;
        gone[s] = true;
        v.onEvent(ev);
        while (count > 0 && gone[head]) {
            head = head + 1 == capacity ? 0 : head + 1;
            count--;
            headSeq++;
        }
    }
}
