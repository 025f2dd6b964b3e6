/* The guest side of the kernel command line protocol (bench/cmdline.c, used by boxbench-init):
 * finding a parameter the way the kernel splits its command line, and decoding bb.argv. The
 * encoder and the round trip are in test_guest.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"

static void test_decode_shapes(void **state)
{
	char **argv;

	(void)state;
	assert_int_equal(cmdline_decode_argv("", &argv), 1);
	assert_string_equal(argv[0], "");
	assert_null(argv[1]);
	free(argv);
	assert_int_equal(cmdline_decode_argv("a,", &argv), 2);
	assert_string_equal(argv[0], "a");
	assert_string_equal(argv[1], "");
	free(argv);
	assert_int_equal(cmdline_decode_argv(",,%2c", &argv), 3);
	assert_string_equal(argv[0], "");
	assert_string_equal(argv[1], "");
	assert_string_equal(argv[2], ",");
	free(argv);
}

static void test_decode_rejects(void **state)
{
	const char *bad[] = { "%", "%4", "a,%G1", "%4g", "x%00y", "%0" };
	char **argv = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		assert_int_equal(cmdline_decode_argv(bad[i], &argv), -1);
		assert_int_equal(errno, EINVAL);
	}
}

static void test_param_lookup(void **state)
{
	char val[32];

	(void)state;
	assert_int_equal(cmdline_param("quiet bb.argv=a,b", "bb.argv", val, sizeof(val)), 1);
	assert_string_equal(val, "a,b");
	/* The last one wins, as for the kernel's own parameters. */
	assert_int_equal(cmdline_param("bb.argv=x  bb.argv=y\n", "bb.argv", val, sizeof(val)), 1);
	assert_string_equal(val, "y");
	/* A longer name, a name without '=', and text inside another parameter's quotes. */
	assert_int_equal(cmdline_param("xbb.argv=1 bb.argv bb.argvv=2", "bb.argv", val, 32), 0);
	assert_int_equal(cmdline_param("foo=\"a bb.argv=x\" q", "bb.argv", val, sizeof(val)), 0);
	assert_int_equal(cmdline_param("\"bb.argv=z w\"", "bb.argv", val, sizeof(val)), 1);
	assert_string_equal(val, "z w");
	assert_int_equal(cmdline_param("bb.disk=vda", "bb.disk", val, sizeof(val)), 1);
	assert_string_equal(val, "vda");
	assert_int_equal(cmdline_param("", "bb.disk", val, sizeof(val)), 0);
	assert_int_equal(cmdline_param("bb.argv=0123456789", "bb.argv", val, 10), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_shapes),
		cmocka_unit_test(test_decode_rejects),
		cmocka_unit_test(test_param_lookup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
