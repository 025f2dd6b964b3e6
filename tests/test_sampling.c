/* Unit tests for harness/sampling.c: the minimum, the batch of a round, the stopping rule
 * (fixed count, precision, budget, facts only, failures, cap) and the shuffle. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "sampling.h"

static const struct sampling_cfg cfg = { .reps = 0, .budget_s = 2.0, .max_n = 1000, .seed = 1 };

/* n instances of the pair, each taking `cost` s, each adding value(i) to (s, metric, env). */
static void feed(struct run_pair *p, struct bb_result *res, const char *metric, long n, double cost,
                 double (*value)(long))
{
	struct bb_series *s = results_series(res, "s", metric, "e", true);
	struct bb_err err = { 0 };

	assert_non_null(s);
	for (long i = 0; i < n; i++) {
		assert_int_equal(series_add_sample(s, value(p->kept), &err), 0);
		p->kept++;
		p->ok++;
		p->runs++;
		p->run_s += cost;
		p->spent_s += cost;
	}
}

/* Decide after a round; want NULL: still active. */
static void expect_stop(struct run_pair *p, const struct sampling_cfg *c, struct bb_result *res,
                        const char *want)
{
	struct bb_err err = { 0 };

	assert_int_equal(sampling_update(p, c, res, "s", "e", &err), 0);
	if (!want) {
		assert_null(p->stop);
		return;
	}
	assert_non_null(p->stop);
	assert_string_equal(p->stop, want);
}

static double steady(long i)
{
	/* 100 +- 0.5: a median's CI far within 3% */
	return 100 + (double)(i % 3) * 0.5 - 0.5;
}

static double noisy(long i)
{
	/* spread over 50..150 deterministically: the CI stays wide for a few dozen samples */
	return 50 + (double)((i * 37) % 101);
}

static void test_min_n(void **state)
{
	struct run_pair p;
	struct sampling_cfg fixed = cfg;

	(void)state;
	sampling_pair_init(&p, 0, 0, 0.03, 0, &cfg);
	/* unknown cost: cheap */
	assert_int_equal(sampling_min_n(&p), SAMPLING_MIN_CHEAP);
	p.runs = 2;
	p.run_s = 0.1; /* 50 ms each */
	assert_int_equal(sampling_min_n(&p), SAMPLING_MIN_CHEAP);
	p.run_s = 6; /* 3 s each: the fewest that give an interval */
	assert_int_equal(sampling_min_n(&p), 5);
	fixed.reps = 3;
	sampling_pair_init(&p, 0, 0, 0.03, 0, &fixed);
	assert_int_equal(sampling_min_n(&p), 3);
	/* a suite that checks: its own count, no target; --reps overrides it */
	sampling_pair_init(&p, 0, 0, 0.03, 1, &cfg);
	assert_int_equal(p.target, 0);
	assert_int_equal(sampling_min_n(&p), 1);
	assert_int_equal(sampling_batch(&p, &cfg), 1);
	p.kept = 1;
	expect_stop(&p, &cfg, NULL, "reps");
	sampling_pair_init(&p, 0, 0, 0.03, 1, &fixed);
	assert_int_equal(p.fixed, 3);
}

static void test_batch(void **state)
{
	struct run_pair p;
	struct sampling_cfg fixed = cfg;

	(void)state;
	sampling_pair_init(&p, 0, 0, 0.03, 0, &cfg);
	assert_int_equal(sampling_batch(&p, &cfg), 1); /* cost unknown */
	p.runs = 1;
	p.run_s = 0.004; /* 4 ms: budget 2 s over 5 rounds = 0.4 s = 100 instances */
	assert_int_equal(sampling_batch(&p, &cfg), 100);
	p.run_s = 3; /* more than a round's share: one */
	assert_int_equal(sampling_batch(&p, &cfg), 1);
	p.run_s = 0.004;
	p.kept = 950; /* the cap */
	assert_int_equal(sampling_batch(&p, &cfg), 50);
	p.stop = "budget";
	assert_int_equal(sampling_batch(&p, &cfg), 0);
	fixed.reps = 4;
	sampling_pair_init(&p, 0, 0, 0.03, 0, &fixed);
	assert_int_equal(p.target, 0);
	assert_int_equal(sampling_batch(&p, &fixed), 1);
	p.kept = 4;
	assert_int_equal(sampling_batch(&p, &fixed), 0);
}

static void test_stop_precision(void **state)
{
	struct bb_result res;
	struct run_pair p;

	(void)state;
	results_init(&res);
	sampling_pair_init(&p, 0, 0, 0.03, 0, &cfg);
	feed(&p, &res, "m", 9, 0.001, steady);
	expect_stop(&p, &cfg, &res, NULL); /* under the minimum of 10 */
	feed(&p, &res, "m", 1, 0.001, steady);
	expect_stop(&p, &cfg, &res, "precision");
	assert_true(p.precision <= 0.03);
	results_free(&res);
}

/* Every metric must meet the target: a noisy one keeps the pair going. */
static void test_stop_needs_every_metric(void **state)
{
	struct bb_result res;
	struct run_pair p;
	struct bb_err err = { 0 };

	(void)state;
	results_init(&res);
	sampling_pair_init(&p, 0, 0, 0.03, 0, &cfg);
	for (long i = 0; i < 10; i++) { /* ten instances, each yielding both metrics */
		assert_int_equal(series_add_sample(results_series(&res, "s", "calm", "e", true),
		                                   steady(i), &err),
		                 0);
		feed(&p, &res, "wild", 1, 0.001, noisy);
	}
	expect_stop(&p, &cfg, &res, NULL);
	assert_true(p.precision > 0.03);
	/* the next check waits for 1.2x the samples */
	assert_int_equal(p.next_check, 12);
	results_free(&res);
}

static void test_stop_budget_and_cap(void **state)
{
	struct bb_result res;
	struct run_pair p;
	struct sampling_cfg small = cfg;

	(void)state;
	results_init(&res);
	/* expensive instances: the budget is spent at 2, but the minimum is 5 */
	sampling_pair_init(&p, 0, 0, 0.03, 0, &cfg);
	feed(&p, &res, "m", 2, 1.5, noisy);
	expect_stop(&p, &cfg, &res, NULL);
	feed(&p, &res, "m", 3, 1.5, noisy);
	expect_stop(&p, &cfg, &res, "budget");
	assert_true(isfinite(p.precision) && p.precision > 0.03);
	results_free(&res);

	results_init(&res);
	small.max_n = 12;
	sampling_pair_init(&p, 0, 0, 0.001, 0, &small);
	feed(&p, &res, "m", 12, 0.001, noisy);
	expect_stop(&p, &small, &res, "max");
	results_free(&res);
}

static void test_stop_facts_and_failures(void **state)
{
	struct bb_result res;
	struct run_pair p;
	struct sampling_cfg fixed = cfg;

	(void)state;
	results_init(&res);
	/* an instance that yields no metric (facts only): one is enough */
	sampling_pair_init(&p, 0, 0, 0.03, 0, &cfg);
	p.kept = p.ok = p.runs = 1;
	expect_stop(&p, &cfg, &res, "once");
	/* failures only: three, then stop */
	sampling_pair_init(&p, 0, 0, 0.03, 0, &cfg);
	p.kept = p.runs = 2;
	expect_stop(&p, &cfg, &res, NULL);
	p.kept = p.runs = 3;
	expect_stop(&p, &cfg, &res, "failed");
	/* a fixed count runs its count, whatever the samples say */
	fixed.reps = 2;
	sampling_pair_init(&p, 0, 0, 0.03, 0, &fixed);
	p.kept = p.ok = p.runs = 1;
	expect_stop(&p, &fixed, &res, NULL);
	p.kept = 2;
	expect_stop(&p, &fixed, &res, "reps");
	results_free(&res);
}

/* The same seed gives the same order; another seed another; nothing lost or duplicated. */
static void test_shuffle(void **state)
{
	size_t a[50], b[50], c[50], seen[50] = { 0 };
	gsl_rng *r1 = gsl_rng_alloc(gsl_rng_mt19937), *r2 = gsl_rng_alloc(gsl_rng_mt19937);

	(void)state;
	for (size_t i = 0; i < 50; i++)
		a[i] = b[i] = c[i] = i;
	gsl_rng_set(r1, 7);
	gsl_rng_set(r2, 7);
	sampling_shuffle(a, 50, r1);
	sampling_shuffle(b, 50, r2);
	assert_memory_equal(a, b, sizeof(a));
	gsl_rng_set(r2, 8);
	sampling_shuffle(c, 50, r2);
	assert_true(memcmp(a, c, sizeof(a)) != 0);
	for (size_t i = 0; i < 50; i++)
		seen[a[i]]++;
	for (size_t i = 0; i < 50; i++)
		assert_int_equal(seen[i], 1);
	gsl_rng_free(r1);
	gsl_rng_free(r2);
}

static void test_eta(void **state)
{
	struct run_pair p;

	(void)state;
	sampling_pair_init(&p, 0, 0, 0.03, 0, &cfg);
	p.runs = p.kept = 1;
	p.run_s = p.spent_s = 3; /* 3 s each: min 5, 4 more = 12 s > what the budget has left */
	assert_true(fabs(sampling_eta_s(&p, &cfg) - 12) < 1e-9);
	p.stop = "budget";
	assert_true(sampling_eta_s(&p, &cfg) == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_min_n),
		cmocka_unit_test(test_batch),
		cmocka_unit_test(test_stop_precision),
		cmocka_unit_test(test_stop_needs_every_metric),
		cmocka_unit_test(test_stop_budget_and_cap),
		cmocka_unit_test(test_stop_facts_and_failures),
		cmocka_unit_test(test_shuffle),
		cmocka_unit_test(test_eta),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
