/* The lmbench-style measurement loop, driven by a fake clock: reading it costs a fixed number of
 * ns and every operation of the benchmark body advances it by a fixed number of ns, so the
 * measured time per operation must come out exactly. No real timing is asserted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "measure.h"

#include <string.h>

struct fake {
	uint64_t now;
	uint64_t read_cost; /* ns every read of the clock takes */
	uint64_t per_op;    /* ns every operation takes */
	uint64_t setup_ns;  /* ns every prepare() takes */
	unsigned prepares;
	uint64_t ops;
	const uint64_t *jitter; /* if set, read costs cycle through these */
	size_t njitter, reads;
};

static uint64_t fake_now(void *ctx)
{
	struct fake *f = ctx;
	uint64_t t = f->now;

	f->now += f->jitter ? f->jitter[f->reads % f->njitter] : f->read_cost;
	f->reads++;
	return t;
}

static void fake_op(void *ctx, uint64_t iters)
{
	struct fake *f = ctx;

	f->now += iters * f->per_op;
	f->ops += iters;
}

static void fake_prepare(void *ctx)
{
	struct fake *f = ctx;

	f->now += f->setup_ns;
	f->prepares++;
}

static struct bb_measure_opts opts(uint64_t target, uint64_t budget, unsigned tries)
{
	return (struct bb_measure_opts){ .target_ns = target, .budget_ns = budget, .tries = tries };
}

static void test_next_iters(void **state)
{
	(void)state;
	assert_int_equal(measure_next_iters(100, 5000000, 10000000), 250);
	assert_int_equal(measure_next_iters(1000, 9990000, 10000000), 1251);
	/* met or exceeded: no growth */
	assert_int_equal(measure_next_iters(100, 10000000, 10000000), 100);
	assert_int_equal(measure_next_iters(100, 20000000, 10000000), 100);
	/* a run at the clock's resolution grows by the cap, never unbounded */
	assert_int_equal(measure_next_iters(1, 0, 10000000), MEASURE_MAX_GROWTH);
	assert_int_equal(measure_next_iters(3, 1, 10000000), 3 * MEASURE_MAX_GROWTH);
	assert_int_equal(measure_next_iters(0, 0, 10000000), 1);
	assert_int_equal(measure_next_iters(MEASURE_MAX_ITERS, 1, 10000000), MEASURE_MAX_ITERS);
	/* always progress while short of the target, even by a hair */
	for (uint64_t e = 1; e < 10000000; e = e * 3 + 1)
		assert_true(measure_next_iters(7, e, 10000000) > 7);
	assert_int_equal(measure_next_iters(10, 9999999, 10000000), 12);
}

static void test_subtract(void **state)
{
	(void)state;
	assert_int_equal(measure_subtract(100, 30), 70);
	assert_int_equal(measure_subtract(30, 30), 0);
	assert_int_equal(measure_subtract(30, 100), 0);
}

static void test_median(void **state)
{
	double odd[] = { 5, 1, 3 }, even[] = { 4, 1, 3, 2 }, one[] = { 7 };
	double dup[] = { 2, 9, 2, 2, 9 };

	(void)state;
	assert_true(measure_median(odd, 3) == 3.0);
	assert_true(measure_median(even, 4) == 2.5);
	assert_true(measure_median(one, 1) == 7.0);
	assert_true(measure_median(dup, 5) == 2.0);
	assert_true(measure_median(NULL, 0) == 0.0);
}

static void test_timer_overhead(void **state)
{
	struct fake f = { .read_cost = 23 };
	struct bb_clock clk = { fake_now, &f, NULL };
	static const uint64_t jitter[] = { 20, 20, 500 };
	struct fake j = { .jitter = jitter, .njitter = 3 };
	struct bb_clock jclk = { fake_now, &j, NULL };

	(void)state;
	assert_int_equal(measure_timer_overhead(&clk, 101), 23);
	/* one slow read in three (an interrupt) must not inflate the overhead */
	assert_int_equal(measure_timer_overhead(&jclk, 99), 20);
	assert_int_equal(measure_timer_overhead(&clk, 0), 0);
}

static void check_exact(uint64_t read_cost, uint64_t per_op)
{
	struct fake f = { .now = 1000, .read_cost = read_cost, .per_op = per_op };
	struct bb_clock clk = { fake_now, &f, NULL };
	struct bb_bench b = { .op = fake_op, .ctx = &f };
	struct bb_measure_opts o = opts(10000000, 1000000000, 5);
	struct bb_measure_result r;
	struct bb_err err = { 0 };

	assert_int_equal(measure_run(&clk, &o, &b, &r, &err), 0);
	assert_true(r.ns_per_op == (double)per_op);
	assert_int_equal(r.overhead_ns, read_cost);
	assert_int_equal(r.tries, 5);
	assert_false(r.truncated);
	/* the iteration count grew until one run lasted the target */
	assert_true(r.iters * per_op >= o.target_ns);
	assert_true(r.iters * per_op < 2 * o.target_ns);
}

static void test_measure_exact(void **state)
{
	(void)state;
	check_exact(25, 37);
	check_exact(0, 1);
	check_exact(40, 1);
	check_exact(7, 123457);
}

static void test_measure_prepare_untimed(void **state)
{
	struct fake f = { .read_cost = 11, .per_op = 5000, .setup_ns = 7000000 };
	struct bb_clock clk = { fake_now, &f, NULL };
	struct bb_bench b = { .op = fake_op, .prepare = fake_prepare, .ctx = &f };
	struct bb_measure_opts o = opts(10000000, 1000000000, 3);
	struct bb_measure_result r;
	struct bb_err err = { 0 };

	(void)state;
	o.fixed_iters = 4;
	assert_int_equal(measure_run(&clk, &o, &b, &r, &err), 0);
	assert_true(r.ns_per_op == 5000.0);
	assert_int_equal(r.iters, 4);
	assert_int_equal(r.tries, 3);
	assert_int_equal(f.prepares, 3);
	assert_int_equal(f.ops, 12);
}

/* Emulation: one operation lasts longer than the budget. One try is still reported. */
static void test_measure_budget_slow_op(void **state)
{
	struct fake f = { .read_cost = 50, .per_op = 300000000 };
	struct bb_clock clk = { fake_now, &f, NULL };
	struct bb_bench b = { .op = fake_op, .ctx = &f };
	struct bb_measure_opts o = opts(10000000, 500000000, 5);
	struct bb_measure_result r;
	struct bb_err err = { 0 };

	(void)state;
	assert_int_equal(measure_run(&clk, &o, &b, &r, &err), 0);
	assert_true(r.ns_per_op == 300000000.0);
	assert_int_equal(r.iters, 1);
	assert_int_equal(r.tries, 1);
	assert_true(r.truncated);
}

/* The target is out of reach within the budget: growth stops where all tries still fit. */
static void test_measure_budget_caps_growth(void **state)
{
	struct fake f = { .read_cost = 0, .per_op = 1000000 };
	struct bb_clock clk = { fake_now, &f, NULL };
	struct bb_bench b = { .op = fake_op, .ctx = &f };
	struct bb_measure_opts o = opts(100000000, 50000000, 3);
	struct bb_measure_result r;
	struct bb_err err = { 0 };

	(void)state;
	assert_int_equal(measure_run(&clk, &o, &b, &r, &err), 0);
	assert_true(r.ns_per_op == 1000000.0);
	assert_true(r.truncated);
	assert_int_equal(r.tries, 3);
	assert_true(r.iters * f.per_op < o.target_ns);
	assert_true(r.spent_ns <= o.budget_ns);
	assert_true(f.now <= o.budget_ns);
}

static void test_measure_bad(void **state)
{
	struct fake f = { .per_op = 1 };
	struct bb_clock clk = { fake_now, &f, NULL };
	struct bb_bench b = { .op = fake_op, .ctx = &f }, none = { 0 };
	struct bb_measure_opts o = opts(1000, 1000000, 0);
	struct bb_measure_result r;
	struct bb_err err = { 0 };

	(void)state;
	assert_int_equal(measure_run(&clk, &o, &b, &r, &err), -1);
	assert_non_null(strstr(err.msg, "tries"));
	o.tries = 3;
	assert_int_equal(measure_run(&clk, &o, &none, &r, &err), -1);
	assert_non_null(strstr(err.msg, "no benchmark body"));
}

/* A body that pauses its clock around a setup of setup_ns before every operation of per_op,
 * as page_fault does around its mmap and munmap. */
struct paused_body {
	struct fake *f;
	struct bb_pausable *pc;
};

static void paused_op(void *ctx, uint64_t iters)
{
	struct paused_body *pb = ctx;

	for (uint64_t i = 0; i < iters; i++) {
		measure_pause(pb->pc);
		pb->f->now += pb->f->setup_ns;
		measure_resume(pb->pc);
		pb->f->now += pb->f->per_op;
		pb->f->ops++;
	}
}

static void test_pausable_clock(void **state)
{
	struct fake f = { .now = 500, .read_cost = 0 };
	struct bb_clock base = { fake_now, &f, NULL };
	struct bb_pausable pc;
	uint64_t t0;

	(void)state;
	measure_pausable_init(&pc, &base);
	t0 = measure_clock_read(&pc.clock);
	assert_int_equal(t0, 500);
	f.now += 10;
	measure_pause(&pc);
	measure_pause(&pc); /* twice: still one pause */
	f.now += 1000;
	assert_int_equal(measure_clock_read(&pc.clock), 510); /* frozen while paused */
	measure_resume(&pc);
	measure_resume(&pc); /* a running clock: nothing */
	f.now += 5;
	assert_int_equal(measure_clock_read(&pc.clock), 515);
	/* the wall keeps counting the paused time */
	assert_int_equal(measure_wall_read(&pc.clock), 1515);
	assert_int_equal(measure_wall_read(&base), 1515);
}

/* Only the unpaused part is timed: exactly per_op, whatever the paused setup costs. */
static void test_measure_pausable_exact(void **state)
{
	struct fake f = { .read_cost = 0, .per_op = 100, .setup_ns = 5000 };
	struct bb_clock base = { fake_now, &f, NULL };
	struct bb_pausable pc;
	struct paused_body pb = { &f, &pc };
	struct bb_bench b = { .op = paused_op, .ctx = &pb };
	struct bb_measure_opts o = opts(10000, 1000000000, 3);
	struct bb_measure_result r;
	struct bb_err err = { 0 };

	(void)state;
	measure_pausable_init(&pc, &base);
	assert_int_equal(measure_run(&pc.clock, &o, &b, &r, &err), 0);
	assert_true(r.ns_per_op == 100.0);
	assert_false(r.truncated);
	assert_int_equal(r.tries, 3);
	/* the target is met on the timed clock: 10 us of touches, not of setup */
	assert_true(r.iters * f.per_op >= o.target_ns);
	assert_true(r.iters * f.per_op < 2 * o.target_ns);
}

/* The budget is wall time: a setup 1000x the timed part cannot run past it. */
static void test_measure_pausable_budget(void **state)
{
	struct fake f = { .read_cost = 0, .per_op = 1000, .setup_ns = 1000000 };
	struct bb_clock base = { fake_now, &f, NULL };
	struct bb_pausable pc;
	struct paused_body pb = { &f, &pc };
	struct bb_bench b = { .op = paused_op, .ctx = &pb };
	struct bb_measure_opts o = opts(10000000, 50000000, 3);
	struct bb_measure_result r;
	struct bb_err err = { 0 };

	(void)state;
	measure_pausable_init(&pc, &base);
	assert_int_equal(measure_run(&pc.clock, &o, &b, &r, &err), 0);
	assert_true(r.ns_per_op == 1000.0);
	assert_true(r.truncated);
	assert_true(f.now <= o.budget_ns);
	assert_true(r.spent_ns <= o.budget_ns);
	assert_true(r.spent_ns >= f.ops * f.setup_ns);
}

static void test_option(void **state)
{
	struct bb_measure_opts o;
	struct bb_err err = { 0 };

	(void)state;
	measure_defaults(&o);
	assert_int_equal(o.target_ns, MEASURE_TARGET_NS);
	assert_int_equal(o.tries % 2, 1);
	assert_int_equal(measure_option(&o, MEASURE_OPT_QUICK, NULL, &err), 1);
	assert_true(o.target_ns < MEASURE_TARGET_NS && o.budget_ns < MEASURE_BUDGET_NS);
	assert_int_equal(measure_option(&o, MEASURE_OPT_TRIES, "7", &err), 1);
	assert_int_equal(o.tries, 7);
	assert_int_equal(measure_option(&o, MEASURE_OPT_TRIES, "4", &err), -1);
	assert_non_null(strstr(err.msg, "odd"));
	assert_int_equal(measure_option(&o, MEASURE_OPT_TARGET_MS, "-3", &err), -1);
	assert_int_equal(measure_option(&o, MEASURE_OPT_TARGET_MS, "3x", &err), -1);
	assert_int_equal(measure_option(&o, MEASURE_OPT_TARGET_MS, "3", &err), 1);
	assert_int_equal(o.target_ns, 3000000);
	assert_int_equal(measure_option(&o, MEASURE_OPT_BUDGET_MS, "0", &err), -1);
	assert_int_equal(measure_option(&o, 'x', "1", &err), 0);
}

static int handle_size(void *ctx, int code, const char *arg, struct bb_err *err)
{
	return code == 1 ? measure_parse_u64(arg, 1, 64, "--size", ctx, err) : -1;
}

static int parse(int argc, const char **cargv, struct bb_measure_opts *o, uint64_t *size,
                 struct bb_err *err)
{
	static const struct option longopts[] = {
		MEASURE_LONG_OPTIONS,
		{ "size", required_argument, NULL, 1 },
		{ 0 },
	};
	char *argv[8];

	for (int i = 0; i < argc; i++)
		argv[i] = (char *)cargv[i];
	argv[argc] = NULL;
	measure_defaults(o);
	return measure_parse_args(argc, argv, longopts, o, handle_size, size, err);
}

static void test_parse_args(void **state)
{
	const char *ok[] = { "mem", "--quick", "--size", "8", "--tries=9" };
	const char *unknown[] = { "mem", "--bogus" };
	const char *missing[] = { "mem", "--size" };
	const char *positional[] = { "mem", "extra" };
	const char *range[] = { "mem", "--size", "65" };
	struct bb_measure_opts o;
	struct bb_err err = { 0 };
	uint64_t size = 0;

	(void)state;
	assert_int_equal(parse(5, ok, &o, &size, &err), 0);
	assert_int_equal(size, 8);
	assert_int_equal(o.tries, 9);
	assert_int_equal(o.target_ns, MEASURE_QUICK_TARGET_NS);
	assert_int_equal(parse(2, unknown, &o, &size, &err), -1);
	assert_non_null(strstr(err.msg, "--bogus"));
	assert_int_equal(parse(2, missing, &o, &size, &err), -1);
	assert_non_null(strstr(err.msg, "--size"));
	assert_int_equal(parse(2, positional, &o, &size, &err), -1);
	assert_non_null(strstr(err.msg, "extra"));
	assert_int_equal(parse(3, range, &o, &size, &err), -1);
	assert_non_null(strstr(err.msg, "1..64"));
	/* a second parse after failures starts from a clean getopt state */
	size = 0;
	assert_int_equal(parse(5, ok, &o, &size, &err), 0);
	assert_int_equal(size, 8);
}

static void test_metric_defs(void **state)
{
	const struct bb_metric_def *d;
	size_t n = 0;

	(void)state;
	for (d = bb_metric_defs; d->suite; d++, n++) {
		assert_true(d->metric && *d->metric && d->unit && *d->unit);
		/* rates are better higher, durations lower: the unit and the flag agree; other
		 * units (sizes, counts) declare their own direction */
		if (strstr(d->unit, "/s"))
			assert_true(d->higher_is_better);
		if (!strcmp(d->unit, "ns") || !strcmp(d->unit, "us") || !strcmp(d->unit, "ms"))
			assert_false(d->higher_is_better);
		assert_ptr_equal(measure_metric_find(d->suite, d->metric), d);
	}
	assert_true(n >= 16);
	d = measure_metric_find("syscall", "null");
	assert_non_null(d);
	assert_string_equal(d->unit, "ns");
	assert_false(d->higher_is_better);
	d = measure_metric_find("cpu", "dgemm");
	assert_non_null(d);
	assert_string_equal(d->unit, "GFLOP/s");
	assert_true(d->higher_is_better);
	/* page_fault's map and unmap are metrics of their own, not part of it */
	assert_non_null(measure_metric_find("syscall", "mmap"));
	assert_non_null(measure_metric_find("syscall", "munmap"));
	assert_null(measure_metric_find("syscall", "nope"));
	assert_null(measure_metric_find(NULL, "null"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_next_iters),
		cmocka_unit_test(test_subtract),
		cmocka_unit_test(test_median),
		cmocka_unit_test(test_timer_overhead),
		cmocka_unit_test(test_measure_exact),
		cmocka_unit_test(test_measure_prepare_untimed),
		cmocka_unit_test(test_measure_budget_slow_op),
		cmocka_unit_test(test_measure_budget_caps_growth),
		cmocka_unit_test(test_measure_bad),
		cmocka_unit_test(test_pausable_clock),
		cmocka_unit_test(test_measure_pausable_exact),
		cmocka_unit_test(test_measure_pausable_budget),
		cmocka_unit_test(test_option),
		cmocka_unit_test(test_parse_args),
		cmocka_unit_test(test_metric_defs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
