/* Results file: write, read back, equality; rejection of broken and foreign files; no
 * overwrite without force; no temporary file left behind. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "results.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/bb-test-results-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static void make_result(struct bb_result *res)
{
	struct bb_err e = { 0 };
	const double nat[] = { 0.50, 0.52, 0.49, 0.51, 0.55 };
	const double con[] = { 1.00, 1.10, 0.98, 1.02, 1.05 };

	results_init(res);
	snprintf(res->id, sizeof(res->id), "test-id");
	snprintf(res->started_at, sizeof(res->started_at), "2026-11-28T05:00:00Z");
	snprintf(res->finished_at, sizeof(res->finished_at), "2026-11-28T05:01:00Z");
	res->complete = true;
	res->tool = json_pack("{s:s}", "version", "0.1.0");
	res->host = json_pack("{s:s}", "kernel", "6.1");
	res->config = json_pack("{s:i}", "reps", 5);
	struct bb_envdesc d;
	envdesc_init(&d, "native");
	d.class = BB_CLASS_NATIVE;
	d.available = true;
	assert_int_equal(results_add_env(res, &d, &e), 0);
	envdesc_init(&d, "container");
	d.class = BB_CLASS_CONTAINER;
	d.available = true;
	assert_int_equal(results_add_env(res, &d, &e), 0);
	struct bb_series *a = results_series(res, "startup", "ready", "native", true);
	struct bb_series *b = results_series(res, "startup", "ready", "container", true);
	strcpy(a->unit, "ms");
	strcpy(b->unit, "ms");
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(series_add_sample(a, nat[i], &e), 0);
		assert_int_equal(series_add_sample(b, con[i], &e), 0);
	}
	assert_int_equal(series_add_error(b, 5, "timed out", &e), 0);
	assert_int_equal(results_summarize(res, 1, &e), 0);
}

static void test_roundtrip(void **state)
{
	struct bb_result res, back;
	struct bb_err e = { 0 };
	char path[128];

	(void)state;
	make_result(&res);
	snprintf(path, sizeof(path), "%s/r.json", dir);
	assert_int_equal(results_write(&res, path, false, &e), 0);
	assert_int_equal(results_read(path, &back, &e), 0);
	assert_string_equal(back.id, "test-id");
	assert_true(back.complete);
	assert_int_equal(back.nseries, 2);
	for (size_t i = 0; i < 2; i++) {
		struct bb_series *x = &res.series[i], *y = &back.series[i];
		assert_string_equal(x->env, y->env);
		assert_int_equal(x->n, y->n);
		for (size_t j = 0; j < x->n; j++)
			assert_float_equal(x->samples[j], y->samples[j], 1e-12);
		assert_float_equal(x->summary.median, y->summary.median, 1e-9);
		assert_float_equal(x->summary.ci_lo, y->summary.ci_lo, 1e-9);
	}
	/* The container's median 1.02 over native's 0.51: ratio 2.0, carried through. */
	assert_true(back.series[1].has_vs);
	assert_float_equal(back.series[1].vs_ratio, 2.0, 1e-9);
	assert_false(back.series[0].has_vs);
	assert_int_equal(back.series[1].nerr, 1);
	assert_string_equal(back.series[1].errors[0].reason, "timed out");
	results_free(&back);
	results_free(&res);
}

/* The sampling facts survive a round trip: order, stop, target and precision, trend,
 * truncation; a series of 3 has no interval in the file or back. */
static void test_sampling_roundtrip(void **state)
{
	struct bb_result res, back;
	struct bb_err e = { 0 };
	char path[128];
	struct bb_series *s, *t, *y;

	(void)state;
	make_result(&res);
	s = results_series(&res, "startup", "ready", "native", false);
	t = results_series(&res, "startup", "exit", "native", true);
	strcpy(t->unit, "ms");
	for (int i = 0; i < 3; i++)
		assert_int_equal(series_add_sample(t, 1 + i, &e), 0);
	/* 12 samples rising with their sequence numbers: a trend */
	for (int i = 0; i < 7; i++)
		assert_int_equal(series_add_sample(s, 0.56 + 0.01 * i, &e), 0);
	assert_int_equal(results_stamp_seq(&res, 7, &e), 0);
	assert_int_equal(s->nseq, 12);
	assert_int_equal(s->seq[11], 7);
	for (size_t i = 0; i < s->n; i++) /* one instance in two ran this series */
		s->seq[i] = (long)(2 * i);
	s->target = 0.02;
	strcpy(s->stop, "budget");
	s->wall_s = 1.5;
	s->truncated = 2;
	assert_int_equal(results_summarize(&res, 1, &e), 0);
	assert_true(s->has_trend && s->trend_flag && s->trend_rho > 0.9);
	assert_false(t->summary.has_ci);
	snprintf(path, sizeof(path), "%s/sampling.json", dir);
	assert_int_equal(results_write(&res, path, false, &e), 0);
	assert_int_equal(results_read(path, &back, &e), 0);
	y = results_series(&back, "startup", "ready", "native", false);
	assert_int_equal(y->nseq, 12);
	assert_int_equal(y->seq[11], 22);
	assert_string_equal(y->stop, "budget");
	assert_float_equal(y->target, 0.02, 1e-12);
	assert_float_equal(y->wall_s, 1.5, 1e-12);
	assert_int_equal(y->truncated, 2);
	assert_true(y->has_trend && y->trend_flag);
	assert_float_equal(series_precision(y), series_precision(s), 1e-9);
	assert_int_equal(series_met(y), series_met(s));
	y = results_series(&back, "startup", "exit", "native", false);
	assert_false(y->summary.has_ci);
	assert_true(isnan(series_precision(y)));
	assert_false(series_missed(y)); /* no target: nothing missed */
	results_free(&back);
	results_free(&res);
}

/* A result written before the n >= 5 rule: its interval of 3 samples is not shown. */
static void test_reads_small_ci_as_none(void **state)
{
	const char *text =
	    "{\"schema\":\"boxbench/1\",\"id\":\"x\",\"started_at\":\"t\",\"complete\":true,"
	    "\"tool\":{},\"host\":{},\"config\":{},\"environments\":{},\"results\":["
	    "{\"suite\":\"s\",\"metric\":\"m\",\"env\":\"native\",\"unit\":\"ms\","
	    "\"better\":\"lower\",\"samples\":[1,2,3],\"errors\":[],\"summary\":{\"n\":3,"
	    "\"median\":2,\"mean\":2,\"sd\":1,\"min\":1,\"max\":3,\"p05\":1.1,\"p95\":2.9,"
	    "\"ci95\":[1,3],\"outliers\":0},\"vs_native\":null},"
	    "{\"suite\":\"s\",\"metric\":\"m\",\"env\":\"box\",\"unit\":\"ms\","
	    "\"better\":\"lower\",\"samples\":[2,4,6,4,4,4],\"errors\":[],\"summary\":{\"n\":6,"
	    "\"median\":4,\"mean\":4,\"sd\":1,\"min\":2,\"max\":6,\"p05\":2,\"p95\":6,"
	    "\"ci95\":[4,4],\"outliers\":2},\"vs_native\":{\"ratio\":2,\"ci95\":[1,3]}}]}";
	json_t *doc = json_loads(text, 0, NULL);
	struct bb_result res;
	struct bb_err e = { 0 };

	(void)state;
	assert_non_null(doc);
	assert_int_equal(results_from_json(doc, &res, &e), 0);
	assert_false(res.series[0].summary.has_ci);
	assert_true(res.series[1].summary.has_ci);
	/* the reference had 3 samples: the ratio keeps its value, loses its interval */
	assert_true(res.series[1].has_vs);
	assert_false(series_vs_has_ci(&res.series[1]));
	json_decref(doc);
	results_free(&res);
}

/* A series of an older name is read under today's: startup's guest_boot (the guest's
 * CLOCK_BOOTTIME at init) is guest_boottime_at_init; the old name and the new in one result
 * are the same series twice. Other suites' metrics of that name are left alone. */
#define OLD_SERIES(suite, metric)                                                                  \
	"{\"suite\":\"" suite "\",\"metric\":\"" metric "\",\"env\":\"vm\",\"unit\":\"ms\","       \
	"\"better\":\"lower\",\"samples\":[],\"errors\":[]}"
#define OLD_DOC(series)                                                                            \
	"{\"schema\":\"boxbench/1\",\"id\":\"x\",\"started_at\":\"t\",\"complete\":true,"          \
	"\"tool\":{},\"host\":{},\"config\":{},\"environments\":{},\"results\":[" series "]}"

static void test_reads_renamed_metrics(void **state)
{
	json_t *old = json_loads(
	    OLD_DOC(OLD_SERIES("startup", "guest_boot") "," OLD_SERIES("other", "guest_boot")), 0,
	    NULL);
	json_t *both = json_loads(OLD_DOC(OLD_SERIES("startup", "guest_boot") "," OLD_SERIES(
	                              "startup", "guest_boottime_at_init")),
	                          0, NULL);
	struct bb_result res;
	struct bb_err e = { 0 };

	(void)state;
	assert_string_equal(results_metric_current("startup", "guest_boot"),
	                    "guest_boottime_at_init");
	assert_string_equal(results_metric_current("startup", "ready"), "ready");
	assert_string_equal(results_metric_current("other", "guest_boot"), "guest_boot");
	assert_int_equal(results_from_json(old, &res, &e), 0);
	assert_non_null(results_series(&res, "startup", "guest_boottime_at_init", "vm", false));
	assert_null(results_series(&res, "startup", "guest_boot", "vm", false));
	assert_non_null(results_series(&res, "other", "guest_boot", "vm", false));
	results_free(&res);
	assert_int_equal(results_from_json(both, &res, &e), -1);
	assert_non_null(strstr(e.msg, "guest_boottime_at_init/vm appears twice"));
	json_decref(old);
	json_decref(both);
}

static void test_no_overwrite(void **state)
{
	struct bb_result res;
	struct bb_err e = { 0 };
	char path[128];

	(void)state;
	make_result(&res);
	snprintf(path, sizeof(path), "%s/once.json", dir);
	assert_int_equal(results_write(&res, path, false, &e), 0);
	assert_int_equal(results_write(&res, path, false, &e), -1);
	assert_non_null(strstr(e.msg, "--force"));
	assert_int_equal(results_write(&res, path, true, &e), 0);
	results_free(&res);
	/* Only the two result files: no temporary file left in the directory. */
	DIR *d = opendir(dir);
	struct dirent *de;
	while ((de = readdir(d)))
		assert_null(strstr(de->d_name, ".tmp."));
	closedir(d);
}

static void expect_reject(const char *text, const char *needle)
{
	struct bb_result res;
	struct bb_err e = { 0 };
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/bad.json", dir);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	if (results_read(path, &res, &e) == 0)
		fail_msg("accepted, expected '%s': %s", needle, text);
	if (!strstr(e.msg, needle))
		fail_msg("message '%s' lacks '%s'", e.msg, needle);
}

static void test_rejects(void **state)
{
	(void)state;
	expect_reject("{\"schema\":\"boxbench/1\",\"id\":", "not valid JSON");
	expect_reject("{\"schema\":\"other/2\"}", "expected \"boxbench/1\"");
	expect_reject("{\"name\":\"package.json\"}", "not a boxbench result");
	expect_reject("[1,2]", "not a boxbench result");
	expect_reject("{\"schema\":\"boxbench/1\",\"id\":7}", "\"id\" is not a string");
	expect_reject(
	    "{\"schema\":\"boxbench/1\",\"id\":\"x\",\"started_at\":\"t\",\"complete\":true,"
	    "\"tool\":{},\"host\":{},\"config\":{},\"environments\":{},\"results\":[{"
	    "\"suite\":\"s\",\"metric\":\"m\",\"env\":\"e\",\"better\":\"lower\","
	    "\"unit\":\"ms\",\"samples\":[1,\"two\"],\"errors\":[]}]}",
	    "sample 1 is not a number");
	expect_reject(
	    "{\"schema\":\"boxbench/1\",\"id\":\"x\",\"started_at\":\"t\",\"complete\":true,"
	    "\"tool\":{},\"host\":{},\"config\":{},\"environments\":{},\"results\":[{"
	    "\"suite\":\"s\",\"metric\":\"m\",\"env\":\"e\",\"better\":\"sideways\","
	    "\"unit\":\"ms\",\"samples\":[],\"errors\":[]}]}",
	    "better");
	expect_reject(
	    "{\"schema\":\"boxbench/1\",\"id\":\"x\",\"started_at\":\"t\",\"complete\":1}",
	    "\"complete\" is not a boolean");
}

/* One series (its JSON members after suite/metric/env/better/unit) in a result that describes
 * the environment "e" when described is set, else only another one. */
static void expect_series_reject(const char *members, bool described, const char *needle)
{
	char text[4096];

	snprintf(text, sizeof(text),
	         "{\"schema\":\"boxbench/1\",\"id\":\"x\",\"started_at\":\"t\",\"complete\":"
	         "true,\"tool\":{},\"host\":{},\"config\":{},\"environments\":{%s},"
	         "\"results\":[{\"suite\":\"startup\",\"metric\":\"ready\",\"env\":\"e\","
	         "\"better\":\"lower\",\"unit\":\"ms\",%s}]}",
	         described ? "\"e\":{\"class\":\"native\",\"available\":true}"
	                   : "\"other\":{\"class\":\"native\",\"available\":true}",
	         members);
	expect_reject(text, needle);
}

#define SUMMARY(n, min, med, max)                                                                  \
	"\"summary\":{\"n\":" n ",\"median\":" med ",\"mean\":1,\"sd\":0,\"min\":" min             \
	",\"max\":" max ",\"p05\":1,\"p95\":1,\"ci95\":[1,1],\"outliers\":0}"

/* A file is checked for consistency, not only for types: a summary must describe the samples
 * kept (summary.n = 0 with a summary made `report` read through a NULL series), numbers must be
 * finite and in range, names must refer to what the result describes. */
static void test_rejects_inconsistent(void **state)
{
	(void)state;
	expect_series_reject("\"samples\":[],\"errors\":[]," SUMMARY("0", "1", "1", "1"), true,
	                     "a summary of no sample");
	expect_series_reject("\"samples\":[1,2],\"errors\":[]," SUMMARY("3", "1", "1", "2"), true,
	                     "\"n\" is");
	expect_series_reject("\"samples\":[1],\"errors\":[]," SUMMARY("-1", "1", "1", "1"), true,
	                     "not in [0, 1]");
	expect_series_reject("\"samples\":[1],\"errors\":[]," SUMMARY("1", "2", "1", "0"), true,
	                     "inconsistent");
	expect_series_reject("\"samples\":[1],\"errors\":[]", true, "without a summary");
	expect_series_reject("\"samples\":[1],\"errors\":[]," SUMMARY("1", "1", "1", "1"), false,
	                     "environment \"e\" is not described");
	expect_series_reject(
	    "\"samples\":[1],\"errors\":[],\"accel\":\"a-very-long-accel\"," SUMMARY("1", "1", "1",
	                                                                             "1"),
	    true, "accel");
	expect_series_reject("\"samples\":[],\"errors\":[],\"summary\":null,"
	                     "\"vs_native\":{\"ratio\":2,\"ci95\":[1,3]}",
	                     true, "without a summary");
	expect_series_reject("\"samples\":[1],\"errors\":[]," SUMMARY(
	                         "1", "1", "1", "1") ",\"vs_native\":{\"ratio\":-2,\"ci95\":[1,3]}",
	                     true, "not a ratio");
	expect_series_reject("\"samples\":[],\"errors\":[{\"rep\":99999999999,\"reason\":\"x\"}]",
	                     true, "rep out of range");
	/* 1e999 overflows a double: not a number boxbench wrote. */
	expect_series_reject("\"samples\":[1e999],\"errors\":[]", true, "not valid JSON");
	expect_reject("{\"schema\":\"boxbench/1\",\"id\":\"x\",\"started_at\":\"t\","
	              "\"complete\":true,\"tool\":{},\"host\":{},\"config\":{},"
	              "\"environments\":{\"e\":{\"class\":\"native\"}},\"results\":[],"
	              "\"facts\":[{\"env\":\"ghost\",\"suite\":\"s\",\"key\":\"k\","
	              "\"value\":1,\"rep\":0}]}",
	              "environment \"ghost\" is not described");
	expect_reject("{\"schema\":\"boxbench/1\",\"id\":\"x\",\"started_at\":\"t\","
	              "\"complete\":true,\"tool\":{},\"host\":{},\"config\":{},"
	              "\"environments\":{},\"results\":[],\"facts\":[7]}",
	              "facts[0]");
}

/* Only regular files are read: a FIFO would block `show` forever. */
static void test_reads_only_regular_files(void **state)
{
	struct bb_result res;
	struct bb_err e = { 0 };
	char path[128];

	(void)state;
	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(results_read(path, &res, &e), -1);
	assert_non_null(strstr(e.msg, "not a regular file"));
	assert_int_equal(results_read(dir, &res, &e), -1);
	assert_non_null(strstr(e.msg, "not a regular file"));
	assert_int_equal(results_read("/dev/zero", &res, &e), -1);
	assert_non_null(strstr(e.msg, "not a regular file"));
	unlink(path);
}

/* Only a regular file is replaced, even with force: never a device node, FIFO or symlink. */
static void test_never_replaces_a_device(void **state)
{
	struct bb_result res;
	struct bb_err e = { 0 };
	char node[128], link_[128], fifo[128];
	struct stat st;

	(void)state;
	make_result(&res);
	snprintf(node, sizeof(node), "%s/null", dir);
	snprintf(link_, sizeof(link_), "%s/dangling", dir);
	snprintf(fifo, sizeof(fifo), "%s/fifo-out", dir);
	assert_int_equal(symlink("/nonexistent/x", link_), 0);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	if (mknod(node, S_IFCHR | 0666, makedev(1, 3)) == 0) {
		assert_int_equal(results_write(&res, node, true, &e), -1);
		assert_non_null(strstr(e.msg, "not a regular file"));
		assert_int_equal(lstat(node, &st), 0);
		assert_true(S_ISCHR(st.st_mode));
		unlink(node);
	}
	assert_int_equal(results_write(&res, fifo, true, &e), -1);
	assert_int_equal(results_write(&res, link_, true, &e), -1);
	assert_non_null(strstr(e.msg, "symbolic link"));
	assert_int_equal(lstat(link_, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(results_write(&res, dir, true, &e), -1);
	assert_non_null(strstr(e.msg, "is a directory"));
	unlink(link_);
	unlink(fifo);
	results_free(&res);
}

static void test_missing_file(void **state)
{
	struct bb_result res;
	struct bb_err e = { 0 };

	(void)state;
	assert_int_equal(results_read("/nonexistent/r.json", &res, &e), -1);
	assert_non_null(strstr(e.msg, "No such file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_sampling_roundtrip),
		cmocka_unit_test(test_reads_small_ci_as_none),
		cmocka_unit_test(test_reads_renamed_metrics),
		cmocka_unit_test(test_no_overwrite),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_rejects_inconsistent),
		cmocka_unit_test(test_reads_only_regular_files),
		cmocka_unit_test(test_never_replaces_a_device),
	};
	return cmocka_run_group_tests_name("results", tests, setup, teardown);
}
