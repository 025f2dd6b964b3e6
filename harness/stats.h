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

#include <stddef.h>

#include "err.h"

#define BB_BOOTSTRAP_RESAMPLES 10000

struct bb_summary {
	size_t n;
	double median, mean, sd, min, max, p05, p95;
	double ci_lo, ci_hi; /* bootstrap 95% CI of the median (percentile method) */
	size_t outliers;     /* MAD rule: |x - median| > 3 * 1.4826 * MAD */
};

/* n >= 1 required (n == 0 -> error). sd is the sample sd (n-1), 0 for n == 1. Deterministic for
 * a given seed (gsl_rng_mt19937 seeded with `seed`). x is not modified. Never produces NaN/Inf
 * for finite input (JSON cannot hold them); non-finite input -> error, and so is finite input so
 * close to +-DBL_MAX that a result overflows. When more than half the samples are equal, MAD is 0
 * and every sample that differs from the median counts as an outlier (the rule, taken literally).
 * On error *out is left unchanged. */
int stats_summarize(const double *x, size_t n, unsigned long seed, struct bb_summary *out,
                    struct bb_err *err);

/* Ratio of medians num/den with a bootstrap 95% CI (resample each group independently, B =
 * BB_BOOTSTRAP_RESAMPLES, percentile interval). Errors when a group is empty or den's median is 0,
 * when a bootstrap resample of den has median 0 (the ratio would be infinite there, so no finite
 * interval exists), on non-finite input and on overflow. The interval always contains *ratio.
 * The B resamples of num are drawn first, then the B resamples of den, from one generator. */
int stats_ratio(const double *num, size_t nn, const double *den, size_t nd, unsigned long seed,
                double *ratio, double *lo, double *hi, struct bb_err *err);

/* Difference of medians a - b with a bootstrap 95% CI (the same resampling as stats_ratio): what
 * one box adds to another's time. The interval always contains *diff. */
int stats_diff(const double *a, size_t na, const double *b, size_t nb, unsigned long seed,
               double *diff, double *lo, double *hi, struct bb_err *err);

/* Median of an array (copy sorted internally); used by other modules. n >= 1. Returns NaN when
 * n == 0, x is NULL or the copy cannot be allocated. */
double stats_median(const double *x, size_t n);

#endif
