/* Microbenchmark measurement, the lmbench way: setup outside the timed region, grow the
 * iteration count until one timed run lasts long enough (~10 ms) for the clock's resolution and
 * overhead not to matter, subtract the timer's own overhead, report the median of an odd
 * number of tries. The clock is a parameter so that tests can drive everything with a fake one.
 *
 * Also the table of every metric the overhead suites print (unit, which direction is better),
 * which the harness links to fill `unit`/`better` and to know the expected set. */
#ifndef BB_MEASURE_H
#define BB_MEASURE_H

#include "err.h"

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>

struct bb_clock {
	uint64_t (*now_ns)(void *ctx);
	void *ctx;
	/* Optional: the wall time, when now_ns leaves some of it out (a pausable clock). The
	 * budget is wall time; without it, now_ns is the wall time too. */
	uint64_t (*wall_ns)(void *ctx);
};

/* CLOCK_MONOTONIC (through the vDSO where the clock source allows it). */
extern const struct bb_clock measure_clock_monotonic;

struct bb_measure_opts {
	uint64_t target_ns;   /* one timed run must last at least this long */
	uint64_t budget_ns;   /* wall time allowed per metric, calibration and setup included */
	unsigned tries;       /* timed runs whose median is reported; odd */
	uint64_t fixed_iters; /* non-zero: no calibration, every try runs exactly this many ops */
};

/* A benchmark body runs the loop itself, so the call overhead is paid once per timed run and
 * not once per operation. `prepare` (optional) runs before every timed run, untimed. */
struct bb_bench {
	void (*op)(void *ctx, uint64_t iters);
	void (*prepare)(void *ctx);
	void *ctx;
};

struct bb_measure_result {
	double ns_per_op;     /* median over tries of (elapsed - timer overhead) / iters */
	uint64_t iters;       /* operations per timed try */
	unsigned tries;       /* tries that completed (fewer than asked if the budget ran out) */
	uint64_t overhead_ns; /* timer overhead subtracted from every try */
	uint64_t spent_ns;    /* wall time of the whole measurement */
	int truncated;        /* the budget ran out before the target or before all tries */
};

#define MEASURE_TARGET_NS       10000000ull  /* 10 ms, as lmbench */
#define MEASURE_BUDGET_NS       500000000ull /* 0.5 s per metric */
#define MEASURE_TRIES           5u
#define MEASURE_QUICK_TARGET_NS 2000000ull
#define MEASURE_QUICK_BUDGET_NS 150000000ull
#define MEASURE_QUICK_TRIES     3u
#define MEASURE_MAX_GROWTH      16u
#define MEASURE_MAX_ITERS       (1ull << 40)
#define MEASURE_OVERHEAD_READS  1001u

void measure_defaults(struct bb_measure_opts *o);
void measure_quick(struct bb_measure_opts *o);

uint64_t measure_clock_read(const struct bb_clock *clk);
/* The clock's wall time (wall_ns, or now_ns without it). */
uint64_t measure_wall_read(const struct bb_clock *clk);

/* A pausable clock: it reads its base clock minus the time spent paused, so that a body can
 * leave its own per-chunk setup out of the timed run (page_fault maps a range, paused, then
 * touches it, timed) while measure_run still calibrates, repeats and budgets it as any other
 * body; the budget keeps counting wall time. Pausing twice or resuming a running clock does
 * nothing. Every pause/resume pair costs two reads of the base clock, of which about one lands
 * in the timed run: pause per chunk of work, not per operation. */
struct bb_pausable {
	const struct bb_clock *base;
	uint64_t paused_total; /* ns spent paused so far */
	uint64_t paused_at;    /* base time of the pause under way */
	int paused;
	struct bb_clock clock; /* the clock to hand to measure_run */
};

void measure_pausable_init(struct bb_pausable *p, const struct bb_clock *base);
void measure_pause(struct bb_pausable *p);
void measure_resume(struct bb_pausable *p);
/* Median of `reads` back-to-back differences of the clock. */
uint64_t measure_timer_overhead(const struct bb_clock *clk, unsigned reads);
/* The next iteration count after a run of `iters` lasting `elapsed_ns` (returns `iters` when
 * the target is met): scaled by target/elapsed with 25% headroom, at least +1, at most x16. */
uint64_t measure_next_iters(uint64_t iters, uint64_t elapsed_ns, uint64_t target_ns);
/* elapsed - overhead, never below 0. */
uint64_t measure_subtract(uint64_t elapsed_ns, uint64_t overhead_ns);
/* Median of n values (sorts v in place); the mean of the two middle ones when n is even,
 * 0 when n == 0. */
double measure_median(double *v, size_t n);

/* Measure one benchmark. Fails only on bad options (no tries, no op). */
int measure_run(const struct bb_clock *clk, const struct bb_measure_opts *o,
                const struct bb_bench *b, struct bb_measure_result *out, struct bb_err *err);

/* Options every overhead suite accepts; pass the codes below to measure_option(). */
enum {
	MEASURE_OPT_QUICK = 0x1000,
	MEASURE_OPT_TARGET_MS,
	MEASURE_OPT_BUDGET_MS,
	MEASURE_OPT_TRIES,
};
/* clang-format off */
#define MEASURE_LONG_OPTIONS                                                                       \
	{ "quick", no_argument, NULL, MEASURE_OPT_QUICK },                                         \
	{ "target-ms", required_argument, NULL, MEASURE_OPT_TARGET_MS },                           \
	{ "budget-ms", required_argument, NULL, MEASURE_OPT_BUDGET_MS },                           \
	{ "tries", required_argument, NULL, MEASURE_OPT_TRIES }
/* clang-format on */

/* Apply one common option: 1 if handled, 0 if `code` is not a common option, -1 on a bad
 * value (err filled). --quick replaces target, budget and tries, so give it first. */
int measure_option(struct bb_measure_opts *o, int code, const char *arg, struct bb_err *err);
/* Parse an unsigned decimal in [min, max]; -1 (err filled, naming `what`) otherwise. */
int measure_parse_u64(const char *arg, uint64_t min, uint64_t max, const char *what, uint64_t *out,
                      struct bb_err *err);

/* Parse a suite's argv (argv[0] = suite name) with getopt_long: the common options go to `o`,
 * every other option in `longopts` to `handle` (which returns 0, or -1 with err filled).
 * Unknown options, missing arguments and positional arguments are errors. */
int measure_parse_args(int argc, char **argv, const struct option *longopts,
                       struct bb_measure_opts *o,
                       int (*handle)(void *ctx, int code, const char *arg, struct bb_err *err),
                       void *ctx, struct bb_err *err);

struct bb_metric_def {
	const char *suite, *metric, *unit;
	int higher_is_better;
};

/* Every metric of the syscall, cpu, mem and io suites; ends with an all-NULL entry. */
extern const struct bb_metric_def bb_metric_defs[];

const struct bb_metric_def *measure_metric_find(const char *suite, const char *metric);

/* Print the metric record with the unit from bb_metric_defs (an error record if the metric is
 * not in the table: the table and the records can never disagree). */
void measure_emit(const char *suite, const char *metric, double value, uint64_t iters);
/* A truncated measurement is still reported, with an info record saying so. */
void measure_note(const char *suite, const char *metric, const struct bb_measure_result *r);
/* The metric record of a measurement (measure_emit with r's iterations), marked
 * "truncated":true when the budget cut it short (the harness counts those per series and keeps
 * them out of verdicts), then measure_note. */
void measure_report(const char *suite, const char *metric, double value,
                    const struct bb_measure_result *r);

#endif
