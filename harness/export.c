#include "export.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int export_format_parse(const char *name, enum export_format *out, struct bb_err *err)
{
	static const char *names[] = { "csv", "bmf", "gab", "gbench", "hyperfine" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(name, names[i])) {
			*out = (enum export_format)i;
			return 0;
		}
	}
	return bb_fail(err, 0, "--format: unknown format '%s' (csv, bmf, gab, gbench or hyperfine)",
	               name);
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

/* What every row of one result repeats. */
struct csv_ctx {
	const char *id, *host, *started_at;
};

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

/* The columns of every row; README lists them. */
static const char csv_header[] =
    "result_id,host,started_at,suite,metric,env,better,status,rep_index,value,unit,time_s,"
    "size_bytes,rate_ops_per_s,rate_bytes_per_s,accel,emulated,error\n";

static void csv_fields(FILE *f, const char *const *fields, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		csv_field(f, fields[k]);
		fputc(',', f);
	}
}

/* The value in the unit recorded, then in the base unit of its quantity under the one column
 * of that quantity (the others empty); an error row has no value. */
static void csv_values(FILE *f, const struct bb_series *s, const double *v)
{
	struct export_base b = export_base_unit(s->unit);
	const enum export_quantity cols[] = { EXPORT_Q_TIME, EXPORT_Q_SIZE, EXPORT_Q_OPS_RATE,
		                              EXPORT_Q_BYTE_RATE };

	/* %.12g: the precision results files are written with, so values are unchanged. */
	if (v)
		fprintf(f, "%.12g", *v);
	fputc(',', f);
	csv_field(f, s->unit);
	for (size_t i = 0; i < 4; i++) {
		fputc(',', f);
		if (v && b.q == cols[i])
			fprintf(f, "%.12g", *v * b.factor);
	}
	fputc(',', f);
}

/* One row: a kept sample (v, index among the kept samples) or a failed one (v NULL, the
 * repetition that failed, its reason). */
static void csv_row(FILE *f, const struct csv_ctx *c, const struct bb_series *s, const double *v,
                    long index, const char *error)
{
	const char *head[] = { c->id,     c->host, c->started_at,          s->suite,
		               s->metric, s->env,  better_name(s->better), v ? "ok" : "error" };

	csv_fields(f, head, 8);
	fprintf(f, "%ld,", index);
	csv_values(f, s, v);
	csv_field(f, s->accel);
	fprintf(f, ",%s,", s->accel[0] ? (s->emulated ? "true" : "false") : "");
	csv_field(f, error ? error : "");
	fputc('\n', f);
}

static void csv_result_rows(const struct bb_result *res, const struct csv_ctx *c, const char *env,
                            FILE *f)
{
	for (size_t i = 0; i < res->nseries; i++) {
		const struct bb_series *s = &res->series[i];
		if (!export_wanted(s, env))
			continue;
		for (size_t j = 0; j < s->n; j++)
			csv_row(f, c, s, &s->samples[j], (long)j, NULL);
		for (size_t j = 0; j < s->nerr; j++)
			csv_row(f, c, s, NULL, s->errors[j].rep, s->errors[j].reason);
	}
}

int export_csv(const struct bb_result *res, const char *env, FILE *f, struct bb_err *err)
{
	struct csv_ctx c = { res->id, results_jstr(res->host, "hostname") ?: "", res->started_at };

	fputs(csv_header, f);
	csv_result_rows(res, &c, env, f);
	if (ferror(f))
		return bb_fail(err, errno, "export: csv: write");
	return 0;
}

int export_csv_hosts(const struct bb_hostset *set, const char *host, const char *env, FILE *f,
                     struct bb_err *err)
{
	fputs(csv_header, f);
	for (size_t i = 0; i < set->n; i++) {
		const struct bb_hostres *h = &set->hosts[i];
		struct csv_ctx c = { h->res.id, h->name, h->res.started_at };
		if (h->doc && (!host || !strcmp(host, h->name)))
			csv_result_rows(&h->res, &c, env, f);
	}
	if (ferror(f))
		return bb_fail(err, errno, "export: csv: write");
	return 0;
}

/* Every unit boxbench records (bench/measure.c) in its quantity's base unit: times in s,
 * sizes in bytes, rates of operations in ops/s (a FLOP is an operation), of bytes in bytes/s.
 * A unit not in the table (CPU-s/s, forks, instances) is its own base. */
static const struct export_unit {
	const char *name;
	enum export_quantity q;
	const char *base;
	double factor;
} export_units[] = {
	{ "s", EXPORT_Q_TIME, "s", 1 },
	{ "ms", EXPORT_Q_TIME, "s", 1e-3 },
	{ "us", EXPORT_Q_TIME, "s", 1e-6 },
	{ "ns", EXPORT_Q_TIME, "s", 1e-9 },
	{ "bytes", EXPORT_Q_SIZE, "bytes", 1 },
	{ "B", EXPORT_Q_SIZE, "bytes", 1 },
	{ "KiB", EXPORT_Q_SIZE, "bytes", 1024.0 },
	{ "MiB", EXPORT_Q_SIZE, "bytes", 1024.0 * 1024 },
	{ "GiB", EXPORT_Q_SIZE, "bytes", 1024.0 * 1024 * 1024 },
	{ "kB", EXPORT_Q_SIZE, "bytes", 1e3 },
	{ "MB", EXPORT_Q_SIZE, "bytes", 1e6 },
	{ "GB", EXPORT_Q_SIZE, "bytes", 1e9 },
	{ "ops/s", EXPORT_Q_OPS_RATE, "ops/s", 1 },
	{ "Mops/s", EXPORT_Q_OPS_RATE, "ops/s", 1e6 },
	{ "GFLOP/s", EXPORT_Q_OPS_RATE, "ops/s", 1e9 },
	{ "B/s", EXPORT_Q_BYTE_RATE, "bytes/s", 1 },
	{ "MB/s", EXPORT_Q_BYTE_RATE, "bytes/s", 1e6 },
	{ "GB/s", EXPORT_Q_BYTE_RATE, "bytes/s", 1e9 },
	{ "MiB/s", EXPORT_Q_BYTE_RATE, "bytes/s", 1024.0 * 1024 },
};

struct export_base export_base_unit(const char *unit)
{
	for (size_t i = 0; i < sizeof(export_units) / sizeof(export_units[0]); i++)
		if (!strcmp(unit, export_units[i].name))
			return (struct export_base){ export_units[i].q, export_units[i].base,
				                     export_units[i].factor };
	return (struct export_base){ EXPORT_Q_OTHER, unit, 1 };
}

/* Nanoseconds per unit for the time units, 0 for any other unit. */
static double unit_ns(const char *unit)
{
	struct export_base b = export_base_unit(unit);

	return b.q == EXPORT_Q_TIME ? b.factor * 1e9 : 0;
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

/* Bencher's built-in measures take latency in ns, throughput in ops/s and file-size in
 * bytes; any other quantity goes to a measure named after its base unit (Bencher creates it on
 * first use). *k: the factor from the series' unit to the measure's. */
static const char *bmf_measure(const char *unit, double *k)
{
	struct export_base b = export_base_unit(unit);

	*k = b.factor;
	switch (b.q) {
	case EXPORT_Q_TIME:
		*k = b.factor * 1e9;
		return "latency";
	case EXPORT_Q_OPS_RATE:
		return "throughput";
	case EXPORT_Q_SIZE:
		return "file-size";
	default:
		return b.base;
	}
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
		double k;
		if (!s->has_summary || strcmp(s->env, only))
			continue;
		const char *measure = bmf_measure(s->unit, &k);
		snprintf(name, sizeof(name), "%s/%s", s->suite, s->metric);
		/* Bencher's bounds are optional: none where there is no interval (n < 5). */
		json_t *m =
		    s->summary.has_ci
		        ? json_pack("{s:{s:f, s:f, s:f}}", measure, "value", s->summary.median * k,
		                    "lower_value", s->summary.ci_lo * k, "upper_value",
		                    s->summary.ci_hi * k)
		        : json_pack("{s:{s:f}}", measure, "value", s->summary.median * k);
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

/* Google Benchmark's context: what its JSON reporter writes that boxbench knows, with
 * json_schema_version 1 (the version of the format written here). num_sharing (how many
 * processing units share one such cache) is left out for results older than it. */
static json_t *gbench_caches(const struct bb_result *res)
{
	json_t *topo = json_object_get(res->host, "topology");
	json_t *caches = json_object_get(topo, "caches"), *arr = json_array();
	json_t *sharing = json_object_get(topo, "cache_sharing");
	const char *keys[] = { "l1d", "l2", "l3" }, *types[] = { "Data", "Unified", "Unified" };

	for (int i = 0; i < 3; i++) {
		json_t *sz = json_object_get(caches, keys[i]), *share, *c;
		if (!json_is_integer(sz) || json_integer_value(sz) <= 0)
			continue;
		c = json_pack("{s:s, s:i, s:I}", "type", types[i], "level", i + 1, "size",
		              json_integer_value(sz));
		share = json_object_get(sharing, keys[i]);
		if (json_is_integer(share))
			json_object_set(c, "num_sharing", share);
		json_array_append_new(arr, c);
	}
	return arr;
}

static json_t *gbench_context(const struct bb_result *res)
{
	json_t *pus = json_object_get(json_object_get(res->host, "topology"), "pus");
	json_t *ctx = json_pack(
	    "{s:s, s:s, s:s, s:o, s:i, s:s, s:s?, s:s}", "date", res->started_at, "host_name",
	    results_jstr(res->host, "hostname") ?: "?", "executable", "boxbench-load", "caches",
	    gbench_caches(res), "json_schema_version", 1, "boxbench_result", res->id,
	    "boxbench_version", results_jstr(res->tool, "version"), "boxbench_note",
	    "wall-clock samples in ns; cpu_time repeats real_time (boxbench measures no CPU time)");

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
	                 "ns");
}

/* The aggregates Google Benchmark writes after repetitions, in ns (cv a fraction). */
static int gbench_aggregates(json_t *arr, const struct bb_series *s, size_t family,
                             const char *name)
{
	const struct bb_summary *m = &s->summary;
	const char *aggs[] = { "mean", "median", "stddev", "cv" };
	double k = unit_ns(s->unit);
	double vals[] = { m->mean * k, m->median * k, m->sd * k, m->mean ? m->sd / m->mean : 0 };
	char aname[176];

	for (size_t i = 0; s->n >= 2 && i < 4; i++) {
		snprintf(aname, sizeof(aname), "%s_%s", name, aggs[i]);
		json_t *e = gbench_run(s, family, aname, "aggregate", vals[i]);
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

/* One iteration entry per sample (unless aggregates_only), then the aggregates. A series of
 * one sample has no aggregates: its one iteration is written even in aggregates_only, as
 * Google Benchmark does without repetitions. */
static int gbench_series(json_t *arr, const struct bb_series *s, size_t family,
                         bool aggregates_only)
{
	char name[160];
	double k = unit_ns(s->unit);

	snprintf(name, sizeof(name), "%s/%s/%s", s->suite, s->metric, s->env);
	for (size_t i = 0; (!aggregates_only || s->n < 2) && i < s->n; i++) {
		json_t *e = gbench_run(s, family, name, "iteration", s->samples[i] * k);
		if (!e || json_object_set_new(e, "repetition_index", json_integer((json_int_t)i)) ||
		    json_array_append_new(arr, e))
			return -1;
	}
	return gbench_aggregates(arr, s, family, name);
}

/* The time series with samples of env (NULL: all), in the result's order; the others with
 * samples counted in *left_out. NULL-terminated, or NULL when out of memory; free() it. */
static const struct bb_series **export_time_series(const struct bb_result *res, const char *env,
                                                   size_t *left_out)
{
	const struct bb_series **v = calloc(res->nseries + 1, sizeof(*v));
	size_t n = 0;

	*left_out = 0;
	for (size_t i = 0; v && i < res->nseries; i++) {
		const struct bb_series *s = &res->series[i];
		if (!s->has_summary || !s->n || !export_wanted(s, env))
			continue;
		if (unit_ns(s->unit))
			v[n++] = s;
		else
			(*left_out)++;
	}
	return v;
}

json_t *export_gbench(const struct bb_result *res, const char *env, bool aggregates_only,
                      size_t *left_out, struct bb_err *err)
{
	const struct bb_series **v = export_time_series(res, env, left_out);
	json_t *arr = json_array(), *ctx = gbench_context(res), *doc = NULL;
	size_t i = 0;

	while (v && arr && ctx && v[i] && gbench_series(arr, v[i], i, aggregates_only) == 0)
		i++;
	if (v && arr && ctx && !v[i])
		doc = json_pack("{s:O, s:O}", "context", ctx, "benchmarks", arr);
	free(v);
	json_decref(arr);
	json_decref(ctx);
	if (!doc)
		bb_fail(err, ENOMEM, "export: gbench");
	return doc;
}

/* hyperfine --export-json: one result per series, times in s. exit_codes pairs with times
 * (every kept sample succeeded; failed samples have no time and are not listed). user and
 * system are 0: boxbench measures wall time only, and readers require the keys. */
static json_t *hyperfine_result(const struct bb_series *s)
{
	const struct bb_summary *m = &s->summary;
	double k = unit_ns(s->unit) * 1e-9;
	json_t *times = json_array(), *codes = json_array();
	char name[192];

	snprintf(name, sizeof(name), "%s/%s/%s", s->suite, s->metric, s->env);
	for (size_t i = 0; i < s->n; i++) {
		json_array_append_new(times, json_real(s->samples[i] * k));
		json_array_append_new(codes, json_integer(0));
	}
	return json_pack("{s:s, s:f, s:o, s:f, s:f, s:f, s:f, s:f, s:o, s:o, s:{s:s, s:s, s:s}}",
	                 "command", name, "mean", m->mean * k, "stddev",
	                 m->n >= 2 ? json_real(m->sd * k) : json_null(), "median", m->median * k,
	                 "user", 0.0, "system", 0.0, "min", m->min * k, "max", m->max * k, "times",
	                 times, "exit_codes", codes, "parameters", "suite", s->suite, "metric",
	                 s->metric, "env", s->env);
}

json_t *export_hyperfine(const struct bb_result *res, const char *env, size_t *left_out,
                         struct bb_err *err)
{
	const struct bb_series **v = export_time_series(res, env, left_out);
	json_t *arr = json_array(), *doc = NULL;
	size_t i = 0;

	while (v && arr && v[i] && json_array_append_new(arr, hyperfine_result(v[i])) == 0)
		i++;
	if (v && arr && !v[i])
		doc = json_pack("{s:O}", "results", arr);
	free(v);
	json_decref(arr);
	if (!doc)
		bb_fail(err, ENOMEM, "export: hyperfine");
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
	else if (opts->format == EXPORT_GBENCH)
		doc = export_gbench(res, opts->env, opts->aggregates_only, left_out, err);
	else
		doc = export_hyperfine(res, opts->env, left_out, err);
	if (!doc)
		return -1;
	rc = json_dumpf(doc, f, JSON_INDENT(2) | JSON_REAL_PRECISION(12));
	json_decref(doc);
	if (rc < 0 || fputc('\n', f) == EOF)
		return bb_fail(err, errno, "export: write");
	return 0;
}
