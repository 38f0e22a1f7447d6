package io.fragtrace.parser;

import java.util.EnumSet;
import java.util.Set;

/**
 * A consumer's subscriptions: one handler per event type it acts on (each a type {@link EventTable} declares), so
 * what a new tracepoint needs is a line here per consumer, and which consumers act on a type can be listed
 * ({@link #types()}). An event of a type with no handler is ignored. One array lookup per event.
 */
public final class EventHandlers implements TraceVisitor {
    private final TraceVisitor[] byType = new TraceVisitor[EventType.values().length];

    /** Handles events of these types with handler; a type already handled is an error (one handler a type). */
    public EventHandlers on(TraceVisitor handler, EventType... types) {
        for (EventType t : types) {
            if (EventTable.spec(t) == null) {
                throw new IllegalArgumentException(t + " is not declared in EventTable");
            }
            if (byType[t.ordinal()] != null) {
                throw new IllegalStateException(t + " has a handler already");
            }
            byType[t.ordinal()] = handler;
        }
        return this;
    }

    /** Handles every type still without a handler with handler (a consumer's "any other event"); call it last. */
    public EventHandlers otherwise(TraceVisitor handler) {
        for (int i = 0; i < byType.length; i++) {
            if (byType[i] == null) {
                byType[i] = handler;
            }
        }
        return this;
    }

    /** The types handled. */
    public Set<EventType> types() {
        Set<EventType> s = EnumSet.noneOf(EventType.class);
        for (EventType t : EventType.values()) {
            if (byType[t.ordinal()] != null) {
                s.add(t);
            }
        }
        return s;
    }

    @Override
    public void onEvent(ParsedEvent e) {
        TraceVisitor h = byType[e.type().ordinal()];
        if (h != null) {
            h.onEvent(e);
        }
    }
}
