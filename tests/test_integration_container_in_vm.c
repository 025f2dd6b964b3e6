/* Integration: the container inside the microVM guest (container-in-vm) next to the same guest
 * without it (vm): one sample each of startup and isolation. The workload really ran in the
 * container (its hostname is the container's, its kernel the guest's), the container's start
 * is measured on the guest's own clock, the guest's cgroup is reported, and the description
 * names the VM it runs in. The misbehaving workloads and the timeout: the conformance test. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>

#include "helpers.h"
#include "isolation.h"
#include "results.h"
#include "rootfs.h"

static char dir[64];
static char bin[256];

static int setup(void **state)
{
	(void)state;
	return integration_setup("civ", dir, sizeof(dir), bin, sizeof(bin));
}

static int teardown(void **state)
{
	(void)state;
	return remove_tree(dir);
}

static const char *fact_str(const struct bb_result *res, const char *suite, const char *env,
                            const char *key)
{
	json_t *v = isolation_fact(res, suite, env, key);

	if (!json_is_string(v))
		fail_msg("no %s fact %s for %s", suite, key, env);
	return json_string_value(v);
}

static void test_container_in_guest(void **state)
{
	char out[128];
	struct cmd_out *r = malloc(sizeof(*r));
	struct bb_result res;
	struct bb_err e = { 0 };

	(void)state;
	skip_unless_available(bin, "container-in-vm");
	snprintf(out, sizeof(out), "%s/civ.json", dir);
	char *argv[] = { bin,        "run",
		         "--envs",   "vm,container-in-vm",
		         "--suites", "startup,isolation",
		         "--reps",   "1",
		         "--warmup", "0",
		         "-o",       out,
		         NULL };
	assert_int_equal(run_cmd(argv, r), 0);
	if (r->code != 0)
		fail_msg("exit %d: %s", r->code, r->err);
	assert_int_equal(results_read(out, &res, &e), 0);
	/* in the container: its hostname; in the same guest kernel as vm */
	assert_string_equal(fact_str(&res, "isolation", "container-in-vm", "hostname"),
	                    ROOTFS_HOSTNAME);
	assert_string_not_equal(fact_str(&res, "isolation", "vm", "hostname"), ROOTFS_HOSTNAME);
	assert_string_equal(fact_str(&res, "isolation", "container-in-vm", "kernel_release"),
	                    fact_str(&res, "isolation", "vm", "kernel_release"));
	/* the guest's cgroup: "v2", or why the container ran without one */
	assert_true(fact_str(&res, "startup", "container-in-vm", "guest_cgroup")[0]);
	/* the container's part of the start, on the guest's clock, within the whole start */
	const struct bb_series *cs =
	    results_find_summary(&res, "startup", "container_start", "container-in-vm");
	const struct bb_series *rd =
	    results_find_summary(&res, "startup", "ready", "container-in-vm");
	assert_non_null(cs);
	assert_non_null(rd);
	assert_true(cs->summary.median > 0 && cs->summary.median < rd->summary.median);
	const struct bb_envdesc *d = results_env(&res, "container-in-vm");
	assert_non_null(d);
	assert_int_equal(d->class, BB_CLASS_NESTED);
	assert_string_equal(d->nested_in, "vm");
	assert_true(d->has_namespaces && d->rootfs.on);
	assert_int_equal(leftover_children(), 0);
	results_free(&res);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_container_in_guest),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
