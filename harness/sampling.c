#include "sampling.h"

#include <math.h>
#include <string.h>

#include "stats.h"

void sampling_pair_init(struct run_pair *p, size_t si, size_t ei, double target, long fixed,
                        const struct sampling_cfg *c)
{
	memset(p, 0, sizeof(*p));
	p->si = si;
	p->ei = ei;
	p->fixed = c->reps > 0 ? c->reps : fixed > 0 ? fixed : 0;
	p->target = p->fixed ? 0 : target;
	p->precision = NAN;
}

double sampling_cost(const struct run_pair *p)
{
	return p->runs ? p->run_s / (double)p->runs : 0;
}

long sampling_min_n(const struct run_pair *p)
{
	if (p->fixed)
		return p->fixed;
	/* Before the first instance its cost is unknown: assume cheap (the larger minimum). */
	return p->runs && sampling_cost(p) >= SAMPLING_CHEAP_S ? BB_CI_MIN_N : SAMPLING_MIN_CHEAP;
}

long sampling_batch(const struct run_pair *p, const struct sampling_cfg *c)
{
	double cost = sampling_cost(p), quantum = c->budget_s / SAMPLING_ROUNDS;
	long b = 1, left;

	if (p->stop || p->paired)
		return 0;
	if (p->fixed)
		return p->kept < p->fixed ? 1 : 0;
	if (cost > 0 && quantum > cost)
		b = (long)(quantum / cost);
	left = c->max_n - p->kept;
	return b < left ? b : left > 0 ? left : 0;
}

/* The worst relative half-width over the pair's driving series (+inf when one has no
 * interval or a median of 0); *ndrive counts them. */
static int sampling_worst(struct run_pair *p, const struct sampling_cfg *c, struct bb_result *res,
                          const char *suite, const char *env, size_t *ndrive, struct bb_err *err)
{
	double worst = 0;

	*ndrive = 0;
	for (size_t i = 0; i < res->nseries; i++) {
		struct bb_series *s = &res->series[i];
		struct bb_summary sum;
		double prec;
		if (strcmp(s->suite, suite) || strcmp(s->env, env) || s->n == 0 ||
		    s->n != (size_t)p->ok)
			continue;
		if (stats_summarize(s->samples, s->n, c->seed, &sum, err) < 0)
			return bb_wrap(err, "%s/%s/%s", suite, s->metric, env);
		prec = stats_precision(&sum);
		worst = isfinite(prec) && prec > worst ? prec : isfinite(prec) ? worst : INFINITY;
		(*ndrive)++;
	}
	p->precision = *ndrive ? worst : NAN;
	return 0;
}

static bool sampling_has_driver(const struct run_pair *p, const struct bb_result *res,
                                const char *suite, const char *env)
{
	for (size_t i = 0; i < res->nseries; i++) {
		const struct bb_series *s = &res->series[i];
		if (!strcmp(s->suite, suite) && !strcmp(s->env, env) && s->n &&
		    s->n == (size_t)p->ok)
			return true;
	}
	return false;
}

int sampling_update(struct run_pair *p, const struct sampling_cfg *c, struct bb_result *res,
                    const char *suite, const char *env, struct bb_err *err)
{
	long min = sampling_min_n(p);
	size_t ndrive;
	bool over = p->spent_s >= c->budget_s;

	if (p->stop || p->paired)
		return 0;
	if (p->fixed) {
		if (p->kept >= p->fixed)
			p->stop = "reps";
		return 0;
	}
	if (p->ok == 0 && p->kept >= SAMPLING_MAX_FAILED) {
		p->stop = "failed";
		return 0;
	}
	if (p->ok >= 1 && !sampling_has_driver(p, res, suite, env)) {
		p->stop = "once"; /* nothing to estimate: facts only */
		return 0;
	}
	if (p->ok >= min && (p->ok >= p->next_check || over || p->kept >= c->max_n)) {
		if (sampling_worst(p, c, res, suite, env, &ndrive, err) < 0)
			return -1;
		if (ndrive && p->precision <= p->target) {
			p->stop = "precision";
			return 0;
		}
		p->next_check = (long)ceil((double)p->ok * SAMPLING_CHECK_GROWTH);
	}
	if (p->kept >= c->max_n)
		p->stop = "max";
	else if (p->kept >= min && over)
		p->stop = "budget";
	return 0;
}

void sampling_shuffle(size_t *v, size_t n, gsl_rng *r)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)gsl_rng_uniform_int(r, i), t = v[i - 1];
		v[i - 1] = v[j];
		v[j] = t;
	}
}

double sampling_eta_s(const struct run_pair *p, const struct sampling_cfg *c)
{
	double cost = sampling_cost(p), left = c->budget_s - p->spent_s;
	long min = sampling_min_n(p), need = min > p->kept ? min - p->kept : 0;

	if (p->stop || p->paired)
		return 0;
	if (p->fixed)
		return cost * (double)(p->fixed - p->kept);
	return fmax(left > 0 ? left : 0, cost * (double)need);
}
