/* The harness's per-suite table (harness/runsuite.c), for the io suite: its options parse into
 * the run's state with their ranges, and its arguments carry the data set (--quick or the
 * options), the same for every box. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "runsuite.h"
#include "suite.h"

static const struct run_suite *io_entry(void)
{
	const struct run_suite *rs = run_suite_find(suite_find("io"));

	assert_non_null(rs);
	assert_non_null(rs->options);
	assert_non_null(rs->args);
	return rs;
}

static int parse(char **argv, int argc, struct run_suite_state *st, struct bb_err *err)
{
	struct bb_opt_group g = { "suite io", io_entry()->options, st };
	bool help = false;

	return opttab_parse(&g, 1, argc, argv, &help, err);
}

static void test_options(void **state)
{
	char *ok[] = { "run", "--io-mib", "256", "--io-reads", "5000", NULL };
	char *zero[] = { "run", "--io-mib", "0", NULL };
	char *huge[] = { "run", "--io-reads", "20000000", NULL };
	char *word[] = { "run", "--io-mib", "lots", NULL };
	struct run_suite_state st = { 0 };
	struct bb_err err = { 0 };

	(void)state;
	assert_int_equal(parse(ok, 5, &st, &err), 0);
	assert_int_equal(st.io.mib, 256);
	assert_int_equal(st.io.reads, 5000);
	assert_int_equal(parse(zero, 3, &st, &err), -1);
	assert_non_null(strstr(err.msg, "--io-mib"));
	assert_int_equal(parse(huge, 3, &st, &err), -1);
	assert_non_null(strstr(err.msg, "--io-reads"));
	assert_int_equal(parse(word, 3, &st, &err), -1);
	assert_non_null(strstr(err.msg, "--io-mib"));
}

static void test_sizes(void **state)
{
	struct run_io_opts o = { 0 };
	unsigned mib, reads;

	(void)state;
	run_io_size(&o, false, &mib, &reads);
	assert_int_equal(mib, 128);
	assert_int_equal(reads, 2000);
	run_io_size(&o, true, &mib, &reads);
	assert_int_equal(mib, 64);
	assert_int_equal(reads, 1000);
	o.mib = 32; /* an option wins over --quick, each on its own */
	run_io_size(&o, true, &mib, &reads);
	assert_int_equal(mib, 32);
	assert_int_equal(reads, 1000);
	run_io_size(NULL, false, &mib, &reads);
	assert_int_equal(mib, 128);
}

static void test_args(void **state)
{
	struct run_suite_state st = { .io = { .reads = 7 } };
	struct run_suite_ctx ctx = { .quick = true, .state = &st };
	char *argv[8] = { 0 };
	size_t n;

	(void)state;
	n = io_entry()->args(&ctx, argv, 8);
	assert_int_equal(n, 4);
	assert_string_equal(argv[0], "--size-mib");
	assert_string_equal(argv[1], "64");
	assert_string_equal(argv[2], "--reads");
	assert_string_equal(argv[3], "7");
	assert_int_equal(io_entry()->args(&ctx, argv, 3), 0); /* no room: nothing half-written */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_args),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
