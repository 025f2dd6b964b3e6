/* Summary statistics of a metric's samples, with GSL.
 *
 * Quantiles are GSL's gsl_stats_quantile_from_sorted_data: linear interpolation between order
 * statistics (R's type 7). Bootstrap intervals use the percentile method with
 * BB_BOOTSTRAP_RESAMPLES resamples drawn from gsl_rng_mt19937 seeded with the caller's seed, so a
 * recorded seed reproduces a result bit for bit. Each resample draws n indices with
 * gsl_rng_uniform_int into the *sorted* sample, resample after resample. Note that mt19937 maps
 * seed 0 to its default seed 4357, so those two seeds give the same intervals.
 *
 * These functions switch GSL's error handler off (process-wide) so GSL never aborts. */
#ifndef BB_STATS_H
#define BB_STATS_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define BB_BOOTSTRAP_RESAMPLES 10000

/* No 95% interval below this many samples: the percentile bootstrap of a median covers about
 * 94% at n = 6, but 87% at n = 4, 76% at n = 3 and 50% at n = 2 (each sample is already a
 * median of tries, so n counts instances). Below it a summary has a median and no interval. */
#define BB_CI_MIN_N 5

/* Trend over a run: Spearman's rank correlation of a series' values against the order they
 * were taken in, tested from this many samples up (the t approximation of its null
 * distribution is poor below). */
#define BB_TREND_MIN_N 10
/* Family-wise level of the trend flags of one run (divided by the number of series tested). */
#define BB_TREND_ALPHA 0.05

struct bb_summary {
	size_t n;
	double median, mean, sd, min, max, p05, p95;
	/* bootstrap 95% CI of the median (percentile method) when has_ci; without one (n <
	 * BB_CI_MIN_N) ci_lo = -inf and ci_hi = +inf: nothing is known about where it lies, so a
	 * reader that forgets has_ci can never conclude from it */
	bool has_ci;
	double ci_lo, ci_hi;
	size_t outliers; /* MAD rule: |x - median| > 3 * 1.4826 * MAD */
};

/* n >= 1 required (n == 0 -> error). The interval only from BB_CI_MIN_N samples up. sd is the
 * sample sd (n-1), 0 for n == 1. Deterministic for a given seed (gsl_rng_mt19937 seeded with
 * `seed`). x is not modified. Never produces NaN/Inf for finite input (JSON cannot hold them);
 * non-finite input -> error, and so is finite input so close to +-DBL_MAX that a result overflows.
 * When more than half the samples are equal, MAD is 0 and every sample that differs from the median
 * counts as an outlier (the rule, taken literally). On error *out is left unchanged. */
int stats_summarize(const double *x, size_t n, unsigned long seed, struct bb_summary *out,
                    struct bb_err *err);

/* Ratio of medians num/den with a bootstrap 95% CI (resample each group independently, B =
 * BB_BOOTSTRAP_RESAMPLES, percentile interval). When either group has fewer than BB_CI_MIN_N
 * samples there is no interval: *lo = -inf, *hi = +inf (test with stats_has_ci). Errors when a
 * group is empty or den's median is 0, when a bootstrap resample of den has median 0 (the ratio
 * would be infinite there, so no finite interval exists), on non-finite input and on overflow. The
 * interval always contains *ratio. The B resamples of num are drawn first, then the B resamples of
 * den, from one generator. */
int stats_ratio(const double *num, size_t nn, const double *den, size_t nd, unsigned long seed,
                double *ratio, double *lo, double *hi, struct bb_err *err);

/* Does [lo, hi] say anything (both ends finite)? */
bool stats_has_ci(double lo, double hi);

/* Half-width of the summary's CI relative to its median, (hi - lo) / (2 |median|): the
 * precision a run samples to. NAN without an interval or with a median of 0. */
double stats_precision(const struct bb_summary *s);

/* Spearman's rank correlation of y against x (ties get mid-ranks) and the two-sided p of no
 * correlation (t approximation with n - 2 degrees of freedom). n >= BB_TREND_MIN_N, else an
 * error; *rho = 0 and *p = 1 when either side is constant. */
int stats_spearman(const double *x, const double *y, size_t n, double *rho, double *p,
                   struct bb_err *err);

/* Difference of medians a - b with a bootstrap 95% CI (the same resampling as stats_ratio): what
 * one box adds to another's time. The interval always contains *diff; it is (-inf, inf), no
 * interval, when either side has fewer than BB_CI_MIN_N samples. */
int stats_diff(const double *a, size_t na, const double *b, size_t nb, unsigned long seed,
               double *diff, double *lo, double *hi, struct bb_err *err);

/* Paired bootstrap: x holds n rows (blocks measured together) of m columns, row-major. Each of
 * the BB_BOOTSTRAP_RESAMPLES resamples draws n rows with replacement, the same rows for every
 * column, so what the columns share (a slow moment of the host) stays paired; meds[b * m + k]
 * is column k's median in resample b (meds holds B * m values). n >= 1, finite input. */
int stats_boot_rows(const double *x, size_t n, size_t m, unsigned long seed, double *meds,
                    struct bb_err *err);

/* Percentile 95% interval of BB_BOOTSTRAP_RESAMPLES bootstrap values (sorted in place), widened
 * to contain the point estimate (as every interval here is). */
void stats_boot_ci(double *vals, double point, double *lo, double *hi);

/* Median of an array (copy sorted internally); used by other modules. n >= 1. Returns NaN when
 * n == 0, x is NULL or the copy cannot be allocated. */
double stats_median(const double *x, size_t n);

#endif
