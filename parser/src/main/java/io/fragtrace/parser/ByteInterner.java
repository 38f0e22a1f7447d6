package io.fragtrace.parser;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Interns byte ranges (task names, gfp strings, unknown event names) to small ints without allocating on a hit.
 * Capacity is capped so that a hostile trace with millions of distinct names keeps memory bounded:
 * past the cap every new name maps to {@link #OTHER}.
 */
public final class ByteInterner {
    public static final int OTHER = 0;
    private static final String OTHER_NAME = "<other>";

    private final int maxEntries;
    private int[] table = new int[1024]; // id+1, 0 = empty
    private long[] hashes = new long[1024];
    private byte[][] keys = new byte[16][];
    private final List<String> strings = new ArrayList<>();
    /** The id the last {@link #intern} returned (never {@link #OTHER}: its key is no name), checked first. */
    private int last = -1;

    public ByteInterner(int maxEntries) {
        this.maxEntries = maxEntries;
        keys[0] = new byte[0];
        strings.add(OTHER_NAME);
    }

    public int size() {
        return strings.size();
    }

    public String string(int id) {
        return strings.get(id);
    }

    /** The bytes interned as id (for a consumer thread's interner to learn the same ids in the same order). */
    byte[] key(int id) {
        return keys[id];
    }

    public int intern(byte[] b, int off, int len) {
        int last = this.last;
        if (last > 0 && same(keys[last], b, off, len)) { // runs of one task's events, of one gfp string
            return last;
        }
        long h = hash(b, off, len);
        int mask = table.length - 1;
        int slot = (int) (h ^ (h >>> 32)) & mask;
        while (true) {
            int idp1 = table[slot];
            if (idp1 == 0) {
                break;
            }
            if (hashes[slot] == h && same(keys[idp1 - 1], b, off, len)) {
                return this.last = idp1 - 1;
            }
            slot = (slot + 1) & mask;
        }
        int id = add(b, off, len, h, slot);
        if (id != OTHER) {
            this.last = id;
        }
        return id;
    }

    /**
     * A new name, out of line: the hit path above stays small enough for the JIT to inline it into the parser
     * without the copy, the String decoding and the rehash (a compile several times larger, redone at every
     * deoptimization of the caller).
     */
    private int add(byte[] b, int off, int len, long h, int slot) {
        if (strings.size() >= maxEntries) {
            return OTHER;
        }
        int id = strings.size();
        byte[] key = Arrays.copyOfRange(b, off, off + len);
        if (id >= keys.length) {
            keys = Arrays.copyOf(keys, keys.length * 2);
        }
        keys[id] = key;
        strings.add(new String(key, StandardCharsets.UTF_8));
        table[slot] = id + 1;
        hashes[slot] = h;
        if (strings.size() * 2 > table.length) {
            rehash();
        }
        return id;
    }

    private void rehash() {
        int[] oldTable = table;
        long[] oldHashes = hashes;
        table = new int[oldTable.length * 2];
        hashes = new long[oldTable.length * 2];
        int mask = table.length - 1;
        for (int i = 0; i < oldTable.length; i++) {
            if (oldTable[i] != 0) {
                long h = oldHashes[i];
                int slot = (int) (h ^ (h >>> 32)) & mask;
                while (table[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                table[slot] = oldTable[i];
                hashes[slot] = h;
            }
        }
    }

    /** k equals b[off, off+len) (Arrays.equals' call cost more than these short names). */
    private static boolean same(byte[] k, byte[] b, int off, int len) {
        return k.length == len && ByteScan.equal(k, 0, b, off, len);
    }

    private static final java.lang.invoke.VarHandle LONGS = ByteScan.LONGS;

    /** Eight bytes a step (a byte-at-a-time FNV chain cost ~4 cycles a byte, a third of the chunked parse's time). */
    static long hash(byte[] b, int off, int len) {
        long h = 0x9E3779B97F4A7C15L ^ len;
        int i = off;
        int end = off + len;
        for (; i + 8 <= end; i += 8) {
            h = Long.rotateLeft((h ^ (long) LONGS.get(b, i)) * 0x100000001B3L, 29);
        }
        long tail = 0;
        for (int shift = 0; i < end; i++, shift += 8) {
            tail |= (b[i] & 0xffL) << shift;
        }
        h = (h ^ tail) * 0xC2B2AE3D27D4EB4FL;
        return h ^ (h >>> 29);
    }
}
