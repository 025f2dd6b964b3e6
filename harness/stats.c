#include "stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort_double.h>
#include <gsl/gsl_statistics_double.h>

#include "cleanup.h"

/* 1.4826 makes the MAD a consistent estimator of the sd for normal data. */
#define STATS_MAD_SCALE 1.4826
#define STATS_MAD_K     3.0

static int stats_check(const double *x, size_t n, const char *what, struct bb_err *err)
{
	if (n == 0)
		return bb_fail(err, 0, "stats: %s: empty sample", what);
	if (!x)
		return bb_fail(err, 0, "stats: %s: no sample array", what);
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(x[i]))
			return bb_fail(err, 0, "stats: %s: sample %zu is not finite (%g)", what, i,
			               x[i]);
	}
	return 0;
}

static double *stats_sorted_copy(const double *x, size_t n)
{
	double *s = calloc(n, sizeof(*s));

	if (!s)
		return NULL;
	memcpy(s, x, n * sizeof(*s));
	gsl_sort(s, 1, n);
	return s;
}

static int stats_rng_new(unsigned long seed, size_t max_n, gsl_rng **out, struct bb_err *err)
{
	gsl_rng *r;

	gsl_set_error_handler_off();
	r = gsl_rng_alloc(gsl_rng_mt19937);
	if (!r)
		return bb_fail(err, ENOMEM, "stats: gsl_rng_alloc");
	gsl_rng_set(r, seed);
	/* gsl_rng_uniform_int(r, n) fails (returns 0) for n above the generator's range. */
	if (max_n - 1 > gsl_rng_max(r) - gsl_rng_min(r)) {
		gsl_rng_free(r);
		return bb_fail(err, 0, "stats: %zu samples are too many to bootstrap", max_n);
	}
	*out = r;
	return 0;
}

/* The median of a resample given as counts: counts[k] copies of row k. sorted is the column in
 * ascending order and perm[i] the row sorted[i] came from (NULL: the rows are sorted already).
 * Walking the counts in sorted order visits the resample in sorted order, so the order
 * statistics come out exactly as gsl_sort + median would give them, in O(n) and with no
 * allocation. */
static double stats_counts_median(const double *sorted, const size_t *perm, const size_t *counts,
                                  size_t n)
{
	size_t lo_k = (n - 1) / 2, hi_k = n / 2, cum = 0;
	double a = sorted[0], b = sorted[0];
	int have_a = 0;

	for (size_t i = 0; i < n; i++) {
		cum += counts[perm ? perm[i] : i];
		if (!have_a && cum > lo_k) {
			a = sorted[i];
			have_a = 1;
		}
		if (cum > hi_k) {
			b = sorted[i];
			break;
		}
	}
	/* Same arithmetic as gsl_stats_median_from_sorted_data. */
	return lo_k == hi_k ? a : (a + b) / 2;
}

/* One resample of n rows: how many times each row is drawn. */
static void stats_draw_counts(gsl_rng *r, size_t n, size_t *counts)
{
	memset(counts, 0, n * sizeof(*counts));
	for (size_t i = 0; i < n; i++)
		counts[gsl_rng_uniform_int(r, n)]++;
}

/* Median of one bootstrap resample of `sorted` (counts: the caller's n-entry scratch). */
static double stats_resample_median(const double *sorted, size_t n, gsl_rng *r, size_t *counts)
{
	stats_draw_counts(r, n, counts);
	return stats_counts_median(sorted, NULL, counts, n);
}

static void stats_boot_medians(const double *sorted, size_t n, gsl_rng *r, size_t *counts,
                               double *meds)
{
	for (size_t b = 0; b < BB_BOOTSTRAP_RESAMPLES; b++)
		meds[b] = stats_resample_median(sorted, n, r, counts);
}

/* Percentile interval of the B bootstrap estimates in vals (sorted in place). */
static void stats_boot_interval(double *vals, double point, double *lo, double *hi)
{
	gsl_sort(vals, 1, BB_BOOTSTRAP_RESAMPLES);
	*lo = gsl_stats_quantile_from_sorted_data(vals, 1, BB_BOOTSTRAP_RESAMPLES, 0.025);
	*hi = gsl_stats_quantile_from_sorted_data(vals, 1, BB_BOOTSTRAP_RESAMPLES, 0.975);
	/* The bootstrap distribution of a median is discrete (it only takes values of order
	 * statistics and midpoints of pairs). With few samples or heavy ties one atom can hold
	 * more than 2.5% of the mass on one side, and the percentile interval can then end just
	 * short of the point estimate. An interval that excludes its own estimate is useless to a
	 * reader, so widen it to the estimate: that only makes the interval more conservative. */
	if (point < *lo)
		*lo = point;
	if (point > *hi)
		*hi = point;
}

/* MAD outlier count; work is an n-entry scratch buffer. */
static size_t stats_outliers(const double *sorted, size_t n, double median, double *work)
{
	double mad, limit;
	size_t count = 0;

	for (size_t i = 0; i < n; i++)
		work[i] = fabs(sorted[i] - median);
	gsl_sort(work, 1, n);
	mad = gsl_stats_median_from_sorted_data(work, 1, n);
	limit = STATS_MAD_K * STATS_MAD_SCALE * mad;
	for (size_t i = 0; i < n; i++) {
		if (work[i] > limit)
			count++;
	}
	return count;
}

static int stats_summary_finite(const struct bb_summary *s)
{
	const double v[] = { s->median,
		             s->mean,
		             s->sd,
		             s->min,
		             s->max,
		             s->p05,
		             s->p95,
		             s->has_ci ? s->ci_lo : 0,
		             s->has_ci ? s->ci_hi : 0 };

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		if (!isfinite(v[i]))
			return 0;
	}
	return 1;
}

bool stats_has_ci(double lo, double hi)
{
	return isfinite(lo) && isfinite(hi);
}

double stats_precision(const struct bb_summary *s)
{
	if (!s->has_ci || s->median == 0)
		return NAN;
	return (s->ci_hi - s->ci_lo) / (2 * fabs(s->median));
}

/* Everything but the interval, from the sorted sample. */
static void stats_describe(const double *sorted, size_t n, double *work, struct bb_summary *s)
{
	s->n = n;
	s->median = gsl_stats_median_from_sorted_data(sorted, 1, n);
	s->mean = gsl_stats_mean(sorted, 1, n);
	/* gsl_stats_sd divides by n - 1: NaN for a single sample, where the spread is 0. */
	s->sd = n > 1 ? gsl_stats_sd_m(sorted, 1, n, s->mean) : 0.0;
	s->min = sorted[0];
	s->max = sorted[n - 1];
	s->p05 = gsl_stats_quantile_from_sorted_data(sorted, 1, n, 0.05);
	s->p95 = gsl_stats_quantile_from_sorted_data(sorted, 1, n, 0.95);
	s->outliers = stats_outliers(sorted, n, s->median, work);
}

int stats_summarize(const double *x, size_t n, unsigned long seed, struct bb_summary *out,
                    struct bb_err *err)
{
	_cleanup_free_ double *sorted = NULL, *work = NULL, *meds = NULL;
	_cleanup_free_ size_t *counts = NULL;
	struct bb_summary s = { 0 };
	gsl_rng *r = NULL;

	if (stats_check(x, n, "summary", err) < 0)
		return -1;
	sorted = stats_sorted_copy(x, n);
	work = calloc(n, sizeof(*work));
	counts = calloc(n, sizeof(*counts));
	meds = calloc(BB_BOOTSTRAP_RESAMPLES, sizeof(*meds));
	if (!sorted || !work || !counts || !meds)
		return bb_fail(err, ENOMEM, "stats: summary of %zu samples", n);
	if (stats_rng_new(seed, n, &r, err) < 0)
		return -1;

	stats_describe(sorted, n, work, &s);
	s.ci_lo = -INFINITY;
	s.ci_hi = INFINITY;
	if (n >= BB_CI_MIN_N) {
		stats_boot_medians(sorted, n, r, counts, meds);
		stats_boot_interval(meds, s.median, &s.ci_lo, &s.ci_hi);
		s.has_ci = true;
	}
	gsl_rng_free(r);

	/* Finite input can still overflow, e.g. the mean or a midpoint of values near DBL_MAX. */
	if (!stats_summary_finite(&s))
		return bb_fail(err, 0, "stats: summary overflows a double (samples near +-%g)",
		               fabs(sorted[0]) > fabs(sorted[n - 1]) ? sorted[0] : sorted[n - 1]);
	*out = s;
	return 0;
}

/* Turn the B num medians in rn into ratios rn[b] / rd[b]; fails on a zero or overflow. */
static int stats_ratio_resamples(double *rn, const double *rd, struct bb_err *err)
{
	size_t zeros = 0;

	for (size_t b = 0; b < BB_BOOTSTRAP_RESAMPLES; b++) {
		if (rd[b] == 0) {
			zeros++;
			continue;
		}
		rn[b] /= rd[b];
		if (!isfinite(rn[b]))
			return bb_fail(err, 0,
			               "stats: ratio: a bootstrap ratio overflows a double");
	}
	if (zeros)
		return bb_fail(err, 0,
		               "stats: ratio: denominator median is 0 in %zu of %d bootstrap "
		               "resamples",
		               zeros, BB_BOOTSTRAP_RESAMPLES);
	return 0;
}

int stats_ratio(const double *num, size_t nn, const double *den, size_t nd, unsigned long seed,
                double *ratio, double *lo, double *hi, struct bb_err *err)
{
	_cleanup_free_ double *sn = NULL, *sd = NULL, *rn = NULL, *rd = NULL;
	_cleanup_free_ size_t *counts = NULL;
	double point, mn, md;
	gsl_rng *r = NULL;

	if (stats_check(num, nn, "ratio numerator", err) < 0 ||
	    stats_check(den, nd, "ratio denominator", err) < 0)
		return -1;
	sn = stats_sorted_copy(num, nn);
	sd = stats_sorted_copy(den, nd);
	counts = calloc(nn > nd ? nn : nd, sizeof(*counts));
	rn = calloc(BB_BOOTSTRAP_RESAMPLES, sizeof(*rn));
	rd = calloc(BB_BOOTSTRAP_RESAMPLES, sizeof(*rd));
	if (!sn || !sd || !counts || !rn || !rd)
		return bb_fail(err, ENOMEM, "stats: ratio of %zu and %zu samples", nn, nd);

	mn = gsl_stats_median_from_sorted_data(sn, 1, nn);
	md = gsl_stats_median_from_sorted_data(sd, 1, nd);
	if (md == 0)
		return bb_fail(err, 0, "stats: ratio: denominator median is 0");
	point = mn / md;
	if (!isfinite(point))
		return bb_fail(err, 0, "stats: ratio: %g / %g overflows a double", mn, md);

	if (nn < BB_CI_MIN_N || nd < BB_CI_MIN_N) {
		*ratio = point;
		*lo = -INFINITY;
		*hi = INFINITY;
		return 0;
	}
	if (stats_rng_new(seed, nn > nd ? nn : nd, &r, err) < 0)
		return -1;
	stats_boot_medians(sn, nn, r, counts, rn);
	stats_boot_medians(sd, nd, r, counts, rd);
	gsl_rng_free(r);
	if (stats_ratio_resamples(rn, rd, err) < 0)
		return -1;
	stats_boot_interval(rn, point, lo, hi);
	*ratio = point;
	return 0;
}

/* Mid-ranks (1-based) of x into rank; ties share the mean of their positions. */
static int stats_ranks(const double *x, size_t n, double *rank)
{
	_cleanup_free_ size_t *idx = calloc(n, sizeof(*idx));

	if (!idx)
		return -1;
	gsl_sort_index(idx, x, 1, n);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j + 1 < n && x[idx[j + 1]] == x[idx[i]])
			j++;
		for (size_t k = i; k <= j; k++)
			rank[idx[k]] = (double)(i + j) / 2 + 1;
		i = j + 1;
	}
	return 0;
}

int stats_spearman(const double *x, const double *y, size_t n, double *rho, double *p,
                   struct bb_err *err)
{
	_cleanup_free_ double *rx = NULL, *ry = NULL;
	double r, t;

	if (n < BB_TREND_MIN_N)
		return bb_fail(err, 0, "stats: spearman: %zu pairs, at least %d needed", n,
		               BB_TREND_MIN_N);
	if (stats_check(x, n, "spearman x", err) < 0 || stats_check(y, n, "spearman y", err) < 0)
		return -1;
	rx = calloc(n, sizeof(*rx));
	ry = calloc(n, sizeof(*ry));
	if (!rx || !ry || stats_ranks(x, n, rx) < 0 || stats_ranks(y, n, ry) < 0)
		return bb_fail(err, ENOMEM, "stats: spearman of %zu pairs", n);
	/* Pearson's correlation of the ranks: Spearman's rho, exact with ties. */
	if (gsl_stats_variance(rx, 1, n) == 0 || gsl_stats_variance(ry, 1, n) == 0) {
		*rho = 0;
		*p = 1;
		return 0;
	}
	r = gsl_stats_correlation(rx, 1, ry, 1, n);
	r = r > 1 ? 1 : r < -1 ? -1 : r;
	if (fabs(r) >= 1) {
		*rho = r;
		*p = 0;
		return 0;
	}
	t = r * sqrt((double)(n - 2) / (1 - r * r));
	*rho = r;
	*p = 2 * gsl_cdf_tdist_Q(fabs(t), (double)(n - 2));
	return 0;
}

int stats_diff(const double *a, size_t na, const double *b, size_t nb, unsigned long seed,
               double *diff, double *lo, double *hi, struct bb_err *err)
{
	_cleanup_free_ double *sa = NULL, *sb = NULL, *ra = NULL, *rb = NULL;
	_cleanup_free_ size_t *counts = NULL;
	gsl_rng *r = NULL;

	if (stats_check(a, na, "difference minuend", err) < 0 ||
	    stats_check(b, nb, "difference subtrahend", err) < 0)
		return -1;
	sa = stats_sorted_copy(a, na);
	sb = stats_sorted_copy(b, nb);
	counts = calloc(na > nb ? na : nb, sizeof(*counts));
	ra = calloc(BB_BOOTSTRAP_RESAMPLES, sizeof(*ra));
	rb = calloc(BB_BOOTSTRAP_RESAMPLES, sizeof(*rb));
	if (!sa || !sb || !counts || !ra || !rb)
		return bb_fail(err, ENOMEM, "stats: difference of %zu and %zu samples", na, nb);
	*diff = gsl_stats_median_from_sorted_data(sa, 1, na) -
	        gsl_stats_median_from_sorted_data(sb, 1, nb);
	if (!isfinite(*diff))
		return bb_fail(err, 0, "stats: difference overflows a double");
	if (na < BB_CI_MIN_N || nb < BB_CI_MIN_N) { /* no interval below n = 5, as for ratios */
		*lo = -INFINITY;
		*hi = INFINITY;
		return 0;
	}
	if (stats_rng_new(seed, na > nb ? na : nb, &r, err) < 0)
		return -1;
	stats_boot_medians(sa, na, r, counts, ra);
	stats_boot_medians(sb, nb, r, counts, rb);
	gsl_rng_free(r);
	for (size_t i = 0; i < BB_BOOTSTRAP_RESAMPLES; i++)
		ra[i] -= rb[i];
	stats_boot_interval(ra, *diff, lo, hi);
	return 0;
}

double stats_median(const double *x, size_t n)
{
	_cleanup_free_ double *sorted = NULL;

	if (!x || n == 0)
		return NAN;
	sorted = stats_sorted_copy(x, n);
	if (!sorted)
		return NAN;
	return gsl_stats_median_from_sorted_data(sorted, 1, n);
}

void stats_boot_ci(double *vals, double point, double *lo, double *hi)
{
	stats_boot_interval(vals, point, lo, hi);
}

/* Column k of the n x m row-major x, sorted, with the row of each value. */
static int stats_sort_column(const double *x, size_t n, size_t m, size_t k, double *col,
                             size_t *perm)
{
	_cleanup_free_ double *raw = calloc(n, sizeof(*raw));

	if (!raw)
		return -1;
	for (size_t i = 0; i < n; i++)
		raw[i] = x[i * m + k];
	gsl_sort_index(perm, raw, 1, n);
	for (size_t i = 0; i < n; i++)
		col[i] = raw[perm[i]];
	return 0;
}

int stats_boot_rows(const double *x, size_t n, size_t m, unsigned long seed, double *meds,
                    struct bb_err *err)
{
	_cleanup_free_ double *cols = NULL;
	_cleanup_free_ size_t *perms = NULL, *counts = NULL;
	gsl_rng *r = NULL;

	if (m == 0 || stats_check(x, n * m, "paired rows", err) < 0)
		return m ? -1 : bb_fail(err, 0, "stats: paired rows: no column");
	cols = calloc(n * m, sizeof(*cols));
	perms = calloc(n * m, sizeof(*perms));
	counts = calloc(n, sizeof(*counts));
	if (!cols || !perms || !counts)
		return bb_fail(err, ENOMEM, "stats: paired rows: %zu x %zu", n, m);
	for (size_t k = 0; k < m; k++)
		if (stats_sort_column(x, n, m, k, cols + k * n, perms + k * n) < 0)
			return bb_fail(err, ENOMEM, "stats: paired rows: %zu x %zu", n, m);
	if (stats_rng_new(seed, n, &r, err) < 0)
		return -1;
	for (size_t b = 0; b < BB_BOOTSTRAP_RESAMPLES; b++) {
		stats_draw_counts(r, n, counts);
		for (size_t k = 0; k < m; k++)
			meds[b * m + k] =
			    stats_counts_median(cols + k * n, perms + k * n, counts, n);
	}
	gsl_rng_free(r);
	return 0;
}
