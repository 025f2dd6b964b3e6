/* `--json` of show, compare and history: the output parses, holds the same data as the text
 * (same rows, same verdicts, same counts) and its exit code is the text's. Runs the built
 * binary on the fixtures (made-up numbers, tests/fixtures/README.md) and on a copy of one
 * with a series slowed down twice, so a verdict is known in advance. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>

#include "helpers.h"

#define FULL "tests/fixtures/fake-full.json"

static char dir[64], bin[256], slow[128];

/* fake-full with every startup/ready native sample doubled: a regression of that series. */
static int setup(void **state)
{
	json_t *doc, *o;
	size_t i, j;

	(void)state;
	if (integration_setup("json", dir, sizeof(dir), bin, sizeof(bin)) < 0)
		return -1;
	snprintf(slow, sizeof(slow), "%s/slow.json", dir);
	doc = json_load_file(FULL, 0, NULL);
	if (!doc)
		return -1;
	json_array_foreach(json_object_get(doc, "results"), i, o)
	{
		json_t *v, *samples = json_object_get(o, "samples");
		if (strcmp(json_string_value(json_object_get(o, "metric")), "ready") ||
		    strcmp(json_string_value(json_object_get(o, "env")), "native"))
			continue;
		json_array_foreach(samples, j, v) json_real_set(v, 2 * json_number_value(v));
	}
	return json_dump_file(doc, slow, JSON_INDENT(1)) < 0 ? -1 : (json_decref(doc), 0);
}

static int teardown(void **state)
{
	(void)state;
	return remove_tree(dir);
}

static json_t *run_json(char **argv, int want_code)
{
	struct cmd_out *r = malloc(sizeof(*r));
	json_error_t je;
	json_t *doc;

	assert_int_equal(run_cmd(argv, r), 0);
	if (r->code != want_code)
		fail_msg("%s %s: exit %d (want %d): %s", argv[1], argv[2], r->code, want_code,
		         r->err);
	doc = json_loads(r->out, 0, &je);
	if (!doc)
		fail_msg("%s --json: not JSON (%s): %.200s", argv[1], je.text, r->out);
	free(r);
	return doc;
}

static json_t *find_row(json_t *rows, const char *suite, const char *metric, const char *env)
{
	size_t i;
	json_t *o;

	json_array_foreach(rows, i, o)
	{
		if (!strcmp(json_string_value(json_object_get(o, "suite")), suite) &&
		    !strcmp(json_string_value(json_object_get(o, "metric")), metric) &&
		    !strcmp(json_string_value(json_object_get(o, "env")), env))
			return o;
	}
	fail_msg("no row %s/%s/%s", suite, metric, env);
	return NULL;
}

static void test_show_json(void **state)
{
	char *argv[] = { bin, "show", FULL, "--json", NULL };
	json_t *doc = run_json(argv, 0), *file = json_load_file(FULL, 0, NULL), *o;
	json_t *rows = json_object_get(doc, "series");
	size_t i;

	(void)state;
	assert_string_equal(json_string_value(json_object_get(doc, "format")), "boxbench-show/1");
	assert_int_equal(json_array_size(rows), json_array_size(json_object_get(file, "results")));
	json_array_foreach(json_object_get(file, "results"), i, o)
	{
		json_t *row = json_array_get(rows, i), *sum = json_object_get(o, "summary");
		assert_string_equal(json_string_value(json_object_get(row, "metric")),
		                    json_string_value(json_object_get(o, "metric")));
		if (json_is_null(sum))
			assert_true(json_is_null(json_object_get(row, "median")));
		else
			assert_true(json_number_value(json_object_get(row, "median")) ==
			            json_number_value(json_object_get(sum, "median")));
	}
	/* the fixture's isolation and limits tables are there too */
	assert_true(json_array_size(json_object_get(json_object_get(doc, "isolation"), "facts")) >
	            0);
	assert_true(json_array_size(json_object_get(doc, "limits")) > 0);
	json_decref(file);
	json_decref(doc);
}

static void test_compare_json(void **state)
{
	char *argv[] = { bin, "compare", FULL, slow, "--json", NULL };
	json_t *doc = run_json(argv, 1);
	json_t *rows = json_object_get(doc, "series"), *row;
	struct cmd_out *r = malloc(sizeof(*r));
	char line[128];

	(void)state;
	assert_int_equal(json_integer_value(json_object_get(doc, "exit_code")), 1);
	assert_non_null(strstr(json_string_value(json_object_get(doc, "exit_reason")), "regress"));
	row = find_row(rows, "startup", "ready", "native");
	assert_string_equal(json_string_value(json_object_get(row, "verdict")), "regression");
	assert_true(json_number_value(json_object_get(json_object_get(row, "change"), "relative")) >
	            0.5);
	assert_true(json_number_value(json_object_get(json_object_get(row, "test"), "p_worse")) <
	            0.01);
	/* the text says the same */
	argv[4] = NULL;
	assert_int_equal(run_cmd(argv, r), 0);
	assert_int_equal(r->code, 1);
	json_t *counts = json_object_get(doc, "counts");
	snprintf(line, sizeof(line), "\n%lld regression%s, %lld improvement",
	         json_integer_value(json_object_get(counts, "regressions")),
	         json_integer_value(json_object_get(counts, "regressions")) == 1 ? "" : "s",
	         json_integer_value(json_object_get(counts, "improvements")));
	assert_non_null(strstr(r->out, line));
	assert_int_equal(json_array_size(rows),
	                 json_integer_value(json_object_get(counts, "compared")));
	/* --markdown and --json together: a usage error */
	argv[4] = "--json";
	char *both[] = { bin, "compare", FULL, slow, "--json", "--markdown", NULL };
	assert_int_equal(run_cmd(both, r), 0);
	assert_int_equal(r->code, 2);
	free(r);
	json_decref(doc);
}

static void test_history_json(void **state)
{
	char *argv[] = { bin, "history", FULL, slow, "--json", NULL };
	struct stat st;
	bool had_dir = stat("history", &st) == 0;
	json_t *doc = run_json(argv, 0), *row, *pts;

	(void)state;
	assert_int_equal(json_array_size(json_object_get(doc, "results")), 2);
	row = find_row(json_object_get(doc, "series"), "startup", "ready", "native");
	pts = json_object_get(row, "points");
	assert_int_equal(json_array_size(pts), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(pts, 1), "verdict")),
	                    "regression");
	assert_non_null(json_string_value(json_object_get(row, "latest_change")));
	/* --json alone writes no chart directory (history/ is the default one) */
	assert_int_equal(stat("history", &st) == 0, had_dir);
	json_decref(doc);
}

#define MERGED "tests/fixtures/fake-merged.json"

/* A merged result: one entry per host, each host's table as show --json of its own result;
 * compare host by host, a host without a result not compared and saying why. */
static void test_merged_json(void **state)
{
	char *show[] = { bin, "show", MERGED, "--json", NULL };
	char *single[] = { bin, "show", FULL, "--json", NULL };
	char *cmp[] = { bin, "compare", MERGED, MERGED, "--json", NULL };
	json_t *doc = run_json(show, 0), *full = run_json(single, 0), *hosts, *b;

	(void)state;
	assert_true(json_is_true(json_object_get(doc, "merged")));
	hosts = json_object_get(doc, "hosts");
	assert_int_equal(json_array_size(hosts), 3);
	b = json_object_get(json_array_get(hosts, 1), "result");
	assert_string_equal(json_string_value(json_object_get(json_array_get(hosts, 1), "name")),
	                    "fixture-b");
	assert_true(json_equal(json_object_get(b, "series"), json_object_get(full, "series")));
	assert_string_equal(json_string_value(json_object_get(json_array_get(hosts, 2), "status")),
	                    "unreachable");
	json_decref(doc);
	json_decref(full);
	doc = run_json(cmp, 0);
	hosts = json_object_get(doc, "hosts");
	assert_int_equal(json_array_size(hosts), 3);
	assert_true(json_is_true(json_object_get(json_array_get(hosts, 0), "compared")));
	assert_false(json_is_true(json_object_get(json_array_get(hosts, 2), "compared")));
	assert_non_null(strstr(json_string_value(json_object_get(json_array_get(hosts, 2), "note")),
	                       "unreachable"));
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_show_json),
		cmocka_unit_test(test_compare_json),
		cmocka_unit_test(test_merged_json),
		cmocka_unit_test(test_history_json),
	};
	return cmocka_run_group_tests_name("cmd_json", tests, setup, teardown);
}
