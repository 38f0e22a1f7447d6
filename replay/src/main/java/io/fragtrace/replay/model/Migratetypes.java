package io.fragtrace.replay.model;

import java.util.List;
import java.util.Locale;

/**
 * Migratetype names, declared once: migratetype_names[] (mm/page_alloc.c) as /proc/pagetypeinfo prints them, in
 * enum migratetype order (include/linux/mmzone.h). The model has no MIGRATE_CMA (MIGRATE_TYPES = 5, see
 * {@link KernelSemantics}), so its type mt is {@code MODEL.get(mt)}; a kernel with CONFIG_CMA prints CMA before Isolate.
 */
public final class Migratetypes {
    /** migratetype_names[] with CONFIG_CMA and CONFIG_MEMORY_ISOLATION (the captures' kernels). */
    public static final List<String> WITH_CMA =
            List.of("Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate");
    /** The model's types by their MIGRATE_* number: {@link #WITH_CMA} without CMA. */
    public static final List<String> MODEL = WITH_CMA.stream().filter(n -> !n.equals("CMA")).toList();

    private Migratetypes() {
    }

    /** The model type of a pagetypeinfo name, or -1 (CMA, or a name the kernel does not print). */
    public static int ofName(String name) {
        return MODEL.indexOf(name);
    }

    /** The names in lower case, as JSON keys, CSV columns and prose use them. */
    public static List<String> lowerCase(List<String> names) {
        return names.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
    }
}
