package io.fragtrace.parser;

/** Receives every good event of a parse, in trace order, as a reused flyweight. */
@FunctionalInterface
public interface TraceVisitor {
    void onEvent(ParsedEvent event);
}
