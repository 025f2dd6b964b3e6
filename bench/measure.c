#include "measure.h"
#include "record.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t measure_mono_now(void *ctx)
{
	(void)ctx;
	return rec_now_ns();
}

const struct bb_clock measure_clock_monotonic = {
	.now_ns = measure_mono_now,
	.ctx = NULL,
};

void measure_defaults(struct bb_measure_opts *o)
{
	*o = (struct bb_measure_opts){
		.target_ns = MEASURE_TARGET_NS,
		.budget_ns = MEASURE_BUDGET_NS,
		.tries = MEASURE_TRIES,
	};
}

void measure_quick(struct bb_measure_opts *o)
{
	o->target_ns = MEASURE_QUICK_TARGET_NS;
	o->budget_ns = MEASURE_QUICK_BUDGET_NS;
	o->tries = MEASURE_QUICK_TRIES;
}

uint64_t measure_clock_read(const struct bb_clock *clk)
{
	return clk->now_ns(clk->ctx);
}

uint64_t measure_wall_read(const struct bb_clock *clk)
{
	return clk->wall_ns ? clk->wall_ns(clk->ctx) : clk->now_ns(clk->ctx);
}

static uint64_t measure_pausable_now(void *ctx)
{
	struct bb_pausable *p = ctx;
	uint64_t t = p->paused ? p->paused_at : measure_clock_read(p->base);

	return t - p->paused_total;
}

static uint64_t measure_pausable_wall(void *ctx)
{
	struct bb_pausable *p = ctx;

	return measure_wall_read(p->base);
}

void measure_pausable_init(struct bb_pausable *p, const struct bb_clock *base)
{
	*p = (struct bb_pausable){
		.base = base,
		.clock = { .now_ns = measure_pausable_now,
		           .ctx = p,
		           .wall_ns = measure_pausable_wall },
	};
}

void measure_pause(struct bb_pausable *p)
{
	if (p->paused)
		return;
	p->paused_at = measure_clock_read(p->base);
	p->paused = 1;
}

void measure_resume(struct bb_pausable *p)
{
	if (!p->paused)
		return;
	p->paused_total += measure_subtract(measure_clock_read(p->base), p->paused_at);
	p->paused = 0;
}

uint64_t measure_subtract(uint64_t elapsed_ns, uint64_t overhead_ns)
{
	return elapsed_ns > overhead_ns ? elapsed_ns - overhead_ns : 0;
}

static int measure_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double measure_median(double *v, size_t n)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), measure_cmp_double);
	if (n % 2)
		return v[n / 2];
	return (v[n / 2 - 1] + v[n / 2]) / 2;
}

uint64_t measure_timer_overhead(const struct bb_clock *clk, unsigned reads)
{
	double d[MEASURE_OVERHEAD_READS];
	uint64_t t0, t1;

	if (reads == 0)
		return 0;
	if (reads > MEASURE_OVERHEAD_READS)
		reads = MEASURE_OVERHEAD_READS;
	t0 = measure_clock_read(clk);
	for (unsigned i = 0; i < reads; i++) {
		t1 = measure_clock_read(clk);
		d[i] = (double)measure_subtract(t1, t0);
		t0 = t1;
	}
	/* The median, not the minimum: a coarse clock reads 0 most of the time, and subtracting
	 * a minimum of 0 would hide the real cost of the two reads around every timed run. */
	return (uint64_t)measure_median(d, reads);
}

uint64_t measure_next_iters(uint64_t iters, uint64_t elapsed_ns, uint64_t target_ns)
{
	uint64_t cap, next;

	if (iters == 0)
		return 1;
	if (elapsed_ns >= target_ns)
		return iters;
	cap = iters > MEASURE_MAX_ITERS / MEASURE_MAX_GROWTH ? MEASURE_MAX_ITERS
	                                                     : iters * MEASURE_MAX_GROWTH;
	/* A run at the clock's resolution says nothing about the rate: grow by the cap. The
	 * 25% headroom keeps the next run from landing just short of the target again. */
	if (elapsed_ns == 0)
		next = cap;
	else
		next = (uint64_t)((double)iters * 1.25 * (double)target_ns / (double)elapsed_ns);
	if (next <= iters)
		next = iters + 1;
	return next < cap ? next : cap;
}

/* One timed run: the clock's elapsed time, and in *wall the wall time it took, which is what
 * the budget pays: more than the elapsed time when the body pauses its clock, the same
 * (without extra reads) for a clock without wall_ns. */
static uint64_t measure_timed(const struct bb_clock *clk, const struct bb_bench *b, uint64_t iters,
                              uint64_t *wall)
{
	uint64_t t0, t1, w0 = 0;

	if (b->prepare)
		b->prepare(b->ctx);
	if (clk->wall_ns)
		w0 = clk->wall_ns(clk->ctx);
	t0 = measure_clock_read(clk);
	b->op(b->ctx, iters);
	t1 = measure_clock_read(clk);
	*wall =
	    clk->wall_ns ? measure_subtract(clk->wall_ns(clk->ctx), w0) : measure_subtract(t1, t0);
	return measure_subtract(t1, t0);
}

static uint64_t measure_spent(const struct bb_clock *clk, uint64_t t_start)
{
	return measure_subtract(measure_wall_read(clk), t_start);
}

/* Grow the iteration count until a run lasts the target. Under emulation (QEMU TCG, 10-100x
 * slower) the target may cost more than the budget: the count then stops where the budget
 * still pays for all tries, and the result is marked truncated rather than dropped. The cost
 * of a try is its wall time (*wall), the target is on the timed clock (*elapsed). */
static uint64_t measure_calibrate(const struct bb_clock *clk, const struct bb_measure_opts *o,
                                  const struct bb_bench *b, uint64_t t_start, uint64_t *elapsed,
                                  uint64_t *wall, struct bb_measure_result *out)
{
	uint64_t iters = 1, next, spent, remaining;
	double per_op;

	*elapsed = measure_timed(clk, b, iters, wall);
	while (*elapsed < o->target_ns && iters < MEASURE_MAX_ITERS) {
		spent = measure_spent(clk, t_start);
		if (spent >= o->budget_ns) {
			out->truncated = 1;
			break;
		}
		remaining = o->budget_ns - spent;
		next = measure_next_iters(iters, *elapsed, o->target_ns);
		per_op = (double)*wall / (double)iters;
		if (per_op * (double)next * o->tries > (double)remaining) {
			uint64_t fit = (uint64_t)((double)remaining / (per_op * o->tries));

			out->truncated = 1;
			if (fit > iters) {
				iters = fit;
				*elapsed = measure_timed(clk, b, iters, wall);
			}
			break;
		}
		iters = next;
		*elapsed = measure_timed(clk, b, iters, wall);
	}
	return iters;
}

int measure_run(const struct bb_clock *clk, const struct bb_measure_opts *o,
                const struct bb_bench *b, struct bb_measure_result *out, struct bb_err *err)
{
	double per_op[99];
	uint64_t t_start, iters, elapsed, wall;
	unsigned n = 0;

	if (!b || !b->op)
		return bb_fail(err, 0, "measure: no benchmark body");
	if (o->tries == 0 || o->tries > sizeof(per_op) / sizeof(per_op[0]))
		return bb_fail(err, 0, "measure: tries must be 1..99, not %u", o->tries);
	*out = (struct bb_measure_result){ 0 };
	t_start = measure_wall_read(clk);
	out->overhead_ns = measure_timer_overhead(clk, MEASURE_OVERHEAD_READS);
	if (o->fixed_iters) {
		iters = o->fixed_iters;
		elapsed = measure_timed(clk, b, iters, &wall);
	} else {
		iters = measure_calibrate(clk, o, b, t_start, &elapsed, &wall, out);
	}
	/* The run that met the target is the first try: the smaller runs before it have
	 * already warmed caches and TLBs, so nothing is gained by throwing it away. */
	per_op[n++] = (double)measure_subtract(elapsed, out->overhead_ns) / (double)iters;
	while (n < o->tries) {
		if (measure_spent(clk, t_start) + wall > o->budget_ns) {
			out->truncated = 1;
			break;
		}
		elapsed = measure_timed(clk, b, iters, &wall);
		per_op[n++] = (double)measure_subtract(elapsed, out->overhead_ns) / (double)iters;
	}
	out->ns_per_op = measure_median(per_op, n);
	out->iters = iters;
	out->tries = n;
	out->spent_ns = measure_spent(clk, t_start);
	return 0;
}

int measure_parse_u64(const char *arg, uint64_t min, uint64_t max, const char *what, uint64_t *out,
                      struct bb_err *err)
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (!arg || *arg < '0' || *arg > '9')
		goto bad;
	v = strtoull(arg, &end, 10);
	if (errno || *end || v < min || v > max)
		goto bad;
	*out = v;
	return 0;
bad:
	return bb_fail(err, 0, "%s: expected an integer %llu..%llu, got '%s'", what,
	               (unsigned long long)min, (unsigned long long)max, arg ? arg : "");
}

int measure_option(struct bb_measure_opts *o, int code, const char *arg, struct bb_err *err)
{
	uint64_t v;

	switch (code) {
	case MEASURE_OPT_QUICK:
		measure_quick(o);
		return 1;
	case MEASURE_OPT_TARGET_MS:
		if (measure_parse_u64(arg, 1, 10000, "--target-ms", &v, err) < 0)
			return -1;
		o->target_ns = v * 1000000;
		return 1;
	case MEASURE_OPT_BUDGET_MS:
		if (measure_parse_u64(arg, 1, 3600000, "--budget-ms", &v, err) < 0)
			return -1;
		o->budget_ns = v * 1000000;
		return 1;
	case MEASURE_OPT_TRIES:
		if (measure_parse_u64(arg, 1, 99, "--tries", &v, err) < 0)
			return -1;
		if (v % 2 == 0)
			return bb_fail(err, 0, "--tries: must be odd (a median of tries), got %s",
			               arg);
		o->tries = (unsigned)v;
		return 1;
	default:
		return 0;
	}
}

static int measure_bad_option(int argc, char **argv, struct bb_err *err)
{
	const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "?";

	return bb_fail(err, 0, "unknown option or missing argument: '%s'", arg);
}

int measure_parse_args(int argc, char **argv, const struct option *longopts,
                       struct bb_measure_opts *o,
                       int (*handle)(void *ctx, int code, const char *arg, struct bb_err *err),
                       void *ctx, struct bb_err *err)
{
	int c, r;

	/* 0, not 1: glibc then also forgets a half-parsed option cluster of an earlier call. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		if (c == '?' || c == ':')
			return measure_bad_option(argc, argv, err);
		r = measure_option(o, c, optarg, err);
		if (r < 0)
			return -1;
		if (r > 0)
			continue;
		if (!handle || handle(ctx, c, optarg, err) < 0)
			return handle ? -1 : measure_bad_option(argc, argv, err);
	}
	if (optind < argc)
		return bb_fail(err, 0, "unexpected argument '%s'", argv[optind]);
	return 0;
}

const struct bb_metric_def bb_metric_defs[] = {
	{ "syscall", "null", "ns", 0 },
	{ "syscall", "read_devzero", "ns", 0 },
	{ "syscall", "write_devnull", "ns", 0 },
	{ "syscall", "open_close", "ns", 0 },
	{ "syscall", "stat", "ns", 0 },
	{ "syscall", "page_fault", "ns", 0 }, /* per first touch of a pre-mapped 4 KiB page */
	{ "syscall", "mmap", "ns", 0 },       /* per mmap(2) of a 1 MiB anonymous range */
	{ "syscall", "munmap", "ns", 0 },     /* per munmap(2) of that range, every page touched */
	{ "syscall", "fork_exit_wait", "ns", 0 },
	{ "syscall", "pipe_roundtrip", "ns", 0 },
	{ "syscall", "clock_gettime", "ns", 0 },
	{ "syscall", "cpuid", "ns", 0 },
	{ "cpu", "dgemm", "GFLOP/s", 1 },
	{ "cpu", "hash", "Mops/s", 1 },
	{ "mem", "triad", "GB/s", 1 },
	{ "mem", "chase", "ns", 0 },
	{ "io", "seq_write_fsync", "MB/s", 1 },
	{ "io", "rand_read_4k", "us", 0 }, /* mean latency of the timed reads */
	{ "io", "rand_read_4k_p50", "us", 0 },
	{ "io", "rand_read_4k_p90", "us", 0 },
	{ "io", "rand_read_4k_p99", "us", 0 },
	{ "limits", "cpu_share", "CPU-s/s", 1 },
	{ "limits", "mem_reached", "MiB", 0 },
	{ "limits", "forks", "forks", 0 },
	/* footprint: measured by the harness from outside the box (harness/footprint.h) */
	{ "footprint", "pss", "MiB", 0 },
	{ "footprint", "cgroup_mem", "MiB", 0 },
	{ "footprint", "wrapper_pss", "MiB", 0 }, /* per instance: runtime, shim, conmon, CLI */
	{ "footprint", "engine_pss", "MiB", 0 },  /* once: the daemons every instance shares */
	{ "footprint", "guest_used", "MiB", 0 },
	{ "footprint", "disk_apparent", "MiB", 0 },
	{ "footprint", "disk_allocated", "MiB", 0 },
	{ "footprint", "density_increment", "MiB", 0 },
	/* the slope of the host kernel's memory over the instance count (harness/footprint.h) */
	{ "footprint", "kernel_per_instance", "MiB", 0 },
	{ "footprint", "extrapolated_fit", "instances", 1 },
	{ NULL, NULL, NULL, 0 },
};

const struct bb_metric_def *measure_metric_find(const char *suite, const char *metric)
{
	for (const struct bb_metric_def *d = bb_metric_defs; suite && metric && d->suite; d++)
		if (strcmp(d->suite, suite) == 0 && strcmp(d->metric, metric) == 0)
			return d;
	return NULL;
}

static void measure_emit_flag(const char *suite, const char *metric, double value, uint64_t iters,
                              int truncated)
{
	const struct bb_metric_def *d = measure_metric_find(suite, metric);

	if (!d) {
		rec_error(suite, metric, "internal: metric missing from bb_metric_defs");
		return;
	}
	rec_metric_flag(suite, metric, d->unit, value, iters, truncated);
}

void measure_emit(const char *suite, const char *metric, double value, uint64_t iters)
{
	measure_emit_flag(suite, metric, value, iters, 0);
}

void measure_report(const char *suite, const char *metric, double value,
                    const struct bb_measure_result *r)
{
	measure_emit_flag(suite, metric, value, r->iters, r->truncated);
	measure_note(suite, metric, r);
}

void measure_note(const char *suite, const char *metric, const struct bb_measure_result *r)
{
	char key[128], msg[256];

	if (!r->truncated)
		return;
	snprintf(key, sizeof(key), "%s.truncated", metric);
	snprintf(msg, sizeof(msg), "time budget reached after %.1f ms: tries=%u, ops per try=%llu",
	         (double)r->spent_ns / 1e6, r->tries, (unsigned long long)r->iters);
	rec_info(suite, key, msg);
}
