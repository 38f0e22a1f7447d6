package io.fragtrace.parser;

/** The input cannot be read as a trace at all (missing, unreadable, a folder without a trace). One line for the user. */
public final class TraceInputException extends Exception {
    private static final long serialVersionUID = 1L;

    public TraceInputException(String message) {
        super(message);
    }
}
