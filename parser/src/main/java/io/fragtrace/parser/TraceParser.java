package io.fragtrace.parser;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Streams a text trace into {@link ParsedEvent}s: raw ftrace ({@code trace}, {@code trace_pipe}; flags column of 4 or
 * 5 characters or none; optional tgid column), {@code trace-cmd report}, {@code perf script}, function_graph
 * comments, and prefix-less lines. Works on bytes in a fixed 1 MiB buffer: no regex, no String per line, no
 * allocation per event. Never throws on content; every line that cannot be read is counted with its reason.
 */
public final class TraceParser {
    /** Longest line kept; a longer one is skipped and reported. */
    static final int MAX_LINE = 1 << 20;
    /** With no trace line in this many leading bytes, the input is not a trace. */
    static final long NOT_A_TRACE_WINDOW = 4L << 20;
    private static final int EXAMPLE_TEXT = 200;

    private static final ByteKeyTable EVENTS = new ByteKeyTable(64);
    private static final ByteKeyTable MODES = new ByteKeyTable(16);
    private static final ByteKeyTable STATUSES = new ByteKeyTable(16);
    private static final ByteKeyTable ZONES = new ByteKeyTable(8);
    private static final ByteKeyTable REASONS = new ByteKeyTable(16);

    static {
        for (EventType t : EventType.values()) {
            for (String n : t.names()) {
                EVENTS.put(n, t.ordinal());
            }
        }
        vocabulary(MODES::put, STATUSES::put, ZONES::put, REASONS::put);
    }

    /**
     * The printed words of the symbolic fields, each with its enum ordinal: migrate modes, compaction statuses, zone
     * names, migrate reasons (shared by the text parser and the trace.dat reader).
     */
    static void vocabulary(java.util.function.ObjIntConsumer<String> modes, java.util.function.ObjIntConsumer<String> statuses,
                           java.util.function.ObjIntConsumer<String> zones, java.util.function.ObjIntConsumer<String> reasons) {
        for (MigrateMode m : MigrateMode.values()) {
            for (String s : m.spellings) {
                modes.accept(s, m.ordinal());
            }
        }
        for (CompactStatus c : CompactStatus.values()) {
            for (String s : c.spellings) {
                statuses.accept(s, c.ordinal());
            }
        }
        for (ZoneType z : ZoneType.values()) {
            zones.accept(z.name(), z.ordinal());
        }
        for (MigrateReason r : MigrateReason.values()) {
            for (String s : r.spellings) {
                reasons.accept(s, r.ordinal());
            }
        }
    }

    final ByteInterner comms = new ByteInterner(1 << 16);
    final ByteInterner gfps = new ByteInterner(1 << 16);
    private final ByteInterner unknownNames = new ByteInterner(4096);
    private long[] unknownCounts = new long[64];
    private final ParsedEvent ev = new ParsedEvent(comms, gfps);

    private byte[] lineBuf;
    private ParseReport report;
    private TraceVisitor visitor;
    private boolean sawTracerHeader;
    private boolean overlong;
    /**
     * An event is parsed and waits for the visitor: {@link #text} hands it over after the line, so the JIT compiles
     * the tokenizer (line, body) apart from the visitor's code; inlined into body, a visitor such as the stats
     * collector made body a 9 KB-of-bytecode compile that every deoptimization in either redid (1.4 to 2.7 s of C2
     * time each, five times in one run of stats on the 197 MB capture).
     */
    private boolean ready;
    private long lineNo;
    // result of parseNumber
    private long num;
    private int numEnd;

    /** The kernel's gfp layout, for naming raw hex masks and reading composite names ({@link Gfp#showRaw}); unset: not known. */
    public TraceParser gfpLayout(Gfp.Layout layout) {
        ev.gfpLayout = layout;
        return this;
    }

    /** Parses a whole input; the report says what was not an event. */
    public ParseReport parse(TraceInput input, TraceVisitor visitor) throws TraceInputException {
        if (ev.gfpLayout == null) {
            ev.gfpLayout = input.gfpLayout(); // flag names mean the bits of the bundle's kernel
        }
        ParseReport r;
        try (InputStream in = input.open()) {
            r = parse(in, input.displayName(), visitor, input);
        } catch (IOException e) {
            // close() failing after a full read loses nothing
            r = report;
        }
        TraceDatReader.failIfUnreadable(r, input.displayName());
        return r;
    }

    public ParseReport parse(InputStream in, String name, TraceVisitor visitor) {
        return parse(in, name, visitor, null);
    }

    private ParseReport parse(InputStream in, String name, TraceVisitor visitor, TraceInput source) {
        // binary formats by their magic: trace-cmd's trace.dat, perf record's perf.data (a pushback stream keeps a
        // truncated compressed text as readable as before: it never merges reads the way a buffered stream does)
        java.io.PushbackInputStream pin = new java.io.PushbackInputStream(in, 16);
        in = pin;
        try {
            byte[] magic = new byte[16];
            int n = pin.readNBytes(magic, 0, magic.length);
            pin.unread(magic, 0, n);
            if (TraceDatFile.isTraceDat(magic, n)) {
                return report = TraceDatReader.read(pin, name, visitor, source, this);
            }
            if (PerfDataReader.isPerfData(magic, n)) {
                return report = PerfDataReader.read(pin, name, visitor, source, this);
            }
        } catch (IOException e) {
            // unreadable start: the text path reports it
        }
        return text(in, name, visitor, source, true);
    }

    /**
     * For {@link ChunkedParser}: one chunk of whole lines of a plain text trace, line numbers counted from 1 within
     * it; only the first chunk may end the parse early as "not a trace".
     */
    ParseReport parseChunk(InputStream in, String name, TraceVisitor visitor, boolean first) {
        return text(in, name, visitor, null, first);
    }

    /** For {@link ChunkedParser}: parse through this buffer of {@link #MAX_LINE} bytes (one per worker, not per chunk). */
    TraceParser lineBuffer(byte[] b) {
        lineBuf = b;
        return this;
    }

    /** Whether the last parse saw a {@code # tracer:} header. */
    boolean sawTracerHeader() {
        return sawTracerHeader;
    }

    private ParseReport text(InputStream in, String name, TraceVisitor visitor, TraceInput source, boolean first) {
        this.report = new ParseReport();
        this.report.input = name;
        this.visitor = visitor;
        this.ready = false;
        this.sawTracerHeader = false;
        this.lineNo = 0;
        if (lineBuf == null) {
            lineBuf = new byte[MAX_LINE];
        }
        byte[] buf = lineBuf;
        int start = 0;
        int end = 0;
        int scan = 0;
        boolean eof = false;
        overlong = false;
        while (true) {
            int nl = ByteScan.indexOf(buf, scan, end, (byte) '\n');
            if (nl >= 0) {
                lineNo++;
                if (!overlong) {
                    line(buf, start, nl);
                    if (ready) {
                        ready = false;
                        visitor.onEvent(ev);
                    }
                }
                overlong = false;
                start = nl + 1;
                scan = start;
                continue;
            }
            if (eof) {
                if (start < end) {
                    lineNo++;
                    if (!overlong && report.truncation == null) { // a line cut by truncation is not parsed
                        line(buf, start, end);
                        if (ready) {
                            ready = false;
                            visitor.onEvent(ev);
                        }
                    }
                }
                break;
            }
            if (start > 0) {
                System.arraycopy(buf, start, buf, 0, end - start);
                end -= start;
                start = 0;
            }
            scan = end;
            if (end == buf.length) {
                if (!overlong) {
                    report.problem("line longer than " + (MAX_LINE >> 20) + " MiB", lineNo + 1,
                            text(buf, 0, EXAMPLE_TEXT));
                    overlong = true;
                }
                start = end = scan = 0;
            }
            if (first && report.bytes > NOT_A_TRACE_WINDOW && report.eventLines == 0 && !sawTracerHeader) {
                report.notATrace = true;
                break;
            }
            try {
                int n = in.read(buf, end, buf.length - end);
                if (n < 0) {
                    eof = true;
                } else {
                    end += n;
                    report.bytes += n;
                }
            } catch (IOException e) {
                long at = source != null ? source.rawBytesRead() : report.bytes;
                report.truncation = "input ends early near stored byte " + at + " (" + e.getMessage() + ")";
                report.problem("input ends early", lineNo + 1, report.truncation);
                eof = true;
            }
        }
        report.lines = lineNo;
        report.rawBytes = source != null ? source.rawBytesRead() : report.bytes;
        if (report.eventLines == 0 && !sawTracerHeader) {
            report.notATrace = true;
        }
        for (int id = 1; id < unknownNames.size(); id++) {
            report.unknownEvents.put(unknownNames.string(id), unknownCounts[id]);
        }
        if (unknownCounts[ByteInterner.OTHER] > 0) {
            report.unknownEvents.put("<other names>", unknownCounts[ByteInterner.OTHER]);
        }
        return report;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    /** Letters, digits and '_' (one load instead of four range tests: the event name is scanned a byte at a time). */
    private static final boolean[] IDENT = new boolean[256];

    static {
        for (int c = 0; c < 256; c++) {
            IDENT[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        }
    }

    private static boolean isIdent(byte c) {
        return IDENT[c & 0xff];
    }

    private static String text(byte[] b, int s, int e) {
        int len = Math.min(e - s, EXAMPLE_TEXT);
        return new String(b, s, Math.max(0, len), StandardCharsets.UTF_8);
    }

    private static boolean startsWith(byte[] b, int s, int e, String prefix) {
        int n = prefix.length();
        if (e - s < n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (b[s + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** One line, [s, e) without the newline. */
    private void line(byte[] b, int s, int e) {
        if (e > s && b[e - 1] == '\r') {
            e--;
        }
        int i = ByteScan.skipSpaces(b, s, e);
        while (i < e && (b[i] == ' ' || b[i] == '\t')) {
            i++;
        }
        if (i == e) {
            report.blankLines++;
            return;
        }
        byte c = b[i];
        if (c == '#') {
            header(b, i, e);
            return;
        }
        if (c == '=' && i + 1 < e && b[i + 1] == '>') { // " => function" of a <stack trace>
            report.continuationLines++;
            return;
        }
        if (c == 'C' && (startsWith(b, i, e, "CPU:") || (startsWith(b, i, e, "CPU") && trailer(b, i, e)))) {
            cpuLine(b, i, e);
            return;
        }
        if ((c == 'v' || c == 'c') && (startsWith(b, i, e, "version = ") || startsWith(b, i, e, "cpus="))) { // trace-cmd report header
            report.headerLines++;
            return;
        }
        // the [cpu] column anchors every prefixed variant
        int p = -1;
        int q = -1;
        for (int j = ByteScan.indexOf(b, i, e, (byte) '['); j >= 0; j = ByteScan.indexOf(b, j + 1, e, (byte) '[')) {
            {
                int k = j + 1 + (j + 9 <= b.length ? ByteScan.digits8(b, j + 1, e) : 0); // then the loop for a ninth
                while (k < e && isDigit(b[k])) {
                    k++;
                }
                if (k > j + 1 && k < e && b[k] == ']') {
                    p = j;
                    q = k;
                    break;
                }
            }
        }
        if (p < 0) {
            prefixless(b, s, i, e);
            return;
        }
        ev.reset(b);
        if (!taskAndPid(b, i, p)) {
            report.problem("bad line prefix (no pid before [cpu])", lineNo, text(b, s, e));
            return;
        }
        ev.cpu = (int) Math.min(Integer.MAX_VALUE, decimal(b, p + 1, q));
        int k = ByteScan.skipSpaces(b, q + 1, e);
        // optional irq-flags column, then the timestamp ending with ':'
        for (int tok = 0; ; tok++) {
            int ts = k;
            k = ByteScan.nextSpace(b, k, e);
            if (k > ts && b[k - 1] == ':' && timestamp(b, ts, k - 1)) {
                break;
            }
            if (tok == 1 || k >= e) {
                report.problem("bad line prefix (no timestamp after [cpu])", lineNo, text(b, s, e));
                return;
            }
            // irq-flags: irqs-off, need-resched, hardirq/softirq ('h' 's' 'H' 'z' 'Z' or '.'), preempt depth, ...
            if (k - ts >= 4) {
                ev.irqContext = b[ts + 2];
                byte d = b[ts + 3];
                ev.preemptDepth = (byte) (d >= '0' && d <= '9' ? d - '0' : d >= 'a' && d <= 'f' ? d - 'a' + 10 : 0);
            }
            k = ByteScan.skipSpaces(b, k, e);
        }
        event(b, s, ByteScan.skipSpaces(b, k, e), e);
    }

    /** Parses {@code comm-pid}, {@code comm-pid (tgid)} or perf's {@code comm pid} in [i, p). */
    private boolean taskAndPid(byte[] b, int i, int p) {
        int j = p - 1;
        while (j >= i && b[j] == ' ') {
            j--;
        }
        if (j >= i && b[j] == ')') {
            int open = j - 1;
            while (open >= i && b[open] != '(') {
                open--;
            }
            if (open < i) {
                return false;
            }
            int d = open + 1;
            while (d < j && b[d] == ' ') {
                d++;
            }
            ev.tgid = d < j && isDigit(b[d]) ? (int) Math.min(Integer.MAX_VALUE, parseDecimal(b, d, j)) : -1;
            j = open - 1;
            while (j >= i && b[j] == ' ') {
                j--;
            }
        }
        int pe = j + 1;
        while (j >= i && isDigit(b[j])) {
            j--;
        }
        int ps = j + 1;
        if (ps == pe || pe - ps > 10) {
            return false;
        }
        ev.pid = (int) Math.min(Integer.MAX_VALUE, decimal(b, ps, pe));
        int commEnd = j >= i ? j : i; // j sits on '-' (ftrace) or ' ' (perf)
        while (commEnd > i && b[commEnd - 1] == ' ') {
            commEnd--;
        }
        ev.commOff = i;
        ev.commLen = commEnd - i;
        return true;
    }

    /** {@link #parseDecimal} of b[s, e) known to be all digits: under eight of them read as one word. */
    private static long decimal(byte[] b, int s, int e) {
        return e > s && e - s < 8 && s + 8 <= b.length ? ByteScan.digitsValue(b, s, e - s) : parseDecimal(b, s, e);
    }

    private static long parseDecimal(byte[] b, int s, int e) {
        long v = 0;
        for (int i = s; i < e && isDigit(b[i]); i++) {
            v = v * 10 + (b[i] - '0');
            if (v > Integer.MAX_VALUE) {
                return Integer.MAX_VALUE;
            }
        }
        return v;
    }

    /** 10^(9 - n): scales a fraction of n decimals to ns. */
    private static final long[] FRACTION_SCALE = {1_000_000_000L, 100_000_000L, 10_000_000L, 1_000_000L, 100_000L,
            10_000L, 1_000L, 100L, 10L};

    /** Reads {@code seconds.fraction} (6 or 9 decimals) or a plain integer (counter clocks) into ev. */
    private boolean timestamp(byte[] b, int s, int e) {
        if (e + 8 <= b.length) { // the usual "12.948104": under eight digits each side, read a word at a time
            int n = ByteScan.digits8(b, s, e);
            int f = s + n + 1;
            if (n > 0 && n < 8 && f <= e && b[f - 1] == '.') {
                int m = ByteScan.digits8(b, f, e);
                if (m > 0 && m < 8 && f + m == e) { // what the loops below give for these digits
                    ev.timestampNs = ByteScan.digitsValue(b, s, n) * 1_000_000_000L
                            + ByteScan.digitsValue(b, f, m) * FRACTION_SCALE[m];
                    ev.hasTimestamp = true;
                    return true;
                }
            }
        }
        long sec = 0;
        int i = s;
        for (int safe = Math.min(e, s + 17); i < safe && isDigit(b[i]); i++) { // 17 digits cannot overflow
            sec = sec * 10 + (b[i] - '0');
        }
        while (i < e && isDigit(b[i])) {
            if (sec > (Long.MAX_VALUE / 10) - 10) {
                return false;
            }
            sec = sec * 10 + (b[i] - '0');
            i++;
        }
        if (i == s) {
            return false;
        }
        if (i == e) {
            ev.timestampNs = sec;
            ev.hasTimestamp = true;
            report.counterClock = true;
            return true;
        }
        if (b[i] != '.') {
            return false;
        }
        i++;
        long frac = 0;
        int digits = 0;
        while (i < e && isDigit(b[i])) {
            if (digits < 9) {
                frac = frac * 10 + (b[i] - '0');
                digits++;
            }
            i++;
        }
        if (i != e || digits == 0 || sec > Long.MAX_VALUE / 1_000_000_000L - 1) {
            return false;
        }
        while (digits < 9) {
            frac *= 10;
            digits++;
        }
        ev.timestampNs = sec * 1_000_000_000L + frac;
        ev.hasTimestamp = true;
        return true;
    }

    /** The {@code event: body} part starting at k. */
    private void event(byte[] b, int s, int k, int e) {
        if (k < e && b[k] == '<') { // "<stack trace>" / "<user stack trace>"
            report.continuationLines++;
            return;
        }
        int ns = k;
        // the usual "name: " of a known event: its ':' found eight bytes at a time and the name looked up (a known
        // name is letters, digits and '_', so the byte loop below would stop at the same ':' with the same type)
        int colon = ByteScan.indexOf(b, k, e, (byte) ':');
        if (colon > k && colon + 1 < e && b[colon + 1] == ' ') {
            int known = EVENTS.get(b, ns, colon - ns);
            if (known >= 0) {
                report.eventLines++;
                body(EventType.byOrdinal(known), b, s, ByteScan.skipSpaces(b, colon + 1, e), e);
                return;
            }
        }
        while (k < e && isIdent(b[k])) {
            k++;
        }
        // perf script prints "subsys:event:"
        if (k + 1 < e && b[k] == ':' && isIdent(b[k + 1])) {
            ns = ++k;
            while (k < e && isIdent(b[k])) {
                k++;
            }
        }
        if (k == ns || k >= e || b[k] != ':') {
            report.problem("bad line prefix (no event name after timestamp)", lineNo, text(b, s, e));
            return;
        }
        report.eventLines++;
        int type = EVENTS.get(b, ns, k - ns);
        if (type < 0) {
            unknown(b, ns, k);
            return;
        }
        body(EventType.byOrdinal(type), b, s, ByteScan.skipSpaces(b, k + 1, e), e);
    }

    private void unknown(byte[] b, int ns, int ne) {
        int id = unknownNames.intern(b, ns, ne - ns);
        if (id >= unknownCounts.length) {
            unknownCounts = java.util.Arrays.copyOf(unknownCounts, unknownCounts.length * 2);
        }
        unknownCounts[id]++;
    }

    /** Lines without a [cpu] column: function_graph comments, prefix-stripped lines, perf callchains. */
    private void prefixless(byte[] b, int s, int i, int e) {
        if (i > s && isHexWord(b, i, e)) { // perf script callchain "\t ffffffff81234 symbol+0x1 (dso)"
            report.continuationLines++;
            return;
        }
        for (int j = i; j + 2 < e; j++) {
            if (b[j] == '/' && b[j + 1] == '*' && b[j + 2] == ' ') { // function_graph: /* event: body */
                int end = e;
                while (end > j && b[end - 1] == ' ') {
                    end--;
                }
                if (end - 2 > j && b[end - 1] == '/' && b[end - 2] == '*') {
                    end -= 2;
                }
                ev.reset(b);
                if (!knownEventAt(b, s, j + 3, end)) {
                    report.problem("not a trace line", lineNo, text(b, s, e));
                }
                return;
            }
        }
        ev.reset(b);
        // "event: body" or "comm-pid  event: body" (prefix stripped by hand)
        if (knownEventAt(b, s, i, e)) {
            return;
        }
        int k = i;
        while (k < e && b[k] != ' ') {
            k++;
        }
        int dash = k - 1;
        while (dash > i && isDigit(b[dash])) {
            dash--;
        }
        if (dash > i && b[dash] == '-' && dash < k - 1) {
            ev.commOff = i;
            ev.commLen = dash - i;
            ev.pid = (int) parseDecimal(b, dash + 1, k);
        }
        while (k < e && b[k] == ' ') {
            k++;
        }
        if (k < e && knownEventAt(b, s, k, e)) {
            return;
        }
        report.problem("not a trace line", lineNo, text(b, s, e));
    }

    private boolean knownEventAt(byte[] b, int s, int k, int e) {
        int ns = k;
        while (k < e && isIdent(b[k])) {
            k++;
        }
        if (k == ns || k >= e || b[k] != ':' || EVENTS.get(b, ns, k - ns) < 0) {
            return false;
        }
        report.eventLines++;
        int type = EVENTS.get(b, ns, k - ns);
        k++;
        while (k < e && b[k] == ' ') {
            k++;
        }
        body(EventType.byOrdinal(type), b, s, k, e);
        return true;
    }

    private static boolean isHexWord(byte[] b, int i, int e) {
        int k = i;
        while (k < e && ((b[k] >= '0' && b[k] <= '9') || (b[k] >= 'a' && b[k] <= 'f'))) {
            k++;
        }
        return k - i >= 8 && (k == e || b[k] == ' ');
    }

    /** Fields of a known event; hands it to the visitor when every required field is there. */
    private void body(EventType type, byte[] b, int s, int k, int e) {
        ev.type = type;
        ev.line = lineNo;
        ev.bodyOff = k;
        ev.bodyLen = e - k;
        if (type == EventType.MARKER) {
            markerText(b, k, e);
            deliver();
            return;
        }
        EventTable.Spec spec = EventTable.spec(type);
        int[] predicted = keyOrder[type.ordinal()];
        int nth = 0;
        while (k < e) {
            k = ByteScan.skipSpaces(b, k, e);
            int ks = k;
            int key = nth < predicted.length ? predicted[nth] : NO_KEY;
            int ke = key == NO_KEY ? -1 : keyAt(key, b, ks, e);
            if (ke >= 0) {
                k = ke; // the predicted key and its '=' (a key holds no '=' or ' ': the scan below stops there too)
            } else {
                while (k < e && b[k] != '=' && b[k] != ' ') {
                    k++;
                }
                if (k >= e || b[k] == ' ') {
                    continue; // a word without '=' (e.g. "watermark" in mm_setup_per_zone_wmarks)
                }
                key = spec.keys.get(b, ks, k - ks);
                if (nth < predicted.length) {
                    predicted[nth] = key == -1 ? NO_KEY : key;
                }
            }
            nth++;
            k++;
            int vs = k;
            if (key >= 0 && EventTable.SPELLING[key].read() == EventTable.Read.RANGE) {
                k = range(b, s, vs, e);
                if (k < 0) {
                    return;
                }
                continue;
            }
            if (key >= 0 && EventTable.NUMBER_FIELD[key] >= 0 && parseNumber(b, vs, e) == 0) {
                // a plain number read in one pass: accepted when it ends the value as the slow path below would
                int ne = numEnd;
                if (ne == e || b[ne] == ' ') {
                    ev.set(EventTable.NUMBER_FIELD[key], num);
                    k = ne;
                    continue;
                }
                if (b[ne] == ',' && (ne + 1 == e || b[ne + 1] == ' ')) {
                    ev.set(EventTable.NUMBER_FIELD[key], num);
                    k = ne + 1;
                    continue;
                }
            }
            k = ByteScan.nextSpace(b, k, e);
            int ve = k;
            if (ve > vs && b[ve - 1] == ',') {
                ve--;
            }
            if (key == EventTable.PAGE_KEY) {
                ev.pageNull = ByteScan.isNullPointer(b, vs, ve);
            } else if (key >= 0 && !value(EventTable.SPELLING[key], b, s, vs, ve, e)) {
                return;
            }
        }
        long missing = spec.required & ~ev.present;
        if (missing != 0) {
            Field f = Field.VALUES[Long.numberOfTrailingZeros(missing)];
            report.problem(type.kernelName() + ": missing " + EventTable.key(f), lineNo, text(b, s, e));
            return;
        }
        ev.derive(spec);
        deliver();
    }

    /** No key predicted at this position. */
    private static final int NO_KEY = Integer.MIN_VALUE;
    /** Per key ({@code page} last), its bytes and '='. */
    private static final byte[][] KEY_EQ = new byte[EventTable.SPELLING.length + 1][];
    /** Words per key in {@link #KEY_WORDS}: every key and its '=' fit three (the longest, fallback_migratetype=, 21 bytes). */
    private static final int KEY_STRIDE = 3;
    /**
     * Key i's bytes and '=' as little-endian words at [i * KEY_STRIDE, ...), zero-padded, and the masks of their used
     * bytes in {@link #KEY_MASKS}: one flat array each, so a compare loads no per-key array.
     */
    private static final long[] KEY_WORDS = new long[KEY_EQ.length * KEY_STRIDE];
    private static final long[] KEY_MASKS = new long[KEY_EQ.length * KEY_STRIDE];
    private static final int[] KEY_LEN = new int[KEY_EQ.length];

    static {
        for (int i = 0; i < KEY_EQ.length; i++) {
            String key = i < EventTable.SPELLING.length ? EventTable.SPELLING[i].key() : "page";
            byte[] k = (key + "=").getBytes(StandardCharsets.US_ASCII);
            if (k.length > 8 * KEY_STRIDE) {
                throw new IllegalStateException("key longer than " + 8 * KEY_STRIDE + " bytes: " + key);
            }
            KEY_EQ[i] = k;
            KEY_LEN[i] = k.length;
            for (int j = 0; j < k.length; j++) {
                KEY_WORDS[i * KEY_STRIDE + (j >> 3)] |= (k[j] & 0xffL) << ((j & 7) * 8);
                KEY_MASKS[i * KEY_STRIDE + (j >> 3)] |= 0xffL << ((j & 7) * 8);
            }
        }
    }

    /**
     * Per event type, the key seen at each position of its last line: a line prints its keys in the order of the
     * kernel's TP_printk, so the key is nearly always the one predicted, checked by comparing bytes (no hashing).
     */
    private final int[][] keyOrder = newKeyOrder();

    private static int[][] newKeyOrder() {
        int[][] o = new int[EventType.values().length][16];
        for (int[] a : o) {
            java.util.Arrays.fill(a, NO_KEY);
        }
        return o;
    }

    /** Where the '=' after key is when b[s, e) starts with key and '=', else -1. */
    private static int keyAt(int key, byte[] b, int s, int e) {
        int slot = key == EventTable.PAGE_KEY ? KEY_EQ.length - 1 : key;
        int n = KEY_LEN[slot];
        if (e - s < n) {
            return -1;
        }
        if (s + 8 * KEY_STRIDE <= b.length) { // eight bytes a compare (bytes past the key masked off)
            int w = slot * KEY_STRIDE;
            if (((long) ByteScan.LONGS.get(b, s) & KEY_MASKS[w]) != KEY_WORDS[w]) {
                return -1;
            }
            if (n > 8 && (((long) ByteScan.LONGS.get(b, s + 8) & KEY_MASKS[w + 1]) != KEY_WORDS[w + 1]
                    || (n > 16 && ((long) ByteScan.LONGS.get(b, s + 16) & KEY_MASKS[w + 2]) != KEY_WORDS[w + 2]))) {
                return -1;
            }
            return s + n - 1;
        }
        byte[] k = KEY_EQ[slot];
        for (int i = 0; i < n; i++) {
            if (k[i] != b[s + i]) {
                return -1;
            }
        }
        return s + n - 1;
    }

    /** trace-cmd prints markers as {@code print: tracing_mark_write: text}, {@code print: 0xffffffff81234s: text} or (-R) {@code print: ip=tracing_mark_write buf=text}. */
    private void markerText(byte[] b, int k, int e) {
        String tag = "tracing_mark_write: ";
        if (startsWith(b, k, e, "ip=")) { // trace-cmd report -R: "ip=tracing_mark_write buf=text"
            for (int j = k; j + 5 <= e; j++) {
                if (b[j] == ' ' && startsWith(b, j + 1, e, "buf=")) {
                    k = j + 5;
                    break;
                }
            }
        } else if (startsWith(b, k, e, tag)) {
            k += tag.length();
        } else if (startsWith(b, k, e, "0x")) {
            int j = k + 2;
            while (j < e && hexDigit(b[j]) >= 0) {
                j++;
            }
            if (j < e && b[j] == 's') {
                j++;
            }
            if (j + 1 < e && b[j] == ':' && b[j + 1] == ' ') {
                k = j + 2;
            }
        }
        ev.bodyOff = k;
        ev.bodyLen = e - k;
    }

    private void deliver() {
        report.eventCounts[ev.type.ordinal()]++;
        if (ev.hasTimestamp) {
            if (report.firstTimestampNs == Long.MIN_VALUE) {
                report.firstTimestampNs = ev.timestampNs;
            }
            report.lastTimestampNs = ev.timestampNs;
        }
        ready = true;
    }

    private boolean value(EventTable.Spelling sp, byte[] b, int s, int vs, int ve, int e) {
        Field f = sp.field();
        switch (sp.read()) {
            case GFP -> {
                ev.gfpOff = vs;
                ev.gfpLen = ve - vs;
                ev.present |= 1L << f.ordinal();
                return true;
            }
            case STATUS -> {
                return word(f, STATUSES, CompactStatus.UNKNOWN.ordinal(), b, s, vs, ve, e);
            }
            case REASON -> {
                return word(f, REASONS, MigrateReason.UNKNOWN.ordinal(), b, s, vs, ve, e);
            }
            case MODE -> {
                return word(f, MODES, MigrateMode.UNKNOWN.ordinal(), b, s, vs, ve, e);
            }
            case ZONE -> {
                return word(f, ZONES, ZoneType.UNKNOWN.ordinal(), b, s, vs, ve, e);
            }
            case SYNC_FLAG -> {
                if (!number(f, b, s, vs, ve, e)) {
                    return false;
                }
                ev.set(f, (num != 0 ? MigrateMode.SYNC_ANY : MigrateMode.ASYNC).ordinal());
                return true;
            }
            case SHIFT -> {
                if (!number(f, b, s, vs, ve, e)) {
                    return false;
                }
                ev.set(f, num >= 0 && num < 63 ? 1L << num : 0);
                return true;
            }
            default -> {
                return number(f, b, s, vs, ve, e);
            }
        }
    }

    /** A symbolic value (a number is kept as the number: old numeric mode=, zone index). */
    private boolean word(Field f, ByteKeyTable vocabulary, int unknown, byte[] b, int s, int vs, int ve, int e) {
        if (vs < ve && (isDigit(b[vs]) || b[vs] == '-')) {
            return number(f, b, s, vs, ve, e);
        }
        int v = vocabulary.get(b, vs, ve - vs);
        ev.set(f, v < 0 ? unknown : v);
        return true;
    }

    private boolean number(Field f, byte[] b, int s, int vs, int ve, int e) {
        int status = parseNumber(b, vs, ve);
        if (status != 0 || numEnd != ve) {
            report.problem(ev.type.kernelName() + ": " + (status == 2 ? "number overflows 64 bits in " : "bad value for ")
                    + EventTable.key(f), lineNo, text(b, s, e));
            return false;
        }
        ev.set(f, num);
        return true;
    }

    /** {@code range=(0xa ~ 0xb)}: returns the index after ')' or -1 after reporting. */
    private int range(byte[] b, int s, int k, int e) {
        if (k < e && b[k] == '(') {
            k++;
            if (parseNumber(b, k, e) == 0) {
                long start = num;
                k = numEnd;
                while (k < e && b[k] == ' ') {
                    k++;
                }
                if (k < e && b[k] == '~') {
                    k++;
                    while (k < e && b[k] == ' ') {
                        k++;
                    }
                    if (parseNumber(b, k, e) == 0 && numEnd < e && b[numEnd] == ')') {
                        ev.set(Field.RANGE_START, start);
                        ev.set(Field.RANGE_END, num);
                        return numEnd + 1;
                    }
                }
            }
        }
        report.problem(ev.type.kernelName() + ": bad value for range", lineNo, text(b, s, e));
        return -1;
    }

    /**
     * Decimal or 0x-hex (optionally negative) up to the first non-digit; unsigned 64-bit range (pfn -1UL prints as
     * 0xffffffffffffffff). Sets num/numEnd. Returns 0 ok, 1 no digits, 2 overflow.
     */
    private int parseNumber(byte[] b, int s, int e) {
        int i = s;
        boolean neg = false;
        if (i < e && b[i] == '-') {
            neg = true;
            i++;
        }
        long v = 0;
        int ds = i;
        if (i + 1 < e && b[i] == '0' && (b[i + 1] == 'x' || b[i + 1] == 'X')) {
            i += 2;
            ds = i;
            while (i < e) {
                int d = hexDigit(b[i]);
                if (d < 0) {
                    break;
                }
                if ((v >>> 60) != 0) {
                    return 2;
                }
                v = (v << 4) | d;
                i++;
            }
        } else {
            while (i < e && isDigit(b[i])) {
                int d = b[i] - '0';
                if ((v < 0 || v >= 0x1999999999999999L)
                        && Long.compareUnsigned(v, Long.divideUnsigned(-1L - d, 10)) > 0) {
                    return 2;
                }
                v = v * 10 + d;
                i++;
            }
        }
        if (i == ds) {
            numEnd = i;
            return 1;
        }
        num = neg ? -v : v;
        numEnd = i;
        return 0;
    }

    private static final byte[] HEX = new byte[256];

    static {
        java.util.Arrays.fill(HEX, (byte) -1);
        for (int c = 0; c < 16; c++) {
            HEX["0123456789abcdef".charAt(c)] = (byte) c;
            HEX["0123456789ABCDEF".charAt(c)] = (byte) c;
        }
    }

    private static int hexDigit(byte c) {
        return HEX[c & 0xff];
    }

    /** {@code # entries-in-buffer/entries-written: A/B   #P:2}, {@code # tracer: nop}, ##### CPU n buffer started. */
    private void header(byte[] b, int i, int e) {
        report.headerLines++;
        if (startsWith(b, i, e, "# tracer:")) {
            sawTracerHeader = true;
            return;
        }
        String tag = "entries-in-buffer/entries-written:";
        for (int j = i; j + tag.length() <= e; j++) {
            if (b[j] == 'e' && startsWith(b, j, e, tag)) {
                int k = j + tag.length();
                while (k < e && b[k] == ' ') {
                    k++;
                }
                if (parseNumber(b, k, e) == 0 && numEnd < e && b[numEnd] == '/') {
                    long inBuffer = num;
                    if (parseNumber(b, numEnd + 1, e) == 0) {
                        report.entriesInBuffer = inBuffer;
                        report.entriesWritten = num;
                    }
                }
                return;
            }
        }
    }

    /** trace-cmd's {@code CPU 0 is empty} / {@code CPU0 data recorded at offset=..}; not a "CPU 0/KVM-123 [001]" task. */
    private static boolean trailer(byte[] b, int i, int e) {
        String text = new String(b, i, Math.min(e - i, 64), StandardCharsets.US_ASCII);
        return text.contains(" is empty") || text.contains(" data recorded at");
    }

    /** {@code CPU:3 [LOST 120 EVENTS]}, {@code CPU 0 is empty}, {@code CPU0 data recorded at offset=...}. */
    private void cpuLine(byte[] b, int i, int e) {
        report.headerLines++;
        String tag = "[LOST ";
        for (int j = i; j + tag.length() <= e; j++) {
            if (b[j] == '[' && startsWith(b, j, e, tag)) {
                if (parseNumber(b, j + tag.length(), e) == 0) {
                    report.lostMarkers += num;
                }
                return;
            }
        }
    }
}
