package io.fragtrace.parser;

/**
 * The packed form of one {@link ParsedEvent} as primitives (used by {@link EventLog} and {@link EventRing}): a header
 * word (type, cpu, flags, pid), time, line, presence mask, interned comm/gfp ids, tgid and a text slot, then the
 * present field values. At most {@link #MAX_LONGS} longs.
 */
final class PackedEvent {
    static final int MAX_LONGS = 6 + Field.COUNT;

    private PackedEvent() {
    }

    /** The irq-flags context characters in 3 bits (0: no flags column; 7: any other character). */
    private static final byte[] CONTEXTS = {0, '.', 's', 'h', 'H', 'z', 'Z', '?'};

    private static int contextCode(byte c) {
        for (int i = 0; i < CONTEXTS.length - 1; i++) {
            if (CONTEXTS[i] == c) {
                return i;
            }
        }
        return CONTEXTS.length - 1;
    }

    /** Writes e at d[i]; textSlot is where the caller keeps a marker's text (-1: none). Returns the next index. */
    static int write(ParsedEvent e, long[] d, int i, int textSlot) {
        d[i++] = (long) e.type.ordinal() | ((long) (e.cpu + 1) & 0xffff) << 8 | (e.pageNull ? 1L << 24 : 0)
                | (e.hasTimestamp ? 1L << 25 : 0) | (long) contextCode(e.irqContext) << 26
                | (long) Math.min(7, e.preemptDepth) << 29 | ((long) e.pid & 0xffffffffL) << 32;
        d[i++] = e.timestampNs;
        d[i++] = e.line;
        d[i++] = e.present;
        d[i++] = ((long) e.commId() << 32) | (e.gfpId() & 0xffffffffL);
        d[i++] = ((long) e.tgid << 32) | (textSlot & 0xffffffffL);
        for (long bits = e.present; bits != 0; bits &= bits - 1) {
            d[i++] = e.values[Long.numberOfTrailingZeros(bits)];
        }
        return i;
    }

    /** The text slot written with the event at d[i]. */
    static int textSlot(long[] d, int i) {
        return (int) d[i + 5];
    }

    /** Restores the event at d[i] into ev (text: the marker's bytes, or null). Returns the next index. */
    static int read(long[] d, int i, ParsedEvent ev, byte[] text) {
        return read(d, i, ev, text, 0, text == null ? 0 : text.length);
    }

    /** As {@link #read(long[], int, ParsedEvent, byte[])} with the body text at text[off, off+len). */
    static int read(long[] d, int i, ParsedEvent ev, byte[] text, int off, int len) {
        long h = d[i++];
        ev.reset(null);
        ev.type = EventType.byOrdinal((int) (h & 0xff));
        ev.cpu = (int) ((h >>> 8) & 0xffff) - 1;
        ev.pageNull = (h & (1L << 24)) != 0;
        ev.hasTimestamp = (h & (1L << 25)) != 0;
        ev.irqContext = CONTEXTS[(int) ((h >>> 26) & 7)];
        ev.preemptDepth = (byte) ((h >>> 29) & 7);
        ev.pid = (int) (h >>> 32);
        ev.timestampNs = d[i++];
        ev.line = d[i++];
        long present = d[i++];
        ev.present = present;
        long ids = d[i++];
        long t = d[i++];
        ev.tgid = (int) (t >>> 32);
        ev.restore((int) (ids >> 32), (int) ids, text, off, len);
        for (long bits = present; bits != 0; bits &= bits - 1) {
            ev.values[Long.numberOfTrailingZeros(bits)] = d[i++];
        }
        return i;
    }
}
