package io.fragtrace.replay.snapshot;

/** A snapshot file that cannot be used at all (missing, unreadable, no header). One-line message, no stack needed. */
public final class SnapshotException extends Exception {
    private static final long serialVersionUID = 1L;

    public SnapshotException(String message) {
        super(message);
    }
}
