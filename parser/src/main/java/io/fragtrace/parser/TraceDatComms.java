package io.fragtrace.parser;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Saved command lines of a trace.dat ({@code saved_cmdlines}: "pid comm" per line) as pid → comm bytes in an
 * open-addressing table, so that naming a task costs no allocation per event. Names as trace-cmd report prints
 * them: {@code <idle>} for pid 0, {@code <...>} for a pid the kernel did not save.
 */
final class TraceDatComms {
    static final byte[] IDLE = "<idle>".getBytes(StandardCharsets.US_ASCII);
    static final byte[] UNKNOWN = "<...>".getBytes(StandardCharsets.US_ASCII);

    private int[] pids = new int[256];
    private byte[][] names = new byte[256][];
    private int size;

    void load(byte[] text) {
        int i = 0;
        while (i < text.length) {
            int e = i;
            while (e < text.length && text[e] != '\n') {
                e++;
            }
            int j = i;
            int pid = 0;
            boolean digits = false;
            while (j < e && text[j] >= '0' && text[j] <= '9') {
                pid = pid * 10 + (text[j] - '0');
                j++;
                digits = true;
            }
            if (digits && j < e && text[j] == ' ') {
                put(pid, Arrays.copyOfRange(text, j + 1, e));
            }
            i = e + 1;
        }
    }

    void put(int pid, byte[] name) {
        if ((size + 1) * 2 > pids.length) {
            grow();
        }
        int slot = slot(pid);
        if (names[slot] == null) {
            size++;
        }
        pids[slot] = pid;
        names[slot] = name;
    }

    private int slot(int pid) {
        int mask = pids.length - 1;
        int s = (pid * 0x9E3779B9) >>> 16 & mask;
        while (names[s] != null && pids[s] != pid) {
            s = (s + 1) & mask;
        }
        return s;
    }

    private void grow() {
        int[] op = pids;
        byte[][] on = names;
        pids = new int[op.length * 2];
        names = new byte[op.length * 2][];
        size = 0;
        for (int i = 0; i < op.length; i++) {
            if (on[i] != null) {
                put(op[i], on[i]);
            }
        }
    }

    byte[] get(int pid) {
        if (pid == 0) {
            return IDLE;
        }
        byte[] n = names[slot(pid)];
        return n == null ? UNKNOWN : n;
    }

    /** The saved name, or null when the pid has none. */
    byte[] find(int pid) {
        return names[slot(pid)];
    }

    int size() {
        return size;
    }
}
