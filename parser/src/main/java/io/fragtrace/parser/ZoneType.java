package io.fragtrace.parser;

/** Zone names as printed by the ZONE_TYPE symbolic table (include/trace/events/mmflags.h). */
public enum ZoneType {
    DMA, DMA32, Normal, HighMem, Movable, Device, UNKNOWN;

    private static final ZoneType[] VALUES = values();

    public static ZoneType byOrdinal(long ordinal) {
        return ordinal >= 0 && ordinal < VALUES.length ? VALUES[(int) ordinal] : UNKNOWN;
    }

    public static ZoneType byName(String name) {
        for (ZoneType z : VALUES) {
            if (z != UNKNOWN && z.name().equals(name)) {
                return z;
            }
        }
        return UNKNOWN;
    }
}
