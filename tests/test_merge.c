/* Unit tests for harness/results_hosts.c and harness/merge.c: merging single-host results
 * (fixture copies with their host names changed), name clashes and renames, hosts without a
 * result, merged inputs flattened, bad inputs refused with one line, each host's view, and
 * the merged file valid against the schema. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "merge.h"
#include "results_hosts.h"

#define FIXTURE "tests/fixtures/fake-small.json"

static char dir[] = "/tmp/bb-test-merge-XXXXXX";

static void path_of(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

/* The fixture as host `hostname`, written to DIR/file. */
static void write_host_copy(const char *file, const char *hostname)
{
	json_t *doc = json_load_file(FIXTURE, 0, NULL);
	char p[256];

	assert_non_null(doc);
	json_object_set_new(json_object_get(doc, "host"), "hostname", json_string(hostname));
	path_of(p, sizeof(p), file);
	assert_int_equal(json_dump_file(doc, p, 0), 0);
	json_decref(doc);
}

static void write_text(const char *file, const char *text)
{
	char p[256];
	FILE *f;

	path_of(p, sizeof(p), file);
	assert_non_null(f = fopen(p, "w"));
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	write_host_copy("a.json", "alpha");
	write_host_copy("b.json", "beta");
	write_host_copy("weird.json", "has space");
	return 0;
}

/* Every result left in the directory (the inputs and what merge wrote) must validate. */
static int teardown(void **state)
{
	char cmd[256];
	int valid;

	(void)state;
	snprintf(cmd, sizeof(cmd), "scripts/validate-result.sh --in '%s' >&2", dir);
	valid = system(cmd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) || valid;
}

static int add_file(struct bb_hostset *set, const char *arg, struct bb_err *err)
{
	char name[BB_HOST_NAME_MAX], p[256], full[300];
	const char *file;

	if (merge_parse_input(arg, name, &file, err) < 0)
		return -1;
	path_of(p, sizeof(p), file);
	snprintf(full, sizeof(full), "%s", p);
	return merge_add_file(set, name, full, err);
}

static void test_names(void **state)
{
	char name[BB_HOST_NAME_MAX];
	const char *path;
	struct bb_err err = { 0 };

	(void)state;
	assert_true(results_host_name_ok("web-1.example_2"));
	assert_false(results_host_name_ok(""));
	assert_false(results_host_name_ok(".hidden"));
	assert_false(results_host_name_ok("a/b"));
	assert_false(results_host_name_ok("has space"));
	assert_false(results_host_name_ok(
	    "a123456789012345678901234567890123456789012345678901234567890123"));
	assert_int_equal(merge_parse_input("x.json", name, &path, &err), 0);
	assert_string_equal(name, "");
	assert_string_equal(path, "x.json");
	assert_int_equal(merge_parse_input("web1=r/x.json", name, &path, &err), 0);
	assert_string_equal(name, "web1");
	assert_string_equal(path, "r/x.json");
	/* '=' after a '/' is part of the file's name */
	assert_int_equal(merge_parse_input("./a=b.json", name, &path, &err), 0);
	assert_string_equal(path, "./a=b.json");
	assert_int_equal(merge_parse_input("bad name=x.json", name, &path, &err), -1);
	assert_non_null(strstr(err.msg, "NAME must be"));
	assert_int_equal(merge_parse_input("web1=", name, &path, &err), -1);
}

static void test_merge_two_and_missing(void **state)
{
	struct bb_hostset set, back;
	struct bb_err err = { 0 };
	json_t *doc;

	(void)state;
	results_hosts_init(&set);
	assert_int_equal(add_file(&set, "a.json", &err), 0);
	assert_int_equal(add_file(&set, "b.json", &err), 0);
	assert_int_equal(merge_add_missing(&set, "gamma=timeout:no answer in 600 s", &err), 0);
	assert_int_equal(set.n, 3);
	assert_int_equal(results_hosts_with_data(&set), 2);
	doc = results_hosts_to_json(&set, "boxbench merge test");
	assert_non_null(doc);
	/* the host a dimension everywhere */
	assert_int_equal(json_array_size(json_object_get(doc, "hosts")), 3);
	assert_non_null(json_object_get(json_object_get(doc, "environments"), "alpha/native"));
	assert_non_null(json_object_get(json_object_get(doc, "environments"), "beta/vm"));
	assert_null(json_object_get(json_object_get(doc, "environments"), "native"));
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(doc, "results"), 0), "host")),
	                    "alpha");
	assert_int_equal(json_array_size(json_object_get(doc, "results")),
	                 2 * set.hosts[0].res.nseries);
	assert_false(json_is_true(json_object_get(doc, "complete")));
	/* read back: each host's view is the fixture again */
	assert_int_equal(results_hosts_from_json(doc, &back, &err), 0);
	assert_true(back.merged);
	assert_int_equal(back.n, 3);
	assert_string_equal(back.hosts[1].name, "beta");
	assert_int_equal(back.hosts[1].res.nseries, set.hosts[1].res.nseries);
	assert_string_equal(back.hosts[1].res.id, set.hosts[1].res.id);
	assert_null(back.hosts[2].doc);
	assert_int_equal(back.hosts[2].status, BB_HOST_TIMEOUT);
	assert_string_equal(back.hosts[2].reason, "no answer in 600 s");
	results_hosts_free(&back);
	json_decref(doc);
	results_hosts_free(&set);
}

static void test_clashes_and_renames(void **state)
{
	struct bb_hostset set;
	struct bb_err err = { 0 };

	(void)state;
	results_hosts_init(&set);
	assert_int_equal(add_file(&set, "a.json", &err), 0);
	assert_int_equal(add_file(&set, "a.json", &err), -1);
	assert_non_null(strstr(err.msg, "'alpha' appears twice"));
	assert_null(strchr(err.msg, '\n'));
	assert_int_equal(add_file(&set, "alpha2=a.json", &err), 0);
	assert_int_equal(merge_add_missing(&set, "alpha2=failed:x", &err), -1);
	/* a host name that cannot name a host must be given */
	assert_int_equal(add_file(&set, "weird.json", &err), -1);
	assert_non_null(strstr(err.msg, "give one as NAME=FILE"));
	assert_int_equal(add_file(&set, "w=weird.json", &err), 0);
	assert_int_equal(set.n, 3);
	results_hosts_free(&set);
}

static void test_missing_specs(void **state)
{
	const char *bad[] = { "gamma",        "gamma=unreachable", "gamma=ok:fine",
		              "gamma=down:x", "=failed:x",         "bad name=failed:x" };
	struct bb_hostset set;
	struct bb_err err = { 0 };

	(void)state;
	results_hosts_init(&set);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(merge_add_missing(&set, bad[i], &err), -1);
		assert_null(strchr(err.msg, '\n'));
	}
	assert_int_equal(merge_add_missing(&set, "g=unreachable:", &err), 0);
	assert_int_equal(merge_add_missing(&set, "h=failed:rc 3: no kvm", &err), 0);
	assert_string_equal(set.hosts[1].reason, "rc 3: no kvm");
	assert_int_equal(set.n, 2);
	results_hosts_free(&set);
}

/* A merged file is flattened into a new merge; a merged input of several hosts cannot be
 * renamed as one. */
static void test_flatten(void **state)
{
	struct bb_hostset set, again;
	struct bb_err err = { 0 };
	char out[256];

	(void)state;
	results_hosts_init(&set);
	assert_int_equal(add_file(&set, "a.json", &err), 0);
	assert_int_equal(merge_add_missing(&set, "c=unreachable:ssh", &err), 0);
	path_of(out, sizeof(out), "ac.json");
	assert_int_equal(results_hosts_write(&set, "t", out, false, &err), 0);
	assert_int_equal(results_hosts_write(&set, "t", out, false, &err), -1);
	results_hosts_free(&set);

	results_hosts_init(&again);
	assert_int_equal(add_file(&again, "ac.json", &err), 0);
	assert_int_equal(add_file(&again, "b.json", &err), 0);
	assert_int_equal(again.n, 3);
	assert_string_equal(again.hosts[1].name, "c");
	assert_null(again.hosts[1].doc);
	assert_int_equal(add_file(&again, "x=ac.json", &err), -1);
	assert_non_null(strstr(err.msg, "renames a single host"));
	assert_int_equal(add_file(&again, "ac.json", &err), -1);
	results_hosts_free(&again);
}

static void test_bad_inputs(void **state)
{
	const char *texts[] = {
		"not json",
		"{\"schema\": \"other/2\"}",
		"[1, 2]",
		/* merged, but its rows are broken */
		"{\"schema\": \"boxbench/1\", \"id\": \"m\", \"started_at\": "
		"\"2026-01-01T00:00:00Z\","
		" \"complete\": true, \"environments\": {}, \"results\": [], \"hosts\": []}",
		"{\"schema\": \"boxbench/1\", \"id\": \"m\", \"started_at\": "
		"\"2026-01-01T00:00:00Z\","
		" \"complete\": true, \"environments\": {}, \"results\": [],"
		" \"hosts\": [{\"name\": \"a\", \"status\": \"bogus\", \"id\": null}]}",
		"{\"schema\": \"boxbench/1\", \"id\": \"m\", \"started_at\": "
		"\"2026-01-01T00:00:00Z\","
		" \"complete\": true, \"environments\": {}, \"results\": [],"
		" \"hosts\": [{\"name\": \"a\", \"status\": \"failed\", \"id\": \"x\"}]}",
		/* a series of no listed host */
		"{\"schema\": \"boxbench/1\", \"id\": \"m\", \"started_at\": "
		"\"2026-01-01T00:00:00Z\","
		" \"complete\": true, \"environments\": {}, \"hosts\": [{\"name\": \"a\", "
		"\"status\":"
		" \"failed\", \"id\": null}], \"results\": [{\"host\": \"zz\"}]}",
		/* an environment not HOST/ENV */
		"{\"schema\": \"boxbench/1\", \"id\": \"m\", \"started_at\": "
		"\"2026-01-01T00:00:00Z\","
		" \"complete\": true, \"environments\": {\"native\": {}}, \"results\": [],"
		" \"hosts\": [{\"name\": \"a\", \"status\": \"failed\", \"id\": null}]}",
		/* status ok without the run's metadata */
		"{\"schema\": \"boxbench/1\", \"id\": \"m\", \"started_at\": "
		"\"2026-01-01T00:00:00Z\","
		" \"complete\": true, \"environments\": {}, \"results\": [],"
		" \"hosts\": [{\"name\": \"a\", \"status\": \"ok\", \"id\": \"r\"}]}",
	};
	struct bb_hostset set;
	struct bb_err err = { 0 };
	char p[256];

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		results_hosts_init(&set);
		write_text("bad.json", texts[i]);
		if (add_file(&set, "bad.json", &err) == 0)
			fail_msg("bad input %zu accepted", i);
		assert_null(strchr(err.msg, '\n'));
		assert_int_equal(set.n, 0);
		results_hosts_free(&set);
	}
	/* only hosts without a result is a merge that reads back */
	results_hosts_init(&set);
	write_text("none.json",
	           "{\"schema\": \"boxbench/1\", \"id\": \"m\", \"started_at\": "
	           "\"2026-01-01T00:00:00Z\", \"complete\": false, \"environments\": {}, "
	           "\"results\": [], \"hosts\": [{\"name\": \"a\", \"status\": \"failed\", "
	           "\"id\": null}]}");
	assert_int_equal(add_file(&set, "none.json", &err), 0);
	results_hosts_free(&set);
	/* broken on purpose: not left for the teardown's validation */
	path_of(p, sizeof(p), "bad.json");
	unlink(p);
	path_of(p, sizeof(p), "none.json");
	unlink(p);
}

static void test_host_view(void **state)
{
	struct bb_hostset set;
	struct bb_result one, res;
	struct bb_err err = { 0 };
	json_t *doc;

	(void)state;
	results_hosts_init(&set);
	assert_int_equal(add_file(&set, "a.json", &err), 0);
	assert_int_equal(add_file(&set, "b.json", &err), 0);
	assert_int_equal(merge_add_missing(&set, "c=failed:boom", &err), 0);
	doc = results_hosts_to_json(&set, "t");
	assert_int_equal(results_host_view(doc, "beta", &res, &err), 0);
	assert_int_equal(results_read(FIXTURE, &one, &err), 0);
	assert_int_equal(res.nseries, one.nseries);
	assert_int_equal(res.nenvs, one.nenvs);
	assert_string_equal(results_jstr(res.host, "hostname"), "beta");
	for (size_t i = 0; i < res.nseries; i++) {
		assert_string_equal(res.series[i].env, one.series[i].env);
		assert_int_equal(res.series[i].n, one.series[i].n);
	}
	results_free(&one);
	results_free(&res);
	assert_int_equal(results_host_view(doc, "c", &res, &err), -1);
	assert_non_null(strstr(err.msg, "has no result (failed: boom)"));
	assert_int_equal(results_host_view(doc, "nope", &res, &err), -1);
	/* the single-host reader refuses a merged file with a clear line */
	assert_int_equal(results_from_json(doc, &res, &err), -1);
	assert_non_null(strstr(err.msg, "merged result of 3 host(s)"));
	json_decref(doc);
	results_hosts_free(&set);
}

static void test_schema_valid(void **state)
{
	struct bb_hostset set;
	struct bb_err err = { 0 };
	char out[256], cmd[512];

	(void)state;
	results_hosts_init(&set);
	assert_int_equal(add_file(&set, "a.json", &err), 0);
	assert_int_equal(add_file(&set, "b.json", &err), 0);
	assert_int_equal(merge_add_missing(&set, "c=unreachable:ssh: no route", &err), 0);
	path_of(out, sizeof(out), "valid.json");
	assert_int_equal(results_hosts_write(&set, "t", out, true, &err), 0);
	results_hosts_free(&set);
	snprintf(cmd, sizeof(cmd), "scripts/validate-result.sh '%s' >/dev/null 2>&1", out);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(system("scripts/validate-result.sh tests/fixtures/fake-merged.json "
	                        ">/dev/null 2>&1"),
	                 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_merge_two_and_missing),
		cmocka_unit_test(test_clashes_and_renames),
		cmocka_unit_test(test_missing_specs),
		cmocka_unit_test(test_flatten),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_host_view),
		cmocka_unit_test(test_schema_valid),
	};
	return cmocka_run_group_tests_name("merge", tests, setup, teardown);
}
