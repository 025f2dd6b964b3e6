/* Unit tests for harness/stats.c. Reference values are worked out by hand in the comments (or,
 * for bootstrap intervals, by a naive reimplementation below that copies and sorts each resample
 * with qsort); GSL is only used here for the random stream the bootstrap is defined on. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "stats.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static void check_close(double got, double want, double tol, const char *what)
{
	if (!(fabs(got - want) <= tol)) {
		print_error("%s: got %.17g, want %.17g (tol %g)\n", what, got, want, tol);
		fail();
	}
}

static void check_unchanged(const double *x, const double *orig, size_t n)
{
	assert_memory_equal(x, orig, n * sizeof(*x));
}

/* ---- naive reference bootstrap ---------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double ref_median_sorted(const double *s, size_t n)
{
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/* R type 7: h = f (n - 1), x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]). */
static double ref_quantile_sorted(const double *s, size_t n, double f)
{
	double h = f * (double)(n - 1);
	size_t j = (size_t)h;
	double d = h - (double)j;

	if (j + 1 >= n)
		return s[n - 1];
	return (1 - d) * s[j] + d * s[j + 1];
}

/* B medians of resamples of x: n indices into the sorted sample per resample, each resample
 * copied and sorted on its own. Continues the stream of r, like stats.c does for stats_ratio. */
static double *ref_boot_medians(const double *x, size_t n, gsl_rng *r)
{
	double *s = malloc(n * sizeof(*s)), *res = malloc(n * sizeof(*res));
	double *meds = malloc(BB_BOOTSTRAP_RESAMPLES * sizeof(*meds));

	assert_non_null(s);
	assert_non_null(res);
	assert_non_null(meds);
	memcpy(s, x, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	for (size_t b = 0; b < BB_BOOTSTRAP_RESAMPLES; b++) {
		for (size_t i = 0; i < n; i++)
			res[i] = s[gsl_rng_uniform_int(r, n)];
		qsort(res, n, sizeof(*res), cmp_double);
		meds[b] = ref_median_sorted(res, n);
	}
	free(s);
	free(res);
	return meds;
}

static void ref_interval(double *vals, double *lo, double *hi)
{
	qsort(vals, BB_BOOTSTRAP_RESAMPLES, sizeof(*vals), cmp_double);
	*lo = ref_quantile_sorted(vals, BB_BOOTSTRAP_RESAMPLES, 0.025);
	*hi = ref_quantile_sorted(vals, BB_BOOTSTRAP_RESAMPLES, 0.975);
}

static void ref_median_ci(const double *x, size_t n, unsigned long seed, double *lo, double *hi)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	double *meds;

	assert_non_null(r);
	gsl_rng_set(r, seed);
	meds = ref_boot_medians(x, n, r);
	ref_interval(meds, lo, hi);
	free(meds);
	gsl_rng_free(r);
}

static void ref_ratio_ci(const double *num, size_t nn, const double *den, size_t nd,
                         unsigned long seed, double *lo, double *hi)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	double *mn, *md;

	assert_non_null(r);
	gsl_rng_set(r, seed);
	mn = ref_boot_medians(num, nn, r);
	md = ref_boot_medians(den, nd, r);
	for (size_t b = 0; b < BB_BOOTSTRAP_RESAMPLES; b++)
		mn[b] /= md[b];
	ref_interval(mn, lo, hi);
	free(mn);
	free(md);
	gsl_rng_free(r);
}

/* A spread-out deterministic sample: i * 37 mod 101 is a permutation of 0..100, so the first
 * n values are distinct; + 1000 keeps them away from 0. */
static void fill_sample(double *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		x[i] = 1000.0 + (double)((i * 37) % 101) + (double)(i % 3) * 0.25;
}

/* ---- summaries -------------------------------------------------------------------------- */

static void test_summary_reference(void **state)
{
	/* {2,4,4,4,5,5,7,9} shuffled. By hand, on the sorted x[0..7] = 2 4 4 4 5 5 7 9:
	 *   mean = 40 / 8 = 5
	 *   squared deviations 9 1 1 1 0 0 4 16, sum 32 -> sample sd = sqrt(32 / 7)
	 *   median = (x[3] + x[4]) / 2 = (4 + 5) / 2 = 4.5
	 *   p05: h = 0.05 * 7 = 0.35 -> x[0] + 0.35 (x[1] - x[0]) = 2 + 0.7 = 2.7
	 *   p95: h = 0.95 * 7 = 6.65 -> x[6] + 0.65 (x[7] - x[6]) = 7 + 1.3 = 8.3
	 *   MAD: |x - 4.5| = 2.5 .5 .5 .5 .5 .5 2.5 4.5, sorted .5 .5 .5 .5 .5 2.5 2.5 4.5,
	 *        median (.5 + .5) / 2 = .5; limit 3 * 1.4826 * .5 = 2.2239
	 *        -> 2 (2.5), 7 (2.5) and 9 (4.5) exceed it: 3 outliers. */
	double x[] = { 5, 2, 9, 4, 7, 4, 5, 4 }, orig[N_OF(x)];
	struct bb_summary s;
	struct bb_err err = { 0 };

	(void)state;
	memcpy(orig, x, sizeof(x));
	assert_int_equal(stats_summarize(x, N_OF(x), 1, &s, &err), 0);
	check_unchanged(x, orig, N_OF(x));
	assert_int_equal(s.n, 8);
	check_close(s.mean, 5.0, 1e-12, "mean");
	check_close(s.sd, sqrt(32.0 / 7.0), 1e-12, "sd");
	check_close(s.median, 4.5, 1e-12, "median");
	check_close(s.p05, 2.7, 1e-12, "p05");
	check_close(s.p95, 8.3, 1e-12, "p95");
	check_close(s.min, 2.0, 0, "min");
	check_close(s.max, 9.0, 0, "max");
	assert_int_equal(s.outliers, 3);
	/* Resample medians are midpoints of sample values, so the CI lies within [min, max]. */
	assert_true(s.min <= s.ci_lo && s.ci_lo <= s.median);
	assert_true(s.median <= s.ci_hi && s.ci_hi <= s.max);
}

static void test_summary_single(void **state)
{
	/* One sample: every location statistic is the sample, the spread is 0, there is no
	 * interval (n < BB_CI_MIN_N: the ends are -inf and +inf); MAD is 0 and |x - median| = 0
	 * is not > 0, so no outlier. */
	double x[] = { 3.5 };
	struct bb_summary s;
	struct bb_err err = { 0 };

	(void)state;
	assert_int_equal(stats_summarize(x, 1, 7, &s, &err), 0);
	assert_int_equal(s.n, 1);
	check_close(s.median, 3.5, 0, "median");
	check_close(s.mean, 3.5, 0, "mean");
	check_close(s.sd, 0.0, 0, "sd");
	check_close(s.min, 3.5, 0, "min");
	check_close(s.max, 3.5, 0, "max");
	check_close(s.p05, 3.5, 0, "p05");
	check_close(s.p95, 3.5, 0, "p95");
	assert_false(s.has_ci);
	assert_true(isinf(s.ci_lo) && s.ci_lo < 0);
	assert_true(isinf(s.ci_hi) && s.ci_hi > 0);
	assert_true(isnan(stats_precision(&s)));
	assert_int_equal(s.outliers, 0);
}

/* The interval starts at BB_CI_MIN_N samples: 4 get none, 5 get one. */
static void test_summary_ci_threshold(void **state)
{
	double x[] = { 10, 12, 11, 13, 9 };
	struct bb_summary s;
	struct bb_err err = { 0 };

	(void)state;
	assert_int_equal(BB_CI_MIN_N, 5);
	assert_int_equal(stats_summarize(x, 4, 1, &s, &err), 0);
	assert_false(s.has_ci);
	assert_false(stats_has_ci(s.ci_lo, s.ci_hi));
	check_close(s.median, 11.5, 0, "median of 4");
	assert_int_equal(stats_summarize(x, 5, 1, &s, &err), 0);
	assert_true(s.has_ci);
	assert_true(stats_has_ci(s.ci_lo, s.ci_hi));
	assert_true(s.ci_lo <= 11 && 11 <= s.ci_hi);
	/* precision: half the width over the median */
	check_close(stats_precision(&s), (s.ci_hi - s.ci_lo) / 22, 1e-12, "precision");
}

static void test_outliers_mad(void **state)
{
	/* {1,2,3,4,100}: median 3; |x - 3| = 2 1 0 1 97, sorted 0 1 1 2 97, MAD = 1;
	 * limit 3 * 1.4826 * 1 = 4.4478; only 97 > 4.4478 -> 1 outlier (the 100). */
	double x[] = { 1, 100, 2, 3, 4 };
	/* {5,5,5,5,6}: median 5, |x - 5| = 0 0 0 0 1, MAD 0, limit 0: the 6 counts (the rule
	 * taken literally when most samples tie). */
	double ties[] = { 5, 6, 5, 5, 5 };
	struct bb_summary s;
	struct bb_err err = { 0 };

	(void)state;
	assert_int_equal(stats_summarize(x, N_OF(x), 1, &s, &err), 0);
	assert_int_equal(s.outliers, 1);
	check_close(s.median, 3.0, 0, "median");
	/* mean = 110 / 5 = 22 */
	check_close(s.mean, 22.0, 1e-12, "mean");

	assert_int_equal(stats_summarize(ties, N_OF(ties), 1, &s, &err), 0);
	assert_int_equal(s.outliers, 1);
}

static void test_quantiles_odd(void **state)
{
	/* 1..11 (n = 11): h05 = 0.05 * 10 = 0.5 -> 1 + 0.5 * 1 = 1.5;
	 * h95 = 0.95 * 10 = 9.5 -> x[9] + 0.5 (x[10] - x[9]) = 10.5; median x[5] = 6;
	 * sd: deviations -5..5, squares sum 2 * (1 + 4 + 9 + 16 + 25) = 110, /10 = 11 -> sqrt(11).
	 * MAD: |x - 6| sorted 0 1 1 2 2 3 3 4 4 5 5, median 3, limit 13.34: no outlier. */
	double x[] = { 11, 1, 10, 2, 9, 3, 8, 4, 7, 5, 6 };
	struct bb_summary s;
	struct bb_err err = { 0 };

	(void)state;
	assert_int_equal(stats_summarize(x, N_OF(x), 3, &s, &err), 0);
	check_close(s.p05, 1.5, 1e-12, "p05");
	check_close(s.p95, 10.5, 1e-12, "p95");
	check_close(s.median, 6.0, 0, "median");
	check_close(s.sd, sqrt(11.0), 1e-12, "sd");
	assert_int_equal(s.outliers, 0);
}

/* ---- bootstrap -------------------------------------------------------------------------- */

static void test_bootstrap_deterministic(void **state)
{
	double x[40];
	struct bb_summary a, b, c;
	struct bb_err err = { 0 };
	size_t differ = 0;

	(void)state;
	fill_sample(x, N_OF(x));
	assert_int_equal(stats_summarize(x, N_OF(x), 12345, &a, &err), 0);
	assert_int_equal(stats_summarize(x, N_OF(x), 12345, &b, &err), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	/* Resample medians of 40 values only take ~100 distinct values, so the percentile ends
	 * usually land on the same order statistic whatever the seed: most seeds reproduce the
	 * interval exactly. The seed still has to reach the generator, so among seeds 1..20 at
	 * least one interval differs (seed 8 does, with this sample and mt19937). */
	for (unsigned long seed = 1; seed <= 20; seed++) {
		assert_int_equal(stats_summarize(x, N_OF(x), seed, &c, &err), 0);
		check_close(c.median, a.median, 0, "median independent of seed");
		assert_true(c.ci_lo <= c.median && c.median <= c.ci_hi);
		assert_true(c.ci_lo < c.ci_hi); /* 40 distinct values: not a point */
		differ += c.ci_lo != a.ci_lo || c.ci_hi != a.ci_hi;
	}
	assert_true(differ > 0);
}

static void test_bootstrap_matches_naive(void **state)
{
	/* stats.c counts resample indices instead of sorting each resample; a naive
	 * copy-and-qsort implementation on the same random stream must give the same interval.
	 * Odd and even n, since the median arithmetic differs. */
	const size_t sizes[] = { 31, 20, 6, 5 };
	double x[31], lo, hi;
	struct bb_summary s;
	struct bb_err err = { 0 };

	(void)state;
	fill_sample(x, N_OF(x));
	for (size_t k = 0; k < N_OF(sizes); k++) {
		assert_int_equal(stats_summarize(x, sizes[k], 42 + k, &s, &err), 0);
		ref_median_ci(x, sizes[k], 42 + k, &lo, &hi);
		check_close(s.ci_lo, lo, 1e-9, "ci_lo vs naive bootstrap");
		check_close(s.ci_hi, hi, 1e-9, "ci_hi vs naive bootstrap");
	}
}

/* ---- ratio ------------------------------------------------------------------------------ */

static void test_ratio_known(void **state)
{
	/* Medians 20 and 10 -> 2. Any resample median of num lies in [18, 22] and of den in
	 * [8, 12], so every bootstrap ratio, and the interval, lies in [18/12, 22/8] = [1.5, 2.75].
	 */
	double num[] = { 22, 18, 20, 21, 19 }, den[] = { 12, 8, 10, 9, 11 };
	double norig[N_OF(num)], dorig[N_OF(den)];
	double ratio, lo, hi, ratio2, lo2, hi2, rlo, rhi;
	struct bb_err err = { 0 };

	(void)state;
	memcpy(norig, num, sizeof(num));
	memcpy(dorig, den, sizeof(den));
	assert_int_equal(stats_ratio(num, N_OF(num), den, N_OF(den), 9, &ratio, &lo, &hi, &err), 0);
	check_unchanged(num, norig, N_OF(num));
	check_unchanged(den, dorig, N_OF(den));
	check_close(ratio, 2.0, 0, "ratio");
	assert_true(lo <= 2.0 && 2.0 <= hi);
	assert_true(lo >= 1.5 && hi <= 2.75);
	assert_true(lo < hi);

	assert_int_equal(stats_ratio(num, N_OF(num), den, N_OF(den), 9, &ratio2, &lo2, &hi2, &err),
	                 0);
	assert_true(ratio2 == ratio && lo2 == lo && hi2 == hi);

	ref_ratio_ci(num, N_OF(num), den, N_OF(den), 9, &rlo, &rhi);
	check_close(lo, fmin(rlo, 2.0), 1e-12, "ratio lo vs naive bootstrap");
	check_close(hi, fmax(rhi, 2.0), 1e-12, "ratio hi vs naive bootstrap");
}

/* What one box adds to another: medians 20 and 10 -> +10; every resample difference lies in
 * [18 - 12, 22 - 8] = [6, 14]; a box against itself adds 0. */
static void test_diff_known(void **state)
{
	double a[] = { 22, 18, 20, 21, 19 }, b[] = { 12, 8, 10, 9, 11 };
	double d, lo, hi, d2, lo2, hi2;
	struct bb_err err = { 0 };

	(void)state;
	assert_int_equal(stats_diff(a, N_OF(a), b, N_OF(b), 9, &d, &lo, &hi, &err), 0);
	check_close(d, 10.0, 0, "diff");
	assert_true(lo <= 10.0 && 10.0 <= hi && lo < hi);
	assert_true(lo >= 6 && hi <= 14);
	assert_int_equal(stats_diff(a, N_OF(a), b, N_OF(b), 9, &d2, &lo2, &hi2, &err), 0);
	assert_true(d2 == d && lo2 == lo && hi2 == hi);
	assert_int_equal(stats_diff(b, N_OF(b), a, N_OF(a), 9, &d, &lo, &hi, &err), 0);
	check_close(d, -10.0, 0, "negative diff");
	assert_true(hi <= -6 && lo >= -14);
	assert_int_equal(stats_diff(a, 0, b, N_OF(b), 9, &d, &lo, &hi, &err), -1);
}

static void test_ratio_unequal_sizes(void **state)
{
	/* num: 0..6 shuffled, median x[3] = 3; den: sorted 1 1 1 3 3 3, median (1 + 3) / 2 = 2;
	 * ratio 3 / 2 = 1.5. */
	double num[] = { 6, 0, 5, 1, 4, 2, 3 }, den[] = { 3, 1, 1, 3, 1, 3 };
	double ratio, lo, hi, rlo, rhi;
	struct bb_err err = { 0 };

	(void)state;
	assert_int_equal(stats_ratio(num, N_OF(num), den, N_OF(den), 77, &ratio, &lo, &hi, &err),
	                 0);
	check_close(ratio, 1.5, 0, "ratio");
	assert_true(lo <= 1.5 && 1.5 <= hi);
	ref_ratio_ci(num, N_OF(num), den, N_OF(den), 77, &rlo, &rhi);
	check_close(lo, fmin(rlo, 1.5), 1e-12, "ratio lo vs naive bootstrap");
	check_close(hi, fmax(rhi, 1.5), 1e-12, "ratio hi vs naive bootstrap");
}

/* Fewer than BB_CI_MIN_N on either side: the ratio, and no interval. */
static void test_ratio_small(void **state)
{
	double num[] = { 22, 18, 20, 21, 19 }, den[] = { 12, 8, 10, 9 };
	double ratio, lo, hi;
	struct bb_err err = { 0 };

	(void)state;
	assert_int_equal(stats_ratio(num, 5, den, 4, 9, &ratio, &lo, &hi, &err), 0);
	check_close(ratio, 20.0 / 9.5, 1e-12, "ratio");
	assert_false(stats_has_ci(lo, hi));
	assert_true(lo < 0 && isinf(lo) && hi > 0 && isinf(hi));
	assert_int_equal(stats_ratio(den, 4, num, 5, 9, &ratio, &lo, &hi, &err), 0);
	assert_false(stats_has_ci(lo, hi));
}

/* ---- trend ------------------------------------------------------------------------------ */

static void test_spearman(void **state)
{
	double x[12], up[12], down[12], flat[12], ties[12], rho, p;
	struct bb_err err = { 0 };

	(void)state;
	for (int i = 0; i < 12; i++) {
		x[i] = i;
		up[i] = i * i;           /* monotone: rho 1 */
		down[i] = 100 - 3 * i;   /* rho -1 */
		flat[i] = 5;             /* constant: no correlation defined -> 0, p 1 */
		ties[i] = i < 6 ? 1 : 2; /* two tied blocks, rising */
	}
	assert_int_equal(stats_spearman(x, up, 12, &rho, &p, &err), 0);
	check_close(rho, 1, 1e-12, "rho up");
	check_close(p, 0, 0, "p up");
	assert_int_equal(stats_spearman(x, down, 12, &rho, &p, &err), 0);
	check_close(rho, -1, 1e-12, "rho down");
	assert_int_equal(stats_spearman(x, flat, 12, &rho, &p, &err), 0);
	check_close(rho, 0, 0, "rho flat");
	check_close(p, 1, 0, "p flat");
	/* ties: mid-ranks 3.5 and 9.5; Pearson of ranks 0..11 (as 1..12) with them:
	 * cov = sum (r - 6.5)(t - 6.5) / 11, (t - 6.5) = -3 or +3: 3 * (sum_{i>=6} (i+1-6.5)
	 * - sum_{i<6} (i+1-6.5)) / 11 = 3 * 36 / 11; var r = 13, var t = 108 / 11:
	 * rho = (108 / 11) / sqrt(13 * 108 / 11) = sqrt(108 / 143) = 0.86905. */
	assert_int_equal(stats_spearman(x, ties, 12, &rho, &p, &err), 0);
	check_close(rho, sqrt(108.0 / 143.0), 1e-12, "rho ties");
	/* t = rho sqrt(10 / (1 - rho^2)) = 5.5551, two-sided p with 10 df about 0.00024 */
	assert_true(p > 1e-4 && p < 1e-3);
	/* too few pairs: an error */
	assert_int_equal(stats_spearman(x, up, 9, &rho, &p, &err), -1);
	assert_non_null(strstr(err.msg, "at least 10"));
}

/* ---- errors ----------------------------------------------------------------------------- */

static void test_summary_errors(void **state)
{
	double one[] = { 1 }, withnan[] = { 1, NAN, 3 }, withinf[] = { 1, 2, INFINITY };
	double huge[] = { DBL_MAX, DBL_MAX };
	struct bb_summary s, sentinel;
	struct bb_err err = { 0 };

	(void)state;
	memset(&sentinel, 0xa5, sizeof(sentinel));
	s = sentinel;
	assert_int_equal(stats_summarize(one, 0, 1, &s, &err), -1);
	assert_non_null(strstr(err.msg, "empty"));
	assert_memory_equal(&s, &sentinel, sizeof(s));

	bb_err_clear(&err);
	assert_int_equal(stats_summarize(withnan, N_OF(withnan), 1, &s, &err), -1);
	assert_non_null(strstr(err.msg, "sample 1 is not finite"));
	bb_err_clear(&err);
	assert_int_equal(stats_summarize(withinf, N_OF(withinf), 1, &s, &err), -1);
	assert_non_null(strstr(err.msg, "sample 2 is not finite"));
	/* Finite, but the median (DBL_MAX + DBL_MAX) / 2 overflows: an error, never an Inf. */
	bb_err_clear(&err);
	assert_int_equal(stats_summarize(huge, N_OF(huge), 1, &s, &err), -1);
	assert_non_null(strstr(err.msg, "overflow"));
	assert_memory_equal(&s, &sentinel, sizeof(s));
}

static void test_ratio_errors(void **state)
{
	double a[] = { 1, 2, 3, 4, 5 }, zero_med[] = { -1, 0, 1 }, withnan[] = { 1, NAN };
	/* Median 1, but a resample with three or more of the two 0s has median 0. */
	double some_zeros[] = { 0, 1, 0, 1, 1 };
	double ratio = 7, lo = 7, hi = 7;
	struct bb_err err = { 0 };

	(void)state;
	assert_int_equal(stats_ratio(a, 0, a, 3, 1, &ratio, &lo, &hi, &err), -1);
	assert_non_null(strstr(err.msg, "numerator: empty"));
	bb_err_clear(&err);
	assert_int_equal(stats_ratio(a, 3, a, 0, 1, &ratio, &lo, &hi, &err), -1);
	assert_non_null(strstr(err.msg, "denominator: empty"));
	bb_err_clear(&err);
	assert_int_equal(stats_ratio(a, 3, zero_med, 3, 1, &ratio, &lo, &hi, &err), -1);
	assert_non_null(strstr(err.msg, "denominator median is 0"));
	bb_err_clear(&err);
	assert_int_equal(stats_ratio(withnan, 2, a, 3, 1, &ratio, &lo, &hi, &err), -1);
	assert_non_null(strstr(err.msg, "not finite"));
	bb_err_clear(&err);
	assert_int_equal(stats_ratio(a, 5, some_zeros, 5, 1, &ratio, &lo, &hi, &err), -1);
	assert_non_null(strstr(err.msg, "bootstrap resamples"));
	assert_true(ratio == 7 && lo == 7 && hi == 7);
}

static void test_median(void **state)
{
	double odd[] = { 3, 1, 2 }, even[] = { 4, 1, 3, 2 }, orig[4];

	(void)state;
	memcpy(orig, even, sizeof(even));
	check_close(stats_median(odd, 3), 2.0, 0, "odd median");
	check_close(stats_median(even, 4), 2.5, 0, "even median (2 + 3) / 2");
	check_unchanged(even, orig, 4);
	assert_true(isnan(stats_median(odd, 0)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_summary_reference),
		cmocka_unit_test(test_summary_single),
		cmocka_unit_test(test_summary_ci_threshold),
		cmocka_unit_test(test_outliers_mad),
		cmocka_unit_test(test_quantiles_odd),
		cmocka_unit_test(test_bootstrap_deterministic),
		cmocka_unit_test(test_bootstrap_matches_naive),
		cmocka_unit_test(test_ratio_known),
		cmocka_unit_test(test_ratio_unequal_sizes),
		cmocka_unit_test(test_ratio_small),
		cmocka_unit_test(test_spearman),
		cmocka_unit_test(test_diff_known),
		cmocka_unit_test(test_summary_errors),
		cmocka_unit_test(test_ratio_errors),
		cmocka_unit_test(test_median),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
