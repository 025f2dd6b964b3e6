/* Regression detection between two sets of samples: the Mann-Whitney U test, the relative change
 * of the medians with a bootstrap interval, and the decision rule that `boxbench compare` and
 * `boxbench history` share. Pure computation: no files, no output.
 *
 * The rule. A series is a REGRESSION when both
 *   - the one-sided Mann-Whitney p-value for "NEW is worse than BASE" (worse = larger when
 *     better is lower, smaller when better is higher), corrected for the number of series
 *     tested at once (Holm), is below alpha (default 0.01), and
 *   - the whole bootstrap 95% CI of the median's relative change lies beyond the threshold
 *     (default 5% of the base median) in that bad direction;
 * and an IMPROVEMENT under the mirror conditions. The test is one-sided because the gate asks a
 * directional question that `better` fixes before any data is seen.
 *
 * Many series at once. `compare` tests about a hundred series; at alpha = 0.01 each, one would
 * be flagged by chance in a third of clean comparisons. Holm's step-down correction bounds the
 * probability of ANY false regression among the m series (the family-wise error) by alpha,
 * which is what a gate that fails a build on any regression needs; Benjamini-Hochberg bounds
 * only the expected share of false ones among those flagged, so a gate built on it would still
 * fail clean builds. Regressions and improvements are two families, each corrected apart.
 *
 * Run-to-run noise. BASE and NEW are two runs: between them the machine's state changes (other
 * load, memory placement, frequency), so even the same build's medians differ by a few percent
 * with tiny within-run p-values. The threshold is that allowance, and the rule asks the whole
 * CI of the change to clear it, not the point estimate: a point estimate near the threshold
 * falls on either side in two comparisons of the same pair of builds, the whole CI rarely. A
 * change without a CI (a side with fewer than BB_CI_MIN_N samples) is never flagged.
 *
 * Why one-sided, and why at least COMPARE_MIN_REPS samples per side: a rank test on 5 + 5
 * samples has only C(10,5) = 252 orderings, so its smallest one-sided p is 1/252 = 0.004 and the
 * smallest two-sided p 2/252 = 0.0079. At alpha = 0.01 the two-sided test fires only when the
 * two samples do not overlap at all, which a 10% shift under lognormal noise of 3% sd achieves in
 * about 81% of trials; one-sided (one overlap allowed) about 91%. No permutation test can do
 * better with 5 per side, since every one of them rejects on at most 2 of the 252 orderings.
 * With 6 per side the one-sided rule flags a 10% shift in about 97% of trials, so 6 is the
 * fewest samples that meet the validated goals (tests/test_compare.c). */
/* Since the CI rule, the goals are validated (tests/test_compare.c) for a 15% shift at
 * COMPARE_MIN_REPS a side, and for a 10% shift at 20 a side (88 of 100 at 10): the whole CI
 * must clear the threshold, and a change's CI from 6 samples a side is about +-5% wide. */
#ifndef BB_COMPARE_H
#define BB_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "results.h"

#define COMPARE_ALPHA_DEFAULT     0.01
#define COMPARE_THRESHOLD_DEFAULT 0.05 /* a fraction of the base median */
/* The exact permutation distribution of U is computed when both samples together hold at most
 * this many values (O(N^3 k) work, under 0.1 s at the limit); above, the normal approximation
 * with tie and continuity corrections, which is accurate there. */
#define COMPARE_EXACT_MAX_N 100
/* The fewest samples per side for which the rule meets its goals (A/A: no regression in at
 * least 99 of 100 trials; a 10% shift of the median flagged in at least 95 of 100), under
 * lognormal noise of 3% sd. `run --quick` should take at least this many. */
#define COMPARE_MIN_REPS 6

enum compare_verdict {
	COMPARE_SAME,        /* not significant, or within the threshold */
	COMPARE_REGRESSION,  /* significant and beyond the threshold in the bad direction */
	COMPARE_IMPROVEMENT, /* significant and beyond the threshold in the good direction */
	COMPARE_UNTESTED,    /* could not be tested (no samples, base median 0, unit changed) */
};

struct compare_rule {
	double alpha;     /* significance level of each one-sided test, in (0, 1) */
	double threshold; /* smallest relative change of the median that counts, >= 0 */
};

struct compare_mw {
	double u;         /* pairs with new > base, plus half the tied pairs */
	double p_greater; /* P(U >= u) under no difference: small when NEW tends to be larger */
	double p_less;    /* P(U <= u): small when NEW tends to be smaller */
	bool exact;       /* exact permutation distribution (else normal approximation) */
};

struct compare_stat {
	size_t n_base, n_new;
	double median_base, median_new;
	double change, change_lo, change_hi; /* median_new / median_base - 1, bootstrap 95% CI */
	struct compare_mw mw;
	double p_worse, p_better; /* mw's p oriented by `better` */
	/* after the correction for the series tested with it (compare_holm): p_worse and
	 * p_better themselves for one series alone */
	double p_worse_adj, p_better_adj;
	enum compare_verdict verdict;
};

/* Mann-Whitney U of new against base, ties given mid-ranks. The exact p-values are the
 * permutation distribution of the rank sum given the observed ties (so they stay exact with
 * ties); both samples need at least one finite value. */
int compare_mann_whitney(const double *base, size_t nb, const double *new_, size_t nn,
                         struct compare_mw *out, struct bb_err *err);

/* The rule above, from a stat's change, its CI and its corrected p-values; better orients them. */
enum compare_verdict compare_decide(const struct compare_stat *st, enum bb_better better,
                                    const struct compare_rule *rule);

/* Holm's step-down adjusted p-values of n tests: sorted ascending, adj(i) = max over j <= i of
 * min(1, (n - j) p(j)) (0-based); reject where adj < alpha. adj may be p. */
int compare_holm(const double *p, size_t n, double *adj, struct bb_err *err);

/* Correct the p-values of n stats tested together (Holm, regressions and improvements apart)
 * and decide each again; stats whose verdict is COMPARE_UNTESTED are left out of the family.
 * better[i] orients st[i]. */
int compare_correct(struct compare_stat *const *st, const enum bb_better *better, size_t n,
                    const struct compare_rule *rule, struct bb_err *err);

/* Everything for one pair of sample sets: medians, change with its bootstrap CI (stats_ratio,
 * seeded with seed), the test and the verdict. Fails (with a reason, and out->verdict set to
 * COMPARE_UNTESTED) when a side is empty or the base median is 0. */
int compare_samples(const double *base, size_t nb, const double *new_, size_t nn,
                    enum bb_better better, const struct compare_rule *rule, unsigned long seed,
                    struct compare_stat *out, struct bb_err *err);

const char *compare_verdict_name(enum compare_verdict v);
/* The verdict as a stable lower-case key for --json: same, regression, improvement, untested. */
const char *compare_verdict_key(enum compare_verdict v);

/* The bootstrap seed for comparing two results: NEW's recorded config.seed, else 1. */
unsigned long compare_seed(const struct bb_result *new_);

#endif
