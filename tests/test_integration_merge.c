/* Integration: results of several machines. Two real quick runs (native startup) become the
 * results of two hosts (a test-only copy of each with its host name rewritten: this test has
 * one machine), merged with a third host that gave no result; show, report, compare, export
 * and history on the merged file behave as README says, bad merges are one-line errors with
 * exit 2, and every result written (merged ones too) validates against the schema. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>

#include "helpers.h"

static char dir[64], bin[256];

static char *path(const char *name)
{
	static char buf[8][192];
	static int k;

	k = (k + 1) % 8;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
	return buf[k];
}

/* A quick native startup run, its copy as host `host` in dir/out. */
static int run_as_host(const char *raw, const char *host, const char *out)
{
	struct cmd_out *r = malloc(sizeof(*r));
	char *argv[] = { bin,       "run",     "--envs", "native",  "--suites", "startup",
		         "--quick", "--force", "-o",     path(raw), NULL };
	json_t *doc;
	int rc;

	if (!r || run_cmd(argv, r) < 0 || r->code != 0) {
		fprintf(stderr, "run: exit %d: %s\n", r ? r->code : -1, r ? r->err : "");
		free(r);
		return -1;
	}
	free(r);
	if (!(doc = json_load_file(path(raw), 0, NULL)))
		return -1;
	json_object_set_new(json_object_get(doc, "host"), "hostname", json_string(host));
	rc = json_dump_file(doc, path(out), JSON_INDENT(1));
	json_decref(doc);
	return rc;
}

static int setup(void **state)
{
	(void)state;
	if (integration_setup("merge", dir, sizeof(dir), bin, sizeof(bin)) < 0)
		return -1;
	return run_as_host("raw-a.json", "bb-host-a", "a.json") < 0 ||
	               run_as_host("raw-b.json", "bb-host-b", "b.json") < 0
	           ? -1
	           : 0;
}

static int teardown(void **state)
{
	(void)state;
	return remove_tree(dir);
}

static struct cmd_out *boxbench(char **args)
{
	static struct cmd_out r;
	char *argv[24] = { bin };
	size_t n = 1;

	for (; args[n - 1] && n < 23; n++)
		argv[n] = args[n - 1];
	argv[n] = NULL;
	assert_int_equal(run_cmd(argv, &r), 0);
	return &r;
}

static void expect_one_line_error(const struct cmd_out *r, const char *what)
{
	if (r->code != 2)
		fail_msg("%s: exit %d, want 2: %s", what, r->code, r->err);
	assert_int_equal(count_lines(r->err), 1);
	assert_int_equal(r->out[0], '\0');
}

static void merge_all(void)
{
	struct cmd_out *r = boxbench(
	    (char *[]){ "merge", path("a.json"), path("b.json"), "-o", path("all.json"), "--force",
	                "--missing", "bb-host-c=unreachable:ssh: no route to host", NULL });
	if (r->code != 0)
		fail_msg("merge: exit %d: %s", r->code, r->err);
}

static void test_merge_cli(void **state)
{
	struct cmd_out *r;
	struct stat st;

	(void)state;
	merge_all();
	/* never over an existing file without --force */
	r = boxbench((char *[]){ "merge", path("a.json"), "-o", path("all.json"), NULL });
	expect_one_line_error(r, "merge over an existing file");
	/* one name twice; a renamed copy is fine */
	r = boxbench(
	    (char *[]){ "merge", path("a.json"), path("a.json"), "-o", path("x.json"), NULL });
	expect_one_line_error(r, "merge of one host twice");
	assert_non_null(strstr(r->err, "appears twice"));
	assert_int_equal(stat(path("x.json"), &st), -1);
	r = boxbench((char *[]){ "merge", path("a.json"),
	                         "again="
	                         "/dev/null",
	                         "-o", path("x.json"), NULL });
	expect_one_line_error(r, "merge of a device");
	r = boxbench((char *[]){ "merge", path("a.json"), "--missing", "c=ok:fine", "-o",
	                         path("x.json"), NULL });
	expect_one_line_error(r, "--missing with status ok");
	r = boxbench((char *[]){ "merge", path("all.json"), "-o", path("flat.json"), NULL });
	assert_int_equal(r->code, 0); /* a merged input is flattened */
	r = boxbench((char *[]){ "merge", path("a.json"), "a2=", "-o", path("x.json"), NULL });
	expect_one_line_error(r, "NAME= without a file");
}

static void test_show(void **state)
{
	struct cmd_out *r = boxbench((char *[]){ "show", path("all.json"), NULL });
	json_t *doc, *hosts;

	(void)state;
	assert_int_equal(r->code, 0);
	assert_non_null(strstr(r->out, "== host bb-host-a =="));
	assert_non_null(strstr(r->out, "== host bb-host-b =="));
	assert_non_null(strstr(r->out, "== host bb-host-c: unreachable: ssh: no route to host"));
	r = boxbench((char *[]){ "show", path("all.json"), "--json", NULL });
	assert_int_equal(r->code, 0);
	assert_non_null(doc = json_loads(r->out, 0, NULL));
	hosts = json_object_get(doc, "hosts");
	assert_int_equal(json_array_size(hosts), 3);
	assert_true(json_array_size(json_object_get(
	                json_object_get(json_array_get(hosts, 1), "result"), "series")) > 0);
	assert_true(json_is_null(json_object_get(json_array_get(hosts, 2), "result")));
	json_decref(doc);
}

static bool file_has(const char *file, const char *needle)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "grep -qF -- '%s' '%s'", needle, file);
	return system(cmd) == 0;
}

static void test_report(void **state)
{
	struct cmd_out *r =
	    boxbench((char *[]){ "report", path("all.json"), "-o", path("rep"), NULL });
	struct stat st;

	(void)state;
	if (r->code != 0)
		fail_msg("report: exit %d: %s", r->code, r->err);
	assert_true(file_has(path("rep/index.html"), "Hosts"));
	assert_true(file_has(path("rep/index.html"), "hosts/bb-host-a/index.html"));
	assert_true(file_has(path("rep/index.html"), "ssh: no route to host"));
	assert_true(file_has(path("rep/report.md"), "| C5 |"));
	assert_int_equal(stat(path("rep/hosts/bb-host-b/index.html"), &st), 0);
	assert_int_equal(stat(path("rep/hosts/bb-host-c"), &st), -1);
	/* the suite's chart data holds both hosts */
	assert_true(file_has(path("rep/charts/hosts-startup.dat"), "\"bb-host-a\""));
	assert_true(file_has(path("rep/charts/hosts-startup.dat"), "\"bb-host-b\""));
}

static void test_compare(void **state)
{
	struct cmd_out *r;

	(void)state;
	r = boxbench((char *[]){ "compare", path("a.json"), path("b.json"), NULL });
	expect_one_line_error(r, "compare of two hosts");
	assert_non_null(strstr(r->err, "--across-hosts"));
	r = boxbench(
	    (char *[]){ "compare", path("a.json"), path("b.json"), "--across-hosts", NULL });
	if (r->code != 0 && r->code != 1) /* a real difference may be found: not an error */
		fail_msg("compare --across-hosts: exit %d: %s", r->code, r->err);
	/* a merged pair host by host: identical samples, no regression */
	r = boxbench((char *[]){ "compare", path("all.json"), path("flat.json"), NULL });
	if (r->code != 0)
		fail_msg("compare merged: exit %d: %s", r->code, r->err);
	assert_non_null(strstr(r->out, "== host bb-host-a =="));
	assert_non_null(strstr(r->out, "== host bb-host-c: not compared"));
	r = boxbench((char *[]){ "compare", path("all.json"), path("a.json"), "--json", NULL });
	assert_int_equal(r->code, 0);
	assert_non_null(strstr(r->out, "\"merged\": true"));
}

static void test_export(void **state)
{
	struct cmd_out *r = boxbench((char *[]){ "export", path("all.json"), "--format", "csv",
	                                         "-o", path("all.csv"), NULL });
	json_t *a = json_load_file(path("a.json"), 0, NULL);
	char want[256];

	(void)state;
	assert_int_equal(r->code, 0);
	/* each host's rows carry its name and its own run's id and start */
	snprintf(want, sizeof(want), "%s,bb-host-a,%s,startup,",
	         json_string_value(json_object_get(a, "id")),
	         json_string_value(json_object_get(a, "started_at")));
	assert_true(file_has(path("all.csv"), want));
	assert_true(file_has(path("all.csv"), ",bb-host-b,"));
	assert_false(file_has(path("all.csv"), ",bb-host-c,"));
	json_decref(a);
	r = boxbench((char *[]){ "export", path("all.json"), "--format", "gbench", NULL });
	expect_one_line_error(r, "gbench of a merged file");
	assert_non_null(strstr(r->err, "--host"));
	r = boxbench((char *[]){ "export", path("all.json"), "--format", "gbench", "--host",
	                         "bb-host-b", "-o", path("b.gbench.json"), NULL });
	assert_int_equal(r->code, 0);
	assert_true(file_has(path("b.gbench.json"), "\"benchmarks\""));
}

/* history: every series is one host's. */
static void test_history(void **state)
{
	struct cmd_out *r = boxbench((char *[]){ "history", path("all.json"), path("a.json"),
	                                         path("b.json"), "--json", NULL });
	json_t *doc, *s;
	size_t i;

	(void)state;
	assert_int_equal(r->code, 0);
	assert_non_null(doc = json_loads(r->out, 0, NULL));
	json_array_foreach(json_object_get(doc, "series"), i, s)
	{
		const char *host = json_string_value(json_object_get(s, "host"));
		assert_non_null(host);
		/* a.json and all.json's bb-host-a are the same run: two points, one host */
		assert_int_equal(json_array_size(json_object_get(s, "points")), 2);
	}
	json_decref(doc);
}

static void test_schema(void **state)
{
	char cmd[512];

	(void)state;
	snprintf(cmd, sizeof(cmd), "scripts/validate-result.sh '%s' '%s' >&2", path("all.json"),
	         path("flat.json"));
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_cli), cmocka_unit_test(test_show),
		cmocka_unit_test(test_report),    cmocka_unit_test(test_compare),
		cmocka_unit_test(test_export),    cmocka_unit_test(test_history),
		cmocka_unit_test(test_schema),
	};
	return cmocka_run_group_tests_name("integration_merge", tests, setup, teardown);
}
