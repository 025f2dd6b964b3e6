#include "compare.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

#include "cleanup.h"

struct mw_item {
	double v;
	int is_new;
};

static int mw_item_cmp(const void *a, const void *b)
{
	double x = ((const struct mw_item *)a)->v, y = ((const struct mw_item *)b)->v;

	return (x > y) - (x < y);
}

/* Doubled mid-ranks (integers: ranks i+1..j+1 of a tie group average to (i+j+2)/2), and the
 * tie term sum(t^3 - t) of the variance correction. */
static double mw_ranks(const struct mw_item *it, size_t n, size_t *score)
{
	double ties = 0;

	for (size_t i = 0, j; i < n; i = j + 1) {
		for (j = i; j + 1 < n && it[j + 1].v == it[i].v; j++)
			;
		for (size_t k = i; k <= j; k++)
			score[k] = i + j + 2;
		double t = (double)(j - i + 1);
		ties += t * t * t - t;
	}
	return ties;
}

/* Exact tails of the sum W of k scores drawn without replacement from score[0..n), under the
 * permutation null where every k-subset is equally likely: dp[j][s] counts the j-subsets of
 * the scores seen so far with sum s. Counts are doubles: C(100, 50) ~ 1e29 fits, and the
 * rounding is relative, so tail probabilities keep their precision. */
static int mw_exact(const size_t *score, size_t n, size_t k, size_t w, double *p_le, double *p_ge,
                    struct bb_err *err)
{
	size_t maxs = 0, seen = 0;
	_cleanup_free_ double *dp = NULL;
	double total = 0, le = 0, ge = 0;

	for (size_t i = 0; i < n; i++)
		maxs += score[i];
	dp = calloc((k + 1) * (maxs + 1), sizeof(*dp));
	if (!dp)
		return bb_fail(err, ENOMEM, "compare: exact distribution of %zu samples", n);
	dp[0] = 1;
	for (size_t i = 0; i < n; i++) {
		seen += score[i];
		for (size_t j = (i + 1 < k ? i + 1 : k); j >= 1; j--) {
			double *row = dp + j * (maxs + 1), *prev = dp + (j - 1) * (maxs + 1);
			for (size_t s = seen; s >= score[i]; s--)
				row[s] += prev[s - score[i]];
		}
	}
	for (size_t s = 0; s <= maxs; s++) {
		double c = dp[k * (maxs + 1) + s];
		total += c;
		le += s <= w ? c : 0;
		ge += s >= w ? c : 0;
	}
	*p_le = le / total;
	*p_ge = ge / total;
	return 0;
}

/* Normal approximation with the tie correction of the variance and a continuity correction
 * of 0.5 on U. */
static void mw_normal(double u, size_t nb, size_t nn, double ties, struct compare_mw *out)
{
	double n = (double)(nb + nn), mean = (double)nb * (double)nn / 2;
	double var = (double)nb * (double)nn / 12 * ((n + 1) - ties / (n * (n - 1)));

	if (!(var > 0)) { /* every value tied: no evidence either way */
		out->p_greater = out->p_less = 1;
		return;
	}
	gsl_set_error_handler_off();
	out->p_greater = gsl_cdf_ugaussian_Q((u - mean - 0.5) / sqrt(var));
	out->p_less = gsl_cdf_ugaussian_P((u - mean + 0.5) / sqrt(var));
}

static int mw_check(const double *x, size_t n, const char *what, struct bb_err *err)
{
	if (n == 0 || !x)
		return bb_fail(err, 0, "compare: no samples in %s", what);
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return bb_fail(err, 0, "compare: %s sample %zu is not finite", what, i);
	return 0;
}

int compare_mann_whitney(const double *base, size_t nb, const double *new_, size_t nn,
                         struct compare_mw *out, struct bb_err *err)
{
	size_t n = nb + nn, k;
	_cleanup_free_ struct mw_item *it = NULL;
	_cleanup_free_ size_t *score = NULL;
	size_t w_new = 0, w_all = 0, w;
	double ties, p_le = 1, p_ge = 1;

	if (mw_check(base, nb, "base", err) < 0 || mw_check(new_, nn, "new", err) < 0)
		return -1;
	it = calloc(n, sizeof(*it));
	score = calloc(n, sizeof(*score));
	if (!it || !score)
		return bb_fail(err, ENOMEM, "compare: %zu samples", n);
	for (size_t i = 0; i < n; i++)
		it[i] = (struct mw_item){ i < nb ? base[i] : new_[i - nb], i >= nb };
	qsort(it, n, sizeof(*it), mw_item_cmp);
	ties = mw_ranks(it, n, score);
	for (size_t i = 0; i < n; i++) {
		w_all += score[i];
		w_new += it[i].is_new ? score[i] : 0;
	}
	/* U = R_new - nn(nn+1)/2 with R_new = w_new / 2 (doubled ranks). */
	out->u = (double)w_new / 2 - (double)nn * (double)(nn + 1) / 2;
	out->exact = n <= COMPARE_EXACT_MAX_N;
	if (!out->exact) {
		mw_normal(out->u, nb, nn, ties, out);
		return 0;
	}
	/* Count subsets of the smaller group: W_new = w_all - W_base flips the tails. */
	k = nn <= nb ? nn : nb;
	w = nn <= nb ? w_new : w_all - w_new;
	if (mw_exact(score, n, k, w, &p_le, &p_ge, err) < 0)
		return -1;
	out->p_greater = nn <= nb ? p_ge : p_le;
	out->p_less = nn <= nb ? p_le : p_ge;
	return 0;
}

enum compare_verdict compare_decide(const struct compare_stat *st, enum bb_better better,
                                    const struct compare_rule *rule)
{
	/* Oriented so that positive is worse: the CI's end nearest no change in each direction. */
	double worse_lo = better == BB_LOWER ? st->change_lo : -st->change_hi;
	double better_lo = better == BB_LOWER ? -st->change_hi : st->change_lo;

	if (isnan(st->change))
		return COMPARE_UNTESTED;
	if (!stats_has_ci(st->change_lo, st->change_hi))
		return COMPARE_SAME;
	if (st->p_worse_adj < rule->alpha && worse_lo > rule->threshold)
		return COMPARE_REGRESSION;
	if (st->p_better_adj < rule->alpha && better_lo > rule->threshold)
		return COMPARE_IMPROVEMENT;
	return COMPARE_SAME;
}

struct holm_item {
	double p;
	size_t i;
};

static int holm_cmp(const void *a, const void *b)
{
	double x = ((const struct holm_item *)a)->p, y = ((const struct holm_item *)b)->p;

	return (x > y) - (x < y);
}

int compare_holm(const double *p, size_t n, double *adj, struct bb_err *err)
{
	_cleanup_free_ struct holm_item *it = NULL;
	double run = 0;

	if (!n)
		return 0;
	it = calloc(n, sizeof(*it));
	if (!it)
		return bb_fail(err, ENOMEM, "compare: Holm over %zu tests", n);
	for (size_t i = 0; i < n; i++)
		it[i] = (struct holm_item){ p[i], i };
	qsort(it, n, sizeof(*it), holm_cmp);
	for (size_t j = 0; j < n; j++) {
		double a = fmin(1, (double)(n - j) * it[j].p);
		run = fmax(run, a); /* step-down: never below an earlier (smaller) one's */
		adj[it[j].i] = run;
	}
	return 0;
}

/* One family: the tested stats' p_worse (worse) or p_better, adjusted in place. */
static int correct_family(struct compare_stat *const *st, size_t n, bool worse, struct bb_err *err)
{
	_cleanup_free_ double *p = calloc(n ? n : 1, sizeof(*p));
	size_t m = 0;

	if (!p)
		return bb_fail(err, ENOMEM, "compare: %zu tests", n);
	for (size_t i = 0; i < n; i++)
		if (st[i]->verdict != COMPARE_UNTESTED)
			p[m++] = worse ? st[i]->p_worse : st[i]->p_better;
	if (compare_holm(p, m, p, err) < 0)
		return -1;
	m = 0;
	for (size_t i = 0; i < n; i++)
		if (st[i]->verdict != COMPARE_UNTESTED)
			*(worse ? &st[i]->p_worse_adj : &st[i]->p_better_adj) = p[m++];
	return 0;
}

int compare_correct(struct compare_stat *const *st, const enum bb_better *better, size_t n,
                    const struct compare_rule *rule, struct bb_err *err)
{
	if (correct_family(st, n, true, err) < 0 || correct_family(st, n, false, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (st[i]->verdict != COMPARE_UNTESTED)
			st[i]->verdict = compare_decide(st[i], better[i], rule);
	return 0;
}

int compare_samples(const double *base, size_t nb, const double *new_, size_t nn,
                    enum bb_better better, const struct compare_rule *rule, unsigned long seed,
                    struct compare_stat *out, struct bb_err *err)
{
	double ratio, lo, hi;

	memset(out, 0, sizeof(*out));
	out->verdict = COMPARE_UNTESTED;
	out->n_base = nb;
	out->n_new = nn;
	out->change = out->change_lo = out->change_hi = NAN;
	if (compare_mann_whitney(base, nb, new_, nn, &out->mw, err) < 0)
		return -1;
	out->median_base = stats_median(base, nb);
	out->median_new = stats_median(new_, nn);
	out->p_worse = better == BB_LOWER ? out->mw.p_greater : out->mw.p_less;
	out->p_better = better == BB_LOWER ? out->mw.p_less : out->mw.p_greater;
	out->p_worse_adj = out->p_worse;
	out->p_better_adj = out->p_better;
	if (out->median_base == 0)
		return bb_fail(err, 0, "compare: base median is 0, a relative change is undefined");
	if (stats_ratio(new_, nn, base, nb, seed, &ratio, &lo, &hi, err) < 0)
		return -1;
	out->change = ratio - 1;
	out->change_lo = lo - 1;
	out->change_hi = hi - 1;
	out->verdict = compare_decide(out, better, rule);
	return 0;
}

const char *compare_verdict_name(enum compare_verdict v)
{
	switch (v) {
	case COMPARE_SAME:
		return "no change";
	case COMPARE_REGRESSION:
		return "REGRESSION";
	case COMPARE_IMPROVEMENT:
		return "improvement";
	case COMPARE_UNTESTED:
		break;
	}
	return "untested";
}

const char *compare_verdict_key(enum compare_verdict v)
{
	static const char *const keys[] = { [COMPARE_SAME] = "same",
		                            [COMPARE_REGRESSION] = "regression",
		                            [COMPARE_IMPROVEMENT] = "improvement",
		                            [COMPARE_UNTESTED] = "untested" };

	return (unsigned)v < sizeof(keys) / sizeof(keys[0]) ? keys[v] : "untested";
}

unsigned long compare_seed(const struct bb_result *new_)
{
	json_t *s = json_object_get(new_->config, "seed");

	if (json_is_integer(s) && json_integer_value(s) >= 0)
		return (unsigned long)json_integer_value(s);
	return 1;
}
