package io.fragtrace.parser;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A fixed map from ASCII keys to ints, looked up by byte range without allocating (event names, field keys, vocabularies). */
final class ByteKeyTable {
    private final byte[][] keys;
    private final int[] values;
    private final int mask;

    ByteKeyTable(int capacity) {
        int size = Integer.highestOneBit(Math.max(4, capacity * 4) - 1) << 1;
        keys = new byte[size][];
        values = new int[size];
        mask = size - 1;
    }

    void put(String key, int value) {
        byte[] k = key.getBytes(StandardCharsets.US_ASCII);
        int slot = slot(k, 0, k.length);
        while (keys[slot] != null && !Arrays.equals(keys[slot], k)) {
            slot = (slot + 1) & mask;
        }
        keys[slot] = k;
        values[slot] = value;
    }

    /** The value of the key in b[off, off+len), or -1. */
    int get(byte[] b, int off, int len) {
        int slot = slot(b, off, len);
        byte[] k;
        while ((k = keys[slot]) != null) {
            if (k.length == len && ByteScan.equal(k, 0, b, off, len)) {
                return values[slot];
            }
            slot = (slot + 1) & mask;
        }
        return -1;
    }

    /** From the length and four sampled bytes, not every byte: the keys (event names, field keys) differ there. */
    private int slot(byte[] b, int off, int len) {
        int h = len;
        if (len > 0) {
            int end = off + len - 1;
            h = h * 31 + b[off];
            h = h * 31 + b[off + (len >> 1)];
            h = h * 31 + b[end];
            h = h * 31 + b[end - (len >> 2)];
        }
        h *= 0x9E3779B1;
        return (h ^ (h >>> 15)) & mask;
    }
}
