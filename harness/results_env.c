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

json_t *results_env_desc(const struct bb_result *res, const char *env)
{
	return json_object_get(res->environments, env);
}

static bool has_prefix(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

const char *results_env_accel(const struct bb_result *res, const char *env)
{
	const char *a = json_string_value(json_object_get(results_env_desc(res, env), "accel"));

	if (a)
		return a;
	for (size_t i = 0; i < res->nseries; i++)
		if (!strcmp(res->series[i].env, env) && res->series[i].accel[0])
			return res->series[i].accel;
	return "";
}

bool results_env_emulated(const struct bb_result *res, const char *env)
{
	if (json_is_true(json_object_get(results_env_desc(res, env), "emulated")))
		return true;
	for (size_t i = 0; i < res->nseries; i++)
		if (!strcmp(res->series[i].env, env) && res->series[i].emulated)
			return true;
	return !strcmp(results_env_accel(res, env), "tcg");
}

static bool kind_is(const char *kind, const char *const *names)
{
	for (size_t i = 0; kind && names[i]; i++)
		if (!strcmp(kind, names[i]))
			return true;
	return false;
}

enum bb_class results_env_class(const struct bb_result *res, const char *env)
{
	static const char *const vm_kinds[] = { "vm", "qemu", "microvm", "kvm", NULL };
	static const char *const ct_kinds[] = { "namespaces", "container", "oci", NULL };
	static const char *const ct_names[] = { "container", "runc", "crun",  "podman",
		                                "docker",    "lxc",  "bwrap", NULL };
	json_t *d = results_env_desc(res, env);
	const char *kind = json_string_value(json_object_get(d, "kind"));

	if (!strcmp(env, "native") || kind_is(kind, (const char *const[]){ "process", NULL }))
		return BB_CLASS_NATIVE;
	if (json_is_true(json_object_get(d, "nested")) ||
	    (strstr(env, "vm") && strstr(env, "container")))
		return BB_CLASS_NESTED;
	if (results_env_accel(res, env)[0] || kind_is(kind, vm_kinds) || has_prefix(env, "vm") ||
	    has_prefix(env, "qemu"))
		return BB_CLASS_VM;
	if (kind_is(kind, ct_kinds))
		return BB_CLASS_CONTAINER;
	for (size_t i = 0; ct_names[i]; i++)
		if (has_prefix(env, ct_names[i]))
			return BB_CLASS_CONTAINER;
	return BB_CLASS_UNKNOWN;
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

const char *results_env_pick(const struct bb_result *res, enum bb_class cls, const char *preferred,
                             const char *suite, const char *metric)
{
	const char *names[RESULTS_MAX_ENVS];
	size_t n = results_env_names(res, names, RESULTS_MAX_ENVS);

	if (results_find_summary(res, suite, metric, preferred) &&
	    results_env_class(res, preferred) == cls)
		return preferred;
	for (size_t i = 0; i < n; i++)
		if (results_env_class(res, names[i]) == cls &&
		    results_find_summary(res, suite, metric, names[i]))
			return names[i];
	return NULL;
}

const char *results_env_fastest(const struct bb_result *res, enum bb_class cls, const char *suite,
                                const char *metric)
{
	const char *names[RESULTS_MAX_ENVS], *best = NULL;
	size_t n = results_env_names(res, names, RESULTS_MAX_ENVS);
	double best_ms = INFINITY;

	for (size_t i = 0; i < n; i++) {
		const struct bb_series *s = results_find_summary(res, suite, metric, names[i]);
		if (!s || results_env_class(res, names[i]) != cls)
			continue;
		if (results_to_ms(s->summary.median, s->unit) < best_ms) {
			best = names[i];
			best_ms = results_to_ms(s->summary.median, s->unit);
		}
	}
	return best;
}

const char *results_env_pick_vs(const struct bb_result *res, enum bb_class cls,
                                const char *preferred, const char *suite)
{
	const char *first = NULL;

	for (size_t i = 0; i < res->nseries; i++) {
		const struct bb_series *s = &res->series[i];
		if (strcmp(s->suite, suite) || !s->has_vs || results_env_class(res, s->env) != cls)
			continue;
		if (!strcmp(s->env, preferred))
			return s->env;
		if (!first)
			first = s->env;
	}
	return first;
}
