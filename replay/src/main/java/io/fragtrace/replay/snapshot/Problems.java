package io.fragtrace.replay.snapshot;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Malformed snapshot lines: counted, with the first few kept as "file:line: reason". */
public final class Problems {
    public static final int MAX_EXAMPLES = 10;
    private final String file;
    private long count;
    private final List<String> examples = new ArrayList<>();

    public Problems(String file) {
        this.file = file;
    }

    public void add(long line, String reason, String text) {
        count++;
        if (examples.size() < MAX_EXAMPLES) {
            String t = text.length() > 120 ? text.substring(0, 120) + "..." : text;
            examples.add(file + ":" + line + ": " + reason + ": " + t);
        }
    }

    public long count() {
        return count;
    }

    public List<String> examples() {
        return Collections.unmodifiableList(examples);
    }

    @Override
    public String toString() {
        return count == 0 ? file + ": ok" : file + ": " + count + " malformed line(s), first: " + examples.get(0);
    }
}
