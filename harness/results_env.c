#include "results.h"

#include <math.h>
#include <string.h>

/* Environments one result can name: the harness runs far fewer. */
#define RESULTS_MAX_ENVS 32

const char *results_jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

const struct bb_series *results_find_summary(const struct bb_result *res, const char *suite,
                                             const char *metric, const char *env)
{
	const struct bb_series *s =
	    results_series((struct bb_result *)res, suite, metric, env, false);
	return s && s->has_summary && s->summary.n > 0 ? s : NULL;
}

bool results_slowdown(const struct bb_series *s, double *v, double *lo, double *hi)
{
	if (!s || !s->has_vs || s->vs_ratio <= 0 || s->vs_lo <= 0 || s->vs_hi <= 0)
		return false;
	*v = s->better == BB_HIGHER ? 1 / s->vs_ratio : s->vs_ratio;
	*lo = s->better == BB_HIGHER ? 1 / s->vs_hi : s->vs_lo;
	*hi = s->better == BB_HIGHER ? 1 / s->vs_lo : s->vs_hi;
	return true;
}

double results_to_ms(double v, const char *unit)
{
	if (!strcmp(unit, "ms"))
		return v;
	if (!strcmp(unit, "s"))
		return v * 1000;
	if (!strcmp(unit, "us"))
		return v / 1000;
	if (!strcmp(unit, "ns"))
		return v / 1e6;
	return NAN;
}

const char *results_env_accel(const struct bb_result *res, const char *env)
{
	const struct bb_envdesc *d = results_env(res, env);

	if (d && d->accel[0])
		return d->accel;
	for (size_t i = 0; i < res->nseries; i++)
		if (!strcmp(res->series[i].env, env) && res->series[i].accel[0])
			return res->series[i].accel;
	return "";
}

bool results_env_emulated(const struct bb_result *res, const char *env)
{
	const struct bb_envdesc *d = results_env(res, env);

	if (d && d->emulated)
		return true;
	for (size_t i = 0; i < res->nseries; i++)
		if (!strcmp(res->series[i].env, env) && res->series[i].emulated)
			return true;
	return false;
}

enum bb_class results_env_class(const struct bb_result *res, const char *env)
{
	const struct bb_envdesc *d = results_env(res, env);

	return d ? d->class : BB_CLASS_UNKNOWN;
}

size_t results_env_names(const struct bb_result *res, const char **names, size_t max)
{
	size_t n = 0, j;

	for (size_t i = 0; i < res->nseries && n < max; i++) {
		for (j = 0; j < n && strcmp(names[j], res->series[i].env); j++)
			;
		if (j == n)
			names[n++] = res->series[i].env;
	}
	return n;
}

/* How typical a box is of its class, lower first: the box itself on the minimal image, then on
 * another image, then a decomposition variant (a box with a part left out). */
static int results_env_rank(const struct bb_envdesc *d)
{
	if (envdesc_is_variant(d))
		return 2;
	return d->image[0] && strcmp(d->image, "minimal") ? 1 : 0;
}

const char *results_env_best(const struct bb_result *res, enum bb_class cls,
                             bool (*has)(const struct bb_result *res, const char *env,
                                         const void *arg),
                             const void *arg)
{
	const struct bb_envdesc *best = NULL;

	for (size_t i = 0; i < res->nenvs; i++) {
		const struct bb_envdesc *d = &res->envs[i];
		if (d->class != cls || !d->available || !has(res, d->name, arg))
			continue;
		if (!best || results_env_rank(d) < results_env_rank(best))
			best = d;
	}
	return best ? best->name : NULL;
}

struct pick_what {
	const char *suite, *metric;
};

static bool has_summary(const struct bb_result *res, const char *env, const void *arg)
{
	const struct pick_what *w = arg;

	return results_find_summary(res, w->suite, w->metric, env) != NULL;
}

static bool has_vs(const struct bb_result *res, const char *env, const void *arg)
{
	const struct pick_what *w = arg;

	for (size_t i = 0; i < res->nseries; i++)
		if (!strcmp(res->series[i].suite, w->suite) && !strcmp(res->series[i].env, env) &&
		    res->series[i].has_vs)
			return true;
	return false;
}

const char *results_env_pick(const struct bb_result *res, enum bb_class cls, const char *suite,
                             const char *metric)
{
	struct pick_what w = { suite, metric };

	return results_env_best(res, cls, has_summary, &w);
}

const char *results_env_pick_vs(const struct bb_result *res, enum bb_class cls, const char *suite)
{
	struct pick_what w = { suite, NULL };

	return results_env_best(res, cls, has_vs, &w);
}

const char *results_env_fastest(const struct bb_result *res, enum bb_class cls, const char *suite,
                                const char *metric)
{
	const char *best = NULL;
	double best_ms = INFINITY;

	for (size_t i = 0; i < res->nenvs; i++) {
		const char *env = res->envs[i].name;
		const struct bb_series *s = results_find_summary(res, suite, metric, env);
		if (!s || res->envs[i].class != cls)
			continue;
		if (results_to_ms(s->summary.median, s->unit) < best_ms) {
			best = env;
			best_ms = results_to_ms(s->summary.median, s->unit);
		}
	}
	return best;
}

const struct bb_envdesc *results_env_of(const struct bb_result *res, enum bb_class cls,
                                        const char *image)
{
	for (size_t i = 0; i < res->nenvs; i++)
		if (res->envs[i].class == cls && !envdesc_is_variant(&res->envs[i]) &&
		    !strcmp(res->envs[i].image, image))
			return &res->envs[i];
	return NULL;
}

int results_env_depth(const struct bb_envdesc *d)
{
	if (!d)
		return 7;
	switch (d->class) {
	case BB_CLASS_NATIVE:
		return 0;
	case BB_CLASS_CONTAINER:
		if (!d->engine.runtime[0])
			return 1;
		if (!d->engine.name[0])
			return 2;
		return d->engine.daemon[0] ? 4 : 3;
	case BB_CLASS_VM:
		return 5;
	case BB_CLASS_NESTED:
		return 6;
	case BB_CLASS_UNKNOWN:
		break;
	}
	return 7;
}

void results_env_ladder_sort(const struct bb_result *res, const char **names, size_t n)
{
	/* insertion sort: stable, and n is a handful */
	for (size_t i = 1; i < n; i++) {
		const char *x = names[i];
		int dx = results_env_depth(results_env(res, x));
		size_t j = i;
		for (; j > 0 && results_env_depth(results_env(res, names[j - 1])) > dx; j--)
			names[j] = names[j - 1];
		names[j] = x;
	}
}
