package io.fragtrace.replay.model;

import io.fragtrace.parser.Gfp;

/**
 * Movable non-LRU pages (include/linux/migrate.h movable_operations, __PageMovable()): zsmalloc's zspage pages
 * (zram's backing store, migratable since 4.8) and balloon pages (mm/balloon_compaction.c, 4.8 in this form). A page
 * trace carries no page flags, so they are recognised by the gfp mask of their allocation, a guess:
 * <ul>
 * <li>zsmalloc under zram: order 0, {@code __GFP_MOVABLE|__GFP_HIGHMEM} without {@code __GFP_IO}/{@code __GFP_FS}
 * (zram_write_page() passes {@code __GFP_KSWAPD_RECLAIM|__GFP_NOWARN|__GFP_HIGHMEM|__GFP_MOVABLE}, then
 * {@code GFP_NOIO|__GFP_HIGHMEM|__GFP_MOVABLE}; alloc_zspage() hands it to alloc_page() unchanged). Page cache and
 * anonymous memory ({@code GFP_HIGHUSER_MOVABLE}) always carry IO and FS.</li>
 * <li>balloon: order 0, {@code GFP_HIGHUSER_MOVABLE|__GFP_NOMEMALLOC|__GFP_NORETRY} (balloon_page_alloc()); no
 * user-space allocation asks for NOMEMALLOC.</li>
 * </ul>
 * A zswap or other zsmalloc user with another mask is not recognised.
 */
public final class NonLruMovable {
    public static final int NONE = 0;
    public static final int ZSMALLOC = 1;
    public static final int BALLOON = 2;

    private NonLruMovable() {
    }

    /** Which movable non-LRU allocation a (gfp, order) is, {@link #NONE} for an ordinary one. */
    public static int kind(long gfp, int order) {
        if (order != 0 || (gfp & Gfp.MOVABLE) == 0 || (gfp & Gfp.HIGHMEM) == 0) {
            return NONE;
        }
        if ((gfp & (Gfp.IO | Gfp.FS)) == 0) {
            return ZSMALLOC;
        }
        if ((gfp & Gfp.NOMEMALLOC) != 0 && (gfp & Gfp.NORETRY) != 0 && (gfp & Gfp.HARDWALL) != 0) {
            return BALLOON;
        }
        return NONE;
    }
}
