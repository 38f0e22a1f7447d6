// SPDX-License-Identifier: GPL-2.0
/*
 * buddydump: /proc/buddydump, the exact state of the page allocator for Fragtrace.
 *
 * Opening the file dumps, for each populated zone, with interrupts off and all per-CPU page-list locks and then
 * zone->lock held (the order mm/page_alloc.c takes them: free_pcppages_bulk() runs with pcp->lock held and takes
 * zone->lock inside), every block on zone->free_area[order].free_list[mt] in list order, every page on every
 * per-CPU list in list order, and the trace clock (trace_clock_global(), the clock fragtrace-record selects) while
 * the locks are held. Pageblock migratetypes are read afterwards, as get_pfnblock_flags_mask() reads them.
 * The format is documented in docs/buddydump-format.md.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/proc_fs.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/version.h>
#include <linux/utsname.h>
#include <linux/trace_clock.h>
#include <linux/pageblock-flags.h>
#include <linux/uaccess.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "buddydump needs Linux 6.1 or later (per-CPU list spinlocks, buddy_list/pcp_list)"
#endif
#ifndef CONFIG_SPARSEMEM
#error "buddydump reads pageblock bits through mem_section (CONFIG_SPARSEMEM)"
#endif

/* The number of buddy orders under each kernel's name for it. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
#define BD_ORDERS NR_PAGE_ORDERS
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define BD_ORDERS (MAX_ORDER + 1)
#else
#define BD_ORDERS MAX_ORDER
#endif

/* Since 6.9 a per-CPU page's migratetype is its list (pindex); before, page->index held it. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
#define BD_PCP_MT_PINDEX 1
#else
#define BD_PCP_MT_PINDEX 0
#endif

struct dump {
	char *buf;
	size_t size;
	size_t len;
	bool overflow;
};

static __printf(2, 3) void out(struct dump *d, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (d->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(d->buf + d->len, d->size - d->len, fmt, ap);
	va_end(ap);
	if ((size_t)n >= d->size - d->len)
		d->overflow = true;
	else
		d->len += n;
}

/* mm/page_alloc.c pindex_to_order() */
static unsigned int bd_pindex_order(unsigned int pindex)
{
	if (pindex >= NR_LOWORDER_PCP_LISTS)
		return pageblock_order;
	return pindex / MIGRATE_PCPTYPES;
}

/* The migratetype of a page on list pindex (mm/page_alloc.c order_to_pindex() read backwards, or page->index). */
static int bd_pcp_mt(struct page *page, unsigned int pindex)
{
#if BD_PCP_MT_PINDEX
	if (pindex >= NR_LOWORDER_PCP_LISTS)
		return pindex == NR_LOWORDER_PCP_LISTS + 1 ? MIGRATE_MOVABLE : MIGRATE_UNMOVABLE;
	return pindex % MIGRATE_PCPTYPES;
#else
	return (int)page->index;
#endif
}

/* mm/page_alloc.c get_pfnblock_flags_mask() for the migratetype bits, via mem_section (exported). */
static int bd_pageblock_mt(unsigned long pfn)
{
	struct mem_section *ms = __pfn_to_section(pfn);
	unsigned long *bitmap;
	unsigned long bitidx, word;

	if (!ms || !valid_section(ms) || !ms->usage)
		return -1;
	bitmap = ms->usage->pageblock_flags;
	bitidx = ((pfn & (PAGES_PER_SECTION - 1)) >> pageblock_order) * NR_PAGEBLOCK_BITS;
	word = READ_ONCE(bitmap[bitidx / BITS_PER_LONG]);
	return (word >> (bitidx & (BITS_PER_LONG - 1))) & MIGRATETYPE_MASK;
}

/* Everything of one zone that must be consistent: generated with the pcp locks and zone->lock held. */
static void dump_zone_locked(struct dump *d, struct zone *zone)
{
	struct per_cpu_pages *pcp;
	unsigned long flags;
	unsigned int order, pindex;
	int mt, cpu;
	struct page *page;
	u64 now;

	local_irq_save(flags);
	for_each_online_cpu(cpu)
		spin_lock(&per_cpu_ptr(zone->per_cpu_pageset, cpu)->lock);
	spin_lock(&zone->lock);

	out(d, "Z %d %s start=%lu spanned=%lu present=%lu managed=%lu nr_free=",
	    zone_to_nid(zone), zone->name, zone->zone_start_pfn, zone->spanned_pages,
	    zone->present_pages, zone_managed_pages(zone));
	for (order = 0; order < BD_ORDERS; order++)
		out(d, "%lu%s", zone->free_area[order].nr_free, order + 1 < BD_ORDERS ? "," : "\n");
	for (order = 0; order < BD_ORDERS; order++)
		for (mt = 0; mt < MIGRATE_TYPES; mt++)
			list_for_each_entry(page, &zone->free_area[order].free_list[mt], buddy_list)
				out(d, "B %u %d %lx\n", order, mt, page_to_pfn(page));
	for_each_online_cpu(cpu) {
		pcp = per_cpu_ptr(zone->per_cpu_pageset, cpu);
		out(d, "C %d count=%d high=%d batch=%d\n", cpu, pcp->count, pcp->high, pcp->batch);
		for (pindex = 0; pindex < NR_PCP_LISTS; pindex++)
			list_for_each_entry(page, &pcp->lists[pindex], pcp_list)
				out(d, "P %d %u %u %d %lx\n", cpu, pindex, bd_pindex_order(pindex),
				    bd_pcp_mt(page, pindex), page_to_pfn(page));
	}
	now = trace_clock_global();
	out(d, "L %s %llu.%06llu\n", zone->name, now / NSEC_PER_SEC, (now % NSEC_PER_SEC) / NSEC_PER_USEC);

	spin_unlock(&zone->lock);
	for_each_online_cpu(cpu)
		spin_unlock(&per_cpu_ptr(zone->per_cpu_pageset, cpu)->lock);
	local_irq_restore(flags);
}

static void dump_all(struct dump *d)
{
	struct zone *zone;
	unsigned long pfn, first;
	int nid, z, mt;

	out(d, "# buddydump v1 MAX_ORDER=%d MIGRATE_TYPES=%d MIGRATE_PCPTYPES=%d NR_PCP_LISTS=%d pageblock_order=%d",
	    BD_ORDERS, MIGRATE_TYPES, MIGRATE_PCPTYPES, NR_PCP_LISTS, (int)pageblock_order);
	if (BD_PCP_MT_PINDEX)
		out(d, " NR_PAGE_ORDERS=%d MAX_PAGE_ORDER=%d pcp_mt=pindex release=%s",
		    BD_ORDERS, BD_ORDERS - 1, init_utsname()->release);
	out(d, "\n");
	for_each_online_node(nid)
		for (z = 0; z < MAX_NR_ZONES; z++) {
			zone = &NODE_DATA(nid)->node_zones[z];
			if (populated_zone(zone))
				dump_zone_locked(d, zone);
		}
	for_each_online_node(nid)
		for (z = 0; z < MAX_NR_ZONES; z++) {
			zone = &NODE_DATA(nid)->node_zones[z];
			if (!populated_zone(zone))
				continue;
			for (pfn = ALIGN_DOWN(zone->zone_start_pfn, pageblock_nr_pages); pfn < zone_end_pfn(zone);
			     pfn += pageblock_nr_pages) {
				/* a first block starting before the zone (x86 DMA: pfn 1) is read through the zone's pfn */
				first = max(pfn, zone->zone_start_pfn);
				if (!pfn_valid(first))
					continue;
				mt = bd_pageblock_mt(first);
				if (mt >= 0)
					out(d, "M %lx %d\n", pfn, mt);
			}
			cond_resched();
		}
	out(d, "# END\n");
}

/* An upper bound read without locks; the dump retries with twice the room if the allocator grew meanwhile. */
static size_t estimate(void)
{
	struct zone *zone;
	size_t lines = 64;
	unsigned int order;
	int nid, z, cpu;

	for_each_online_node(nid)
		for (z = 0; z < MAX_NR_ZONES; z++) {
			zone = &NODE_DATA(nid)->node_zones[z];
			if (!populated_zone(zone))
				continue;
			for (order = 0; order < BD_ORDERS; order++)
				lines += READ_ONCE(zone->free_area[order].nr_free);
			for_each_online_cpu(cpu)
				lines += 1 + READ_ONCE(per_cpu_ptr(zone->per_cpu_pageset, cpu)->count);
			lines += zone->spanned_pages / pageblock_nr_pages + 4;
		}
	return lines * 40 + (64 << 10);
}

static int buddydump_open(struct inode *inode, struct file *file)
{
	struct dump *d;
	size_t size = estimate();
	int tries;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	for (tries = 0; tries < 4; tries++, size *= 2) {
		d->buf = kvmalloc(size, GFP_KERNEL);
		if (!d->buf) {
			kfree(d);
			return -ENOMEM;
		}
		d->size = size;
		d->len = 0;
		d->overflow = false;
		dump_all(d);
		if (!d->overflow)
			break;
		kvfree(d->buf);
		d->buf = NULL;
	}
	if (!d->buf) {
		kfree(d);
		return -ENOSPC;
	}
	file->private_data = d;
	return 0;
}

static ssize_t buddydump_read(struct file *file, char __user *ubuf, size_t count, loff_t *ppos)
{
	struct dump *d = file->private_data;

	return simple_read_from_buffer(ubuf, count, ppos, d->buf, d->len);
}

static int buddydump_release(struct inode *inode, struct file *file)
{
	struct dump *d = file->private_data;

	kvfree(d->buf);
	kfree(d);
	return 0;
}

static const struct proc_ops buddydump_ops = {
	.proc_open = buddydump_open,
	.proc_read = buddydump_read,
	.proc_lseek = default_llseek,
	.proc_release = buddydump_release,
};

static int __init buddydump_init(void)
{
	if (!proc_create("buddydump", 0400, NULL, &buddydump_ops))
		return -ENOMEM;
	return 0;
}

static void __exit buddydump_exit(void)
{
	remove_proc_entry("buddydump", NULL);
}

module_init(buddydump_init);
module_exit(buddydump_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Fragtrace: /proc/buddydump, free lists, per-CPU lists and pageblocks under the zone locks");
