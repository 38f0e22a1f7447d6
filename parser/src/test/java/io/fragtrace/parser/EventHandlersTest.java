package io.fragtrace.parser;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Per-type subscription: each event goes to its type's handler, other types to the fallback or nowhere. */
class EventHandlersTest {
    private static final String TRACE = ""
            + "a-1 [000] ..... 1.000000: mm_page_alloc: page=0x1 pfn=0x1 order=0 migratetype=1 gfp_flags=GFP_KERNEL\n"
            + "a-1 [000] ..... 1.000001: mm_page_free: page=0x1 pfn=0x1 order=0\n"
            + "a-1 [000] ..... 1.000002: tracing_mark_write: hello\n"
            + "a-1 [000] ..... 1.000003: mm_page_free_batched: page=0x2 pfn=0x2 order=0\n";

    private static void run(EventHandlers h) {
        new TraceParser().parse(new ByteArrayInputStream(TRACE.getBytes(StandardCharsets.US_ASCII)), "t", h);
    }

    @Test
    void eachTypeToItsHandlerOthersIgnored() {
        List<String> got = new ArrayList<>();
        EventHandlers h = new EventHandlers()
                .on(e -> got.add("alloc " + e.pfn()), EventType.MM_PAGE_ALLOC)
                .on(e -> got.add("free " + e.pfn()), EventType.MM_PAGE_FREE, EventType.MM_PAGE_FREE_BATCHED);
        run(h);
        assertEquals(List.of("alloc 1", "free 1", "free 2"), got);
        assertEquals(EnumSet.of(EventType.MM_PAGE_ALLOC, EventType.MM_PAGE_FREE, EventType.MM_PAGE_FREE_BATCHED),
                h.types());
    }

    @Test
    void otherwiseTakesTheTypesLeft() {
        List<String> got = new ArrayList<>();
        run(new EventHandlers()
                .on(e -> got.add("alloc"), EventType.MM_PAGE_ALLOC)
                .otherwise(e -> got.add(e.type().kernelName())));
        assertEquals(List.of("alloc", "mm_page_free", "tracing_mark_write", "mm_page_free_batched"), got);
    }

    @Test
    void oneHandlerAType() {
        EventHandlers h = new EventHandlers().on(e -> { }, EventType.MM_PAGE_ALLOC);
        assertThrows(IllegalStateException.class, () -> h.on(e -> { }, EventType.MM_PAGE_ALLOC));
    }
}
