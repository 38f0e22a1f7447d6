package io.fragtrace.replay.model;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MigratetypesTest {
    @Test
    void namesAreTheKernelsAndIndexTheModelsNumbers() {
        // mm/page_alloc.c (6.1) migratetype_names[MIGRATE_TYPES]: "Unmovable", "Movable", "Reclaimable",
        // "HighAtomic", then "CMA" under CONFIG_CMA, then "Isolate" under CONFIG_MEMORY_ISOLATION
        assertEquals(List.of("Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate"),
                Migratetypes.WITH_CMA);
        assertEquals(KernelSemantics.MIGRATE_TYPES, Migratetypes.MODEL.size());
        assertEquals(KernelSemantics.MIGRATE_UNMOVABLE, Migratetypes.ofName("Unmovable"));
        assertEquals(KernelSemantics.MIGRATE_MOVABLE, Migratetypes.ofName("Movable"));
        assertEquals(KernelSemantics.MIGRATE_RECLAIMABLE, Migratetypes.ofName("Reclaimable"));
        assertEquals(KernelSemantics.MIGRATE_HIGHATOMIC, Migratetypes.ofName("HighAtomic"));
        assertEquals(KernelSemantics.MIGRATE_ISOLATE, Migratetypes.ofName("Isolate"));
        assertEquals(-1, Migratetypes.ofName("CMA"));
        assertEquals(List.of("unmovable", "movable", "reclaimable", "highatomic", "isolate"),
                Migratetypes.lowerCase(Migratetypes.MODEL));
    }
}
