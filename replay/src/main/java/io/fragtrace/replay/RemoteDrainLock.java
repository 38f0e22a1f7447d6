package io.fragtrace.replay;

import io.fragtrace.parser.EventType;
import io.fragtrace.parser.Field;
import io.fragtrace.parser.ParsedEvent;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;

import java.util.Arrays;

import static io.fragtrace.replay.model.BuddyModel.KIND_PCP;

/**
 * Observed mode: which CPU's pcp lock another CPU holds while it drains that list (mm/page_alloc.c, 6.0+ remote
 * draining): __drain_all_pages() calls drain_pages_zone(cpu, zone) for each CPU with pages, which takes that CPU's
 * pcp->lock and frees the list through free_pcppages_bulk() (mm_page_pcpu_drain, printed on the draining CPU). While
 * the lock is held, the owner's free_unref_page() fails pcp_spin_trylock() and frees with free_one_page() (no event
 * tells), and rmqueue_pcplist() fails the same way (rmqueue_buddy()).
 * <p>
 * The hold starts at the drainer's first drain of the owner's pages and ends, untraced, with spin_unlock() after its
 * last one. The release is placed at the first event that shows it: the drainer's next own event that is not a drain
 * of the owner's pages (drain_pages_zone() has returned), or an event of the owner that took its own pcp lock
 * (mm_page_free_batched of a page on its list, its own drain, see {@link #resolve}). The drainer's silence does not
 * prove the hold (its vCPU may stall anywhere), so a free made meanwhile is only kept pending (on the list) until
 * the owner's next events tell where it went. A list freed before the hold began tries the lock in its commit loop:
 * see {@link #freeUnrefPageList}.
 */
final class RemoteDrainLock {
    private final BuddyModel m;
    /** Per owner CPU: the CPU holding its pcp lock in drain_pages_zone(), or -1. */
    private int[] heldBy = new int[0];
    /** Per owner CPU: the zone of that lock. */
    private int[] heldZone = new int[0];
    /** Per drainer CPU: the owner CPU whose lock it holds, or -1. */
    private int[] holding = new int[0];

    RemoteDrainLock(BuddyModel m) {
        this.m = m;
    }

    /** Grows every per-CPU array to hold cpu (CPU numbers come from the trace). */
    private void ensure(int cpu) {
        if (cpu < heldBy.length) {
            return;
        }
        int n = Math.max(cpu + 1, Math.max(8, heldBy.length * 2));
        int old = heldBy.length;
        heldBy = Arrays.copyOf(heldBy, n);
        heldZone = Arrays.copyOf(heldZone, n);
        holding = Arrays.copyOf(holding, n);
        Arrays.fill(heldBy, old, n, -1);
        Arrays.fill(holding, old, n, -1);
        pendingN = Arrays.copyOf(pendingN, n);
        decided = Arrays.copyOf(decided, n);
        pendingPfn = Arrays.copyOf(pendingPfn, n);
        pendingOrder = Arrays.copyOf(pendingOrder, n);
        for (int i = old; i < n; i++) {
            pendingPfn[i] = new long[16];
            pendingOrder[i] = new int[16];
        }
        afterBatched = Arrays.copyOf(afterBatched, n);
        zoneLockedRun = Arrays.copyOf(zoneLockedRun, n);
        lists = Arrays.copyOf(lists, n);
        for (int i = old; i < n; i++) {
            lists[i] = new FreeList();
        }
    }

    /** Before the event is applied: the locks it takes or shows released. */
    void before(ParsedEvent e) {
        int cpu = e.cpu();
        if (cpu < 0) {
            return;
        }
        ensure(cpu);
        EventType t = e.type();
        boolean irq = e.hasIrqFlags() && e.inInterrupt();
        int owner = -1;
        int z = -1;
        // the owner's list matters for a drain, and for a batched commit only while another CPU holds this lock
        if (t == EventType.MM_PAGE_PCPU_DRAIN || (t == EventType.MM_PAGE_FREE_BATCHED && heldBy[cpu] >= 0)) {
            long pfn = e.pfn();
            if (m.inRange(pfn) && m.kind(pfn) == KIND_PCP) {
                owner = m.pcpCpuOf(pfn);
                z = m.zoneOf(pfn);
            }
        }
        // the drainer: anything but a drain of the same owner's list means drain_pages_zone() returned
        int held = holding[cpu];
        if (held >= 0 && !irq && !(t == EventType.MM_PAGE_PCPU_DRAIN && owner == held && z == heldZone[held])) {
            release(held);
        }
        if (t == EventType.MM_PAGE_PCPU_DRAIN && !irq && owner >= 0 && owner != cpu) {
            ensure(owner);
            if (heldBy[owner] >= 0 && heldBy[owner] != cpu) {
                release(owner);
            }
            heldBy[owner] = cpu;
            heldZone[owner] = z;
            holding[cpu] = owner;
            lists[owner].heldZones |= 1L << z;
            return;
        }
        // the owner took its own pcp lock: pcp_spin_trylock() succeeded, the drainer had let it go
        int by = heldBy[cpu];
        if (by >= 0 && owner == cpu && z == heldZone[cpu]) {
            release(cpu);
        }
    }

    private void release(int owner) {
        int by = heldBy[owner];
        if (by >= 0) {
            holding[by] = -1;
        }
        heldBy[owner] = -1;
    }

    /** Per CPU: frees made while the lock was held, not yet known not to be free_unref_folios()' (pfn, order). */
    private long[][] pendingPfn = new long[0][];
    private int[][] pendingOrder = new int[0][];
    private int[] pendingN = new int[0];
    /** Per CPU: how many of its run's frees (the first ones) went to the buddy already (beyond a folio_batch). */
    private int[] decided = new int[0];

    /**
     * A free on a CPU whose lock a drain holds: free_unref_page() failed pcp_spin_trylock() and went to the buddy,
     * unless it was free_unref_folios()' first loop (free_pages_prepare() prints mm_page_free for every folio before
     * the lock is tried; when the trylock then succeeds, each page's mm_page_free_batched follows). Kept until this
     * CPU's next other event tells (see {@link #resolve}); on 6.10+ a folio_batch holds at most PAGEVEC_SIZE folios,
     * so a free further back in the run than that cannot be one whose commit is still to come: it goes now.
     */
    void pendingFree(ParsedEvent e, long pfn, int order, ToBuddy toBuddy) {
        int cpu = e.cpu();
        ensure(cpu);
        int n = pendingN[cpu];
        if (n == pendingPfn[cpu].length) {
            pendingPfn[cpu] = Arrays.copyOf(pendingPfn[cpu], Math.max(16, n * 2));
            pendingOrder[cpu] = Arrays.copyOf(pendingOrder[cpu], Math.max(16, n * 2));
        }
        pendingPfn[cpu][n] = pfn;
        pendingOrder[cpu][n] = order;
        pendingN[cpu] = n + 1;
        int d = decided[cpu];
        if (m.ks.folioBatchFree() && n + 1 - d > KernelSemantics.PAGEVEC_SIZE) {
            long p = pendingPfn[cpu][d];
            int o = pendingOrder[cpu][d];
            decided[cpu] = d + 1;
            if (onOwnList(cpu, p, o)) {
                toBuddy.freeOnePage(e, p, o, freeUnrefPageMigratetype(p));
            }
        }
    }

    private boolean onOwnList(int cpu, long p, int o) {
        return m.inRange(p) && m.kind(p) == KIND_PCP && m.orderAt(p) == o && m.pcpCpuOf(p) == cpu;
    }

    /** Receives each pending free that went to the buddy. */
    interface ToBuddy {
        void freeOnePage(ParsedEvent at, long pfn, int order, int migratetype);
    }

    /** The migratetype free_unref_page() hands free_one_page(): the pageblock's (6.10+), else the pcp list's. */
    private int freeUnrefPageMigratetype(long pfn) {
        return m.ks.strictFreelistMt() ? m.pageblockMigratetype(pfn) : m.listMigratetype(pfn);
    }

    /** Per CPU: its last event (outside interrupts) was an mm_page_free_batched. */
    private boolean[] afterBatched = new boolean[0];
    /** Per CPU: how many mm_page_alloc_zone_locked in a row are its last events. */
    private int[] zoneLockedRun = new int[0];

    /**
     * Before each event, what it tells of this CPU's pending frees. They went to the pcp list (the drain had let the
     * lock go, the trylock succeeded) when the CPU next takes its own pcp lock: an mm_page_free_batched of a pending
     * page (free_unref_folios()' commit), a second mm_page_alloc_zone_locked in a row (rmqueue_bulk() refilling under
     * the lock), its own drain (free_pcppages_bulk()), or an allocation of a page from its list. They went to the
     * buddy (free_one_page()) when it goes on with anything else: a zone_locked of a pending page, an allocation right
     * after one zone_locked (rmqueue_buddy(): the trylock failed), another kind of event, or a new run of frees after
     * the batched ones. One zone_locked alone waits for the next event.
     */
    void resolve(ParsedEvent e, ToBuddy toBuddy) {
        int cpu = e.cpu();
        if (cpu < 0) {
            return;
        }
        ensure(cpu);
        freeUnrefPageList(e, cpu, toBuddy); // mm/page_alloc.c free_unref_page_list(): its commit loop's trylock
        EventType t = e.type();
        if (t == EventType.MM_PAGE_FREE_BATCHED) {
            removePending(cpu, e.pfn());
            afterBatched[cpu] = true;
            zoneLockedRun[cpu] = 0;
            return;
        }
        if (e.hasIrqFlags() && e.inInterrupt()) {
            return; // an interrupt's own event says nothing about the task's frees
        }
        boolean runGoesOn = t == EventType.MM_PAGE_FREE && !afterBatched[cpu];
        afterBatched[cpu] = false;
        int run = zoneLockedRun[cpu];
        zoneLockedRun[cpu] = t == EventType.MM_PAGE_ALLOC_ZONE_LOCKED ? run + 1 : 0;
        if (runGoesOn || pendingN[cpu] == 0) {
            return;
        }
        long pfn = e.pfn();
        boolean onOwnList = m.inRange(pfn) && m.kind(pfn) == KIND_PCP && m.pcpCpuOf(pfn) == cpu;
        boolean toList;
        if (t == EventType.MM_PAGE_ALLOC_ZONE_LOCKED) {
            boolean ofRun = indexInRun(cpu, pfn, 0) >= 0;
            if (!ofRun && run == 0) {
                return;
            }
            toList = !ofRun;
        } else {
            toList = onOwnList && (t == EventType.MM_PAGE_PCPU_DRAIN || (t == EventType.MM_PAGE_ALLOC && run != 1));
        }
        int n = pendingN[cpu];
        int d = decided[cpu];
        pendingN[cpu] = 0;
        decided[cpu] = 0;
        if (toList) {
            if (cpu < heldBy.length && heldBy[cpu] >= 0) {
                release(cpu);
            }
            return;
        }
        for (int i = d; i < n; i++) {
            long p = pendingPfn[cpu][i];
            int o = pendingOrder[cpu][i];
            if (onOwnList(cpu, p, o)) {
                toBuddy.freeOnePage(e, p, o, freeUnrefPageMigratetype(p));
            }
        }
    }

    /** Index of pfn among cpu's run of frees from index from on, or -1. */
    private int indexInRun(int cpu, long pfn, int from) {
        for (int i = from; i < pendingN[cpu]; i++) {
            if (pendingPfn[cpu][i] == pfn) {
                return i;
            }
        }
        return -1;
    }

    /** Drops pfn from cpu's pending frees (not the decided ones), keeping the others in trace order. */
    private void removePending(int cpu, long pfn) {
        int i = indexInRun(cpu, pfn, decided[cpu]);
        if (i >= 0) {
            int n = pendingN[cpu];
            System.arraycopy(pendingPfn[cpu], i + 1, pendingPfn[cpu], i, n - i - 1);
            System.arraycopy(pendingOrder[cpu], i + 1, pendingOrder[cpu], i, n - i - 1);
            pendingN[cpu] = n - 1;
        }
    }

    /** The longest run of one task's frees kept as a candidate list. */
    private static final int LIST_MAX = 4096;
    /** A task's run of frees on one CPU, the candidate free_unref_page_list() list, and its commit loop. */
    private static final class FreeList {
        /** The frees as its first loop printed them (pfn, order), in list order. */
        long[] pfn = new long[32];
        int[] order = new int[32];
        int n;
        /** The task (pid) that freed them. */
        int pid;
        /** Index of the next page the commit loop reaches (after its last mm_page_free_batched). */
        int next;
        /** The commit loop has begun (an mm_page_free_batched of the list was seen). */
        boolean committing;
        /** The zone whose pcp lock the commit loop holds (its locked_zone), or -1, and its batch_count. */
        int lockedZone = -1;
        int batchCount;
        /** Bit z set when another CPU's drain_pages_zone() held its zone-z pcp lock since the list's last free. */
        long heldZones;

        void add(long p, int o, int task, long held) {
            if (n == LIST_MAX) {
                // a run of single frees this long is no one list (release_pages() hands at most a gather batch,
                // ~510 pages): keep the newest half, memory stays bounded whatever the trace's length
                System.arraycopy(pfn, n - LIST_MAX / 2, pfn, 0, LIST_MAX / 2);
                System.arraycopy(order, n - LIST_MAX / 2, order, 0, LIST_MAX / 2);
                n = LIST_MAX / 2;
            } else if (n == pfn.length) {
                pfn = Arrays.copyOf(pfn, n * 2);
                order = Arrays.copyOf(order, n * 2);
            }
            pfn[n] = p;
            order[n] = o;
            n++;
            pid = task;
            heldZones = held;
        }

        /** Index of p from the commit loop's position on, or -1. */
        int indexFromNext(long p) {
            for (int i = next; i < n; i++) {
                if (pfn[i] == p) {
                    return i;
                }
            }
            return -1;
        }

        void forget() {
            n = 0;
            next = 0;
            committing = false;
            lockedZone = -1;
            batchCount = 0;
        }
    }

    /** Per CPU: its current candidate list. */
    private FreeList[] lists = new FreeList[0];

    /**
     * mm/page_alloc.c free_unref_page_list() (6.1; free_unref_folios() on 6.10+): the first loop prints mm_page_free
     * for each page (free_pages_prepare()), the second commits them in the same order under the zone's pcp lock. It
     * takes the lock with pcp_spin_trylock() at the first page, at a zone change, after a failed trylock (locked_zone
     * NULL) and, on 6.1, after every SWAP_CLUSTER_MAX commits; a page whose trylock fails goes to free_one_page() with
     * get_pcppage_migratetype() (its pageblock's) and prints no mm_page_free_batched. So a page of the list the commit
     * loop passed over at a trylock (a later page's mm_page_free_batched came, or the loop ended) went to the buddy
     * when another CPU's drain held that zone's lock after the first loop. Without such a hold the pages ahead of the
     * first batched one were single frees (free_unref_page() commits before its next event): they stay. Needs the
     * irq-flags column (an interrupt's free inside the first loop is not one of the list).
     */
    private void freeUnrefPageList(ParsedEvent e, int cpu, ToBuddy toBuddy) {
        if (!e.hasIrqFlags() || e.inInterrupt()) {
            return;
        }
        FreeList l = lists[cpu];
        EventType t = e.type();
        int pid = e.pid();
        if (t == EventType.MM_PAGE_FREE) {
            if (l.committing || (l.n > 0 && l.pid != pid)) {
                endList(cpu, e, toBuddy);
            }
            l.add(e.pfn(), e.has(Field.ORDER) ? e.order() : 0, pid, heldBy[cpu] >= 0 ? 1L << heldZone[cpu] : 0);
            return;
        }
        if (l.n == 0) {
            return;
        }
        if (pid == l.pid && t == EventType.MM_PAGE_FREE_BATCHED) {
            int i = l.indexFromNext(e.pfn());
            if (i < 0) {
                l.forget(); // not this list's commit loop: nothing to tell
                return;
            }
            passedOver(cpu, l.next, i, e, toBuddy);
            int z = m.zoneOf(e.pfn());
            if (z != l.lockedZone) { // the trylock succeeded
                l.lockedZone = z;
                l.batchCount = 0;
            }
            if (++l.batchCount == KernelSemantics.SWAP_CLUSTER_MAX) {
                // 6.1 unlocks every SWAP_CLUSTER_MAX commits; a 6.10+ folio_batch holds fewer folios than that
                l.lockedZone = -1;
                l.batchCount = 0;
            }
            l.next = i + 1;
            l.committing = true;
            return;
        }
        if (pid == l.pid && t == EventType.MM_PAGE_PCPU_DRAIN && l.committing) {
            return; // free_unref_page_commit()'s free_pcppages_bulk() inside the loop
        }
        endList(cpu, e, toBuddy);
    }

    /** The task went on: pages its commit loop had not reached were passed over too; the list is forgotten. */
    private void endList(int cpu, ParsedEvent e, ToBuddy toBuddy) {
        FreeList l = lists[cpu];
        if (l.committing) {
            passedOver(cpu, l.next, l.n, e, toBuddy);
        }
        l.forget();
    }

    /**
     * Pages [from, to) of cpu's list got no mm_page_free_batched: each on this CPU's list in the model, reached
     * without the lock of its zone (a trylock) while a drain held that lock, went to free_one_page().
     */
    private void passedOver(int cpu, int from, int to, ParsedEvent e, ToBuddy toBuddy) {
        FreeList l = lists[cpu];
        for (int j = from; j < to; j++) {
            long p = l.pfn[j];
            int o = l.order[j];
            if (!onOwnList(cpu, p, o)) {
                continue; // not for the commit loop (isolated, another order: the buddy already) or gone since
            }
            int z = m.zoneOf(p);
            if (z != l.lockedZone && (l.heldZones >>> z & 1) != 0) {
                toBuddy.freeOnePage(e, p, o, m.pageblockMigratetype(p)); // pcp_spin_trylock() failed
                l.lockedZone = -1;
            }
        }
    }

    /** Whether cpu's pcp_spin_trylock() for zone z fails now: another CPU's drain_pages_zone() holds the lock. */
    boolean trylockFails(int cpu, int z) {
        return cpu >= 0 && cpu < heldBy.length && heldBy[cpu] >= 0 && heldZone[cpu] == z;
    }
}
