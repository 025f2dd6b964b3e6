#include "export.h"

#include <errno.h>
#include <math.h>
#include <string.h>

int export_format_parse(const char *name, enum export_format *out, struct bb_err *err)
{
	static const char *names[] = { "csv", "bmf", "gab", "gbench" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(name, names[i])) {
			*out = (enum export_format)i;
			return 0;
		}
	}
	return bb_fail(err, 0, "--format: unknown format '%s' (csv, bmf, gab or gbench)", name);
}

static bool export_wanted(const struct bb_series *s, const char *env)
{
	return !env || !strcmp(s->env, env);
}

/* A text cell a spreadsheet would run as a formula (=, +, -, @, or a tab or carriage return
 * before one): OWASP's CSV injection rule prefixes it with a quote so it stays text. */
static bool csv_formula(const char *s)
{
	return *s && strchr("=+-@\t\r", *s);
}

/* RFC 4180: quote a field holding a separator, a quote or a line break. */
static void csv_field(FILE *f, const char *s)
{
	bool formula = csv_formula(s);

	if (!strpbrk(s, ",\"\r\n")) {
		fputs(formula ? "'" : "", f);
		fputs(s, f);
		return;
	}
	fputc('"', f);
	if (formula)
		fputc('\'', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void csv_row(FILE *f, const struct bb_series *s, size_t i, const char *id)
{
	const char *fields[] = { s->suite, s->metric, s->env, s->unit, better_name(s->better) };

	for (size_t k = 0; k < 5; k++) {
		csv_field(f, fields[k]);
		fputc(',', f);
	}
	/* %.12g: the precision results files are written with, so values are unchanged. */
	fprintf(f, "%zu,%.12g,", i, s->samples[i]);
	csv_field(f, s->accel);
	fputc(',', f);
	csv_field(f, id);
	fputc('\n', f);
}

int export_csv(const struct bb_result *res, const char *env, FILE *f, struct bb_err *err)
{
	fputs("suite,metric,env,unit,better,rep_index,value,accel,result_id\n", f);
	for (size_t i = 0; i < res->nseries; i++) {
		const struct bb_series *s = &res->series[i];
		if (!export_wanted(s, env))
			continue;
		for (size_t j = 0; j < s->n; j++)
			csv_row(f, s, j, res->id);
	}
	if (ferror(f))
		return bb_fail(err, errno, "export: csv: write");
	return 0;
}

/* Nanoseconds per unit for the time units, 0 for any other unit. */
static double unit_ns(const char *unit)
{
	static const struct {
		const char *name;
		double ns;
	} units[] = { { "s", 1e9 }, { "ms", 1e6 }, { "us", 1e3 }, { "ns", 1 } };

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(unit, units[i].name))
			return units[i].ns;
	return 0;
}

/* The environment a BMF document describes: the chosen one, else the only one with data. */
static int bmf_env(const struct bb_result *res, const char *env, const char **out,
                   struct bb_err *err)
{
	const char *envs[16];
	char list[256] = "";
	size_t n = 0, k;

	for (size_t i = 0; i < res->nseries; i++) {
		const struct bb_series *s = &res->series[i];
		if (!s->has_summary || !export_wanted(s, env))
			continue;
		for (k = 0; k < n && strcmp(envs[k], s->env); k++)
			;
		if (k == n && n < 16)
			envs[n++] = s->env;
	}
	if (n == 0)
		return bb_fail(err, 0, "export: bmf: no series with samples%s%s", env ? " in " : "",
		               env ? env : "");
	for (k = 0; k < n; k++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", k ? ", " : "",
		         envs[k]);
	if (n > 1)
		return bb_fail(err, 0,
		               "export: bmf: the result holds %zu environments (%s) and Bencher "
		               "takes one testbed per report: pick one with --env",
		               n, list);
	*out = envs[0];
	return 0;
}

json_t *export_bmf(const struct bb_result *res, const char *env, struct bb_err *err)
{
	const char *only = NULL;
	json_t *doc;

	if (bmf_env(res, env, &only, err) < 0)
		return NULL;
	doc = json_object();
	for (size_t i = 0; doc && i < res->nseries; i++) {
		const struct bb_series *s = &res->series[i];
		char name[160];
		double k = unit_ns(s->unit);
		if (!s->has_summary || strcmp(s->env, only))
			continue;
		if (k == 0)
			k = 1;
		snprintf(name, sizeof(name), "%s/%s", s->suite, s->metric);
		/* Bencher's bounds are optional: none where there is no interval (n < 5). */
		json_t *m =
		    s->summary.has_ci
		        ? json_pack("{s:{s:f, s:f, s:f}}", unit_ns(s->unit) ? "latency" : s->unit,
		                    "value", s->summary.median * k, "lower_value",
		                    s->summary.ci_lo * k, "upper_value", s->summary.ci_hi * k)
		        : json_pack("{s:{s:f}}", unit_ns(s->unit) ? "latency" : s->unit, "value",
		                    s->summary.median * k);
		if (!m || json_object_set_new(doc, name, m) < 0) {
			json_decref(doc);
			doc = NULL;
		}
	}
	if (!doc)
		bb_fail(err, ENOMEM, "export: bmf");
	return doc;
}

static json_t *gab_entry(const struct bb_result *res, const struct bb_series *s)
{
	const struct bb_summary *m = &s->summary;
	char name[192], range[48], extra[320];
	int o;

	snprintf(name, sizeof(name), "%s/%s/%s", s->suite, s->metric, s->env);
	if (m->has_ci) {
		snprintf(range, sizeof(range), "\xc2\xb1 %.4g",
		         fmax(m->ci_hi - m->median, m->median - m->ci_lo));
		o = snprintf(extra, sizeof(extra),
		             "95%% CI of the median across instances [%.6g, %.6g] %s; n=%zu; "
		             "result %s",
		             m->ci_lo, m->ci_hi, s->unit, m->n, res->id);
	} else {
		snprintf(range, sizeof(range), "no CI (n < %d)", BB_CI_MIN_N);
		o = snprintf(extra, sizeof(extra), "n=%zu; result %s", m->n, res->id);
	}
	if (s->accel[0] && o > 0 && (size_t)o < sizeof(extra))
		snprintf(extra + o, sizeof(extra) - (size_t)o, "; accel %s%s", s->accel,
		         s->emulated ? " (emulated)" : "");
	return json_pack("{s:s, s:s, s:f, s:s, s:s}", "name", name, "unit", s->unit, "value",
	                 m->median, "range", range, "extra", extra);
}

json_t *export_gab(const struct bb_result *res, const char *env, enum bb_better better,
                   size_t *left_out, struct bb_err *err)
{
	json_t *arr = json_array();

	*left_out = 0;
	for (size_t i = 0; arr && i < res->nseries; i++) {
		const struct bb_series *s = &res->series[i];
		if (!s->has_summary || !export_wanted(s, env))
			continue;
		if (s->better != better) {
			(*left_out)++;
			continue;
		}
		if (json_array_append_new(arr, gab_entry(res, s)) < 0) {
			json_decref(arr);
			arr = NULL;
		}
	}
	if (!arr)
		bb_fail(err, ENOMEM, "export: gab");
	return arr;
}

static json_t *gbench_context(const struct bb_result *res)
{
	json_t *topo = json_object_get(res->host, "topology");
	json_t *caches = json_object_get(topo, "caches"), *arr = json_array();
	const char *keys[] = { "l1d", "l2", "l3" }, *types[] = { "Data", "Unified", "Unified" };

	for (int i = 0; i < 3; i++) {
		json_t *sz = json_object_get(caches, keys[i]);
		if (json_is_integer(sz))
			json_array_append_new(arr, json_pack("{s:s, s:i, s:I}", "type", types[i],
			                                     "level", i + 1, "size",
			                                     json_integer_value(sz)));
	}
	json_t *ctx =
	    json_pack("{s:s, s:s, s:s, s:o, s:s, s:s}", "date", res->started_at, "host_name",
	              json_string_value(json_object_get(res->host, "hostname")) ?: "?",
	              "executable", "boxbench-load", "caches", arr, "boxbench_result", res->id,
	              "boxbench_note", "wall-clock samples; cpu_time repeats real_time");
	json_t *pus = json_object_get(topo, "pus");
	if (ctx && json_is_integer(pus))
		json_object_set(ctx, "num_cpus", pus);
	return ctx;
}

static json_t *gbench_run(const struct bb_series *s, size_t family, const char *name,
                          const char *type, double v)
{
	return json_pack("{s:s, s:I, s:i, s:s, s:s, s:I, s:i, s:i, s:f, s:f, s:s}", "name", name,
	                 "family_index", (json_int_t)family, "per_family_instance_index", 0,
	                 "run_name", name, "run_type", type, "repetitions", (json_int_t)s->n,
	                 "threads", 1, "iterations", 1, "real_time", v, "cpu_time", v, "time_unit",
	                 s->unit);
}

/* One iteration entry per sample, then the aggregates Google Benchmark writes after
 * repetitions. */
static int gbench_series(json_t *arr, const struct bb_series *s, size_t family)
{
	char name[160], aname[176];
	const struct bb_summary *m = &s->summary;
	const char *aggs[] = { "mean", "median", "stddev", "cv" };
	double vals[] = { m->mean, m->median, m->sd, m->mean ? m->sd / m->mean : 0 };
	json_t *e;

	snprintf(name, sizeof(name), "%s/%s/%s", s->suite, s->metric, s->env);
	for (size_t i = 0; i < s->n; i++) {
		e = gbench_run(s, family, name, "iteration", s->samples[i]);
		if (!e || json_object_set_new(e, "repetition_index", json_integer((json_int_t)i)) ||
		    json_array_append_new(arr, e))
			return -1;
	}
	for (size_t i = 0; s->n >= 2 && i < 4; i++) {
		snprintf(aname, sizeof(aname), "%s_%s", name, aggs[i]);
		e = gbench_run(s, family, aname, "aggregate", vals[i]);
		if (!e)
			return -1;
		json_object_set_new(e, "run_name", json_string(name));
		json_object_set_new(e, "aggregate_name", json_string(aggs[i]));
		json_object_set_new(e, "aggregate_unit",
		                    json_string(i == 3 ? "percentage" : "time"));
		if (json_array_append_new(arr, e))
			return -1;
	}
	return 0;
}

json_t *export_gbench(const struct bb_result *res, const char *env, size_t *left_out,
                      struct bb_err *err)
{
	json_t *arr = json_array(), *ctx = gbench_context(res);
	size_t family = 0;

	*left_out = 0;
	for (size_t i = 0; arr && ctx && i < res->nseries; i++) {
		const struct bb_series *s = &res->series[i];
		if (!s->has_summary || !s->n || !export_wanted(s, env))
			continue;
		if (!unit_ns(s->unit)) {
			(*left_out)++;
			continue;
		}
		if (gbench_series(arr, s, family++) < 0) {
			json_decref(arr);
			arr = NULL;
		}
	}
	json_t *doc =
	    arr && ctx ? json_pack("{s:O, s:O}", "context", ctx, "benchmarks", arr) : NULL;
	json_decref(arr);
	json_decref(ctx);
	if (!doc)
		bb_fail(err, ENOMEM, "export: gbench");
	return doc;
}

int export_write(const struct bb_result *res, const struct export_opts *opts, FILE *f,
                 size_t *left_out, struct bb_err *err)
{
	json_t *doc = NULL;
	int rc;

	*left_out = 0;
	if (opts->format == EXPORT_CSV)
		return export_csv(res, opts->env, f, err);
	if (opts->format == EXPORT_BMF)
		doc = export_bmf(res, opts->env, err);
	else if (opts->format == EXPORT_GAB)
		doc = export_gab(res, opts->env, opts->better, left_out, err);
	else
		doc = export_gbench(res, opts->env, left_out, err);
	if (!doc)
		return -1;
	rc = json_dumpf(doc, f, JSON_INDENT(2) | JSON_REAL_PRECISION(12));
	json_decref(doc);
	if (rc < 0 || fputc('\n', f) == EOF)
		return bb_fail(err, errno, "export: write");
	return 0;
}
