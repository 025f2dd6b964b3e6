/* Option tables: every type parses strictly into its field, a shared declaration is one
 * option, errors name the option, and the help lists each option once under its part. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opttab.h"

struct fields {
	bool on, off;
	unsigned u;
	int i;
	long l;
	double d;
	long long size;
	const char *s, *choice;
	int custom_calls;
};

static int parse_custom(void *field, const char *arg, struct bb_err *err)
{
	if (strcmp(arg, "ok"))
		return bb_fail(err, 0, "custom: '%s' is not ok", arg);
	(*(int *)field)++;
	return 0;
}

#define F(x) offsetof(struct fields, x)

static const struct bb_option part_a[] = {
	{ .name = "on", .type = BB_OPT_SET, .field = F(on), .help = "turn on" },
	{ .name = "no-off", .type = BB_OPT_CLEAR, .field = F(off), .help = "turn off" },
	{ .name = "u", .type = BB_OPT_UINT, .field = F(u), .min = 1, .max = 10, .arg = "N" },
	{ .name = "i", .type = BB_OPT_INT, .field = F(i), .min = -5, .max = 5, .arg = "N" },
	{ .name = "l", .type = BB_OPT_LONG, .field = F(l), .min = 0, .max = 1e9, .arg = "N" },
	{ .name = "d", .type = BB_OPT_DOUBLE, .field = F(d), .min = 0.5, .max = 2, .arg = "X" },
	{ .name = "size", .type = BB_OPT_SIZE, .field = F(size), .min = 1 << 20, .arg = "SIZE" },
	{ .name = "str", .type = BB_OPT_STRING, .field = F(s), .arg = "S", .short_name = 's' },
	{ .name = "pick", .type = BB_OPT_CHOICE, .field = F(choice), .choices = "kvm|tcg" },
	{ .name = "custom",
	  .type = BB_OPT_CUSTOM,
	  .field = F(custom_calls),
	  .parse = parse_custom },
	BB_OPTIONS_END,
};

/* Another part declaring the same field of the same type: one option. */
static const struct bb_option part_b[] = {
	{ .name = "u", .type = BB_OPT_UINT, .field = F(u), .min = 1, .max = 10, .arg = "N" },
	{ .name = "only-b", .type = BB_OPT_SET, .field = F(on), .help = "b's own" },
	BB_OPTIONS_END,
};

static int parse(struct fields *f, const struct bb_option *b, char **argv, bool *help,
                 struct bb_err *err)
{
	struct bb_opt_group g[] = { { "a", part_a, f }, { "b", b, f } };
	int argc = 0;

	while (argv[argc])
		argc++;
	return opttab_parse(g, b ? 2 : 1, argc, argv, help, err);
}

static void test_types(void **state)
{
	char *argv[] = { "x",  "--on",     "--no-off", "--u",    "7",   "--i",
		         "-5", "--l",      "123456",   "--d",    "1.5", "--size",
		         "2M", "-s",       "hello",    "--pick", "tcg", "--custom",
		         "ok", "--custom", "ok",       NULL };
	struct fields f = { .off = true };
	struct bb_err err = { 0 };
	bool help;

	(void)state;
	assert_int_equal(parse(&f, NULL, argv, &help, &err), 0);
	assert_false(help);
	assert_true(f.on);
	assert_false(f.off);
	assert_int_equal(f.u, 7);
	assert_int_equal(f.i, -5);
	assert_int_equal(f.l, 123456);
	assert_true(f.d == 1.5);
	assert_true(f.size == 2LL << 20);
	assert_string_equal(f.s, "hello");
	assert_string_equal(f.choice, "tcg");
	assert_int_equal(f.custom_calls, 2);
}

static void expect_error(char *a1, char *a2, const char *needle)
{
	char *argv[] = { "x", a1, a2, NULL };
	struct fields f = { 0 };
	struct bb_err err = { 0 };
	bool help;

	assert_int_equal(parse(&f, NULL, argv, &help, &err), -1);
	if (!strstr(err.msg, needle))
		fail_msg("%s %s: '%s' lacks '%s'", a1, a2 ? a2 : "", err.msg, needle);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("--u", "11", "--u: 11 is out of range 1..10");
	expect_error("--u", "abc", "--u: expected an integer, got 'abc'");
	expect_error("--d", "3", "--d: 3 is out of range");
	expect_error("--size", "1K", "--size: 1K is below the minimum of 1 MiB");
	expect_error("--size", "lots", "--size: size: expected bytes");
	expect_error("--pick", "xen", "--pick: expected kvm|tcg, got 'xen'");
	expect_error("--pick", "kv", "expected kvm|tcg");
	expect_error("--custom", "no", "--custom: custom: 'no' is not ok");
	expect_error("--bogus", NULL, "unknown option '--bogus'");
	expect_error("--u", NULL, "option '--u' needs a value");
	expect_error("stray", NULL, "unexpected argument 'stray'");
}

static void test_shared_and_help(void **state)
{
	char *argv[] = { "x", "--u", "3", "--only-b", NULL };
	char *helpv[] = { "x", "--help", NULL };
	struct bb_opt_group g[] = { { "part a", part_a, NULL }, { "part b", part_b, NULL } };
	struct fields f = { 0 };
	struct bb_err err = { 0 };
	char *text = NULL;
	size_t len = 0;
	bool help;
	FILE *out;

	(void)state;
	assert_int_equal(parse(&f, part_b, argv, &help, &err), 0);
	assert_int_equal(f.u, 3);
	assert_true(f.on);
	assert_int_equal(parse(&f, part_b, helpv, &help, &err), 0);
	assert_true(help);
	out = open_memstream(&text, &len);
	opttab_help(out, "x [options]", g, 2);
	fclose(out);
	assert_non_null(strstr(text, "usage: x [options]\npart a:\n"));
	assert_non_null(strstr(text, "  -s, --str S"));
	assert_non_null(strstr(text, "part b:\n  --only-b               b's own\n"));
	/* --u is listed once, with the part that declared it first */
	assert_non_null(strstr(text, "--u N"));
	assert_null(strstr(strstr(text, "--u N") + 1, "--u N"));
	free(text);
}

static void test_conflicting_declaration(void **state)
{
	static const struct bb_option clash[] = {
		{ .name = "u", .type = BB_OPT_LONG, .field = F(l), .min = 0, .max = 9 },
		BB_OPTIONS_END,
	};
	char *argv[] = { "x", NULL };
	struct fields f = { 0 };
	struct bb_err err = { 0 };
	bool help;

	(void)state;
	assert_int_equal(parse(&f, clash, argv, &help, &err), -1);
	assert_non_null(strstr(err.msg, "option --u declared twice"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_shared_and_help),
		cmocka_unit_test(test_conflicting_declaration),
	};
	return cmocka_run_group_tests_name("opttab", tests, NULL, NULL);
}
