package io.fragtrace.parser;

import java.util.ArrayList;
import java.util.List;

/**
 * The C expressions of an event format's {@code print fmt:} line, parsed once and evaluated per record, so that a
 * binary record yields the same printed values as the kernel's text (libtraceevent's event-parse.c does the same:
 * casts, ?:, arithmetic, comparisons, {@code __print_symbolic}, {@code __print_flags}). Unknown identifiers
 * ({@code vmemmap_base}) and unknown calls evaluate to a non-zero placeholder; they only feed {@code page=%p}.
 */
final class PrintFmt {
    /** A parsed expression node. Strings: STR, SYMBOLIC, FLAGS, or COND with string branches. */
    static final class Node {
        final int op;
        long value;
        String str;
        Node a;
        Node b;
        Node c;
        int field = -1;
        int bits;
        boolean signed;
        long[] keys;
        String[] names;

        Node(int op) {
            this.op = op;
        }
    }

    static final int CONST = 0, STR = 1, FIELD = 2, NEG = 3, NOT = 4, BITNOT = 5, CAST = 6, COND = 7, SYMBOLIC = 8,
            FLAGS = 9, MUL = 10, DIV = 11, MOD = 12, ADD = 13, SUB = 14, SHL = 15, SHR = 16, LT = 17, GT = 18, LE = 19,
            GE = 20, EQ = 21, NE = 22, BAND = 23, XOR = 24, BOR = 25, LAND = 26, LOR = 27;
    /** Stand-in for addresses the file cannot give (x86-64's default vmemmap base): non-null, like the real one. */
    static final long UNKNOWN_ADDRESS = 0xffffea0000000000L;

    /** Reads a field of the current record. */
    interface Record {
        long field(int index);
    }

    /** Field lookup while parsing: index of REC->name, -1 when the format has no such field. */
    interface Fields {
        int indexOf(String name);
    }

    private final List<String> toks;
    private final Fields fields;
    private final int longBits;
    private int pos;

    private PrintFmt(List<String> toks, Fields fields, int longBits) {
        this.toks = toks;
        this.fields = fields;
        this.longBits = longBits;
    }

    /** The format string and the argument expressions of a print fmt line (text after {@code print fmt: }). */
    record Parsed(String format, List<Node> args) { }

    static Parsed parse(String printFmt, Fields fields, int longBits) {
        List<String> toks = tokenize(printFmt);
        if (toks.isEmpty() || toks.get(0).charAt(0) != '"') {
            throw new IllegalArgumentException("print fmt does not start with a string");
        }
        PrintFmt p = new PrintFmt(toks, fields, longBits);
        String format = unquote(toks.get(0));
        p.pos = 1;
        List<Node> args = new ArrayList<>();
        while (p.pos < toks.size()) {
            p.expect(",");
            args.add(p.conditional());
        }
        return new Parsed(format, args);
    }

    // ---- tokenizer

    static List<String> tokenize(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && s.charAt(j) != c) {
                    j += s.charAt(j) == '\\' ? 2 : 1;
                }
                out.add(s.substring(i, Math.min(n, j + 1)));
                i = j + 1;
            } else if (Character.isLetterOrDigit(c) || c == '_') {
                int j = i;
                while (j < n && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
                    j++;
                }
                out.add(s.substring(i, j));
                i = j;
            } else {
                String two = i + 1 < n ? s.substring(i, i + 2) : "";
                if (List.of("->", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||").contains(two)) {
                    out.add(two);
                    i += 2;
                } else {
                    out.add(String.valueOf(c));
                    i++;
                }
            }
        }
        return out;
    }

    static String unquote(String tok) {
        StringBuilder sb = new StringBuilder();
        int end = tok.length() - (tok.length() > 1 && tok.charAt(tok.length() - 1) == tok.charAt(0) ? 1 : 0);
        for (int i = 1; i < end; i++) {
            char c = tok.charAt(i);
            if (c == '\\' && i + 1 < end) {
                char e = tok.charAt(++i);
                sb.append(switch (e) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    default -> e;
                });
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    // ---- parser (C precedence)

    private String peek() {
        return pos < toks.size() ? toks.get(pos) : "";
    }

    private String next() {
        if (pos >= toks.size()) {
            throw new IllegalArgumentException("print fmt ends early");
        }
        return toks.get(pos++);
    }

    private void expect(String t) {
        String got = next();
        if (!got.equals(t)) {
            throw new IllegalArgumentException("print fmt: expected '" + t + "', found '" + got + "'");
        }
    }

    private Node conditional() {
        Node cond = binary(1);
        if (peek().equals("?")) {
            next();
            Node n = new Node(COND);
            n.a = cond;
            n.b = conditional();
            expect(":");
            n.c = conditional();
            return n;
        }
        return cond;
    }

    private static int precedence(String op) {
        return switch (op) {
            case "*", "/", "%" -> 10;
            case "+", "-" -> 9;
            case "<<", ">>" -> 8;
            case "<", ">", "<=", ">=" -> 7;
            case "==", "!=" -> 6;
            case "&" -> 5;
            case "^" -> 4;
            case "|" -> 3;
            case "&&" -> 2;
            case "||" -> 1;
            default -> -1;
        };
    }

    private static int opcode(String op) {
        return switch (op) {
            case "*" -> MUL;
            case "/" -> DIV;
            case "%" -> MOD;
            case "+" -> ADD;
            case "-" -> SUB;
            case "<<" -> SHL;
            case ">>" -> SHR;
            case "<" -> LT;
            case ">" -> GT;
            case "<=" -> LE;
            case ">=" -> GE;
            case "==" -> EQ;
            case "!=" -> NE;
            case "&" -> BAND;
            case "^" -> XOR;
            case "|" -> BOR;
            case "&&" -> LAND;
            default -> LOR;
        };
    }

    private Node binary(int minPrec) {
        Node left = unary();
        while (true) {
            int prec = precedence(peek());
            if (prec < minPrec) {
                return left;
            }
            Node n = new Node(opcode(next()));
            n.a = left;
            n.b = binary(prec + 1);
            left = n;
        }
    }

    private Node unary() {
        String t = peek();
        switch (t) {
            case "-", "!", "~" -> {
                next();
                Node n = new Node(t.equals("-") ? NEG : t.equals("!") ? NOT : BITNOT);
                n.a = unary();
                return n;
            }
            case "+" -> {
                next();
                return unary();
            }
            case "(" -> {
                int save = pos;
                Node cast = castPrefix();
                if (cast != null) {
                    cast.a = unary();
                    return cast;
                }
                pos = save + 1;
                Node inner = conditional();
                expect(")");
                return inner;
            }
            default -> {
                return primary();
            }
        }
    }

    private static boolean isTypeWord(String w) {
        return switch (w) {
            case "unsigned", "signed", "int", "long", "short", "char", "bool", "_Bool", "void", "struct", "enum",
                 "union", "const", "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64" -> true;
            default -> w.endsWith("_t");
        };
    }

    /** {@code (type words [*])}: a cast node with its width, or null when the parenthesis is an expression. */
    private Node castPrefix() {
        expect("(");
        List<String> words = new ArrayList<>();
        boolean pointer = false;
        while (true) {
            String t = peek();
            if (t.equals(")")) {
                break;
            }
            if (t.equals("*")) {
                pointer = true;
            } else if (t.isEmpty() || !(Character.isLetter(t.charAt(0)) || t.charAt(0) == '_')) {
                return null;
            }
            words.add(t);
            next();
        }
        if (words.isEmpty() || !isTypeWord(words.get(0))) {
            return null;
        }
        next(); // ')'
        Node n = new Node(CAST);
        n.signed = !words.contains("unsigned") && !words.get(0).startsWith("u") && !words.contains("bool")
                && !words.get(0).endsWith("_t");
        if (pointer || words.contains("struct")) {
            n.bits = 64;
            n.signed = false;
        } else if (words.contains("bool") || words.contains("_Bool")) {
            n.bits = 1;
        } else if (words.contains("char") || words.contains("u8") || words.contains("s8")) {
            n.bits = 8;
        } else if (words.contains("short") || words.contains("u16") || words.contains("s16")) {
            n.bits = 16;
        } else if (words.contains("long")) {
            n.bits = longBits;
        } else if (words.contains("u64") || words.contains("s64") || words.get(0).equals("size_t")) {
            n.bits = 64;
        } else {
            n.bits = 32; // int, unsigned, enum, gfp_t (unsigned int in the kernel), u32
        }
        if (n.bits == 64 && words.get(0).startsWith("s") && !words.get(0).equals("size_t")) {
            n.signed = true;
        }
        return n;
    }

    private Node primary() {
        String t = next();
        char c = t.charAt(0);
        if (Character.isDigit(c)) {
            Node n = new Node(CONST);
            n.value = number(t);
            return n;
        }
        if (c == '"') {
            StringBuilder sb = new StringBuilder(unquote(t));
            while (peek().startsWith("\"")) {
                sb.append(unquote(next()));
            }
            Node n = new Node(STR);
            n.str = sb.toString();
            return n;
        }
        if (c == '\'') {
            Node n = new Node(CONST);
            String u = unquote(t);
            n.value = u.isEmpty() ? 0 : u.charAt(0);
            return n;
        }
        if (t.equals("REC") && peek().equals("->")) {
            next();
            String name = next();
            int idx = fields.indexOf(name);
            if (idx < 0) {
                Node n = new Node(CONST);
                n.value = 0;
                return n;
            }
            Node n = new Node(FIELD);
            n.field = idx;
            return n;
        }
        if (t.equals("__print_symbolic") || t.equals("__print_flags")) {
            return table(t.equals("__print_flags"));
        }
        if (peek().equals("(")) { // an unknown call: skip its arguments
            skipParens();
        }
        Node n = new Node(CONST);
        n.value = UNKNOWN_ADDRESS;
        return n;
    }

    private void skipParens() {
        int depth = 0;
        do {
            String t = next();
            if (t.equals("(")) {
                depth++;
            } else if (t.equals(")")) {
                depth--;
            }
        } while (depth > 0);
    }

    /** {@code __print_symbolic(expr, {v, "name"}, ...)} / {@code __print_flags(expr, "delim", {mask, "name"}, ...)}. */
    private Node table(boolean flags) {
        expect("(");
        Node n = new Node(flags ? FLAGS : SYMBOLIC);
        n.a = conditional();
        if (flags) {
            expect(",");
            n.str = unquote(next());
        }
        List<Long> keys = new ArrayList<>();
        List<String> names = new ArrayList<>();
        while (peek().equals(",")) {
            next();
            expect("{");
            long v = constant(conditional());
            expect(",");
            String name = unquote(next());
            expect("}");
            keys.add(v);
            names.add(name);
        }
        expect(")");
        n.keys = keys.stream().mapToLong(Long::longValue).toArray();
        n.names = names.toArray(new String[0]);
        return n;
    }

    private static long constant(Node n) {
        return num(n, i -> {
            throw new IllegalArgumentException("field in a table key");
        });
    }

    static long number(String t) {
        String s = t.toLowerCase();
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == 'u' || s.charAt(end - 1) == 'l')) {
            end--;
        }
        s = s.substring(0, end);
        if (s.startsWith("0x")) {
            return Long.parseUnsignedLong(s.substring(2), 16);
        }
        if (s.length() > 1 && s.startsWith("0")) {
            return Long.parseUnsignedLong(s.substring(1), 8);
        }
        return Long.parseUnsignedLong(s);
    }

    // ---- evaluation

    static long num(Node n, Record r) {
        switch (n.op) {
            case CONST:
                return n.value;
            case FIELD:
                return r.field(n.field);
            case NEG:
                return -num(n.a, r);
            case NOT:
                return num(n.a, r) == 0 ? 1 : 0;
            case BITNOT:
                return ~num(n.a, r);
            case CAST: {
                long v = num(n.a, r);
                if (n.bits == 1) {
                    return v != 0 ? 1 : 0;
                }
                if (n.bits >= 64) {
                    return v;
                }
                return n.signed ? (v << (64 - n.bits)) >> (64 - n.bits) : v & ((1L << n.bits) - 1);
            }
            case COND:
                return num(n.a, r) != 0 ? num(n.b, r) : num(n.c, r);
            case STR:
            case SYMBOLIC:
            case FLAGS:
                return 0;
            default:
                break;
        }
        long a = num(n.a, r);
        if (n.op == LAND) {
            return a != 0 && num(n.b, r) != 0 ? 1 : 0;
        }
        if (n.op == LOR) {
            return a != 0 || num(n.b, r) != 0 ? 1 : 0;
        }
        long b = num(n.b, r);
        return switch (n.op) {
            case MUL -> a * b;
            case DIV -> b == 0 ? 0 : a / b;
            case MOD -> b == 0 ? 0 : a % b;
            case ADD -> a + b;
            case SUB -> a - b;
            case SHL -> a << b;
            case SHR -> a >>> b;
            case LT -> a < b ? 1 : 0;
            case GT -> a > b ? 1 : 0;
            case LE -> a <= b ? 1 : 0;
            case GE -> a >= b ? 1 : 0;
            case EQ -> a == b ? 1 : 0;
            case NE -> a != b ? 1 : 0;
            case BAND -> a & b;
            case XOR -> a ^ b;
            default -> a | b;
        };
    }

    /** The string an expression prints, or null when it is a number or an unmatched symbol. */
    static String str(Node n, Record r) {
        switch (n.op) {
            case STR:
                return n.str;
            case COND:
                return num(n.a, r) != 0 ? str(n.b, r) : str(n.c, r);
            case SYMBOLIC: {
                long v = num(n.a, r);
                for (int i = 0; i < n.keys.length; i++) {
                    if (n.keys[i] == v) {
                        return n.names[i];
                    }
                }
                return null;
            }
            case FLAGS:
                return flags(n, num(n.a, r));
            default:
                return null;
        }
    }

    /** As libtraceevent's print_str_arg for PRINT_FLAGS (and the kernel's trace_print_flags_seq). */
    static String flags(Node n, long val) {
        StringBuilder sb = new StringBuilder();
        boolean printed = false;
        for (int i = 0; i < n.keys.length; i++) {
            long f = n.keys[i];
            if (val == 0 && f == 0) {
                sb.append(n.names[i]);
                return sb.toString();
            }
            if (f != 0 && (val & f) == f) {
                if (printed) {
                    sb.append(n.str);
                }
                sb.append(n.names[i]);
                printed = true;
                val &= ~f;
            }
        }
        if (val != 0) {
            if (printed) {
                sb.append(n.str);
            }
            sb.append("0x").append(Long.toHexString(val));
        }
        return sb.toString();
    }

    /** Does the expression print a string (rather than a number)? */
    static boolean isString(Node n) {
        return n.op == STR || n.op == SYMBOLIC || n.op == FLAGS || (n.op == COND && (isString(n.b) || isString(n.c)));
    }

    /** The single record field an expression reads, -1 if none or several (then its value cannot be memoised). */
    static int onlyField(Node n) {
        int[] found = {-1, 0};
        walk(n, found);
        return found[1] == 1 ? found[0] : -1;
    }

    private static void walk(Node n, int[] found) {
        if (n == null) {
            return;
        }
        if (n.op == FIELD && n.field != found[0]) {
            found[0] = n.field;
            found[1]++;
        }
        walk(n.a, found);
        walk(n.b, found);
        walk(n.c, found);
    }
}
