/* The command line: bad usage gives exit 2 and exactly one line on stderr naming the
 * problem; the number parsers are strict. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "cli.h"
#include "helpers.h"

static void expect_usage_error(const char *needle, char *a1, char *a2, char *a3)
{
	char bin[256];
	struct cmd_out *r = malloc(sizeof(*r));
	char *argv[] = { bin, a1, a2, a3, NULL };

	snprintf(bin, sizeof(bin), "%s/boxbench", build_dir());
	assert_int_equal(run_cmd(argv, r), 0);
	if (r->code != 2 || count_lines(r->err) != 1 || !strstr(r->err, needle) ||
	    strncmp(r->err, "boxbench: ", 10))
		fail_msg("%s %s %s: exit %d, stderr '%s' (want exit 2, one line with '%s')", a1,
		         a2 ? a2 : "", a3 ? a3 : "", r->code, r->err, needle);
	free(r);
}

static void test_bad_usage(void **state)
{
	(void)state;
	expect_usage_error("unknown command 'frobnicate'", "frobnicate", NULL, NULL);
	expect_usage_error("unknown option '--bogus'", "run", "--bogus", NULL);
	expect_usage_error("--reps: 0 is out of range", "run", "--reps", "0");
	expect_usage_error("--reps: -3 is out of range", "run", "--reps", "-3");
	expect_usage_error("--reps: expected an integer, got 'abc'", "run", "--reps", "abc");
	expect_usage_error("'--reps' needs a value", "run", "--reps", NULL);
	expect_usage_error("--timeout: expected a number", "run", "--timeout", "soon");
	expect_usage_error("--envs: unknown environment 'mainframe'", "run", "--envs", "mainframe");
	expect_usage_error("--suites: unknown suite 'nosuch'", "run", "--suites", "nosuch");
	expect_usage_error("'native' given twice", "run", "--envs", "native,native");
	expect_usage_error("missing FILE", "show", NULL, NULL);
	expect_usage_error("No such file", "show", "/nonexistent.json", NULL);
	expect_usage_error("unknown option '--yaml'", "doctor", "--yaml", NULL);
}

static void test_foreign_json(void **state)
{
	char path[] = "/tmp/bb-test-foreign-XXXXXX";
	int fd = mkstemp(path);

	(void)state;
	assert_true(write(fd, "{\"name\":\"left-pad\"}\n", 20) == 20);
	close(fd);
	expect_usage_error("not a boxbench result", "show", path, NULL);
	unlink(path);
}

static void test_parsers(void **state)
{
	struct bb_err e = { 0 };
	long v;
	double d;
	char *items[4], *buf = NULL;
	size_t n;

	(void)state;
	assert_int_equal(cli_int("--reps", "12", 1, 100, &v, &e), 0);
	assert_int_equal(v, 12);
	assert_int_equal(cli_int("--reps", "12x", 1, 100, &v, &e), -1);
	assert_int_equal(cli_int("--reps", "", 1, 100, &v, &e), -1);
	assert_int_equal(cli_int("--reps", "99999999999999999999", 1, 100, &v, &e), -1);
	assert_int_equal(cli_double("--timeout", "2.5", 0.1, 10, &d, &e), 0);
	assert_true(d == 2.5);
	assert_int_equal(cli_double("--timeout", "nan", 0.1, 10, &d, &e), -1);
	assert_int_equal(cli_double("--timeout", "inf", 0.1, 10, &d, &e), -1);
	assert_int_equal(cli_list("--envs", "a,b,c", items, 4, &n, &buf, &e), 0);
	assert_int_equal(n, 3);
	assert_string_equal(items[2], "c");
	free(buf);
	assert_int_equal(cli_list("--envs", ",", items, 4, &n, &buf, &e), -1);
	assert_non_null(strstr(e.msg, "empty"));
	free(buf);
	assert_int_equal(cli_list("--envs", "a,b,c,d,e", items, 4, &n, &buf, &e), -1);
	free(buf);
}

static void test_parse_size(void **state)
{
	long long b;
	struct bb_err err = { 0 };
	const char *bad[] = { "", "G", "-1", "12X", "1GX", "0", "1.5.2G", NULL };

	(void)state;
	assert_int_equal(cli_size("16G", &b, &err), 0);
	assert_true(b == 16LL << 30);
	assert_int_equal(cli_size("512m", &b, &err), 0);
	assert_true(b == 512LL << 20);
	assert_int_equal(cli_size("64KiB", &b, &err), 0);
	assert_true(b == 64LL << 10);
	assert_int_equal(cli_size("1.5G", &b, &err), 0);
	assert_true(b == 3LL << 29);
	assert_int_equal(cli_size("1T", &b, &err), 0);
	assert_true(b == 1LL << 40);
	assert_int_equal(cli_size("4096", &b, &err), 0);
	assert_true(b == 4096);
	for (size_t i = 0; bad[i]; i++) {
		assert_int_equal(cli_size(bad[i], &b, &err), -1);
		assert_non_null(strstr(err.msg, "size:"));
	}
}

/* The command line kept in a result reads back as the same words in a shell. */
static void test_command_line(void **state)
{
	char *argv[] = { "merge",     "a.json", "--missing", "db1=unreachable:ssh timed out",
		         "it's.json", "" };
	char *line = cli_command_line(6, argv);

	(void)state;
	assert_non_null(line);
	assert_string_equal(line, "boxbench merge a.json --missing 'db1=unreachable:ssh timed out' "
	                          "'it'\\''s.json' ''");
	free(line);
	line = cli_command_line(0, argv);
	assert_string_equal(line, "boxbench");
	free(line);
}

static void test_help_and_version(void **state)
{
	char bin[256];
	struct cmd_out *r = malloc(sizeof(*r));
	char *argv[] = { bin, "--version", NULL };

	(void)state;
	snprintf(bin, sizeof(bin), "%s/boxbench", build_dir());
	assert_int_equal(run_cmd(argv, r), 0);
	assert_int_equal(r->code, 0);
	assert_non_null(strstr(r->out, "boxbench "));
	argv[1] = "--help";
	assert_int_equal(run_cmd(argv, r), 0);
	assert_int_equal(r->code, 0);
	assert_non_null(strstr(r->out, "doctor"));
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_usage),    cmocka_unit_test(test_foreign_json),
		cmocka_unit_test(test_parsers),      cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_command_line), cmocka_unit_test(test_help_and_version),
	};
	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
