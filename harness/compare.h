/* Regression detection between two sets of samples: the Mann-Whitney U test, the relative change
 * of the medians with a bootstrap interval, and the decision rule that `boxbench compare` and
 * `boxbench history` share. Pure computation: no files, no output.
 *
 * The rule. A series is a REGRESSION when both
 *   - the one-sided Mann-Whitney p-value for "NEW is worse than BASE" (worse = larger when
 *     better is lower, smaller when better is higher) is below alpha (default 0.01), and
 *   - the median moved by more than the threshold (default 5%) of the base median in that
 *     bad direction;
 * and an IMPROVEMENT under the mirror conditions. The test is one-sided because the gate asks a
 * directional question that `better` fixes before any data is seen: each verdict (regression,
 * improvement) is wrong under no change with probability at most alpha. The significance test
 * guards against noise, the threshold against changes too small to matter.
 *
 * Why one-sided, and why at least COMPARE_MIN_REPS samples per side: a rank test on 5 + 5
 * samples has only C(10,5) = 252 orderings, so its smallest one-sided p is 1/252 = 0.004 and the
 * smallest two-sided p 2/252 = 0.0079. At alpha = 0.01 the two-sided test fires only when the
 * two samples do not overlap at all, which a 10% shift under lognormal noise of 3% sd achieves in
 * about 81% of trials; one-sided (one overlap allowed) about 91%. No permutation test can do
 * better with 5 per side, since every one of them rejects on at most 2 of the 252 orderings.
 * With 6 per side the one-sided rule flags a 10% shift in about 97% of trials, so 6 is the
 * fewest samples that meet the validated goals (tests/test_compare.c). */
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
	enum compare_verdict verdict;
};

/* Mann-Whitney U of new against base, ties given mid-ranks. The exact p-values are the
 * permutation distribution of the rank sum given the observed ties (so they stay exact with
 * ties); both samples need at least one finite value. */
int compare_mann_whitney(const double *base, size_t nb, const double *new_, size_t nn,
                         struct compare_mw *out, struct bb_err *err);

/* The rule above, from a relative change and a test; better orients both. */
enum compare_verdict compare_decide(double change, const struct compare_mw *mw,
                                    enum bb_better better, const struct compare_rule *rule);

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
