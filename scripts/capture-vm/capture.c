// SPDX-License-Identifier: GPL-2.0
/*
 * capture: the guest side of the Fragtrace capture VM (static binary, runs under the busybox init script).
 *
 *   capture mark TEXT...          write "capture: TEXT" to trace_marker and the console
 *   capture snap LABEL DIR        snapshot the allocator state into DIR (buddyinfo, buddydump, kpageflags, ...),
 *                                 a trace_marker line before every read, DIR/snap.log says what was read when
 *   capture work parallel SCALE   the "parallel" workload: one worker pinned to every online CPU at once, under
 *                                 page-cache pressure: anon churn of mixed sizes, MADV_HUGEPAGE regions, block-device
 *                                 page-cache reads, tmpfs writes and hole punches, AF_UNIX socket buffers (order 3),
 *                                 frees in varied orders
 *   capture work fragment-thp SCALE  anon + tmpfs fill, every other chunk freed, hugetlb requests, THP faults under
 *                                 defrag=always (direct compaction)
 *   capture work kcompactd SCALE  page cache interleaved with anon, half the anon freed, THP faults under defrag=defer
 *                                 (kswapd, kcompactd), then compaction_proactiveness=100 (proactive compaction)
 *   capture work compact-memory SCALE  anon + tmpfs fill, every other page given back, /proc/sys/vm/compact_memory,
 *                                 a second region with every other 16 KiB given back, compact_memory again
 *   capture work mixed-churn SCALE  40 rounds of page-cache reads, tmpfs files, fork/exit anon churn (no tuning)
 *
 * Environment: CAPTURE_PAGECACHE (block device to read, default /dev/vdc), CAPTURE_LOG (work.log, appended).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MARKER "/sys/kernel/tracing/trace_marker"
#define PAGE 4096UL
#define HPAGE (2UL << 20)

static int marker_fd = -1;
static FILE *work_log;

static double now_s(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A trace_marker line (one write, so it is one event) and the same line on the console and in work.log. */
static void __attribute__((format(printf, 1, 2))) mark(const char *fmt, ...)
{
	char buf[1024];
	int n;
	va_list ap;

	n = snprintf(buf, sizeof(buf), "capture: ");
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	if (marker_fd < 0)
		marker_fd = open(MARKER, O_WRONLY);
	if (marker_fd >= 0 && write(marker_fd, buf, n) < 0)
		perror("trace_marker");
	printf("[%.3f] %s\n", now_s(CLOCK_BOOTTIME), buf);
	fflush(stdout);
	if (work_log) {
		fprintf(work_log, "[%.3f] %s\n", now_s(CLOCK_BOOTTIME), buf);
		fflush(work_log);
	}
}

/* ---- snapshot ---------------------------------------------------------------------------------------------- */

struct item {
	const char *path, *name;
	size_t cap;
	char *buf;
	size_t len;
	int err;
	double t0, t1;
};

static void read_all(struct item *it)
{
	int fd = open(it->path, O_RDONLY);
	ssize_t n;

	it->len = 0;
	it->err = 0;
	it->t0 = now_s(CLOCK_MONOTONIC);
	if (fd < 0) {
		it->err = errno;
		it->t1 = now_s(CLOCK_MONOTONIC);
		return;
	}
	for (;;) {
		if (it->len == it->cap) {
			it->err = ENOSPC;
			break;
		}
		n = read(fd, it->buf + it->len, it->cap - it->len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			it->err = errno;
			break;
		}
		if (n == 0)
			break;
		it->len += n;
	}
	close(fd);
	it->t1 = now_s(CLOCK_MONOTONIC);
}

static long meminfo_kb(const char *key);

static int snap(const char *label, const char *dir)
{
	struct item items[] = {
		{ "/proc/buddyinfo", "buddyinfo", 64 << 10 },
		{ "/proc/buddydump", "buddydump.txt", 32 << 20 },
		{ "/proc/kpageflags", "kpageflags.bin", 0 },
		{ "/proc/buddyinfo", "buddyinfo.post", 64 << 10 },
		{ "/proc/pagetypeinfo", "pagetypeinfo", 256 << 10 },
		{ "/proc/zoneinfo", "zoneinfo", 1 << 20 },
		{ "/proc/vmstat", "vmstat", 256 << 10 },
		{ "/proc/meminfo", "meminfo", 64 << 10 },
		{ "/sys/kernel/debug/extfrag/extfrag_index", "extfrag_index", 64 << 10 },
		{ "/sys/kernel/debug/extfrag/unusable_index", "unusable_index", 64 << 10 },
	};
	int n = sizeof(items) / sizeof(items[0]), i, fd;
	long max_pfn = 0, memtotal = meminfo_kb("MemTotal");
	char path[512], line[512];
	FILE *f, *log;
	double m0, m1;

		/* max pfn from zoneinfo (start_pfn + spanned - 1), before anything is marked: sizes the kpageflags buffer */
	f = fopen("/proc/zoneinfo", "r");
	if (f) {
		long spanned = 0, start;
		while (fgets(line, sizeof(line), f)) {
			long v;
			if (sscanf(line, " spanned %ld", &v) == 1)
				spanned = v;
			if (sscanf(line, " start_pfn: %ld", &start) == 1 && spanned > 0 && start + spanned - 1 > max_pfn)
				max_pfn = start + spanned - 1;
		}
		fclose(f);
	}
	items[2].cap = (max_pfn + 1 + 512) * 8;
	for (i = 0; i < n; i++) {
		items[i].buf = malloc(items[i].cap);
		if (!items[i].buf)
			return 1;
		memset(items[i].buf, 0, items[i].cap); /* fault the buffers in before the first read */
	}
	mkdir(dir, 0755);
	m0 = now_s(CLOCK_MONOTONIC);
	mark("snapshot %s begin", label);
	for (i = 0; i < n; i++) {
		mark("snapshot %s read %s", label, items[i].path);
		read_all(&items[i]);
	}
	mark("snapshot %s end", label);
	m1 = now_s(CLOCK_MONOTONIC);
	snprintf(path, sizeof(path), "%s/snap.log", dir);
	log = fopen(path, "w");
	if (!log)
		return 1;
	fprintf(log, "label=%s max_pfn_from_zoneinfo=%ld memtotal_kb=%ld monotonic_begin=%.6f monotonic_end=%.6f duration_s=%.6f\n",
		label, max_pfn, memtotal, m0, m1, m1 - m0);
	for (i = 0; i < n; i++) {
		fprintf(log, "%s -> %s bytes=%zu cap=%zu err=%d t=%.6f..%.6f\n", items[i].path, items[i].name,
			items[i].len, items[i].cap, items[i].err, items[i].t0, items[i].t1);
		snprintf(path, sizeof(path), "%s/%s", dir, items[i].name);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write(fd, items[i].buf, items[i].len) != (ssize_t)items[i].len)
			fprintf(stderr, "snap: cannot write %s\n", path);
		if (fd >= 0)
			close(fd);
	}
	fclose(log);
	return 0;
}

/* ---- workload ---------------------------------------------------------------------------------------------- */

static long meminfo_kb(const char *key)
{
	char line[256];
	size_t kl = strlen(key);
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, kl) && line[kl] == ':') {
			v = strtol(line + kl + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static char *meminfo_line(char *buf, size_t n)
{
	snprintf(buf, n, "MemFree=%ldk MemAvailable=%ldk Buffers=%ldk AnonHugePages=%ldk HugePages_Total=%ld Cached=%ldk Shmem=%ldk",
		 meminfo_kb("MemFree"), meminfo_kb("MemAvailable"), meminfo_kb("Buffers"), meminfo_kb("AnonHugePages"),
		 meminfo_kb("HugePages_Total"), meminfo_kb("Cached"), meminfo_kb("Shmem"));
	return buf;
}

static void set_sys(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, val, strlen(val)) < 0)
		fprintf(stderr, "cannot set %s: %s\n", path, strerror(errno));
	mark("phase set %s = %s", path, val);
}

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

#define MAXREG 4096
struct region {
	char *addr;
	size_t len;
	int thp;
};

struct worker {
	int id, cpu, pinned;
	long iters;
	size_t cap;
	struct region reg[MAXREG];
	int nreg;
	size_t held;
	int socks[8][2];
	int nsock;
	long n_anon, n_thp, n_pc, n_punch, n_sock, n_free1, n_freeall;
	size_t anon_kb, pc_kb;
	int pcfd, tmpfd;
	off_t pcsize;
	size_t tmpsize;
};

static void touch(char *p, size_t len)
{
	size_t off;

	for (off = 0; off < len; off += PAGE)
		p[off] = (char)off | 1;
}

static void free_region(struct worker *w, int i)
{
	struct region *r = &w->reg[i];

	munmap(r->addr, r->len);
	w->held -= r->len;
	w->reg[i] = w->reg[--w->nreg];
}

static void free_sock(struct worker *w, int i)
{
	char buf[65536];

	/* drain (frees the skbs one by one) then close */
	while (recv(w->socks[i][1], buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
	close(w->socks[i][0]);
	close(w->socks[i][1]);
	w->socks[i][0] = w->socks[--w->nsock][0];
	w->socks[i][1] = w->socks[w->nsock][1];
}

static void do_anon(struct worker *w)
{
	static const int pages[] = { 1, 1, 2, 3, 4, 7, 8, 16, 16, 32, 64, 100, 128, 256, 512, 1024 };
	size_t len = pages[rnd() % (sizeof(pages) / sizeof(pages[0]))] * PAGE;
	char *p;

	if (w->nreg >= MAXREG)
		return;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return;
	if (len >= HPAGE)
		madvise(p, len, MADV_NOHUGEPAGE); /* anon churn stays order 0 (THP regions are their own action) */
	touch(p, len);
	w->reg[w->nreg++] = (struct region){ p, len, 0 };
	w->held += len;
	w->n_anon++;
	w->anon_kb += len >> 10;
}

static void do_thp(struct worker *w)
{
	size_t len = (1 + rnd() % 2) * HPAGE;
	char *raw, *p;
	uintptr_t a;

	if (w->nreg >= MAXREG)
		return;
	raw = mmap(NULL, len + HPAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		return;
	a = ((uintptr_t)raw + HPAGE - 1) & ~(HPAGE - 1);
	p = (char *)a;
	if (p > raw)
		munmap(raw, p - raw);
	if (raw + len + HPAGE > p + len)
		munmap(p + len, raw + len + HPAGE - (p + len));
	madvise(p, len, MADV_HUGEPAGE);
	touch(p, len);
	w->reg[w->nreg++] = (struct region){ p, len, 1 };
	w->held += len;
	w->n_thp++;
}

static void do_pagecache(struct worker *w)
{
	static char buf[1 << 20];
	size_t len = (64 + rnd() % 193) * PAGE; /* 256 KiB .. 1 MiB */
	off_t off;

	if (w->pcfd < 0 || w->pcsize <= (off_t)len)
		return;
	off = (off_t)(rnd() % ((w->pcsize - len) / PAGE)) * PAGE;
	if (pread(w->pcfd, buf, len, off) > 0) {
		w->n_pc++;
		w->pc_kb += len >> 10;
	}
}

static void do_punch(struct worker *w)
{
	static char buf[64 * 4096];
	size_t len = (1 + rnd() % 64) * PAGE;
	off_t off;

	if (w->tmpfd < 0)
		return;
	/* grow the tmpfs file (shmem pages), then punch a hole somewhere in it */
	if (w->tmpsize < (8UL << 20)) {
		memset(buf, w->id + 1, len);
		if (pwrite(w->tmpfd, buf, len, w->tmpsize) == (ssize_t)len)
			w->tmpsize += len;
	} else {
		off = (off_t)(rnd() % (w->tmpsize / PAGE - 16)) * PAGE;
		memset(buf, w->id + 2, len);
		pwrite(w->tmpfd, buf, len, off);
	}
	off = (off_t)(rnd() % (w->tmpsize / PAGE)) * PAGE;
	fallocate(w->tmpfd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, (1 + rnd() % 32) * PAGE);
	w->n_punch++;
}

static void do_sock(struct worker *w)
{
	static char buf[65536];
	int sv[2], i, k;

	if (w->nsock >= 8)
		free_sock(w, rnd() % w->nsock);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return;
	/* unix_stream_sendmsg(): 32 KiB skbs with page frags of up to order 3 (get_order(UNIX_SKB_FRAGS_SZ)) */
	k = 1 + rnd() % 4;
	for (i = 0; i < k; i++)
		if (send(sv[0], buf, 16384 + rnd() % 49152, MSG_DONTWAIT) < 0)
			break;
	w->socks[w->nsock][0] = sv[0];
	w->socks[w->nsock][1] = sv[1];
	w->nsock++;
	w->n_sock++;
}

static void do_free1(struct worker *w)
{
	int i;
	struct region *r;
	size_t keep;

	if (!w->nreg)
		return;
	i = rnd() % w->nreg;
	r = &w->reg[i];
	if (!r->thp && r->len >= 8 * PAGE && rnd() % 3 == 0) {
		/* free the middle of a region (a partial munmap), keep the ends */
		keep = (r->len / PAGE / 4) * PAGE;
		munmap(r->addr + keep, r->len - 2 * keep);
		w->held -= r->len - 2 * keep;
		if (w->nreg < MAXREG) {
			w->reg[w->nreg++] = (struct region){ r->addr + r->len - keep, keep, 0 };
			r = &w->reg[i];
		} else {
			munmap(r->addr + r->len - keep, keep);
			w->held -= keep;
		}
		r->len = keep;
	} else if (r->thp && rnd() % 2) {
		/* split a THP region: give back its second half page by page (MADV_DONTNEED on a sub-range) */
		madvise(r->addr + r->len / 2 + PAGE * (rnd() % 64), 64 * PAGE, MADV_DONTNEED);
		free_region(w, i);
	} else {
		free_region(w, i);
	}
	w->n_free1++;
}

static void do_freeall(struct worker *w)
{
	int mode = rnd() % 3, i;

	if (mode == 0)
		while (w->nreg)
			free_region(w, w->nreg - 1); /* newest first */
	else if (mode == 1)
		while (w->nreg) { /* oldest first */
			munmap(w->reg[0].addr, w->reg[0].len);
			w->held -= w->reg[0].len;
			memmove(&w->reg[0], &w->reg[1], (w->nreg - 1) * sizeof(w->reg[0]));
			w->nreg--;
		}
	else
		while (w->nreg)
			free_region(w, rnd() % w->nreg); /* random order */
	for (i = w->nsock - 1; i >= 0; i--)
		if (rnd() % 2)
			free_sock(w, i);
	w->n_freeall++;
}

static int worker_main(struct worker *w, const char *pcdev)
{
	char name[16];
	cpu_set_t set;
	double t0 = now_s(CLOCK_MONOTONIC);
	long it;
	unsigned r;

	snprintf(name, sizeof(name), "pw%d", w->id);
	prctl(PR_SET_NAME, name);
	CPU_ZERO(&set);
	CPU_SET(w->cpu, &set);
	w->pinned = sched_setaffinity(0, sizeof(set), &set) == 0;
	rng_state = 0x9e3779b97f4a7c15ULL * (w->id + 1);
	w->pcfd = open(pcdev, O_RDONLY);
	w->pcsize = w->pcfd >= 0 ? lseek(w->pcfd, 0, SEEK_END) : 0;
	snprintf(name, sizeof(name), "/tmp/pw%d", w->id);
	w->tmpfd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0600);
	mark("phase parallel worker %d begin cpu=%d pinned=%d iters=%ld cap=%zuk", w->id, w->cpu, w->pinned, w->iters,
	     w->cap >> 10);
	for (it = 0; it < w->iters; it++) {
		r = rnd() % 100;
		if (r < 30)
			do_anon(w);
		else if (r < 40)
			do_thp(w);
		else if (r < 55)
			do_pagecache(w);
		else if (r < 63)
			do_punch(w);
		else if (r < 72)
			do_sock(w);
		else if (r < 95)
			do_free1(w);
		else
			do_freeall(w);
		while (w->held > w->cap && w->nreg)
			free_region(w, rnd() % w->nreg);
	}
	mark("phase parallel worker %d end cpu=%d iters=%ld elapsed=%.1fs anon=%ld(%zuk) thp=%ld pagecache=%ld(%zuk) punch=%ld sock=%ld free1=%ld freeall=%ld",
	     w->id, w->cpu, w->iters, now_s(CLOCK_MONOTONIC) - t0, w->n_anon, w->anon_kb, w->n_thp, w->n_pc, w->pc_kb,
	     w->n_punch, w->n_sock, w->n_free1, w->n_freeall);
	while (w->nsock)
		free_sock(w, w->nsock - 1);
	if (w->tmpfd >= 0) {
		close(w->tmpfd);
		unlink(name);
	}
	return 0;
}

static int work_parallel(double scale)
{
	const char *pcdev = getenv("CAPTURE_PAGECACHE") ? getenv("CAPTURE_PAGECACHE") : "/dev/vdc";
	char mi[512];
	double t0 = now_s(CLOCK_MONOTONIC), tw, next;
	long memfree, ncpu = sysconf(_SC_NPROCESSORS_ONLN), prefill_kb, iters = (long)(800 * scale), done = 0;
	size_t cap;
	pid_t pids[64];
	int i, st, fd;
	static char buf[1 << 20];

	prctl(PR_SET_NAME, "work");
	mark("phase workload parallel begin scale=%.2f", scale);
	memfree = meminfo_kb("MemFree");
	mark("phase start %s", meminfo_line(mi, sizeof(mi)));
	set_sys("/sys/kernel/mm/transparent_hugepage/enabled", "always");
	set_sys("/sys/kernel/mm/transparent_hugepage/defrag", "madvise");
	/* page-cache pressure: half of free memory in block-device page cache (Buffers) */
	prefill_kb = (memfree / 2) & ~1023L;
	mark("phase parallel prefill pagecache %ldk", prefill_kb);
	/* kept open until exit (after the last marker): the last close of a block device drops its page cache (kill_bdev) */
	fd = open(pcdev, O_RDONLY);
	if (fd >= 0) {
		long got = 0;
		ssize_t n;
		while (got < prefill_kb && (n = read(fd, buf, sizeof(buf))) > 0)
			got += n >> 10;
	}
	mark("phase prefilled %s", meminfo_line(mi, sizeof(mi)));
	cap = ((size_t)(memfree * 0.45 / ncpu) << 10) & ~(PAGE - 1);
	if (ncpu > 64)
		ncpu = 64;
	mark("phase parallel begin ncpu=%ld iters/worker=%ld cap/worker=%zuk", ncpu, iters, cap >> 10);
	tw = now_s(CLOCK_MONOTONIC);
	for (i = ncpu - 1; i >= 0; i--) {
		pids[i] = fork();
		if (pids[i] == 0) {
			struct worker *w = calloc(1, sizeof(*w));
			w->id = i;
			w->cpu = i;
			w->iters = iters;
			w->cap = cap;
			_exit(worker_main(w, pcdev));
		}
	}
	next = now_s(CLOCK_MONOTONIC) + 2;
	while (done < ncpu) {
		pid_t p = waitpid(-1, &st, WNOHANG);
		if (p > 0) {
			done++;
			continue;
		}
		usleep(50000);
		if (now_s(CLOCK_MONOTONIC) >= next && done < ncpu) {
			mark("phase parallel running %s", meminfo_line(mi, sizeof(mi)));
			next += 2;
		}
	}
	mark("phase parallel all workers done elapsed=%.1fs", now_s(CLOCK_MONOTONIC) - tw);
	mark("phase end %s", meminfo_line(mi, sizeof(mi)));
	mark("phase workload parallel end elapsed=%.1fs", now_s(CLOCK_MONOTONIC) - t0);
	return 0;
}


/* ---- fragment-thp and kcompactd ---------------------------------------------------------------------------- */

static long read_long(const char *path)
{
	char b[64] = "";
	int fd = open(path, O_RDONLY);

	if (fd >= 0) {
		if (read(fd, b, sizeof(b) - 1) < 0)
			b[0] = 0;
		close(fd);
	}
	return strtol(b, NULL, 10);
}

static void set_long(const char *path, long v)
{
	char b[32];

	snprintf(b, sizeof(b), "%ld", v);
	set_sys(path, b);
}

/* an anonymous mapping of len bytes, 2 MiB aligned, touched page by page (hugepage: MADV_HUGEPAGE or NOHUGEPAGE) */
static char *anon_aligned(size_t len, int hugepage)
{
	char *raw = mmap(NULL, len + HPAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *p;

	if (raw == MAP_FAILED)
		return NULL;
	p = (char *)(((uintptr_t)raw + HPAGE - 1) & ~(HPAGE - 1));
	if (p > raw)
		munmap(raw, p - raw);
	if (raw + len + HPAGE > p + len)
		munmap(p + len, raw + len + HPAGE - (p + len));
	madvise(p, len, hugepage ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	touch(p, len);
	return p;
}

#define MAXCHUNK 4096

/*
 * Fill memory with 2 MiB anon chunks (no THP), each followed by per_chunk tmpfs files of fsize bytes in dir, until
 * anon_max is held or MemAvailable drops under stop_kb; returns the files written.
 */
static int fill_chunks_and_files(char **chunk, int *n, size_t *held, size_t anon_max, long stop_kb, const char *dir,
				 int per_chunk, size_t fsize)
{
	static char fbuf[16384];
	char name[64], *p;
	int files = 0, j, fd;

	memset(fbuf, 0x5a, fsize);
	while (*held < anon_max && *n < MAXCHUNK && meminfo_kb("MemAvailable") > stop_kb) {
		p = anon_aligned(HPAGE, 0);
		if (!p)
			break;
		chunk[(*n)++] = p;
		*held += HPAGE;
		for (j = 0; j < per_chunk; j++) {
			snprintf(name, sizeof(name), "%s/f%d", dir, files);
			fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0600);
			if (fd < 0)
				break;
			if (write(fd, fbuf, fsize) != (ssize_t)fsize) {
				close(fd);
				unlink(name);
				break;
			}
			close(fd);
			files++;
		}
	}
	return files;
}

/*
 * fragment-thp: fill memory with 2 MiB anon chunks (no THP), each followed by 16 tmpfs files of 8 KiB, until
 * MemAvailable is low; free every other chunk and every other group of files (holes of 2 MiB between pinned
 * pieces); ask for hugetlb pages (alloc_contig / direct compaction), give them back; fault a MADV_HUGEPAGE
 * region under defrag=always (THP direct compaction); free it, ask for the hugetlb pages again; free everything.
 */
static int work_fragment_thp(double scale)
{
	static char *chunk[MAXCHUNK];
	char mi[512], name[64];
	double t0 = now_s(CLOCK_MONOTONIC);
	long memfree, memtotal = meminfo_kb("MemTotal"), stop_kb, nh, got;
	size_t anon_max, held = 0, region;
	int n = 0, files = 0, i;
	char *p;

	prctl(PR_SET_NAME, "work");
	mark("phase workload fragment-thp begin scale=%.2f", scale);
	memfree = meminfo_kb("MemFree");
	mark("phase start %s", meminfo_line(mi, sizeof(mi)));
	set_sys("/sys/kernel/mm/transparent_hugepage/enabled", "always");
	set_sys("/sys/kernel/mm/transparent_hugepage/defrag", "always");
	anon_max = ((size_t)(memfree * 0.85 * scale) << 10) & ~(HPAGE - 1);
	stop_kb = memtotal / 25;
	mkdir("/tmp/frag", 0755);
	mark("phase fragment begin anon<=%zuk until MemAvailable<%ldk, 16 files x 8k per 2048k anon", anon_max >> 10, stop_kb);
	files = fill_chunks_and_files(chunk, &n, &held, anon_max, stop_kb, "/tmp/frag", 16, 8192);
	mark("phase fragment filled %s", meminfo_line(mi, sizeof(mi)));
	mark("phase fragment filled anon=%zuk files=%d", held >> 10, files);
	/* free every other chunk and every other group of 16 files */
	for (i = 1; i < n; i += 2) {
		munmap(chunk[i], HPAGE);
		chunk[i] = NULL;
		held -= HPAGE;
	}
	for (i = 0; i < files; i++)
		if ((i / 16) % 2 == 1) {
			snprintf(name, sizeof(name), "/tmp/frag/f%d", i);
			unlink(name);
		}
	mark("phase fragment punched %s", meminfo_line(mi, sizeof(mi)));
	nh = (long)(meminfo_kb("MemFree") * 0.5 * scale) / 2048;
	mark("phase hugetlb request nr_hugepages=%ld", nh);
	set_long("/proc/sys/vm/nr_hugepages", nh);
	got = read_long("/proc/sys/vm/nr_hugepages");
	mark("phase hugetlb got nr_hugepages=%ld", got);
	mark("phase after hugetlb %s", meminfo_line(mi, sizeof(mi)));
	set_long("/proc/sys/vm/nr_hugepages", 0);
	region = ((size_t)(meminfo_kb("MemFree") * 0.3 * scale) << 10) & ~(HPAGE - 1);
	mark("phase thp fault region %zuk (MADV_HUGEPAGE)", region >> 10);
	p = region ? anon_aligned(region, 1) : NULL;
	mark("phase after thp faults %s", meminfo_line(mi, sizeof(mi)));
	if (p)
		munmap(p, region);
	set_long("/proc/sys/vm/nr_hugepages", nh);
	mark("phase hugetlb round2 got nr_hugepages=%ld", read_long("/proc/sys/vm/nr_hugepages"));
	set_long("/proc/sys/vm/nr_hugepages", 0);
	for (i = 0; i < n; i++)
		if (chunk[i])
			munmap(chunk[i], HPAGE);
	for (i = 0; i < files; i++)
		if ((i / 16) % 2 == 0) {
			snprintf(name, sizeof(name), "/tmp/frag/f%d", i);
			unlink(name);
		}
	mark("phase end %s", meminfo_line(mi, sizeof(mi)));
	mark("phase workload fragment-thp end elapsed=%.1fs", now_s(CLOCK_MONOTONIC) - t0);
	return 0;
}

/*
 * kcompactd: fill with block-device page cache interleaved with 1 MiB anon chunks (no THP) until MemFree is low;
 * free every other anon chunk; 6 rounds of THP faults under defrag=defer (no direct compaction: the fault fails
 * fast and wakes kswapd and kcompactd), 3 s apart; free the THP region, then compaction_proactiveness=100 for
 * 18 s (proactive compaction by kcompactd), back to the boot value, free everything.
 */
static int work_kcompactd(double scale)
{
	const char *pcdev = getenv("CAPTURE_PAGECACHE") ? getenv("CAPTURE_PAGECACHE") : "/dev/vdc";
	static char *chunk[MAXCHUNK];
	static char buf[1 << 20];
	char mi[512];
	double t0 = now_s(CLOCK_MONOTONIC);
	long memfree, memtotal = meminfo_kb("MemTotal"), stop_kb, pc_max, pc = 0, proact;
	size_t anon_max, held = 0, region;
	int n = 0, i, fd, round;
	ssize_t r;
	char *p, *thp = NULL;

	prctl(PR_SET_NAME, "work");
	mark("phase workload kcompactd begin scale=%.2f", scale);
	memfree = meminfo_kb("MemFree");
	mark("phase start %s", meminfo_line(mi, sizeof(mi)));
	set_sys("/sys/kernel/mm/transparent_hugepage/enabled", "always");
	set_sys("/sys/kernel/mm/transparent_hugepage/defrag", "defer");
	pc_max = (long)(memfree * 0.6 * scale);
	anon_max = ((size_t)(memfree * 0.5 * scale) << 10) & ~(HPAGE - 1);
	stop_kb = memtotal / 25;
	mark("phase fill pagecache<=%ldk anon<=%zuk until MemFree<%ldk", pc_max, anon_max >> 10, stop_kb);
	/* kept open until exit: the last close of a block device drops its page cache (kill_bdev) */
	fd = open(pcdev, O_RDONLY);
	while ((pc < pc_max || held < anon_max) && meminfo_kb("MemFree") > stop_kb) {
		if (fd >= 0 && pc < pc_max) {
			r = read(fd, buf, sizeof(buf));
			if (r > 0)
				pc += r >> 10;
			else
				pc = pc_max;
		}
		if (held < anon_max && n < MAXCHUNK) {
			p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p == MAP_FAILED)
				break;
			madvise(p, 1 << 20, MADV_NOHUGEPAGE);
			touch(p, 1 << 20);
			chunk[n++] = p;
			held += 1 << 20;
		}
	}
	mark("phase filled anon=%zuk pagecache=%ldk", held >> 10, pc);
	mark("phase filled %s", meminfo_line(mi, sizeof(mi)));
	for (i = 1; i < n; i += 2) {
		munmap(chunk[i], 1 << 20);
		chunk[i] = NULL;
	}
	mark("phase punched %s", meminfo_line(mi, sizeof(mi)));
	region = ((size_t)(meminfo_kb("MemFree") * 0.36 * scale) << 10) & ~(HPAGE - 1);
	for (round = 0; round < 6; round++) {
		if (thp)
			munmap(thp, region);
		mark("phase round %d thp(defer) region %zuk", round, region >> 10);
		thp = anon_aligned(region, 1);
		mark("phase after thp %s", meminfo_line(mi, sizeof(mi)));
		sleep(3);
		mark("phase after sleep %s", meminfo_line(mi, sizeof(mi)));
	}
	if (thp)
		munmap(thp, region);
	proact = read_long("/proc/sys/vm/compaction_proactiveness");
	set_long("/proc/sys/vm/compaction_proactiveness", 100);
	for (i = 0; i < 6; i++) {
		sleep(3);
		mark("phase proactive %s", meminfo_line(mi, sizeof(mi)));
	}
	set_long("/proc/sys/vm/compaction_proactiveness", proact);
	for (i = 0; i < n; i++)
		if (chunk[i])
			munmap(chunk[i], 1 << 20);
	mark("phase end %s", meminfo_line(mi, sizeof(mi)));
	mark("phase workload kcompactd end elapsed=%.1fs", now_s(CLOCK_MONOTONIC) - t0);
	return 0;
}

/* ---- compact-memory and mixed-churn ------------------------------------------------------------------------ */

/*
 * compact-memory: fill with 2 MiB anon chunks (no THP), each followed by 10 tmpfs files of 16 KiB, until
 * MemAvailable is low; give back every other page of every chunk (MADV_DONTNEED page by page) and every other
 * file: free memory as a checkerboard of order-0 holes; echo 1 > /proc/sys/vm/compact_memory (compact_nodes():
 * a full sync compaction of every zone, order -1); a second anon region of half of MemAvailable, every other
 * 16 KiB of it given back; compact again; free everything.
 */
static int work_compact_memory(double scale)
{
	static char *chunk[MAXCHUNK];
	char mi[512], name[64];
	double t0 = now_s(CLOCK_MONOTONIC);
	long memtotal = meminfo_kb("MemTotal"), stop_kb;
	size_t anon_max, held = 0, region, off;
	int n = 0, files = 0, i;
	char *p;

	prctl(PR_SET_NAME, "work");
	mark("phase workload compact-memory begin scale=%.2f", scale);
	mark("phase start %s", meminfo_line(mi, sizeof(mi)));
	anon_max = ((size_t)(meminfo_kb("MemAvailable") * 0.95 * scale) << 10) & ~(HPAGE - 1);
	stop_kb = memtotal / 25;
	/* its own tmpfs: /tmp (64 MiB) is too small for the files of a 1 GiB machine */
	mkdir("/tmp/cm", 0755);
	mount("tmpfs", "/tmp/cm", "tmpfs", 0, "size=50%");
	mark("phase fragment begin anon<=%zuk until MemAvailable<%ldk, 10 files x 16k per 2048k anon", anon_max >> 10,
	     stop_kb);
	files = fill_chunks_and_files(chunk, &n, &held, anon_max, stop_kb, "/tmp/cm", 10, 16384);
	mark("phase fragment filled %s", meminfo_line(mi, sizeof(mi)));
	mark("phase fragment filled anon=%zuk files=%d", held >> 10, files);
	for (i = 0; i < n; i++) /* every other page of each chunk, one page per call */
		for (off = PAGE; off < HPAGE; off += 2 * PAGE)
			madvise(chunk[i] + off, PAGE, MADV_DONTNEED);
	for (i = 1; i < files; i += 2) {
		snprintf(name, sizeof(name), "/tmp/cm/f%d", i);
		unlink(name);
	}
	mark("phase fragment punched %s", meminfo_line(mi, sizeof(mi)));
	set_sys("/proc/sys/vm/compact_memory", "1");
	mark("phase after compact_memory #1 %s", meminfo_line(mi, sizeof(mi)));
	region = ((size_t)(meminfo_kb("MemAvailable") * 0.5 * scale) << 10) & ~(HPAGE - 1);
	mark("phase second anon region %zuk", region >> 10);
	p = region ? anon_aligned(region, 0) : NULL;
	for (off = 16384; p && off < region; off += 32768) /* every other 16 KiB */
		madvise(p + off, 16384, MADV_DONTNEED);
	mark("phase second punched %s", meminfo_line(mi, sizeof(mi)));
	set_sys("/proc/sys/vm/compact_memory", "1");
	mark("phase after compact_memory #2 %s", meminfo_line(mi, sizeof(mi)));
	if (p)
		munmap(p, region);
	for (i = 0; i < n; i++)
		munmap(chunk[i], HPAGE);
	for (i = 0; i < files; i += 2) {
		snprintf(name, sizeof(name), "/tmp/cm/f%d", i);
		unlink(name);
	}
	umount("/tmp/cm");
	mark("phase end %s", meminfo_line(mi, sizeof(mi)));
	mark("phase workload compact-memory end elapsed=%.1fs", now_s(CLOCK_MONOTONIC) - t0);
	return 0;
}

/* a child of mixed-churn: maps and touches anon regions of mixed sizes, frees some as it goes, exits with the rest */
static void churn_child(double f)
{
	static const int pages[] = { 1, 2, 4, 8, 16, 32, 64, 128, 256 };
	char *reg[64];
	size_t len[64];
	int n = 0, k = 4 + rnd() % 28, i, j;

	for (i = 0; i < k; i++) {
		len[n] = (size_t)(pages[rnd() % 9] * f + 1) * PAGE;
		reg[n] = mmap(NULL, len[n], PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (reg[n] == MAP_FAILED)
			break;
		touch(reg[n], len[n]);
		n++;
		if (n > 1 && rnd() % 3 == 0) { /* free a random one */
			j = rnd() % n;
			munmap(reg[j], len[j]);
			reg[j] = reg[--n];
			len[j] = len[n];
		}
	}
	_exit(0); /* exit_mmap() frees the rest */
}

/*
 * mixed-churn: 40 rounds of everyday churn with no tuning. Each round the main process reads the next 6..16 MiB
 * of the block device (page cache, kept: the fd stays open, wrapping at the end), writes 2..12 tmpfs files of
 * 4..128 KiB and deletes the oldest beyond 96, forks 1..3 children (churn_child) and meanwhile touches a working
 * buffer of its own, waits for them and unmaps the buffer. Sizes scale with MemTotal / 480 MiB x SCALE; a meminfo
 * marker every 6 rounds. Page-cache pressure brings kswapd and kcompactd.
 */
static int work_mixed_churn(double scale)
{
	const char *pcdev = getenv("CAPTURE_PAGECACHE") ? getenv("CAPTURE_PAGECACHE") : "/dev/vdc";
	static char buf[1 << 20];
	char mi[512], name[64];
	double t0 = now_s(CLOCK_MONOTONIC), f = meminfo_kb("MemTotal") / (480.0 * 1024) * scale;
	int round, i, k, nkid, fd, st, first = 0, next = 0;
	size_t want, wlen;
	ssize_t r;
	char *w;

	prctl(PR_SET_NAME, "work");
	mark("phase workload mixed-churn begin scale=%.2f", scale);
	mark("phase start %s", meminfo_line(mi, sizeof(mi)));
	rng_state = 0x2545f4914f6cdd1dULL;
	fd = open(pcdev, O_RDONLY); /* kept open until exit: the last close drops the page cache (kill_bdev) */
	mkdir("/tmp/churn", 0755);
	for (round = 0; round < 40; round++) {
		mark("phase round %d", round);
		want = (size_t)((6 + rnd() % 11) * f) << 20;
		while (fd >= 0 && want > 0) {
			r = read(fd, buf, want < sizeof(buf) ? want : sizeof(buf));
			if (r <= 0) {
				lseek(fd, 0, SEEK_SET);
				break;
			}
			want -= r;
		}
		for (k = 2 + rnd() % 11; k > 0; k--) {
			int tfd;
			snprintf(name, sizeof(name), "/tmp/churn/f%d", next++);
			tfd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0600);
			if (tfd >= 0) {
				if (write(tfd, buf, (1 + rnd() % 32) * PAGE) < 0)
					perror("churn write");
				close(tfd);
			}
			while (next - first > 96) {
				snprintf(name, sizeof(name), "/tmp/churn/f%d", first++);
				unlink(name);
			}
		}
		nkid = 1 + rnd() % 3;
		for (i = 0; i < nkid; i++) {
			uint64_t seed = rnd();
			if (fork() == 0) {
				rng_state = seed | 1;
				churn_child(f);
			}
		}
		wlen = (size_t)((1024 + rnd() % 1024) * f) * PAGE;
		w = mmap(NULL, wlen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (w != MAP_FAILED)
			touch(w, wlen);
		while (wait(&st) > 0)
			;
		if (w != MAP_FAILED)
			munmap(w, wlen);
		if (round % 6 == 5)
			mark("phase churn %s", meminfo_line(mi, sizeof(mi)));
	}
	while (first < next) {
		snprintf(name, sizeof(name), "/tmp/churn/f%d", first++);
		unlink(name);
	}
	mark("phase end %s", meminfo_line(mi, sizeof(mi)));
	mark("phase workload mixed-churn end elapsed=%.1fs", now_s(CLOCK_MONOTONIC) - t0);
	return 0;
}


int main(int argc, char **argv)
{
	char text[1024] = "";
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (getenv("CAPTURE_LOG"))
		work_log = fopen(getenv("CAPTURE_LOG"), "a");
	if (argc >= 3 && !strcmp(argv[1], "mark")) {
		for (i = 2; i < argc; i++) {
			strncat(text, argv[i], sizeof(text) - strlen(text) - 2);
			if (i + 1 < argc)
				strcat(text, " ");
		}
		mark("%s", text);
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "snap")) {
		prctl(PR_SET_NAME, "snap");
		return snap(argv[2], argv[3]);
	}
	if (argc == 4 && !strcmp(argv[1], "work") && !strcmp(argv[2], "parallel"))
		return work_parallel(atof(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "work") && !strcmp(argv[2], "fragment-thp"))
		return work_fragment_thp(atof(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "work") && !strcmp(argv[2], "kcompactd"))
		return work_kcompactd(atof(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "work") && !strcmp(argv[2], "compact-memory"))
		return work_compact_memory(atof(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "work") && !strcmp(argv[2], "mixed-churn"))
		return work_mixed_churn(atof(argv[3]));
	fprintf(stderr, "usage: capture mark TEXT | snap LABEL DIR | work parallel|fragment-thp|kcompactd|compact-memory|mixed-churn SCALE\n");
	return 2;
}
