package io.fragtrace.replay;

import io.fragtrace.parser.TraceInput;
import io.fragtrace.parser.TraceInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A model the heap cannot hold is refused up front with the heap it needs and the flag that gives it. */
class HeapCheckTest {
    @TempDir
    Path tmp;

    @Test
    void fourTiBInAFourGBHeapIsRefusedWithTheFlag() {
        long pfns = 1L << 30; // 4 TiB of 4 KiB pages
        // 10 bytes per pfn + 19 per 512-pfn pageblock + 256 MiB: 10737418240 + 39845888 + 268435456 → 11 GB (ceil)
        assertEquals(10L * pfns + (pfns >> 9) * 19 + (256L << 20), HeapCheck.bytesFor(pfns));
        TraceInputException e = assertThrows(TraceInputException.class,
                () -> HeapCheck.require("t.txt", pfns, 4L << 30));
        assertEquals("t.txt: modelling 4.0 TiB (1073741824 pfns) needs about 11 GB of Java heap, this JVM has 4.0 GB; "
                + "run with FRAGTRACE_JAVA_OPTS=-Xmx12g", e.getMessage());
    }

    @Test
    void oneTiBFitsTheDefaultFourGBHeap() {
        // 2^28 pfns: 2684354560 + 9961472 + 268435456 = 2.96 GB < 4 GB
        assertDoesNotThrow(() -> HeapCheck.require("t.txt", 1L << 28, 4L << 30));
    }

    @Test
    void aBareTraceNamingAFourTiBPfnIsRefusedBeforeAnyAllocation() throws Exception {
        Path t = tmp.resolve("t.txt");
        // the highest pfn below 4 TiB: 0x3fffffff
        Files.writeString(t, "a-1 [000] ..... 1.000000: mm_page_free: page=0x1 pfn=0x3fffffff order=0\n");
        long heap = Runtime.getRuntime().maxMemory();
        if (HeapCheck.bytesFor(1L << 30) <= heap) {
            return; // a JVM with 11 GB of heap models it: nothing to refuse
        }
        TraceInputException e = assertThrows(TraceInputException.class,
                () -> StartState.of(TraceInput.of(t.toString()), null, null));
        assertTrue(e.getMessage().contains("FRAGTRACE_JAVA_OPTS=-Xmx12g"), e.getMessage());
    }
}
