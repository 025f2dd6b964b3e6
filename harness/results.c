#include "results.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "outfile.h"
#include "results_decomp.h"

const char *better_name(enum bb_better b)
{
	return b == BB_HIGHER ? "higher" : "lower";
}

void results_init(struct bb_result *res)
{
	memset(res, 0, sizeof(*res));
	res->facts = json_array();
}

static void series_free(struct bb_series *s)
{
	free(s->samples);
	free(s->seq);
	for (size_t i = 0; i < s->nerr; i++)
		free(s->errors[i].reason);
	free(s->errors);
}

void results_free(struct bb_result *res)
{
	for (size_t i = 0; i < res->nseries; i++)
		series_free(&res->series[i]);
	free(res->series);
	json_decref(res->tool);
	json_decref(res->host);
	json_decref(res->config);
	json_decref(res->facts);
	json_decref(res->decomposition);
	for (size_t i = 0; i < res->nenvs; i++)
		envdesc_free(&res->envs[i]);
	free(res->envs);
	memset(res, 0, sizeof(*res));
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 8;
	while (ncap < need)
		ncap *= 2;
	void *np = realloc(*p, ncap * elem);
	if (!np)
		return -1;
	memset((char *)np + *cap * elem, 0, (ncap - *cap) * elem);
	*p = np;
	*cap = ncap;
	return 0;
}

static bool fits(const char *s, size_t max)
{
	return s && strlen(s) < max;
}

int results_add_env(struct bb_result *res, const struct bb_envdesc *d, struct bb_err *err)
{
	if (results_env(res, d->name))
		return bb_fail(err, 0, "environment %s described twice", d->name);
	if (grow((void **)&res->envs, &res->envcap, res->nenvs + 1, sizeof(*res->envs)) < 0)
		return bb_fail(err, ENOMEM, "environment %s", d->name);
	envdesc_copy(&res->envs[res->nenvs++], d);
	return 0;
}

const struct bb_envdesc *results_env(const struct bb_result *res, const char *name)
{
	for (size_t i = 0; name && i < res->nenvs; i++)
		if (!strcmp(res->envs[i].name, name))
			return &res->envs[i];
	return NULL;
}

const char *results_reference(const struct bb_result *res)
{
	for (size_t i = 0; i < res->nenvs; i++)
		if (res->envs[i].class == BB_CLASS_NATIVE && res->envs[i].available)
			return res->envs[i].name;
	return "native";
}

struct bb_series *results_series(struct bb_result *res, const char *suite, const char *metric,
                                 const char *env, bool create)
{
	struct bb_series *s;

	for (size_t i = 0; i < res->nseries; i++) {
		s = &res->series[i];
		if (!strcmp(s->suite, suite) && !strcmp(s->metric, metric) && !strcmp(s->env, env))
			return s;
	}
	if (!create || !fits(suite, sizeof(s->suite)) || !fits(metric, sizeof(s->metric)) ||
	    !fits(env, sizeof(s->env)))
		return NULL;
	if (grow((void **)&res->series, &res->cap, res->nseries + 1, sizeof(*s)) < 0)
		return NULL;
	s = &res->series[res->nseries++];
	memset(s, 0, sizeof(*s));
	strcpy(s->suite, suite);
	strcpy(s->metric, metric);
	strcpy(s->env, env);
	return s;
}

int series_add_sample(struct bb_series *s, double value, struct bb_err *err)
{
	if (!isfinite(value))
		return bb_fail(err, 0, "%s/%s/%s: sample is not finite", s->suite, s->metric,
		               s->env);
	if (grow((void **)&s->samples, &s->cap, s->n + 1, sizeof(double)) < 0)
		return bb_fail(err, ENOMEM, "samples");
	s->samples[s->n++] = value;
	return 0;
}

int results_stamp_seq(struct bb_result *res, long seq, struct bb_err *err)
{
	for (size_t i = 0; i < res->nseries; i++) {
		struct bb_series *s = &res->series[i];
		long *np;
		if (s->nseq >= s->n)
			continue;
		np = realloc(s->seq, s->cap * sizeof(*np));
		if (!np)
			return bb_fail(err, ENOMEM, "sequence numbers");
		s->seq = np;
		while (s->nseq < s->n)
			s->seq[s->nseq++] = seq;
	}
	return 0;
}

double series_precision(const struct bb_series *s)
{
	return s->has_summary ? stats_precision(&s->summary) : NAN;
}

bool series_met(const struct bb_series *s)
{
	double p = series_precision(s);

	return s->target > 0 && isfinite(p) && p <= s->target;
}

bool series_missed(const struct bb_series *s)
{
	return s->target > 0 && s->has_summary && !series_met(s);
}

bool series_vs_has_ci(const struct bb_series *s)
{
	return s->has_vs && stats_has_ci(s->vs_lo, s->vs_hi);
}

void series_ci_or_point(const struct bb_series *s, double *lo, double *hi)
{
	*lo = s->summary.has_ci ? s->summary.ci_lo : s->summary.median;
	*hi = s->summary.has_ci ? s->summary.ci_hi : s->summary.median;
}

bool series_slowdown_or_point(const struct bb_series *s, double *v, double *lo, double *hi,
                              bool *has_ci)
{
	*has_ci = true;
	if (results_slowdown(s, v, lo, hi))
		return true;
	*has_ci = false;
	if (!s || !s->has_vs || s->vs_ratio <= 0 || series_vs_has_ci(s))
		return false;
	*v = *lo = *hi = s->better == BB_HIGHER ? 1 / s->vs_ratio : s->vs_ratio;
	return true;
}

int series_add_error(struct bb_series *s, int rep, const char *reason, struct bb_err *err)
{
	if (grow((void **)&s->errors, &s->errcap, s->nerr + 1, sizeof(*s->errors)) < 0)
		return bb_fail(err, ENOMEM, "errors");
	s->errors[s->nerr].rep = rep;
	s->errors[s->nerr].reason = strdup(reason);
	if (!s->errors[s->nerr].reason)
		return bb_fail(err, ENOMEM, "errors");
	s->nerr++;
	return 0;
}

/* Spearman of value against sequence number per series, then the flag: with a hundred series
 * tested at once, p < 0.05 alone would flag five by chance, so the level is divided by the
 * number tested (Bonferroni). */
static int results_trends(struct bb_result *res, struct bb_err *err)
{
	size_t tested = 0;

	for (size_t i = 0; i < res->nseries; i++) {
		struct bb_series *s = &res->series[i];
		_cleanup_free_ double *x = NULL;
		s->has_trend = s->trend_flag = false;
		if (s->nseq != s->n || s->n < BB_TREND_MIN_N)
			continue;
		if (!(x = calloc(s->n, sizeof(*x))))
			return bb_fail(err, ENOMEM, "trend");
		for (size_t k = 0; k < s->n; k++)
			x[k] = (double)s->seq[k];
		if (stats_spearman(x, s->samples, s->n, &s->trend_rho, &s->trend_p, err) < 0)
			return bb_wrap(err, "%s/%s/%s: trend", s->suite, s->metric, s->env);
		s->has_trend = true;
		tested++;
	}
	for (size_t i = 0; i < res->nseries; i++) {
		struct bb_series *s = &res->series[i];
		s->trend_flag = s->has_trend && s->trend_p < BB_TREND_ALPHA / (double)tested;
	}
	return 0;
}

int results_summarize(struct bb_result *res, unsigned long seed, struct bb_err *err)
{
	for (size_t i = 0; i < res->nseries; i++) {
		struct bb_series *s = &res->series[i];
		s->has_summary = s->has_vs = false;
		if (s->n == 0)
			continue;
		if (stats_summarize(s->samples, s->n, seed, &s->summary, err) < 0)
			return bb_wrap(err, "%s/%s/%s", s->suite, s->metric, s->env);
		s->has_summary = true;
	}
	for (size_t i = 0; i < res->nseries; i++) {
		struct bb_series *s = &res->series[i];
		struct bb_series *nat =
		    results_series(res, s->suite, s->metric, results_reference(res), false);
		if (!s->n || !nat || !nat->n || nat == s || stats_median(nat->samples, nat->n) == 0)
			continue;
		if (stats_ratio(s->samples, s->n, nat->samples, nat->n, seed, &s->vs_ratio,
		                &s->vs_lo, &s->vs_hi, err) < 0)
			return bb_wrap(err, "%s/%s/%s vs native", s->suite, s->metric, s->env);
		s->has_vs = true;
	}
	return results_trends(res, err);
}

/* [lo, hi], or null where there is no interval (JSON has no infinities). */
static json_t *ci_json(double lo, double hi)
{
	return stats_has_ci(lo, hi) ? json_pack("[f,f]", lo, hi) : json_null();
}

static json_t *real_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *summary_to_json(const struct bb_series *s)
{
	const struct bb_summary *m = &s->summary;
	json_t *o = json_pack("{s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:o, s:I}", "n",
	                      (json_int_t)m->n, "median", m->median, "mean", m->mean, "sd", m->sd,
	                      "min", m->min, "max", m->max, "p05", m->p05, "p95", m->p95, "ci95",
	                      ci_json(m->ci_lo, m->ci_hi), "outliers", (json_int_t)m->outliers);

	json_object_set_new(o, "precision", real_or_null(series_precision(s)));
	json_object_set_new(o, "target", s->target > 0 ? json_real(s->target) : json_null());
	json_object_set_new(o, "met", s->target > 0 ? json_boolean(series_met(s)) : json_null());
	json_object_set_new(o, "trend",
	                    s->has_trend ? json_pack("{s:f, s:f, s:b}", "rho", s->trend_rho, "p",
	                                             s->trend_p, "flagged", s->trend_flag)
	                                 : json_null());
	return o;
}

/* The sampling facts of a series: order, stop reason, wall time, truncated samples. */
static void series_sampling_json(const struct bb_series *s, json_t *o)
{
	json_t *seq = json_array();

	for (size_t i = 0; s->nseq == s->n && i < s->nseq; i++)
		json_array_append_new(seq, json_integer(s->seq[i]));
	json_object_set_new(o, "seq", seq);
	json_object_set_new(o, "stop", s->stop[0] ? json_string(s->stop) : json_null());
	json_object_set_new(o, "wall_s", json_real(s->wall_s));
	json_object_set_new(o, "truncated", json_integer((json_int_t)s->truncated));
}

static json_t *series_to_json(const struct bb_series *s)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "suite", s->suite, "metric", s->metric,
	                      "env", s->env, "unit", s->unit, "better", better_name(s->better));
	json_t *samples = json_array(), *errors = json_array();

	for (size_t i = 0; i < s->n; i++)
		json_array_append_new(samples, json_real(s->samples[i]));
	for (size_t i = 0; i < s->nerr; i++)
		json_array_append_new(errors, json_pack("{s:i, s:s}", "rep", s->errors[i].rep,
		                                        "reason", s->errors[i].reason));
	json_object_set_new(o, "samples", samples);
	json_object_set_new(o, "errors", errors);
	series_sampling_json(s, o);
	if (s->accel[0]) {
		json_object_set_new(o, "accel", json_string(s->accel));
		json_object_set_new(o, "emulated", json_boolean(s->emulated));
	}
	json_object_set_new(o, "summary", s->has_summary ? summary_to_json(s) : json_null());
	json_object_set_new(o, "vs_native",
	                    s->has_vs ? json_pack("{s:f, s:o}", "ratio", s->vs_ratio, "ci95",
	                                          ci_json(s->vs_lo, s->vs_hi))
	                              : json_null());
	return o;
}

static json_t *obj_or_empty(json_t *o)
{
	return o ? json_incref(o) : json_object();
}

static json_t *results_envs_json(const struct bb_result *res)
{
	json_t *o = json_object();

	for (size_t i = 0; o && i < res->nenvs; i++)
		json_object_set_new(o, res->envs[i].name, envdesc_to_json(&res->envs[i]));
	return o;
}

json_t *results_to_json(const struct bb_result *res)
{
	json_t *doc = json_object(), *arr = json_array();

	json_object_set_new(doc, "schema", json_string(BB_SCHEMA));
	json_object_set_new(doc, "id", json_string(res->id));
	json_object_set_new(doc, "started_at", json_string(res->started_at));
	json_object_set_new(doc, "finished_at",
	                    res->finished_at[0] ? json_string(res->finished_at) : json_null());
	json_object_set_new(doc, "complete", json_boolean(res->complete));
	json_object_set_new(doc, "tool", obj_or_empty(res->tool));
	json_object_set_new(doc, "host", obj_or_empty(res->host));
	json_object_set_new(doc, "config", obj_or_empty(res->config));
	json_object_set_new(doc, "environments", results_envs_json(res));
	for (size_t i = 0; i < res->nseries; i++)
		json_array_append_new(arr, series_to_json(&res->series[i]));
	json_object_set_new(doc, "results", arr);
	json_object_set_new(doc, "facts", res->facts ? json_incref(res->facts) : json_array());
	if (res->decomposition)
		json_object_set_new(doc, "decomposition", json_incref(res->decomposition));
	return doc;
}

int results_write(const struct bb_result *res, const char *path, bool force, struct bb_err *err)
{
	char tmp[PATH_MAX];
	json_t *doc = results_to_json(res);
	FILE *f;
	int rc;

	if (!doc)
		return bb_fail(err, ENOMEM, "results: build JSON");
	if (!(f = outfile_open(path, tmp, sizeof(tmp), err))) {
		json_decref(doc);
		return bb_wrap(err, "results");
	}
	rc = json_dumpf(doc, f, JSON_INDENT(1) | JSON_REAL_PRECISION(12)) < 0 ||
	     fputc('\n', f) == EOF;
	json_decref(doc);
	if (rc) {
		outfile_abort(f, tmp);
		return bb_fail(err, errno ? errno : EIO, "results: write %s", path);
	}
	if (outfile_commit(f, tmp, path, force, err) < 0)
		return bb_wrap(err, "results");
	return 0;
}

/* Reading: every key the rest of boxbench relies on is checked for presence and type, so a
 * foreign or hand-edited file is rejected here with a message, not by a crash later. */

static int want(json_t *o, const char *key, json_type type, json_t **out, struct bb_err *err)
{
	static const char *names[] = { "an object", "an array", "a string", "an integer",
		                       "a number",  "true",     "false",    "null" };
	json_t *v = json_object_get(o, key);

	if (!v)
		return bb_fail(err, 0, "missing \"%s\"", key);
	if (type == JSON_REAL ? !json_is_number(v)
	                      : (type == JSON_TRUE ? !json_is_boolean(v) : json_typeof(v) != type))
		return bb_fail(err, 0, "\"%s\" is not %s", key,
		               type == JSON_TRUE ? "a boolean" : names[type]);
	*out = v;
	return 0;
}

static int read_str(json_t *o, const char *key, char *dst, size_t len, struct bb_err *err)
{
	json_t *v;

	if (want(o, key, JSON_STRING, &v, err) < 0)
		return -1;
	if (json_string_length(v) >= len)
		return bb_fail(err, 0, "\"%s\" is too long", key);
	memcpy(dst, json_string_value(v), json_string_length(v) + 1);
	return 0;
}

static int read_pair(json_t *v, const char *key, double *lo, double *hi, struct bb_err *err)
{
	if (!json_is_array(v) || json_array_size(v) != 2 || !json_is_number(json_array_get(v, 0)) ||
	    !json_is_number(json_array_get(v, 1)))
		return bb_fail(err, 0, "\"%s\" is not a [low, high] pair of numbers", key);
	*lo = json_number_value(json_array_get(v, 0));
	*hi = json_number_value(json_array_get(v, 1));
	if (!isfinite(*lo) || !isfinite(*hi))
		return bb_fail(err, 0, "\"%s\" is not finite", key);
	return 0;
}

/* A count in [0, max]. */
static int read_count(json_t *o, const char *key, size_t max, size_t *out, struct bb_err *err)
{
	json_t *v;

	if (want(o, key, JSON_INTEGER, &v, err) < 0)
		return -1;
	if (json_integer_value(v) < 0 || (size_t)json_integer_value(v) > max)
		return bb_fail(err, 0, "\"%s\" is %" JSON_INTEGER_FORMAT ", not in [0, %zu]", key,
		               json_integer_value(v), max);
	*out = (size_t)json_integer_value(v);
	return 0;
}

/* A "ci95" pair, or null for no interval. An interval below BB_CI_MIN_N samples (a result
 * written before that rule) is dropped: it would be shown, and it under-covers. */
static int read_ci(json_t *v, const char *key, size_t n, double *lo, double *hi, struct bb_err *err)
{
	*lo = -INFINITY;
	*hi = INFINITY;
	if (!v || json_is_null(v))
		return 0;
	if (read_pair(v, key, lo, hi, err) < 0)
		return -1;
	if (n < BB_CI_MIN_N) {
		*lo = -INFINITY;
		*hi = INFINITY;
	}
	return 0;
}

/* Optional sampling keys of a summary: the target it sampled to and its trend test. */
static void read_summary_extra(json_t *o, struct bb_series *s)
{
	json_t *v = json_object_get(o, "target"), *t = json_object_get(o, "trend");

	if (json_is_number(v) && json_number_value(v) > 0)
		s->target = json_number_value(v);
	if (json_is_object(t) && json_is_number(json_object_get(t, "rho")) &&
	    json_is_number(json_object_get(t, "p"))) {
		s->has_trend = true;
		s->trend_rho = json_number_value(json_object_get(t, "rho"));
		s->trend_p = json_number_value(json_object_get(t, "p"));
		s->trend_flag = json_is_true(json_object_get(t, "flagged"));
	}
}

/* The summary must describe the samples kept: as many, finite, in order. */
static int read_summary(json_t *o, struct bb_series *s, struct bb_err *err)
{
	const char *keys[] = { "median", "mean", "sd", "min", "max", "p05", "p95" };
	struct bb_summary *m = &s->summary;
	double *dst[] = { &m->median, &m->mean, &m->sd, &m->min, &m->max, &m->p05, &m->p95 };
	size_t nsamples = s->n;
	json_t *v;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (want(o, keys[i], JSON_REAL, &v, err) < 0)
			return -1;
		*dst[i] = json_number_value(v);
		if (!isfinite(*dst[i]))
			return bb_fail(err, 0, "\"%s\" is not finite", keys[i]);
	}
	if (!json_object_get(o, "ci95"))
		return bb_fail(err, 0, "missing \"ci95\"");
	if (read_count(o, "n", nsamples, &m->n, err) < 0 ||
	    read_count(o, "outliers", nsamples, &m->outliers, err) < 0 ||
	    read_ci(json_object_get(o, "ci95"), "ci95", m->n, &m->ci_lo, &m->ci_hi, err) < 0)
		return -1;
	if (m->n != nsamples)
		return bb_fail(err, 0, "\"n\" is %zu but %zu sample(s) are kept", m->n, nsamples);
	if (m->n == 0)
		return bb_fail(err, 0, "a summary of no sample");
	if (!(m->min <= m->median && m->median <= m->max) || m->sd < 0 || m->ci_lo > m->ci_hi)
		return bb_fail(err, 0,
		               "inconsistent (min <= median <= max, sd >= 0, ci95 in order)");
	m->has_ci = stats_has_ci(m->ci_lo, m->ci_hi);
	read_summary_extra(o, s);
	return 0;
}

static int read_samples(json_t *arr, struct bb_series *s, struct bb_err *err)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
	{
		if (!json_is_number(v))
			return bb_fail(err, 0, "sample %zu is not a number", i);
		if (series_add_sample(s, json_number_value(v), err) < 0)
			return -1;
	}
	return 0;
}

static int read_errors(json_t *arr, struct bb_series *s, struct bb_err *err)
{
	size_t i;
	json_t *e, *rep, *reason;

	json_array_foreach(arr, i, e)
	{
		if (!json_is_object(e) || want(e, "rep", JSON_INTEGER, &rep, err) < 0 ||
		    want(e, "reason", JSON_STRING, &reason, err) < 0)
			return bb_fail(err, 0, "error %zu is not {rep, reason}", i);
		if (json_integer_value(rep) < -RESULTS_MAX_REPS ||
		    json_integer_value(rep) > RESULTS_MAX_REPS ||
		    json_string_length(reason) > RESULTS_MAX_TEXT)
			return bb_fail(err, 0, "error %zu: rep out of range or reason too long", i);
		if (series_add_error(s, (int)json_integer_value(rep), json_string_value(reason),
		                     err) < 0)
			return -1;
	}
	return 0;
}

static int read_vs(json_t *o, struct bb_series *s, struct bb_err *err)
{
	json_t *vs = json_object_get(o, "vs_native"), *ratio;

	if (!vs || json_is_null(vs))
		return 0;
	if (!json_is_object(vs) || want(vs, "ratio", JSON_REAL, &ratio, err) < 0)
		return bb_fail(err, 0, "\"vs_native\" is not {ratio, ci95}");
	s->vs_ratio = json_number_value(ratio);
	s->has_vs = true;
	if (!s->has_summary)
		return bb_fail(err, 0, "\"vs_native\" without a summary");
	if (read_ci(json_object_get(vs, "ci95"), "vs_native.ci95", s->n, &s->vs_lo, &s->vs_hi,
	            err) < 0)
		return -1;
	if (!isfinite(s->vs_ratio) || s->vs_ratio < 0 ||
	    (stats_has_ci(s->vs_lo, s->vs_hi) && (s->vs_lo < 0 || s->vs_lo > s->vs_hi)))
		return bb_fail(err, 0, "\"vs_native\" is not a ratio >= 0 within its ci95");
	return 0;
}

/* Optional sampling keys of a series (results before them have none). */
static int read_sampling(json_t *o, struct bb_series *s, struct bb_err *err)
{
	json_t *seq = json_object_get(o, "seq"), *v;
	size_t i;

	if (json_is_array(seq) && json_array_size(seq) == s->n && s->n) {
		if (!(s->seq = calloc(s->cap, sizeof(*s->seq))))
			return bb_fail(err, ENOMEM, "seq");
		json_array_foreach(seq, i, v)
		{
			if (!json_is_integer(v))
				return bb_fail(err, 0, "seq %zu is not an integer", i);
			s->seq[s->nseq++] = (long)json_integer_value(v);
		}
	}
	v = json_object_get(o, "stop");
	if (json_is_string(v) && json_string_length(v) < sizeof(s->stop))
		strcpy(s->stop, json_string_value(v));
	v = json_object_get(o, "wall_s");
	s->wall_s = json_is_number(v) ? json_number_value(v) : 0;
	v = json_object_get(o, "truncated");
	s->truncated =
	    json_is_integer(v) && json_integer_value(v) > 0 ? (size_t)json_integer_value(v) : 0;
	return 0;
}

/* Metrics renamed since results were first written: an old result is read under the new name,
 * so that show, report, compare and history line old and new results up. */
static const struct {
	const char *suite, *old, *now;
} results_renamed[] = {
	/* the guest's CLOCK_BOOTTIME at init, not a time since the VMM's launch */
	{ "startup", "guest_boot", "guest_boottime_at_init" },
};

const char *results_metric_current(const char *suite, const char *metric)
{
	for (size_t i = 0; i < sizeof(results_renamed) / sizeof(results_renamed[0]); i++)
		if (!strcmp(suite, results_renamed[i].suite) &&
		    !strcmp(metric, results_renamed[i].old))
			return results_renamed[i].now;
	return metric;
}

static int read_series(json_t *o, struct bb_result *res, struct bb_err *err)
{
	char suite[64], metric[64], env[32], better[16];
	json_t *arr, *sum, *accel;
	struct bb_series *s;
	const char *cur;

	if (!json_is_object(o))
		return bb_fail(err, 0, "not an object");
	if (read_str(o, "suite", suite, sizeof(suite), err) < 0 ||
	    read_str(o, "metric", metric, sizeof(metric), err) < 0 ||
	    read_str(o, "env", env, sizeof(env), err) < 0 ||
	    read_str(o, "better", better, sizeof(better), err) < 0)
		return -1;
	if (strcmp(better, "lower") && strcmp(better, "higher"))
		return bb_fail(err, 0, "\"better\" is neither \"lower\" nor \"higher\"");
	cur = results_metric_current(suite, metric);
	if (cur != metric)
		snprintf(metric, sizeof(metric), "%s", cur);
	if (results_series(res, suite, metric, env, false))
		return bb_fail(err, 0, "%s/%s/%s appears twice", suite, metric, env);
	s = results_series(res, suite, metric, env, true);
	if (!s)
		return bb_fail(err, ENOMEM, "series");
	s->better = strcmp(better, "higher") ? BB_LOWER : BB_HIGHER;
	if (read_str(o, "unit", s->unit, sizeof(s->unit), err) < 0 ||
	    want(o, "samples", JSON_ARRAY, &arr, err) < 0 || read_samples(arr, s, err) < 0 ||
	    want(o, "errors", JSON_ARRAY, &arr, err) < 0 || read_errors(arr, s, err) < 0 ||
	    read_sampling(o, s, err) < 0)
		return -1;
	if (s->n > RESULTS_MAX_SAMPLES || s->nerr > RESULTS_MAX_SAMPLES)
		return bb_fail(err, 0, "more than %d samples or errors", RESULTS_MAX_SAMPLES);
	accel = json_object_get(o, "accel");
	if (accel && (!json_is_string(accel) || json_string_length(accel) >= sizeof(s->accel)))
		return bb_fail(err, 0, "\"accel\" is not a short string");
	if (accel) {
		strcpy(s->accel, json_string_value(accel));
		s->emulated = json_is_true(json_object_get(o, "emulated"));
	}
	sum = json_object_get(o, "summary");
	if (sum && !json_is_null(sum)) {
		if (!json_is_object(sum) || read_summary(sum, s, err) < 0)
			return bb_wrap(err, "summary");
		s->has_summary = true;
	} else if (s->n) {
		return bb_fail(err, 0, "%zu sample(s) without a summary", s->n);
	}
	return read_vs(o, s, err);
}

static int read_envs(json_t *envs, struct bb_result *res, struct bb_err *err)
{
	struct bb_envdesc d;
	const char *name;
	json_t *v;

	json_object_foreach(envs, name, v)
	{
		if (envdesc_from_json(name, v, &d, err) < 0)
			return -1;
		if (results_add_env(res, &d, err) < 0) {
			envdesc_free(&d);
			return -1;
		}
		envdesc_free(&d);
	}
	return 0;
}

/* Facts: {env, suite, key, value, rep} with short strings. */
static int read_facts(json_t *arr, struct bb_err *err)
{
	const char *keys[] = { "env", "suite", "key" };
	json_t *f, *v;
	size_t i;

	json_array_foreach(arr, i, f)
	{
		if (!json_is_object(f) || !json_object_get(f, "value"))
			return bb_fail(err, 0, "facts[%zu] is not {env, suite, key, value, rep}",
			               i);
		for (size_t k = 0; k < 3; k++)
			if (want(f, keys[k], JSON_STRING, &v, err) < 0 ||
			    json_string_length(v) >= RESULTS_MAX_NAME)
				return bb_fail(err, 0, "facts[%zu]: \"%s\" is not a short string",
				               i, keys[k]);
		v = json_object_get(f, "value");
		if (json_is_string(v) && json_string_length(v) > RESULTS_MAX_TEXT)
			return bb_fail(err, 0, "facts[%zu]: value too long", i);
	}
	return 0;
}

static int read_header(json_t *doc, struct bb_result *res, struct bb_err *err)
{
	const char *objs[] = { "tool", "host", "config" };
	json_t **dst[] = { &res->tool, &res->host, &res->config };
	json_t *v;

	if (read_str(doc, "id", res->id, sizeof(res->id), err) < 0 ||
	    read_str(doc, "started_at", res->started_at, sizeof(res->started_at), err) < 0 ||
	    want(doc, "complete", JSON_TRUE, &v, err) < 0)
		return -1;
	res->complete = json_is_true(v);
	v = json_object_get(doc, "finished_at");
	if (v && !json_is_null(v) &&
	    (!json_is_string(v) || json_string_length(v) >= sizeof(res->finished_at)))
		return bb_fail(err, 0, "\"finished_at\" is not a date");
	if (json_is_string(v))
		strcpy(res->finished_at, json_string_value(v));
	for (size_t i = 0; i < 3; i++) {
		if (want(doc, objs[i], JSON_OBJECT, &v, err) < 0)
			return -1;
		*dst[i] = json_incref(v);
	}
	if (want(doc, "environments", JSON_OBJECT, &v, err) < 0 || read_envs(v, res, err) < 0)
		return -1;
	v = json_object_get(doc, "facts");
	if (v && !json_is_array(v))
		return bb_fail(err, 0, "\"facts\" is not an array");
	if (v && read_facts(v, err) < 0)
		return -1;
	if (v) {
		json_decref(res->facts);
		res->facts = json_incref(v);
	}
	return 0;
}

/* Cross-references: a result that describes its environments describes each one its series
 * and facts name. */
static int read_check_refs(const struct bb_result *res, struct bb_err *err)
{
	json_t *f;
	size_t i;

	if (res->nenvs == 0)
		return 0;
	for (i = 0; i < res->nseries; i++)
		if (!results_env(res, res->series[i].env))
			return bb_fail(err, 0, "results[%zu]: environment \"%s\" is not described",
			               i, res->series[i].env);
	json_array_foreach(res->facts, i, f)
	{
		const char *env = json_string_value(json_object_get(f, "env"));
		if (strcmp(env, RESULTS_FACT_HOST) && !results_env(res, env))
			return bb_fail(err, 0, "facts[%zu]: environment \"%s\" is not described", i,
			               env);
	}
	return 0;
}

/* A ratio whose reference had fewer than BB_CI_MIN_N samples has no interval either. */
static void results_drop_small_ratios(struct bb_result *res)
{
	for (size_t i = 0; i < res->nseries; i++) {
		struct bb_series *s = &res->series[i];
		const struct bb_series *nat =
		    results_series(res, s->suite, s->metric, results_reference(res), false);
		if (s->has_vs && nat && nat->n < BB_CI_MIN_N) {
			s->vs_lo = -INFINITY;
			s->vs_hi = INFINITY;
		}
	}
}

/* The paired decomposition's blocks (results_decomp.h): absent in an unpaired result; kept
 * only when they read and every box they name is described. */
static int read_decomposition(json_t *doc, struct bb_result *res, struct bb_err *err)
{
	json_t *o = json_object_get(doc, "decomposition");
	struct pairing p;

	if (!o)
		return 0;
	if (results_decomp_parse(o, &p, err) < 0)
		return -1;
	for (size_t k = 0; res->nenvs && k < p.ncols; k++)
		if (!results_env(res, p.cols[k])) {
			bb_fail(err, 0, "decomposition: environment \"%s\" is not described",
			        p.cols[k]);
			pairing_free(&p);
			return -1;
		}
	pairing_free(&p);
	res->decomposition = json_incref(o);
	return 0;
}

int results_from_json(json_t *doc, struct bb_result *res, struct bb_err *err)
{
	json_t *schema, *arr, *o;
	size_t i;

	results_init(res);
	if (!json_is_object(doc)) {
		bb_fail(err, 0, "not a JSON object: not a boxbench result");
		goto fail;
	}
	schema = json_object_get(doc, "schema");
	if (!json_is_string(schema)) {
		bb_fail(err, 0, "no \"schema\": not a boxbench result");
		goto fail;
	}
	if (strcmp(json_string_value(schema), BB_SCHEMA) != 0) {
		bb_fail(err, 0, "schema is \"%s\", expected \"%s\"", json_string_value(schema),
		        BB_SCHEMA);
		goto fail;
	}
	if (json_object_get(doc, "hosts")) {
		bb_fail(err, 0,
		        "a merged result of %zu host(s) (boxbench merge): this reads one host's "
		        "result",
		        json_array_size(json_object_get(doc, "hosts")));
		goto fail;
	}
	if (read_header(doc, res, err) < 0 || want(doc, "results", JSON_ARRAY, &arr, err) < 0)
		goto fail;
	json_array_foreach(arr, i, o)
	{
		if (read_series(o, res, err) < 0) {
			bb_wrap(err, "results[%zu]", i);
			goto fail;
		}
	}
	if (read_check_refs(res, err) < 0 || read_decomposition(doc, res, err) < 0)
		goto fail;
	results_drop_small_ratios(res);
	return 0;
fail:
	results_free(res);
	return -1;
}

/* Only a regular file of bounded size is read: a FIFO or a device would block or never end.
 * O_NONBLOCK makes the open itself return at once on a FIFO. */
json_t *results_load(const char *path, struct bb_err *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	json_error_t jerr;
	struct stat st;
	json_t *doc;
	FILE *f;

	if (fd < 0 || fstat(fd, &st) < 0)
		return bb_fail(err, errno, "%s", path), NULL;
	if (!S_ISREG(st.st_mode))
		return bb_fail(err, 0, "%s is not a regular file", path), NULL;
	if (st.st_size > RESULTS_MAX_BYTES)
		return bb_fail(err, 0, "%s is larger than %d MiB: not a boxbench result", path,
		               RESULTS_MAX_BYTES >> 20),
		       NULL;
	if (fcntl(fd, F_SETFL, 0) < 0 || !(f = fdopen(fd, "r")))
		return bb_fail(err, errno, "%s", path), NULL;
	fd = -1; /* the stream owns it */
	doc = json_loadf(f, JSON_REJECT_DUPLICATES, &jerr);
	fclose(f);
	if (!doc)
		bb_fail(err, 0, "%s: not valid JSON (line %d: %s)", path, jerr.line, jerr.text);
	return doc;
}

int results_read(const char *path, struct bb_result *res, struct bb_err *err)
{
	json_t *doc;
	int rc;

	memset(res, 0, sizeof(*res));
	if (!(doc = results_load(path, err)))
		return -1;
	rc = results_from_json(doc, res, err);
	json_decref(doc);
	if (rc < 0)
		return bb_wrap(err, "%s", path);
	return 0;
}

void results_utc_now(char *buf, size_t len, const char *fmt)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, fmt, &tm);
}
