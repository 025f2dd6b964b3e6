/* compare with several runs a side (compare_runs.h): the Welch t-test on the log of run
 * medians, on made-up run medians: a clear shift is a regression, the same build's runs
 * (run-to-run noise above the threshold in single runs) compare clean, Holm's correction
 * over many series, and what cannot be tested. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "compare_runs.h"

static const struct compare_rule rule = { COMPARE_ALPHA_DEFAULT, COMPARE_THRESHOLD_DEFAULT };

static void test_shift_is_regression(void **state)
{
	const double base[] = { 1.00, 1.02, 0.99, 1.01 }, new_[] = { 1.30, 1.31, 1.29, 1.32 };
	struct compare_stat st;
	struct compare_welch w;
	struct bb_err err = { 0 };
	(void)state;
	assert_int_equal(compare_welch_log(base, 4, new_, 4, BB_LOWER, &rule, &st, &w, &err), 0);
	assert_int_equal(st.verdict, COMPARE_REGRESSION);
	assert_true(st.change > 0.25 && st.change_lo > 0.05);
	assert_true(st.p_worse < 0.001 && w.df > 2);
	/* the same numbers for a throughput: lower is worse, so this is an improvement */
	assert_int_equal(compare_welch_log(base, 4, new_, 4, BB_HIGHER, &rule, &st, &w, &err), 0);
	assert_int_equal(st.verdict, COMPARE_IMPROVEMENT);
}

/* Runs of one build: each run's median moves by 6% (sd) from run to run, more than the
 * threshold; 3 runs a side. Over 200 trials of 20 series each (Holm over the 20), a clean
 * comparison nearly always. */
static void test_same_build_compares_clean(void **state)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	struct bb_err err = { 0 };
	size_t dirty = 0;
	(void)state;
	gsl_rng_set(r, 42);
	for (int trial = 0; trial < 200; trial++) {
		struct compare_stat st[20], *sp[20];
		enum bb_better better[20];
		struct compare_welch w;
		size_t reg = 0;
		for (int k = 0; k < 20; k++) {
			double b[3], n[3];
			for (int i = 0; i < 3; i++) {
				b[i] = exp(gsl_ran_gaussian(r, 0.06));
				n[i] = exp(gsl_ran_gaussian(r, 0.06));
			}
			assert_int_equal(
			    compare_welch_log(b, 3, n, 3, BB_LOWER, &rule, &st[k], &w, &err), 0);
			sp[k] = &st[k];
			better[k] = BB_LOWER;
		}
		assert_int_equal(compare_correct(sp, better, 20, &rule, &err), 0);
		for (int k = 0; k < 20; k++)
			reg += st[k].verdict == COMPARE_REGRESSION;
		dirty += reg > 0;
	}
	gsl_rng_free(r);
	assert_true(dirty <= 2);
}

/* One series of 30 with p = 0.004 alone is below alpha, but not after Holm over 30. */
static void test_holm_over_series(void **state)
{
	const double base[] = { 1.00, 1.03, 0.98 }, new_[] = { 1.12, 1.15, 1.10 };
	struct compare_stat st[30], *sp[30];
	enum bb_better better[30];
	struct compare_welch w;
	struct bb_err err = { 0 };
	(void)state;
	assert_int_equal(compare_welch_log(base, 3, new_, 3, BB_LOWER, &rule, &st[0], &w, &err), 0);
	assert_true(st[0].p_worse < COMPARE_ALPHA_DEFAULT);
	for (int k = 1; k < 30; k++) /* 29 unchanged series */
		assert_int_equal(
		    compare_welch_log(base, 3, base, 3, BB_LOWER, &rule, &st[k], &w, &err), 0);
	for (int k = 0; k < 30; k++) {
		sp[k] = &st[k];
		better[k] = BB_LOWER;
	}
	assert_int_equal(compare_correct(sp, better, 30, &rule, &err), 0);
	assert_true(st[0].p_worse_adj > st[0].p_worse * 29);
	assert_int_not_equal(st[0].verdict, COMPARE_REGRESSION);
}

static void test_untestable(void **state)
{
	const double one[] = { 1.0 }, two[] = { 1.0, 1.1 }, bad[] = { 1.0, 0 };
	struct compare_stat st;
	struct compare_welch w;
	struct bb_err err = { 0 };
	(void)state;
	assert_int_equal(compare_welch_log(one, 1, two, 2, BB_LOWER, &rule, &st, &w, &err), -1);
	assert_non_null(strstr(err.msg, "at least 2"));
	assert_int_equal(st.verdict, COMPARE_UNTESTED);
	assert_int_equal(compare_welch_log(two, 2, bad, 2, BB_LOWER, &rule, &st, &w, &err), -1);
	/* identical runs: no spread, no change, no regression */
	assert_int_equal(compare_welch_log(two, 2, two, 2, BB_LOWER, &rule, &st, &w, &err), 0);
	assert_int_equal(st.verdict, COMPARE_SAME);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shift_is_regression),
		cmocka_unit_test(test_same_build_compares_clean),
		cmocka_unit_test(test_holm_over_series),
		cmocka_unit_test(test_untestable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
