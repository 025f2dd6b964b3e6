/* Topology (hwloc) on machines it does not run on, through hwloc's synthetic topologies
 * (HWLOC_SYNTHETIC): the pinned PU, the harness's PU on another core, and the pinned PU's SMT
 * siblings that the host state warns about. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "topology.h"

static void probe(const char *synthetic, int pu, struct bb_topology *t)
{
	struct bb_err err = { 0 };

	assert_int_equal(setenv("HWLOC_SYNTHETIC", synthetic, 1), 0);
	memset(t, 0, sizeof(*t));
	if (topology_probe(pu, t, &err) < 0)
		fail_msg("%s: %s", synthetic, err.msg);
	unsetenv("HWLOC_SYNTHETIC");
}

/* Two cores of two threads: the last PU is pinned, its sibling is the other thread of its
 * core, the harness goes to the other core. */
static void test_smt_siblings(void **state)
{
	struct bb_topology t;

	(void)state;
	probe("pack:1 core:2 pu:2", -1, &t);
	assert_int_equal(t.pus, 4);
	assert_int_equal(t.cores, 2);
	assert_int_equal(t.pinned_pu, 3);
	assert_int_equal(t.nsmt_siblings, 1);
	assert_int_equal(t.smt_siblings[0], 2);
	assert_true(t.harness_pu == 0 || t.harness_pu == 1);
	probe("pack:1 core:2 pu:2", 0, &t);
	assert_int_equal(t.pinned_pu, 0);
	assert_int_equal(t.nsmt_siblings, 1);
	assert_int_equal(t.smt_siblings[0], 1);
	/* four threads a core: three siblings */
	probe("pack:1 core:1 pu:4", 2, &t);
	assert_int_equal(t.nsmt_siblings, 3);
	assert_int_equal(t.harness_pu, -1); /* no other core */
}

static void test_no_smt(void **state)
{
	struct bb_topology t;

	(void)state;
	probe("pack:1 core:2 pu:1", -1, &t);
	assert_int_equal(t.pinned_pu, 1);
	assert_int_equal(t.nsmt_siblings, 0);
	assert_int_equal(t.harness_pu, 0);
}

static void test_bad_pu(void **state)
{
	struct bb_topology t;
	struct bb_err err = { 0 };

	(void)state;
	assert_int_equal(setenv("HWLOC_SYNTHETIC", "pack:1 core:2 pu:1", 1), 0);
	assert_int_equal(topology_probe(5, &t, &err), -1);
	assert_non_null(strstr(err.msg, "no processing unit with OS index 5"));
	unsetenv("HWLOC_SYNTHETIC");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smt_siblings),
		cmocka_unit_test(test_no_smt),
		cmocka_unit_test(test_bad_pu),
	};
	return cmocka_run_group_tests_name("topology", tests, NULL, NULL);
}
