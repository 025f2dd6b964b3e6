/* Unit tests for harness/export.c: each format's content on a fixture result, parsed back
 * (JSON with jansson, CSV by counting and splitting rows). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"

static const double ready_native[] = { 0.40, 0.42, 0.41, 0.44, 0.43 };
static const double exit_native[] = { 0.50, 0.52, 0.51 };
static const double ready_vm[] = { 1500, 1510, 1490, 1520 };
static const double read_native[] = { 900, 950, 1000, 980, 940, 910 };
static const double pss_native[] = { 1.0, 1.5, 2.0 };
static const double hash_native[] = { 400, 410, 420 };

static void add(struct bb_result *res, const char *suite, const char *metric, const char *env,
                const char *unit, enum bb_better better, const double *x, size_t n)
{
	struct bb_series *s = results_series(res, suite, metric, env, true);
	struct bb_err e = { 0 };

	assert_non_null(s);
	snprintf(s->unit, sizeof(s->unit), "%s", unit);
	s->better = better;
	if (!strcmp(env, "vm")) {
		strcpy(s->accel, "tcg");
		s->emulated = true;
	}
	for (size_t i = 0; i < n; i++)
		assert_int_equal(series_add_sample(s, x[i], &e), 0);
}

/* native: startup/ready, startup/exit (ms, lower), io/read (MB/s, higher, a comma in the
 * metric name to exercise CSV quoting); vm: startup/ready (ms, emulated); a series whose
 * every sample failed (no summary: left out of all but csv); footprint/pss (MiB) and cpu/hash
 * (Mops/s) for the base units. */
static int setup(void **state)
{
	struct bb_result *res = calloc(1, sizeof(*res));
	struct bb_err e = { 0 };

	results_init(res);
	strcpy(res->id, "fixture-1");
	strcpy(res->started_at, "2026-11-28T05:24:15Z");
	res->complete = true;
	res->host = json_pack("{s:s, s:{s:i, s:{s:i, s:i}}}", "hostname", "testhost", "topology",
	                      "pus", 2, "caches", "l1d", 32768, "l2", 524288);
	add(res, "startup", "ready", "native", "ms", BB_LOWER, ready_native, 5);
	add(res, "startup", "exit", "native", "ms", BB_LOWER, exit_native, 3);
	add(res, "io", "read,seq", "native", "MB/s", BB_HIGHER, read_native, 6);
	add(res, "startup", "ready", "vm", "ms", BB_LOWER, ready_vm, 4);
	add(res, "startup", "broken", "native", "ms", BB_LOWER, NULL, 0);
	assert_int_equal(series_add_error(results_series(res, "startup", "broken", "native", 0), 0,
	                                  "timed out", &e),
	                 0);
	add(res, "footprint", "pss", "native", "MiB", BB_LOWER, pss_native, 3);
	add(res, "cpu", "hash", "native", "Mops/s", BB_HIGHER, hash_native, 3);
	assert_int_equal(results_summarize(res, 1, &e), 0);
	*state = res;
	return 0;
}

static int teardown(void **state)
{
	results_free(*state);
	free(*state);
	return 0;
}

/* Runs export_write into memory; returns the text (caller frees). */
static char *export_text(const struct bb_result *res, enum export_format fmt, const char *env,
                         enum bb_better better, size_t *left, int want_rc)
{
	struct export_opts o = { .format = fmt, .env = env, .better = better };
	struct bb_err e = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int rc;

	assert_non_null(f);
	rc = export_write(res, &o, f, left, &e);
	fclose(f);
	if (rc != want_rc)
		fail_msg("export_write: rc %d (want %d): %s", rc, want_rc, e.msg);
	if (rc < 0) {
		free(buf);
		return strdup(e.msg);
	}
	return buf;
}

/* A cell a spreadsheet would run as a formula is prefixed with a quote (CSV injection);
 * numbers, negative ones included, are not text cells and stay numbers. */
static void test_csv_formula_injection(void **state)
{
	struct bb_result res;
	struct bb_err e = { 0 };
	size_t left;

	(void)state;
	results_init(&res);
	strcpy(res.id, "=HYPERLINK(\"http://x\",\"y\")");
	struct bb_series *s = results_series(&res, "+suite", "@metric", "-env", true);
	strcpy(s->unit, "ms");
	assert_int_equal(series_add_sample(s, -1.5, &e), 0);
	char *text = export_text(&res, EXPORT_CSV, NULL, BB_LOWER, &left, 0);
	/* result_id, host, started_at, suite, metric, env, better, status, rep, value, unit */
	assert_non_null(strstr(text, "\n\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",,,"
	                             "'+suite,'@metric,'-env,lower,ok,0,-1.5,ms,-0.0015,"));
	free(text);
	results_free(&res);
}

static json_t *parse(const char *text)
{
	json_error_t je;
	json_t *doc = json_loads(text, 0, &je);

	if (!doc)
		fail_msg("not JSON (line %d: %s): %s", je.line, je.text, text);
	return doc;
}

static void check_close(double got, double want, const char *what)
{
	if (!(fabs(got - want) <= 1e-9 * fabs(want)))
		fail_msg("%s: got %.17g, want %.17g", what, got, want);
}

static void test_csv(void **state)
{
	const struct bb_result *res = *state;
	size_t left, rows = 0;
	char *text = export_text(res, EXPORT_CSV, NULL, BB_LOWER, &left, 0);
	char *save = NULL;

	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (rows == 0)
			assert_string_equal(line,
			                    "result_id,host,started_at,suite,metric,env,better,"
			                    "status,rep_index,value,unit,time_s,size_bytes,"
			                    "rate_ops_per_s,rate_bytes_per_s,accel,emulated,"
			                    "error");
		if (rows == 2) /* second sample of the first series: 0.42 ms = 0.00042 s */
			assert_string_equal(line, "fixture-1,testhost,2026-11-28T05:24:15Z,startup,"
			                          "ready,native,lower,ok,1,0.42,ms,0.00042,,,,,,");
		if (strstr(line, ",vm,"))
			assert_non_null(strstr(line, ",tcg,true,"));
		if (strstr(line, "seq"))
			assert_non_null(strstr(line, ",io,\"read,seq\",native,higher,ok,"));
		if (strstr(line, ",pss,") && strstr(line, ",ok,1,"))
			assert_non_null(strstr(line, ",1.5,MiB,,1572864,,,,,"));
		if (strstr(line, ",hash,") && strstr(line, ",ok,0,"))
			assert_non_null(strstr(line, ",400,Mops/s,,,400000000,,,,"));
		if (strstr(line, ",broken,"))
			assert_non_null(strstr(line, ",error,0,,ms,,,,,,,timed out"));
		rows++;
	}
	/* header + one row per sample, 5 + 3 + 6 + 4 + 3 + 3 kept, and the failed one */
	assert_int_equal(rows, 1 + 5 + 3 + 6 + 4 + 3 + 3 + 1);
	free(text);
	/* only one environment */
	text = export_text(res, EXPORT_CSV, "vm", BB_LOWER, &left, 0);
	rows = 0;
	for (char *p = text; *p; p++)
		rows += *p == '\n';
	assert_int_equal(rows, 1 + 4);
	free(text);
}

/* A merged result: every host's rows, each with its host name in the merge and its own run's
 * id and start; a host without a result has none; --host keeps one. */
static void test_csv_hosts(void **state)
{
	struct bb_hostset set;
	struct bb_err err = { 0 };
	char *buf = NULL;
	size_t len = 0, a = 0, b = 0, c = 0;
	FILE *f;

	(void)state;
	assert_int_equal(results_hosts_read("tests/fixtures/fake-merged.json", &set, &err), 0);
	assert_non_null(f = open_memstream(&buf, &len));
	assert_int_equal(export_csv_hosts(&set, NULL, NULL, f, &err), 0);
	fclose(f);
	for (char *p = strchr(buf, '\n'); p && p[1]; p = strchr(p + 1, '\n')) {
		a += !strncmp(p + 1, "FIXTURE-made-up-numbers-small,fixture-a,2026-", 45);
		b += !strncmp(p + 1, "FIXTURE-made-up-numbers-full,fixture-b,2026-", 44);
		c += strstr(p + 1, ",fixture-c,") == p + 1 + strcspn(p + 1, ",");
	}
	assert_true(a > 0 && b > 0);
	assert_int_equal(c, 0);
	free(buf);
	buf = NULL;
	assert_non_null(f = open_memstream(&buf, &len));
	assert_int_equal(export_csv_hosts(&set, "fixture-a", NULL, f, &err), 0);
	fclose(f);
	assert_null(strstr(buf, ",fixture-b,"));
	assert_non_null(strstr(buf, ",fixture-a,"));
	free(buf);
	results_hosts_free(&set);
}

static void test_bmf(void **state)
{
	const struct bb_result *res = *state;
	const struct bb_series *s =
	    results_series((struct bb_result *)res, "startup", "ready", "native", false);
	size_t left;
	/* two environments with data and none chosen: refused, with the way out */
	char *text = export_text(res, EXPORT_BMF, NULL, BB_LOWER, &left, -1);
	assert_non_null(strstr(text, "2 environments (native, vm)"));
	assert_non_null(strstr(text, "--env"));
	free(text);

	text = export_text(res, EXPORT_BMF, "native", BB_LOWER, &left, 0);
	json_t *doc = parse(text), *m;
	assert_int_equal(json_object_size(doc), 5); /* ready, exit, read,seq, pss, hash */
	/* ms -> ns under Bencher's latency measure */
	m = json_object_get(json_object_get(doc, "startup/ready"), "latency");
	assert_non_null(m);
	check_close(json_real_value(json_object_get(m, "value")), 0.42e6, "value");
	check_close(json_real_value(json_object_get(m, "lower_value")), s->summary.ci_lo * 1e6,
	            "lower_value");
	check_close(json_real_value(json_object_get(m, "upper_value")), s->summary.ci_hi * 1e6,
	            "upper_value");
	assert_true(json_real_value(json_object_get(m, "lower_value")) <=
	            json_real_value(json_object_get(m, "value")));
	/* exit has 3 samples: a value and no bounds (no CI below 5) */
	m = json_object_get(json_object_get(doc, "startup/exit"), "latency");
	assert_non_null(json_object_get(m, "value"));
	assert_null(json_object_get(m, "lower_value"));
	assert_null(json_object_get(m, "upper_value"));
	/* bytes/s: no built-in measure; one named after the base unit (median of 6 = 945 MB/s) */
	m = json_object_get(json_object_get(doc, "io/read,seq"), "bytes/s");
	assert_non_null(m);
	check_close(json_real_value(json_object_get(m, "value")), 945e6, "bytes/s value");
	/* sizes under file-size in bytes, operation rates under throughput in ops/s */
	m = json_object_get(json_object_get(doc, "footprint/pss"), "file-size");
	assert_non_null(m);
	check_close(json_real_value(json_object_get(m, "value")), 1.5 * 1048576, "file-size");
	m = json_object_get(json_object_get(doc, "cpu/hash"), "throughput");
	assert_non_null(m);
	check_close(json_real_value(json_object_get(m, "value")), 410e6, "throughput");
	json_decref(doc);
	free(text);

	text = export_text(res, EXPORT_BMF, "vm", BB_LOWER, &left, 0);
	doc = parse(text);
	assert_int_equal(json_object_size(doc), 1);
	check_close(
	    json_real_value(json_object_get(
	        json_object_get(json_object_get(doc, "startup/ready"), "latency"), "value")),
	    1505e6, "vm value");
	json_decref(doc);
	free(text);
}

static void test_gab(void **state)
{
	const struct bb_result *res = *state;
	size_t left;
	char *text = export_text(res, EXPORT_GAB, NULL, BB_LOWER, &left, 0);
	json_t *arr = parse(text), *e;

	/* lower-is-better with samples: native ready, exit; vm ready; pss. read, hash: left out */
	assert_true(json_is_array(arr));
	assert_int_equal(json_array_size(arr), 4);
	assert_int_equal(left, 2);
	e = json_array_get(arr, 0);
	assert_string_equal(json_string_value(json_object_get(e, "name")), "startup/ready/native");
	assert_string_equal(json_string_value(json_object_get(e, "unit")), "ms");
	check_close(json_real_value(json_object_get(e, "value")), 0.42, "value");
	assert_true(!strncmp(json_string_value(json_object_get(e, "range")), "\xc2\xb1 ", 3));
	assert_non_null(strstr(json_string_value(json_object_get(e, "extra")), "n=5"));
	assert_non_null(strstr(json_string_value(json_object_get(e, "extra")), "across instances"));
	e = json_array_get(arr, 2);
	assert_string_equal(json_string_value(json_object_get(e, "name")), "startup/ready/vm");
	/* 4 samples: no interval */
	assert_string_equal(json_string_value(json_object_get(e, "range")), "no CI (n < 5)");
	assert_null(strstr(json_string_value(json_object_get(e, "extra")), "CI"));
	assert_non_null(strstr(json_string_value(json_object_get(e, "extra")), "tcg (emulated)"));
	json_decref(arr);
	free(text);

	text = export_text(res, EXPORT_GAB, NULL, BB_HIGHER, &left, 0);
	arr = parse(text);
	assert_int_equal(json_array_size(arr), 2);
	assert_int_equal(left, 4);
	assert_string_equal(json_string_value(json_object_get(json_array_get(arr, 0), "name")),
	                    "io/read,seq/native");
	json_decref(arr);
	free(text);
}

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "(none)";
}

static void test_gbench(void **state)
{
	const struct bb_result *res = *state;
	size_t left, iters = 0, aggs = 0;
	char *text = export_text(res, EXPORT_GBENCH, NULL, BB_LOWER, &left, 0);
	json_t *doc = parse(text), *b, *e;
	size_t i;

	assert_string_equal(str(json_object_get(doc, "context"), "host_name"), "testhost");
	assert_string_equal(str(json_object_get(doc, "context"), "date"), "2026-11-28T05:24:15Z");
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(doc, "context"), "num_cpus")), 2);
	assert_int_equal(
	    json_array_size(json_object_get(json_object_get(doc, "context"), "caches")), 2);
	assert_int_equal(left, 3); /* MB/s, MiB, Mops/s are no times */
	assert_int_equal(json_integer_value(json_object_get(json_object_get(doc, "context"),
	                                                    "json_schema_version")),
	                 1);
	b = json_object_get(doc, "benchmarks");
	json_array_foreach(b, i, e)
	{
		if (!strcmp(str(e, "run_type"), "iteration"))
			iters++;
		else
			aggs++;
		assert_true(json_real_value(json_object_get(e, "real_time")) ==
		            json_real_value(json_object_get(e, "cpu_time")));
	}
	/* one entry per sample of the time series, 4 aggregates each */
	assert_int_equal(iters, 5 + 3 + 4);
	assert_int_equal(aggs, 3 * 4);
	e = json_array_get(b, 1);
	assert_string_equal(str(e, "name"), "startup/ready/native");
	assert_int_equal(json_integer_value(json_object_get(e, "repetitions")), 5);
	assert_int_equal(json_integer_value(json_object_get(e, "repetition_index")), 1);
	/* in ns: compare.py prints times with {:14.0f} */
	check_close(json_real_value(json_object_get(e, "real_time")), 0.42e6, "sample 1");
	assert_string_equal(str(e, "time_unit"), "ns");
	e = json_array_get(b, 6); /* aggregates follow the 5 samples: mean, median, ... */
	assert_string_equal(str(e, "name"), "startup/ready/native_median");
	assert_string_equal(str(e, "run_name"), "startup/ready/native");
	assert_string_equal(str(e, "aggregate_name"), "median");
	assert_string_equal(str(e, "aggregate_unit"), "time");
	check_close(json_real_value(json_object_get(e, "real_time")), 0.42e6, "median");
	assert_null(json_object_get(e, "repetition_index"));
	e = json_array_get(b, 8);
	assert_string_equal(str(e, "aggregate_name"), "cv");
	assert_string_equal(str(e, "aggregate_unit"), "percentage");
	json_decref(doc);
	free(text);
}

/* The cache entries carry num_sharing when the result records it. */
static void test_gbench_caches(void **state)
{
	struct bb_result *res = *state;
	size_t left;
	json_t *topo = json_object_get(res->host, "topology");
	json_object_set_new(topo, "cache_sharing",
	                    json_pack("{s:i, s:i, s:i}", "l1d", 1, "l2", 2, "l3", 0));
	char *text = export_text(res, EXPORT_GBENCH, NULL, BB_LOWER, &left, 0);
	json_t *doc = parse(text);
	json_t *caches = json_object_get(json_object_get(doc, "context"), "caches");

	json_object_del(topo, "cache_sharing");
	assert_int_equal(json_array_size(caches), 2);
	assert_int_equal(
	    json_integer_value(json_object_get(json_array_get(caches, 1), "num_sharing")), 2);
	assert_string_equal(str(json_array_get(caches, 1), "type"), "Unified");
	json_decref(doc);
	free(text);
}

/* --aggregates-only: each name once (Bencher's cpp_google adapter keeps the last entry of a
 * name; github-action-benchmark's googlecpp would see every repetition). */
static void test_gbench_aggregates_only(void **state)
{
	const struct bb_result *res = *state;
	struct export_opts o = { .format = EXPORT_GBENCH, .aggregates_only = true };
	struct bb_err e = { 0 };
	char *buf = NULL;
	size_t len = 0, left, i, j;
	FILE *f = open_memstream(&buf, &len);
	json_t *doc, *b, *x, *y;

	assert_int_equal(export_write(res, &o, f, &left, &e), 0);
	fclose(f);
	doc = parse(buf);
	b = json_object_get(doc, "benchmarks");
	assert_int_equal(json_array_size(b), 3 * 4);
	json_array_foreach(b, i, x)
	{
		assert_string_equal(str(x, "run_type"), "aggregate");
		json_array_foreach(b, j, y) if (i != j)
		    assert_string_not_equal(str(x, "name"), str(y, "name"));
	}
	json_decref(doc);
	free(buf);
}

static void test_hyperfine(void **state)
{
	const struct bb_result *res = *state;
	const struct bb_series *s =
	    results_series((struct bb_result *)res, "startup", "ready", "native", false);
	size_t left;
	char *text = export_text(res, EXPORT_HYPERFINE, NULL, BB_LOWER, &left, 0);
	json_t *doc = parse(text), *r;
	json_t *results = json_object_get(doc, "results");

	assert_int_equal(json_array_size(results), 3); /* the time series */
	assert_int_equal(left, 3);
	r = json_array_get(results, 0);
	assert_string_equal(str(r, "command"), "startup/ready/native");
	/* seconds, as hyperfine writes them */
	check_close(json_real_value(json_object_get(r, "median")), 0.42e-3, "median");
	check_close(json_real_value(json_object_get(r, "mean")), s->summary.mean * 1e-3, "mean");
	check_close(json_real_value(json_object_get(r, "stddev")), s->summary.sd * 1e-3, "stddev");
	check_close(json_real_value(json_object_get(r, "min")), 0.40e-3, "min");
	check_close(json_real_value(json_object_get(r, "max")), 0.44e-3, "max");
	assert_int_equal(json_array_size(json_object_get(r, "times")), 5);
	assert_int_equal(json_array_size(json_object_get(r, "exit_codes")), 5);
	check_close(json_real_value(json_array_get(json_object_get(r, "times"), 1)), 0.42e-3,
	            "times[1]");
	assert_true(json_is_number(json_object_get(r, "user")));
	assert_true(json_is_number(json_object_get(r, "system")));
	assert_string_equal(str(json_object_get(r, "parameters"), "env"), "native");
	json_decref(doc);
	free(text);
}

static void test_format_names(void **state)
{
	enum export_format f;
	struct bb_err e = { 0 };

	(void)state;
	assert_int_equal(export_format_parse("gbench", &f, &e), 0);
	assert_int_equal(f, EXPORT_GBENCH);
	assert_int_equal(export_format_parse("bmf", &f, &e), 0);
	assert_int_equal(f, EXPORT_BMF);
	assert_int_equal(export_format_parse("json", &f, &e), -1);
	assert_non_null(strstr(e.msg, "unknown format 'json'"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv),           cmocka_unit_test(test_csv_formula_injection),
		cmocka_unit_test(test_bmf),           cmocka_unit_test(test_gab),
		cmocka_unit_test(test_gbench),        cmocka_unit_test(test_format_names),
		cmocka_unit_test(test_gbench_caches), cmocka_unit_test(test_gbench_aggregates_only),
		cmocka_unit_test(test_hyperfine),     cmocka_unit_test(test_csv_hosts),
	};
	return cmocka_run_group_tests_name("export", tests, setup, teardown);
}
