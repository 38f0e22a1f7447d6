package io.fragtrace.replay.model;

import io.fragtrace.parser.Gfp;

/**
 * LRU pages allocated without {@code __GFP_MOVABLE}: the page cache of a block device. bdev_alloc() (block/bdev.c,
 * 6.1 and 6.12) sets its mapping's mask to {@code GFP_USER}, so the buffer cache that reading or writing a disk
 * directly fills ("Buffers" in /proc/meminfo) is allocated as MIGRATE_UNMOVABLE; yet filemap_add_folio() puts each
 * folio on the LRU (folio_add_lru()), isolate_migratepages_block() (mm/compaction.c) takes any PageLRU folio
 * whatever its gfp, migration moves it (def_blk_aops.migrate_folio = buffer_migrate_folio_norefs()), and
 * move_freepages_block() counts it as movable. A page trace carries no page flags, so the allocation is recognised by
 * its mask: order 0, {@code __GFP_HARDWALL} (the {@code GFP_USER} base; slab and page tables never have it) and
 * {@code __GFP_COMP} (filemap_alloc_folio() allocates through folio_alloc(), which adds it even at order 0; a pipe
 * buffer's alloc_page(GFP_HIGHUSER | __GFP_ACCOUNT) has none), neither movable nor reclaimable; readahead adds
 * {@code __GFP_NORETRY|__GFP_NOWARN} (readahead_gfp_mask()) and drops {@code __GFP_FS} (memalloc_nofs_save()), as
 * the captures show: {@code GFP_NOFS|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP|__GFP_HARDWALL}. Not above order 0:
 * kmalloc_large() of a {@code GFP_USER} buffer (memdup_user()) has the same bits and is no LRU page, and a block
 * device's mapping has no large folios in 6.1 or 6.12.
 */
public final class UnmovableLru {
    private UnmovableLru() {
    }

    /** Whether an allocation of this mask and order is a block device's page-cache folio (on the LRU, migratable). */
    public static boolean blockDeviceFolio(long gfp, int order) {
        return order == 0 && (gfp & Gfp.HARDWALL) != 0 && (gfp & Gfp.COMP) != 0
                && (gfp & (Gfp.MOVABLE | Gfp.RECLAIMABLE)) == 0;
    }
}
