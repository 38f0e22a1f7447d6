package io.fragtrace.parser;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One event's {@code format} file as stored in a trace.dat (the tracefs events/SYSTEM/EVENT/format text): its id,
 * its fields (offset, size, signedness, {@code __data_loc}), and the print fmt compiled into bindings from the
 * printed {@code key=} to a {@link Field}, so that a binary record fills {@link ParsedEvent} exactly as its text line
 * would.
 */
final class TraceDatFormat {
    /** How a printed key is read into a {@link Field}; the same kinds the text parser knows. */
    enum Kind { NUMBER, GFP, RANGE, RANGE_END, MODE, STATUS, ZONE, REASON, PAGE }

    /**
     * Printed key → (Field constant name, kind), from {@link EventTable}'s spellings (the one declaration of every
     * tracepoint's keys): a trace.dat event is decoded by evaluating its TP_printk, so it prints the text spellings;
     * the raw-entry spellings of {@code trace-cmd report -R} ({@code sync=}, {@code defer_shift=}) do not occur.
     */
    private static final Map<String, String[]> KEYS = new HashMap<>();

    static {
        for (EventTable.Spelling sp : EventTable.SPELLING) {
            switch (sp.read()) {
                case NUMBER, GFP, RANGE, MODE, STATUS, ZONE, REASON ->
                        KEYS.putIfAbsent(sp.key(), new String[] {sp.field().name(), sp.read().name()});
                default -> {
                }
            }
        }
        KEYS.put("page", new String[] {"", "PAGE"});
    }

    /** Printed keys known to the mapping (for the test that keeps it in step with {@link Field}). */
    static Map<String, String[]> keyTable() {
        return KEYS;
    }

    /** One field of the record layout. */
    record FieldDef(String name, int offset, int size, boolean signed, boolean dataLoc, boolean relLoc) { }

    /** A printed key bound to a Field: how to compute it and where it goes. */
    static final class Binding {
        final Field field;
        final Kind kind;
        final PrintFmt.Node expr;
        /** printf length: 32 = int (%d/%u/%x), 64 = %ld/%lx/%p. */
        final int width;
        final boolean signedConv;
        final boolean stringConv;
        final int memoField;
        /** The expression is a plain {@code REC->field}: read it directly (the common case). */
        final int directField;
        final boolean isString;
        // memo of string-valued results by the value of memoField (open addressing; full → not memoised)
        final long[] memoKeys = new long[256];
        final byte[][] memoText = new byte[256][];
        final int[] memoVocab = new int[256];
        final boolean[] memoUsed = new boolean[256];

        Binding(Field field, Kind kind, PrintFmt.Node expr, int width, boolean signedConv, boolean stringConv) {
            this.field = field;
            this.kind = kind;
            this.expr = expr;
            this.width = width;
            this.signedConv = signedConv;
            this.stringConv = stringConv;
            this.isString = PrintFmt.isString(expr);
            this.memoField = isString ? PrintFmt.onlyField(expr) : -1;
            this.directField = expr.op == PrintFmt.FIELD ? expr.field : -1;
        }
    }

    final int id;
    final String system;
    final String name;
    final EventType type;
    final FieldDef[] fields;
    final List<Binding> bindings = new ArrayList<>();
    /** Index of the marker text field ({@code buf} of ftrace/print), -1 otherwise. */
    int textField = -1;
    /** Why the print fmt could not be used (the event is then counted as malformed), null when fine. */
    String problem;

    private TraceDatFormat(int id, String system, String name, FieldDef[] fields) {
        this.id = id;
        this.system = system;
        this.name = name;
        this.type = EventType.byName(name);
        this.fields = fields;
    }

    int fieldIndex(String fieldName) {
        for (int i = 0; i < fields.length; i++) {
            if (fields[i].name.equals(fieldName)) {
                return i;
            }
        }
        return -1;
    }

    /** Parses a format file; {@code longBits} is the kernel's long width (from header_page's commit size). */
    static TraceDatFormat parse(String system, byte[] text, int longBits) {
        // a kernel stores ~1,500 formats; only the few Fragtrace reads are parsed in full
        String quickName = headerValue(text, "name:");
        String quickId = headerValue(text, "ID:");
        if (quickName != null && quickId != null && EventType.byName(quickName) == null) {
            try {
                return new TraceDatFormat(Integer.parseInt(quickId), system, quickName, new FieldDef[0]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("format of " + system + "/" + quickName + ": bad ID " + quickId);
            }
        }
        String s = new String(text, StandardCharsets.ISO_8859_1);
        String name = null;
        int id = -1;
        String printFmt = null;
        List<FieldDef> fields = new ArrayList<>();
        for (String line : s.split("\n")) {
            String t = line.trim();
            if (t.startsWith("name:")) {
                name = t.substring(5).trim();
            } else if (t.startsWith("ID:")) {
                id = Integer.parseInt(t.substring(3).trim());
            } else if (t.startsWith("field:")) {
                FieldDef f = field(t);
                if (f != null) {
                    fields.add(f);
                }
            } else if (t.startsWith("print fmt:")) {
                printFmt = t.substring("print fmt:".length()).trim();
            }
        }
        if (name == null || id < 0) {
            throw new IllegalArgumentException("format of " + system + " has no name or ID");
        }
        TraceDatFormat f = new TraceDatFormat(id, system, name, fields.toArray(new FieldDef[0]));
        if (f.type == EventType.MARKER) {
            f.textField = f.fieldIndex("buf");
        } else if (f.type != null && printFmt != null) {
            try {
                f.compile(printFmt, longBits);
            } catch (RuntimeException e) {
                f.problem = "print fmt not understood (" + e.getMessage() + ")";
            }
        }
        return f;
    }

    /** The value of a {@code key: value} line among the first lines of a format file, or null. */
    private static String headerValue(byte[] text, String key) {
        int i = 0;
        for (int line = 0; line < 3 && i < text.length; line++) {
            int e = i;
            while (e < text.length && text[e] != '\n') {
                e++;
            }
            int k = 0;
            while (k < key.length() && i + k < e && text[i + k] == key.charAt(k)) {
                k++;
            }
            if (k == key.length()) {
                return new String(text, i + k, e - i - k, StandardCharsets.ISO_8859_1).trim();
            }
            i = e + 1;
        }
        return null;
    }

    /** {@code field:unsigned long pfn;	offset:8;	size:8;	signed:0;} */
    static FieldDef field(String t) {
        int semi = t.indexOf(';');
        if (semi < 0) {
            return null;
        }
        String decl = t.substring("field:".length(), semi).trim();
        int offset = intAttr(t, "offset:");
        int size = intAttr(t, "size:");
        int signed = intAttr(t, "signed:");
        if (offset < 0 || size < 0) {
            return null;
        }
        String nm = decl;
        int br = nm.indexOf('[');
        if (br >= 0) {
            nm = nm.substring(0, br).trim();
        }
        int sp = Math.max(nm.lastIndexOf(' '), nm.lastIndexOf('*'));
        nm = nm.substring(sp + 1);
        return new FieldDef(nm, offset, size, signed == 1, decl.startsWith("__data_loc"), decl.startsWith("__rel_loc"));
    }

    private static int intAttr(String t, String key) {
        int k = t.indexOf(key);
        if (k < 0) {
            return -1;
        }
        int i = k + key.length();
        int j = i;
        while (j < t.length() && Character.isDigit(t.charAt(j))) {
            j++;
        }
        return j > i ? Integer.parseInt(t.substring(i, j)) : -1;
    }

    private void compile(String printFmt, int longBits) {
        PrintFmt.Parsed p = PrintFmt.parse(printFmt, this::fieldIndex, longBits);
        String fmt = p.format();
        int arg = 0;
        int litStart = 0;
        String prevKey = null;
        for (int i = 0; i < fmt.length(); i++) {
            if (fmt.charAt(i) != '%') {
                continue;
            }
            if (i + 1 < fmt.length() && fmt.charAt(i + 1) == '%') {
                i++;
                continue;
            }
            String literal = fmt.substring(litStart, i);
            int lastSpace = literal.lastIndexOf(' ');
            if (lastSpace > 0) {
                literalValues(literal.substring(0, lastSpace));
            }
            int j = i + 1;
            while (j < fmt.length() && "-+ #0".indexOf(fmt.charAt(j)) >= 0) {
                j++;
            }
            while (j < fmt.length() && (Character.isDigit(fmt.charAt(j)) || fmt.charAt(j) == '.')) {
                j++;
            }
            if (j < fmt.length() && fmt.charAt(j) == '*') {
                arg++; // width argument
                j++;
            }
            int longs = 0;
            while (j < fmt.length() && "hlLqjzt".indexOf(fmt.charAt(j)) >= 0) {
                if (fmt.charAt(j) != 'h') {
                    longs++;
                }
                j++;
            }
            char conv = j < fmt.length() ? fmt.charAt(j) : 's';
            if (conv == 'p') { // %pS, %pK, ...: letters belong to the conversion
                while (j + 1 < fmt.length() && Character.isLetter(fmt.charAt(j + 1))) {
                    j++;
                }
            }
            litStart = j + 1;
            i = j;
            if (arg >= p.args().size()) {
                break;
            }
            PrintFmt.Node expr = p.args().get(arg++);
            String key = keyBefore(literal);
            String[] target = key == null ? null : KEYS.get(key);
            if (key == null && "range".equals(prevKey)) {
                bindings.add(new Binding(Field.RANGE_END, Kind.RANGE_END, expr, 64, false, false));
            } else if (target != null) {
                Kind kind = Kind.valueOf(target[1]);
                Field field = kind == Kind.PAGE ? null : Field.valueOf(target[0]);
                int width = conv == 'p' || longs > 0 ? 64 : 32;
                bindings.add(new Binding(field, kind, expr, width, conv == 'd' || conv == 'i', conv == 's'));
            }
            prevKey = key;
        }
        literalValues(fmt.substring(Math.min(litStart, fmt.length())));
    }

    /** {@code order=0} written into the format string itself (mm_page_free_batched): a constant field. */
    private void literalValues(String literal) {
        for (String tok : literal.split("[ ,]+")) {
            int eq = tok.indexOf('=');
            if (eq <= 0 || eq == tok.length() - 1 || !tok.substring(eq + 1).matches("-?[0-9]+")) {
                continue;
            }
            String[] target = KEYS.get(tok.substring(0, eq));
            if (target != null && target[1].equals("NUMBER")) {
                PrintFmt.Node n = new PrintFmt.Node(PrintFmt.CONST);
                n.value = Long.parseLong(tok.substring(eq + 1));
                bindings.add(new Binding(Field.valueOf(target[0]), Kind.NUMBER, n, 64, true, false));
            }
        }
    }

    /** {@code "... key="}, {@code "key=0x"}, {@code "key=("}, {@code "key=(0x"} → key; else null. */
    static String keyBefore(String literal) {
        String l = literal;
        if (l.endsWith("0x")) {
            l = l.substring(0, l.length() - 2);
        }
        if (l.endsWith("(")) {
            l = l.substring(0, l.length() - 1);
        }
        if (!l.endsWith("=")) {
            return null;
        }
        int e = l.length() - 1;
        int s = e;
        while (s > 0 && (Character.isLetterOrDigit(l.charAt(s - 1)) || l.charAt(s - 1) == '_')) {
            s--;
        }
        return s < e ? l.substring(s, e) : null;
    }
}
