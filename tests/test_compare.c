/* Unit tests for harness/compare.c: the Mann-Whitney p-values against values worked out by hand
 * (derivations in the comments) and against a brute-force enumeration written independently
 * here (pair counting, no ranks); the decision rule; and the validation of the method on
 * synthetic samples with a fixed seed (A/A clean, A/B with a 10% shift flagged). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "compare.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static void check_close(double got, double want, double tol, const char *what)
{
	if (!(fabs(got - want) <= tol)) {
		print_error("%s: got %.17g, want %.17g (tol %g)\n", what, got, want, tol);
		fail();
	}
}

static void mw(const double *b, size_t nb, const double *n, size_t nn, struct compare_mw *out)
{
	struct bb_err e = { 0 };

	if (compare_mann_whitney(b, nb, n, nn, out, &e) < 0)
		fail_msg("compare_mann_whitney: %s", e.msg);
}

/* 3 vs 3, no overlap: every new value beats every base value, U = 3 * 3 = 9. Of the C(6,3) = 20
 * equally likely ways to split the pooled ranks, only one gives new the three top ranks:
 * P(U >= 9) = 1/20. P(U <= 9) = 1 since 9 is the maximum. */
static void test_mw_separated_3v3(void **state)
{
	const double base[] = { 1, 2, 3 }, new_[] = { 4, 5, 6 };
	struct compare_mw r;

	(void)state;
	mw(base, 3, new_, 3, &r);
	assert_true(r.exact);
	check_close(r.u, 9, 0, "u");
	check_close(r.p_greater, 1.0 / 20, 1e-15, "p_greater");
	check_close(r.p_less, 1, 1e-15, "p_less");
	/* Swapped roles: U = 0, the mirror tails. */
	mw(new_, 3, base, 3, &r);
	check_close(r.u, 0, 0, "u swapped");
	check_close(r.p_less, 1.0 / 20, 1e-15, "p_less swapped");
	check_close(r.p_greater, 1, 1e-15, "p_greater swapped");
}

/* 5 vs 5 (the sample count of `run --quick` today): C(10,5) = 252 splits. No overlap: U = 25,
 * P(U >= 25) = 1/252 = 0.00397. One adjacent swap (base's largest above new's smallest): U = 24,
 * and the splits with U >= 24 are the no-overlap one and the one-swap one: 2/252 = 0.00794. Two
 * swaps: U = 23 has 2 splits (swap the two middle values, or the next pair), so P(U >= 23) =
 * 4/252 = 0.0159 > 0.01: with 5 per side at most one overlap can be significant at 1%. */
static void test_mw_5v5_by_hand(void **state)
{
	const double base[] = { 1, 2, 3, 4, 5 }, sep[] = { 6, 7, 8, 9, 10 };
	const double base1[] = { 1, 2, 3, 4, 6 }, new1[] = { 5, 7, 8, 9, 10 };
	const double base2[] = { 1, 2, 3, 4, 7 }, new2[] = { 5, 6, 8, 9, 10 };
	struct compare_mw r;

	(void)state;
	mw(base, 5, sep, 5, &r);
	check_close(r.u, 25, 0, "u");
	check_close(r.p_greater, 1.0 / 252, 1e-15, "no overlap");
	mw(base1, 5, new1, 5, &r);
	check_close(r.u, 24, 0, "u one swap");
	check_close(r.p_greater, 2.0 / 252, 1e-15, "one swap");
	mw(base2, 5, new2, 5, &r);
	check_close(r.u, 23, 0, "u two swaps");
	check_close(r.p_greater, 4.0 / 252, 1e-15, "two swaps");
}

/* Ties. base {1, 2, 2}, new {2, 3}. Pooled and sorted: 1, 2, 2, 2, 3; the three 2s share ranks
 * 2..4, mid-rank 3. Doubled ranks: 2, 6, 6, 6, 10. U by pairs: new 2 beats base 1 and ties two
 * base 2s (1 + 0.5 + 0.5), new 3 beats all three base values (3): U = 5. The permutation null:
 * all C(5,2) = 10 ways to pick new's two doubled ranks: {2,6} x3 -> 8, {2,10} -> 12, {6,6} x3 ->
 * 12, {6,10} x3 -> 16. Observed sum 6 + 10 = 16: P(W >= 16) = 3/10, P(W <= 16) = 1.
 * Swapped (new {1,2,2}, base {2,3}: three values picked, the complement of two): sums 30 - 8 =
 * 22 (x3), 18 (x4), 14 (x3); observed 2 + 6 + 6 = 14, U = 0 + 0.5 + 0.5 = 1: P(W <= 14) = 3/10,
 * P(W >= 14) = 1. This second case also runs the code path that counts the base side. */
static void test_mw_ties_by_hand(void **state)
{
	const double a[] = { 1, 2, 2 }, b[] = { 2, 3 };
	struct compare_mw r;

	(void)state;
	mw(a, 3, b, 2, &r);
	check_close(r.u, 5, 0, "u");
	check_close(r.p_greater, 0.3, 1e-15, "p_greater");
	check_close(r.p_less, 1, 1e-15, "p_less");
	mw(b, 2, a, 3, &r);
	check_close(r.u, 1, 0, "u swapped");
	check_close(r.p_less, 0.3, 1e-15, "p_less swapped");
	check_close(r.p_greater, 1, 1e-15, "p_greater swapped");
}

/* Everything tied: no evidence, both tails 1 (exact and normal paths). */
static void test_mw_all_tied(void **state)
{
	double a[60], b[60];
	struct compare_mw r;

	(void)state;
	for (size_t i = 0; i < 60; i++)
		a[i] = b[i] = 7;
	mw(a, 3, b, 2, &r);
	check_close(r.p_greater, 1, 1e-15, "exact p_greater");
	check_close(r.p_less, 1, 1e-15, "exact p_less");
	mw(a, 60, b, 60, &r);
	assert_false(r.exact);
	check_close(r.p_greater, 1, 0, "normal p_greater");
	check_close(r.p_less, 1, 0, "normal p_less");
}

/* Reference: enumerate every way to choose which nn of the pooled values are "new" (bitmask),
 * count U directly by comparing pairs (no ranks), and take the tails. */
static void brute_force(const double *b, size_t nb, const double *n, size_t nn, double *u_obs,
                        double *p_ge, double *p_le)
{
	double pool[32], obs = 0;
	size_t total = nb + nn, ways = 0, ge = 0, le = 0;

	for (size_t i = 0; i < nb; i++)
		pool[i] = b[i];
	for (size_t i = 0; i < nn; i++)
		pool[nb + i] = n[i];
	for (size_t i = 0; i < nb; i++)
		for (size_t j = 0; j < nn; j++)
			obs += n[j] > b[i] ? 1 : n[j] == b[i] ? 0.5 : 0;
	for (unsigned long m = 0; m < (1ul << total); m++) {
		if ((size_t)__builtin_popcountl(m) != nn)
			continue;
		double u = 0;
		for (size_t i = 0; i < total; i++)
			for (size_t j = 0; j < total; j++)
				if (!(m >> i & 1) && (m >> j & 1))
					u += pool[j] > pool[i] ? 1 : pool[j] == pool[i] ? 0.5 : 0;
		ways++;
		ge += u >= obs;
		le += u <= obs;
	}
	*u_obs = obs;
	*p_ge = (double)ge / (double)ways;
	*p_le = (double)le / (double)ways;
}

static void test_mw_against_brute_force(void **state)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);

	(void)state;
	gsl_rng_set(r, 7);
	for (int trial = 0; trial < 40; trial++) {
		double b[8], n[8], u, ge, le;
		size_t nb = 2 + gsl_rng_uniform_int(r, 7), nn = 2 + gsl_rng_uniform_int(r, 7);
		struct compare_mw got;
		/* Small integer values: plenty of ties, within and across the groups. */
		for (size_t i = 0; i < nb; i++)
			b[i] = (double)gsl_rng_uniform_int(r, 6);
		for (size_t i = 0; i < nn; i++)
			n[i] = (double)gsl_rng_uniform_int(r, 6) + (trial % 3 == 0 ? 2 : 0);
		brute_force(b, nb, n, nn, &u, &ge, &le);
		mw(b, nb, n, nn, &got);
		check_close(got.u, u, 1e-12, "u");
		check_close(got.p_greater, ge, 1e-12, "p_greater");
		check_close(got.p_less, le, 1e-12, "p_less");
	}
	gsl_rng_free(r);
}

/* Above COMPARE_EXACT_MAX_N: the normal approximation. 60 vs 60 without overlap: U = 3600,
 * mean 60*60/2 = 1800, variance 60*60*121/12 = 36300 (no ties), z = (3600 - 1800 - 0.5) /
 * sqrt(36300) = 9.4451, p = erfc(z / sqrt 2) / 2 (C library's erfc, not GSL). */
static void test_mw_normal_by_hand(void **state)
{
	double a[60], b[60];
	struct compare_mw r;
	double z = (3600 - 1800 - 0.5) / sqrt(36300.0);

	(void)state;
	for (size_t i = 0; i < 60; i++) {
		a[i] = (double)i;
		b[i] = 100.0 + (double)i;
	}
	mw(a, 60, b, 60, &r);
	assert_false(r.exact);
	check_close(r.u, 3600, 0, "u");
	check_close(r.p_greater / (0.5 * erfc(z / sqrt(2.0))), 1, 1e-9, "p_greater (relative)");
	check_close(r.p_less, 1, 1e-15, "p_less");
}

/* At the exact limit (50 + 50), interleaved values: exact and normal tails agree closely. With
 * base = 0, 2, 4, ... and new = 1, 3, 5, ... (each new value one step above a base value),
 * U = sum over new j of (j + 1) = 1275 = mean 1250 + 25; sd = sqrt(50*50*101/12) = 145.05, so
 * z = (1275 - 1250 - 0.5) / 145.05 = 0.1689 and the approximation gives 0.4329. */
static void test_mw_exact_matches_normal(void **state)
{
	double a[50], b[50];
	struct compare_mw r;

	(void)state;
	for (size_t i = 0; i < 50; i++) {
		a[i] = 2.0 * (double)i;
		b[i] = 2.0 * (double)i + 1;
	}
	mw(a, 50, b, 50, &r);
	assert_true(r.exact);
	check_close(r.u, 1275, 0, "u");
	check_close(r.p_greater,
	            0.5 * erfc((1275 - 1250 - 0.5) / sqrt(2500 * 101 / 12.0) / sqrt(2)), 0.002,
	            "exact vs normal");
	assert_true(r.p_greater + r.p_less > 1); /* both tails hold P(U = u) */
}

static void test_mw_errors(void **state)
{
	const double a[] = { 1, 2 }, bad[] = { 1, NAN };
	struct compare_mw r;
	struct bb_err e = { 0 };

	(void)state;
	assert_int_equal(compare_mann_whitney(a, 0, a, 2, &r, &e), -1);
	assert_non_null(strstr(e.msg, "no samples in base"));
	assert_int_equal(compare_mann_whitney(a, 2, bad, 2, &r, &e), -1);
	assert_non_null(strstr(e.msg, "not finite"));
}

/* ---- the decision rule ---------------------------------------------------------------- */

static const struct compare_rule rule = { COMPARE_ALPHA_DEFAULT, COMPARE_THRESHOLD_DEFAULT };

/* A change with a CI of +-1 point around it (lo, hi given apart when they matter). */
static enum compare_verdict decide_ci(double change, double lo, double hi, double p_greater,
                                      double p_less, enum bb_better better,
                                      const struct compare_rule *r)
{
	struct compare_stat st = { .change = change, .change_lo = lo, .change_hi = hi };

	st.p_worse_adj = better == BB_LOWER ? p_greater : p_less;
	st.p_better_adj = better == BB_LOWER ? p_less : p_greater;
	return compare_decide(&st, better, r);
}

static enum compare_verdict decide(double change, double p_greater, double p_less,
                                   enum bb_better better)
{
	return decide_ci(change, change - 0.01, change + 0.01, p_greater, p_less, better, &rule);
}

static void test_decide(void **state)
{
	(void)state;
	/* significant + large + bad = regression */
	assert_int_equal(decide(0.10, 0.001, 1, BB_LOWER), COMPARE_REGRESSION);
	/* significant + small = no */
	assert_int_equal(decide(0.03, 0.001, 1, BB_LOWER), COMPARE_SAME);
	/* large + insignificant = no */
	assert_int_equal(decide(0.20, 0.2, 0.9, BB_LOWER), COMPARE_SAME);
	/* significant + large + good = improvement */
	assert_int_equal(decide(-0.10, 1, 0.001, BB_LOWER), COMPARE_IMPROVEMENT);
	/* significant in one direction, median moved the other way (possible with skewed
	 * samples): neither */
	assert_int_equal(decide(-0.10, 0.001, 1, BB_LOWER), COMPARE_SAME);
	/* better = higher flips the direction */
	assert_int_equal(decide(-0.10, 1, 0.001, BB_HIGHER), COMPARE_REGRESSION);
	assert_int_equal(decide(0.10, 0.001, 1, BB_HIGHER), COMPARE_IMPROVEMENT);
	assert_int_equal(decide(0.10, 0.2, 1, BB_HIGHER), COMPARE_SAME);
	/* the bounds are strict: p = alpha and a CI touching the threshold do not count */
	assert_int_equal(decide(0.10, COMPARE_ALPHA_DEFAULT, 1, BB_LOWER), COMPARE_SAME);
	assert_int_equal(decide(COMPARE_THRESHOLD_DEFAULT + 0.01, 0.001, 1, BB_LOWER),
	                 COMPARE_SAME);
	/* no change to speak of */
	assert_int_equal(decide(NAN, 0.001, 1, BB_LOWER), COMPARE_UNTESTED);
	/* a custom rule */
	struct compare_rule loose = { 0.05, 0.01 };
	assert_int_equal(decide_ci(0.03, 0.02, 0.04, 0.03, 1, BB_LOWER, &loose),
	                 COMPARE_REGRESSION);
	assert_int_equal(decide_ci(0.03, 0.02, 0.04, 0.03, 1, BB_LOWER, &rule), COMPARE_SAME);
}

/* The run-to-run rule: the point estimate beyond the threshold is not enough, the whole CI
 * must be; and a change without a CI is never flagged. */
static void test_decide_needs_the_whole_ci(void **state)
{
	(void)state;
	/* +10% but the CI reaches down to +3%: within the noise allowance */
	assert_int_equal(decide_ci(0.10, 0.03, 0.17, 0.0001, 1, BB_LOWER, &rule), COMPARE_SAME);
	assert_int_equal(decide_ci(0.10, 0.06, 0.17, 0.0001, 1, BB_LOWER, &rule),
	                 COMPARE_REGRESSION);
	/* better = higher: the CI's upper end is the one nearest no change */
	assert_int_equal(decide_ci(-0.10, -0.17, -0.03, 1, 0.0001, BB_HIGHER, &rule), COMPARE_SAME);
	assert_int_equal(decide_ci(-0.10, -0.17, -0.06, 1, 0.0001, BB_HIGHER, &rule),
	                 COMPARE_REGRESSION);
	/* improvements mirror it */
	assert_int_equal(decide_ci(-0.10, -0.17, -0.03, 1, 0.0001, BB_LOWER, &rule), COMPARE_SAME);
	assert_int_equal(decide_ci(-0.10, -0.17, -0.06, 1, 0.0001, BB_LOWER, &rule),
	                 COMPARE_IMPROVEMENT);
	/* no CI (n < 5 on a side): never a verdict */
	assert_int_equal(decide_ci(0.50, -INFINITY, INFINITY, 0.0001, 1, BB_LOWER, &rule),
	                 COMPARE_SAME);
}

/* Holm by hand: p = .01 .04 .03 .005 -> sorted .005 .01 .03 .04 times 4 3 2 1 = .02 .03 .06 .04,
 * made monotone: .02 .03 .06 .06. */
static void test_holm_by_hand(void **state)
{
	const double p[] = { 0.01, 0.04, 0.03, 0.005 };
	double adj[4];
	struct bb_err e = { 0 };

	(void)state;
	assert_int_equal(compare_holm(p, 4, adj, &e), 0);
	check_close(adj[0], 0.03, 1e-15, "adj[0]");
	check_close(adj[1], 0.06, 1e-15, "adj[1]");
	check_close(adj[2], 0.06, 1e-15, "adj[2]");
	check_close(adj[3], 0.02, 1e-15, "adj[3]");
	/* capped at 1, one test is itself, none is nothing */
	const double big[] = { 0.6, 0.7 };
	assert_int_equal(compare_holm(big, 2, adj, &e), 0);
	check_close(adj[0], 1, 0, "capped");
	check_close(adj[1], 1, 0, "capped");
	assert_int_equal(compare_holm(p, 1, adj, &e), 0);
	check_close(adj[0], 0.01, 0, "one");
	assert_int_equal(compare_holm(p, 0, adj, &e), 0);
}

/* 6 vs 6 without overlap and the new median 20% above: p = 1/C(12,6) = 1/924, a regression. */
static void test_samples(void **state)
{
	const double base[] = { 1.00, 1.01, 1.02, 1.03, 1.04, 1.05 };
	double new_[6], zero[] = { 0, 0, 0, 1 };
	struct compare_stat st;
	struct bb_err e = { 0 };

	(void)state;
	for (size_t i = 0; i < 6; i++)
		new_[i] = base[i] * 1.2;
	assert_int_equal(compare_samples(base, 6, new_, 6, BB_LOWER, &rule, 1, &st, &e), 0);
	check_close(st.median_base, 1.025, 1e-12, "median base");
	check_close(st.change, 0.2, 1e-12, "change");
	assert_true(st.change_lo <= st.change && st.change <= st.change_hi);
	check_close(st.p_worse, 1.0 / 924, 1e-15, "p_worse");
	check_close(st.p_better, 1, 1e-15, "p_better");
	assert_int_equal(st.verdict, COMPARE_REGRESSION);
	/* the same numbers when higher is better: an improvement */
	assert_int_equal(compare_samples(base, 6, new_, 6, BB_HIGHER, &rule, 1, &st, &e), 0);
	assert_int_equal(st.verdict, COMPARE_IMPROVEMENT);
	/* base median 0: untested, with the reason */
	assert_int_equal(compare_samples(zero, 4, new_, 6, BB_LOWER, &rule, 1, &st, &e), -1);
	assert_int_equal(st.verdict, COMPARE_UNTESTED);
	assert_non_null(strstr(e.msg, "base median is 0"));
	assert_int_equal(compare_samples(base, 6, new_, 0, BB_LOWER, &rule, 1, &st, &e), -1);
	assert_int_equal(st.verdict, COMPARE_UNTESTED);
}

/* ---- validation of the method --------------------------------------------------------- */

/* Noise model: lognormal with 3% sd (log scale), which is what native startup latency looks
 * like on a quiet machine. A/B: NEW's distribution scaled by `factor`, so its median moves by
 * exactly that factor. */
#define VALIDATION_SD     0.03
#define VALIDATION_TRIALS 100

static void draw(gsl_rng *r, double *x, size_t n, double factor)
{
	for (size_t i = 0; i < n; i++)
		x[i] = 0.45 * factor * exp(gsl_ran_gaussian(r, VALIDATION_SD));
}

/* Trials of compare_samples with the default rule; counts regressions and improvements. */
static void trials(gsl_rng *r, size_t n, double factor, enum bb_better better, int *regressions,
                   int *improvements)
{
	double base[64], new_[64];
	struct compare_stat st;
	struct bb_err e = { 0 };

	*regressions = *improvements = 0;
	for (int t = 0; t < VALIDATION_TRIALS; t++) {
		draw(r, base, n, 1);
		draw(r, new_, n, factor);
		if (compare_samples(base, n, new_, n, better, &rule, 1, &st, &e) < 0)
			fail_msg("compare_samples: %s", e.msg);
		*regressions += st.verdict == COMPARE_REGRESSION;
		*improvements += st.verdict == COMPARE_IMPROVEMENT;
	}
}

static void validate(size_t n, double shift)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	int reg, imp;

	gsl_rng_set(r, 20261128);
	trials(r, n, 1.0, BB_LOWER, &reg, &imp);
	print_message("n=%zu A/A: %d regressions, %d improvements in %d trials\n", n, reg, imp,
	              VALIDATION_TRIALS);
	assert_true(reg <= 1);
	assert_true(imp <= 1);
	trials(r, n, shift, BB_LOWER, &reg, &imp);
	print_message("n=%zu A/B %+.0f%% (lower is better): %d regressions\n", n, 100 * (shift - 1),
	              reg);
	assert_true(reg >= 95);
	assert_int_equal(imp, 0);
	/* higher is better: a drop is the regression */
	trials(r, n, 1 / shift, BB_HIGHER, &reg, &imp);
	print_message("n=%zu A/B %+.0f%% (higher is better): %d regressions\n", n,
	              100 * (1 / shift - 1), reg);
	assert_true(reg >= 95);
	assert_int_equal(imp, 0);
	gsl_rng_free(r);
}

/* The fewest samples the rule is validated for (what `run --quick` should take) ... */
static void test_validation_min_reps(void **state)
{
	(void)state;
	validate(COMPARE_MIN_REPS, 1.15);
}

/* ... and 20 a side, where a 10% shift is flagged (`run` samples startup to +-2%: hundreds). */
static void test_validation_default_reps(void **state)
{
	(void)state;
	validate(20, 1.10);
}

/* A comparison of 100 series (made-up data): the same build on both sides draws no regression
 * in any of 20 comparisons once corrected; one series slowed by 20% among 99 unchanged ones is
 * still flagged. With no threshold (the p-value alone), uncorrected tests flag about one series
 * in a hundred by chance, Holm's almost never. */
#define FAMILY 100

static size_t family_regressions(gsl_rng *r, size_t n, double slow_first, size_t *first,
                                 const struct compare_rule *ru, size_t *uncorrected)
{
	static double base[FAMILY][32], new_[FAMILY][32];
	struct compare_stat st[FAMILY], *pst[FAMILY];
	enum bb_better better[FAMILY];
	struct bb_err e = { 0 };
	size_t reg = 0;

	for (size_t i = 0; i < FAMILY; i++) {
		draw(r, base[i], n, 1);
		draw(r, new_[i], n, i ? 1 : slow_first);
		better[i] = BB_LOWER;
		pst[i] = &st[i];
		if (compare_samples(base[i], n, new_[i], n, BB_LOWER, ru, 1, &st[i], &e) < 0)
			fail_msg("compare_samples: %s", e.msg);
		*uncorrected += st[i].verdict == COMPARE_REGRESSION;
	}
	assert_int_equal(compare_correct(pst, better, FAMILY, ru, &e), 0);
	for (size_t i = 0; i < FAMILY; i++)
		reg += st[i].verdict == COMPARE_REGRESSION;
	*first = st[0].verdict == COMPARE_REGRESSION;
	return reg;
}

static void test_family_of_series(void **state)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	const struct compare_rule p_only = { COMPARE_ALPHA_DEFAULT, 0 };
	size_t false_reg = 0, found = 0, first, unc = 0, p_unc = 0, p_holm = 0;

	(void)state;
	gsl_rng_set(r, 14);
	for (int k = 0; k < 20; k++)
		false_reg += family_regressions(r, 20, 1.0, &first, &rule, &unc);
	for (int k = 0; k < 20; k++) {
		size_t reg = family_regressions(r, 20, 1.2, &first, &rule, &unc);
		found += first;
		false_reg += reg - first;
	}
	for (int k = 0; k < 20; k++)
		p_holm += family_regressions(r, 20, 1.0, &first, &p_only, &p_unc);
	print_message("100 series x 40 comparisons: %zu false regressions; a 20%% slowdown "
	              "found in %zu of 20; p-value alone over 20 A/A comparisons: %zu false "
	              "uncorrected, %zu with Holm\n",
	              false_reg, found, p_unc, p_holm);
	assert_int_equal(false_reg, 0);
	assert_true(found >= 19);
	assert_true(p_unc >= 5); /* about one series in a hundred, comparison after comparison */
	assert_true(p_holm <= 1);
	gsl_rng_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mw_separated_3v3),
		cmocka_unit_test(test_mw_5v5_by_hand),
		cmocka_unit_test(test_mw_ties_by_hand),
		cmocka_unit_test(test_mw_all_tied),
		cmocka_unit_test(test_mw_against_brute_force),
		cmocka_unit_test(test_mw_normal_by_hand),
		cmocka_unit_test(test_mw_exact_matches_normal),
		cmocka_unit_test(test_mw_errors),
		cmocka_unit_test(test_decide),
		cmocka_unit_test(test_decide_needs_the_whole_ci),
		cmocka_unit_test(test_holm_by_hand),
		cmocka_unit_test(test_family_of_series),
		cmocka_unit_test(test_samples),
		cmocka_unit_test(test_validation_min_reps),
		cmocka_unit_test(test_validation_default_reps),
	};
	return cmocka_run_group_tests_name("compare", tests, NULL, NULL);
}
