/* The container's namespace list: parsing, formatting, clone flags. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sched.h>
#include <string.h>

#include "ns.h"

#define SENTINEL 0xdeadu

static unsigned parse_ok(const char *list)
{
	struct bb_err err = { 0 };
	unsigned mask = SENTINEL;

	if (ns_parse_list(list, &mask, &err) != 0)
		fail_msg("\"%s\": unexpected error: %s", list ? list : "(null)", err.msg);
	return mask;
}

/* The parse fails, leaves the mask alone, and the message contains want. */
static void parse_fails(const char *list, const char *want)
{
	struct bb_err err = { 0 };
	unsigned mask = SENTINEL;

	assert_int_equal(ns_parse_list(list, &mask, &err), -1);
	assert_int_equal(mask, SENTINEL);
	if (!strstr(err.msg, want))
		fail_msg("\"%s\": message \"%s\" lacks \"%s\"", list, err.msg, want);
	assert_null(strchr(err.msg, '\n'));
}

static void test_each_name(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("mnt"), BB_NS_MNT);
	assert_int_equal(parse_ok("pid"), BB_NS_PID);
	assert_int_equal(parse_ok("uts"), BB_NS_UTS);
	assert_int_equal(parse_ok("ipc"), BB_NS_IPC);
	assert_int_equal(parse_ok("net"), BB_NS_NET);
	assert_int_equal(parse_ok("cgroup"), BB_NS_CGROUP);
}

static void test_lists(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("mnt,pid,uts,ipc,net,cgroup"), BB_NS_ALL);
	assert_int_equal(parse_ok("net,mnt"), BB_NS_NET | BB_NS_MNT);
	assert_int_equal(parse_ok("pid,cgroup"), BB_NS_PID | BB_NS_CGROUP);
}

static void test_all_none_empty(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("all"), BB_NS_ALL);
	assert_int_equal(parse_ok("none"), 0);
	assert_int_equal(parse_ok(""), 0);
	assert_int_equal(parse_ok(NULL), 0);
	assert_int_equal(parse_ok("   "), 0);
	assert_int_equal(parse_ok(" all "), BB_NS_ALL);
}

static void test_spaces(void **state)
{
	(void)state;
	assert_int_equal(parse_ok(" mnt , pid "), BB_NS_MNT | BB_NS_PID);
	assert_int_equal(parse_ok("\tnet,ipc\t"), BB_NS_NET | BB_NS_IPC);
	/* a space inside a word is not a separator */
	parse_fails("mnt pid", "\"mnt pid\"");
}

static void test_duplicates(void **state)
{
	(void)state;
	parse_fails("pid,pid", "\"pid\" listed twice");
	parse_fails("mnt,net, mnt", "\"mnt\" listed twice");
}

static void test_unknown(void **state)
{
	(void)state;
	parse_fails("mnt,foo", "unknown namespace \"foo\"");
	parse_fails("user", "unknown namespace \"user\"");
	parse_fails("MNT", "unknown namespace \"MNT\"");
	parse_fails("network", "\"network\"");
}

static void test_empty_words(void **state)
{
	(void)state;
	parse_fails("mnt,,pid", "empty name");
	parse_fails("mnt,", "empty name");
	parse_fails(",mnt", "empty name");
	parse_fails(" , ", "empty name");
}

static void test_all_none_alone(void **state)
{
	(void)state;
	parse_fails("all,net", "\"all\" must stand alone");
	parse_fails("mnt,none", "\"none\" must stand alone");
}

static void test_format(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(ns_format(0, buf, sizeof(buf)), "none");
	assert_string_equal(ns_format(BB_NS_ALL, buf, sizeof(buf)), "mnt,pid,uts,ipc,net,cgroup");
	assert_string_equal(ns_format(BB_NS_NET | BB_NS_MNT, buf, sizeof(buf)), "mnt,net");
	/* truncation keeps whole names and a terminated string */
	assert_string_equal(ns_format(BB_NS_ALL, buf, 9), "mnt,pid");
}

static void test_format_round_trip(void **state)
{
	char buf[64];

	(void)state;
	for (unsigned m = 0; m <= BB_NS_ALL; m++)
		assert_int_equal(parse_ok(ns_format(m, buf, sizeof(buf))), m);
}

static void test_clone_flags(void **state)
{
	(void)state;
	assert_int_equal(ns_clone_flags(0), 0);
	assert_int_equal(ns_clone_flags(BB_NS_MNT), CLONE_NEWNS);
	assert_int_equal(ns_clone_flags(BB_NS_PID | BB_NS_NET), CLONE_NEWPID | CLONE_NEWNET);
	assert_int_equal(ns_clone_flags(BB_NS_ALL), CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS |
	                                                CLONE_NEWIPC | CLONE_NEWNET |
	                                                CLONE_NEWCGROUP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_name),      cmocka_unit_test(test_lists),
		cmocka_unit_test(test_all_none_empty), cmocka_unit_test(test_spaces),
		cmocka_unit_test(test_duplicates),     cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_empty_words),    cmocka_unit_test(test_all_none_alone),
		cmocka_unit_test(test_format),         cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_clone_flags),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
