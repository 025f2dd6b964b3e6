/* mem: memory as the box maps it (claim C8: a VM's memory is virtualised through page tables).
 * triad streams through arrays far larger than the last-level cache (bandwidth); chase follows a
 * random cycle with one pointer per page, so nearly every access misses the TLB and walks the
 * page tables: the path that nested paging (two-dimensional walks) makes costly in a VM. */
#include "measure.h"
#include "record.h"
#include "suite.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define MEM_SUITE        "mem"
#define MEM_MIB          (1024ull * 1024)
#define MEM_DEFAULT_MIB  64
#define MEM_MAX_MIB      65536
#define MEM_CHASE_SEED   0x9e3779b97f4a7c15ull
#define MEM_TRIAD_SCALAR 3.0

enum { MEM_OPT_ARRAY_MIB = 1, MEM_OPT_CHASE_MIB };

struct mem_args {
	uint64_t array_mib, chase_mib;
};

struct mem_triad {
	double *a, *b, *c;
	size_t n;
	double s;
};

struct mem_chase {
	void **cur;
	void *volatile sink;
};

/* Transparent huge pages are off for both regions: THP policies differ between host and guest
 * kernels, and 2 MiB pages would cover the chase's pages with a handful of TLB entries. */
static void *mem_map(size_t len, struct bb_err *err)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		bb_fail(err, errno, "mmap %zu MiB", (size_t)(len / MEM_MIB));
		return NULL;
	}
	madvise(p, len, MADV_NOHUGEPAGE);
	return p;
}

static void mem_triad_pass(double *restrict a, const double *restrict b, const double *restrict c,
                           size_t n, double s)
{
	for (size_t i = 0; i < n; i++)
		a[i] = b[i] + s * c[i];
}

static void mem_triad_op(void *ctx, uint64_t iters)
{
	struct mem_triad *t = ctx;

	for (uint64_t k = 0; k < iters; k++) {
		mem_triad_pass(t->a, t->b, t->c, t->n, t->s);
		/* Every pass must really happen: the compiler may not merge identical passes. */
		__asm__ volatile("" ::: "memory");
	}
}

static void mem_chase_op(void *ctx, uint64_t iters)
{
	struct mem_chase *ch = ctx;
	void **p = ch->cur;

	for (uint64_t i = 0; i < iters; i++)
		p = *p;
	ch->cur = p;
	ch->sink = p;
}

static void mem_triad(const struct bb_measure_opts *o, uint64_t mib)
{
	/* Three arrays of n doubles share the total; n is a multiple of 8 so each array starts
	 * on a 64-byte cache line. */
	size_t n = (size_t)(mib * MEM_MIB / (3 * sizeof(double))) & ~(size_t)7;
	size_t len = 3 * n * sizeof(double);
	struct mem_triad t = { .n = n, .s = MEM_TRIAD_SCALAR };
	struct bb_bench b = { .op = mem_triad_op, .ctx = &t };
	struct bb_measure_result r;
	struct bb_err err = { 0 };

	t.a = mem_map(len, &err);
	if (!t.a) {
		rec_error(MEM_SUITE, "triad", err.msg);
		return;
	}
	t.b = t.a + n;
	t.c = t.b + n;
	/* Touch everything first: page faults belong to setup, not to the bandwidth. */
	for (size_t i = 0; i < n; i++) {
		t.a[i] = 0.0;
		t.b[i] = 1.0;
		t.c[i] = 2.0;
	}
	if (measure_run(&measure_clock_monotonic, o, &b, &r, &err) < 0) {
		rec_error(MEM_SUITE, "triad", err.msg);
	} else {
		/* STREAM's count: 3 arrays x 8 bytes per element (two reads, one write); the
		 * write-allocate read of a[] is not counted. Bytes per ns is GB/s (10^9). */
		rec_info_num(MEM_SUITE, "triad.array_mib", (double)len / MEM_MIB);
		measure_report(MEM_SUITE, "triad",
		               r.ns_per_op > 0 ? (double)len / r.ns_per_op : NAN, &r);
	}
	munmap(t.a, len);
}

static uint64_t mem_splitmix(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* The pointer of page i: on a random cache line of the page, a pure function of i. */
static void **mem_chase_slot(char *base, size_t page, size_t i)
{
	uint64_t h = i;

	return (void **)(base + i * page + (mem_splitmix(&h) % (page / 64)) * 64);
}

/* Link one pointer per page into a single random cycle (Sattolo's shuffle, fixed seed: the same
 * cycle in every box). The pointer sits on a random cache line of its page so that the lines
 * spread over all cache sets instead of fighting over the few that offset 0 maps to. */
static int mem_chase_build(char *base, size_t pages, size_t page, void ***start, struct bb_err *err)
{
	uint32_t *succ = malloc(pages * sizeof(*succ));
	uint64_t seed = MEM_CHASE_SEED;

	if (!succ)
		return bb_fail(err, ENOMEM, "chase: %zu page indices", pages);
	for (size_t i = 0; i < pages; i++)
		succ[i] = (uint32_t)i;
	for (size_t i = pages - 1; i > 0; i--) {
		size_t j = (size_t)(mem_splitmix(&seed) % i);
		uint32_t tmp = succ[i];

		succ[i] = succ[j];
		succ[j] = tmp;
	}
	for (size_t i = 0; i < pages; i++)
		*mem_chase_slot(base, page, i) = mem_chase_slot(base, page, succ[i]);
	*start = mem_chase_slot(base, page, 0);
	free(succ);
	return 0;
}

static void mem_chase(const struct bb_measure_opts *o, uint64_t mib)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), len = (size_t)(mib * MEM_MIB);
	size_t pages = len / page;
	struct mem_chase ch = { 0 };
	struct bb_bench b = { .op = mem_chase_op, .ctx = &ch };
	struct bb_measure_result r;
	struct bb_err err = { 0 };
	char *base = pages >= 2 && pages <= UINT32_MAX ? mem_map(len, &err) : NULL;

	if (!base) {
		rec_error(MEM_SUITE, "chase", pages < 2 ? "chase: fewer than 2 pages" : err.msg);
		return;
	}
	/* Writing each page's pointer faults every page in before anything is timed. */
	if (mem_chase_build(base, pages, page, &ch.cur, &err) < 0)
		rec_error(MEM_SUITE, "chase", err.msg);
	else if (measure_run(&measure_clock_monotonic, o, &b, &r, &err) < 0)
		rec_error(MEM_SUITE, "chase", err.msg);
	else {
		rec_info_num(MEM_SUITE, "chase.pages", (double)pages);
		measure_report(MEM_SUITE, "chase", r.ns_per_op, &r);
	}
	munmap(base, len);
}

static int mem_option(void *ctx, int code, const char *arg, struct bb_err *err)
{
	struct mem_args *a = ctx;

	if (code == MEM_OPT_ARRAY_MIB)
		return measure_parse_u64(arg, 1, MEM_MAX_MIB, "--array-mib", &a->array_mib, err);
	if (code == MEM_OPT_CHASE_MIB)
		return measure_parse_u64(arg, 1, MEM_MAX_MIB, "--chase-mib", &a->chase_mib, err);
	return bb_fail(err, 0, "unhandled option");
}

static int mem_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		MEASURE_LONG_OPTIONS,
		{ "array-mib", required_argument, NULL, MEM_OPT_ARRAY_MIB },
		{ "chase-mib", required_argument, NULL, MEM_OPT_CHASE_MIB },
		{ 0 },
	};
	struct mem_args a = { .array_mib = MEM_DEFAULT_MIB, .chase_mib = MEM_DEFAULT_MIB };
	struct bb_measure_opts o;
	struct bb_err err = { 0 };

	measure_defaults(&o);
	if (measure_parse_args(argc, argv, longopts, &o, mem_option, &a, &err) < 0) {
		rec_error(MEM_SUITE, "options", err.msg);
		return 2;
	}
	/* One region at a time: the peak footprint is the larger of the two, not the sum, which
	 * matters under a container's memory limit or in a small guest. */
	mem_triad(&o, a.array_mib);
	mem_chase(&o, a.chase_mib);
	return 0;
}

const struct suite suite_mem = {
	.name = "mem",
	.summary = "GB/s of a STREAM triad beyond the LLC, ns per access of a page-spanning chase",
	.settles = "C8",
	.run = mem_run,
	.measure_opts = 1,
};
