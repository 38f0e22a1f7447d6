package io.fragtrace.replay.metrics;

/**
 * One zone at one instant: what /proc/buddyinfo, /proc/pagetypeinfo and debugfs extfrag/ would print, plus
 * pageblock ownership. Indexes are the kernel's integers (thousandths; -1000 = a suitable block is free).
 * {@code mixedPageblocks} and {@code freeRegions} are -1 when not known. Free page reporting (-1 when off):
 * pages marked reported now, pages reported so far, reported pages reallocated so far, free pages in blocks at or
 * above the reporting order. {@code minHeadroom}: free pages above the min watermark (Long.MIN_VALUE when the
 * watermarks are not known).
 */
public record ZoneSample(
        long timeNs,
        String marker,
        int node,
        String zone,
        long freePages,
        long pcpPages,
        long[] nrFree,
        long[] freeByMigratetype,
        int[] fragIndex,
        int[] unusableIndex,
        int fragScore,
        long[] pageblocksByMigratetype,
        long mixedPageblocks,
        long freeRegions,
        long reportedPages,
        long reportedTotal,
        long reportedReallocated,
        long reportableFree,
        long minHeadroom) {

    public ZoneSample withFreeRegions(long n) {
        return new ZoneSample(timeNs, marker, node, zone, freePages, pcpPages, nrFree, freeByMigratetype, fragIndex,
                unusableIndex, fragScore, pageblocksByMigratetype, mixedPageblocks, n, reportedPages, reportedTotal,
                reportedReallocated, reportableFree, minHeadroom);
    }
}
