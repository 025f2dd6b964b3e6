/* Look-ups over a result: the class of an environment from its entry and its name, the
 * accelerator and emulation flags from the entry or the series, the summarised series, time
 * units to ms, and the environment names in the result's order. Made-up data. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "results.h"
#include "result_builder.h"

static struct bb_result res;

static int setup(void **state)
{
	(void)state;
	return rb_setup(&res);
}

static int teardown(void **state)
{
	(void)state;
	results_free(&res);
	return 0;
}

static struct bb_series *series(const char *metric, const char *e, const char *accel, int n)
{
	struct bb_series *s = results_series(&res, "startup", metric, e, true);
	struct bb_err err = { 0 };

	assert_non_null(s);
	snprintf(s->unit, sizeof(s->unit), "ms");
	snprintf(s->accel, sizeof(s->accel), "%s", accel);
	for (int i = 0; i < n; i++)
		assert_int_equal(series_add_sample(s, 1.0 + i, &err), 0);
	return s;
}

static void test_env_class(void **state)
{
	(void)state;
	rb_env(&res, "container-nonet", "{\"kind\": \"namespaces\"}");
	rb_env(&res, "qemu-x", "{\"kind\": \"vm\"}");
	rb_env(&res, "box", "{\"kind\": \"oci\"}");
	rb_env(&res, "inner", "{\"kind\": \"namespaces\", \"nested\": true}");
	assert_int_equal(results_env_class(&res, "native"), BB_CLASS_NATIVE);
	assert_int_equal(results_env_class(&res, "container-nonet"), BB_CLASS_CONTAINER);
	assert_int_equal(results_env_class(&res, "runc"), BB_CLASS_CONTAINER);
	assert_int_equal(results_env_class(&res, "box"), BB_CLASS_CONTAINER);
	assert_int_equal(results_env_class(&res, "vm"), BB_CLASS_VM);
	assert_int_equal(results_env_class(&res, "qemu-x"), BB_CLASS_VM);
	assert_int_equal(results_env_class(&res, "vm-container"), BB_CLASS_NESTED);
	assert_int_equal(results_env_class(&res, "inner"), BB_CLASS_NESTED);
	assert_int_equal(results_env_class(&res, "something"), BB_CLASS_UNKNOWN);
}

/* A series' accelerator makes its environment a VM even without an entry. */
static void test_accel_and_emulated(void **state)
{
	(void)state;
	rb_env(&res, "vm", "{\"kind\": \"vm\", \"accel\": \"kvm\"}");
	rb_env(&res, "slow", "{\"kind\": \"vm\", \"emulated\": true}");
	series("ready", "guest", "tcg", 1);
	assert_string_equal(results_env_accel(&res, "vm"), "kvm");
	assert_false(results_env_emulated(&res, "vm"));
	assert_true(results_env_emulated(&res, "slow"));
	assert_string_equal(results_env_accel(&res, "guest"), "tcg");
	assert_true(results_env_emulated(&res, "guest"));
	assert_int_equal(results_env_class(&res, "guest"), BB_CLASS_VM);
	assert_string_equal(results_env_accel(&res, "native"), "");
	assert_false(results_env_emulated(&res, "native"));
}

static void test_find_summary_needs_samples(void **state)
{
	struct bb_err err = { 0 };
	(void)state;
	series("ready", "native", "", 3);
	series("ready", "container", "", 0);
	assert_null(results_find_summary(&res, "startup", "ready", "native"));
	assert_int_equal(results_summarize(&res, 1, &err), 0);
	const struct bb_series *s = results_find_summary(&res, "startup", "ready", "native");
	assert_non_null(s);
	assert_string_equal(s->env, "native");
	assert_null(results_find_summary(&res, "startup", "ready", "container"));
	assert_null(results_find_summary(&res, "startup", "exec", "native"));
}

static void test_to_ms(void **state)
{
	(void)state;
	assert_true(results_to_ms(2, "s") == 2000);
	assert_true(results_to_ms(2, "ms") == 2);
	assert_true(results_to_ms(2000, "us") == 2);
	assert_true(results_to_ms(2e6, "ns") == 2);
	assert_true(isnan(results_to_ms(2, "bytes")));
}

static void test_env_names_in_order(void **state)
{
	const char *names[4];
	(void)state;
	series("ready", "vm", "kvm", 1);
	series("ready", "native", "", 1);
	series("exec", "vm", "kvm", 1);
	series("exec", "container", "", 1);
	assert_int_equal(results_env_names(&res, names, 4), 3);
	assert_string_equal(names[0], "vm");
	assert_string_equal(names[1], "native");
	assert_string_equal(names[2], "container");
	assert_int_equal(results_env_names(&res, names, 2), 2);
}

static void test_jstr(void **state)
{
	(void)state;
	rb_env(&res, "vm", "{\"machine\": \"microvm\", \"vcpus\": 2}");
	assert_string_equal(results_jstr(results_env_desc(&res, "vm"), "machine"), "microvm");
	assert_null(results_jstr(results_env_desc(&res, "vm"), "vcpus"));
	assert_null(results_jstr(results_env_desc(&res, "none"), "machine"));
}

static void test_slowdown_inverts_throughput(void **state)
{
	struct bb_series *t = series("ready", "vm", "", 1), *r = series("rate", "vm", "", 1);
	double v = 0, lo = 0, hi = 0;
	(void)state;
	t->has_vs = r->has_vs = true;
	t->vs_ratio = r->vs_ratio = 2;
	t->vs_lo = r->vs_lo = 1.6;
	t->vs_hi = r->vs_hi = 2.5;
	r->better = BB_HIGHER;
	assert_true(results_slowdown(t, &v, &lo, &hi));
	assert_true(v == 2 && lo == 1.6 && hi == 2.5);
	assert_true(results_slowdown(r, &v, &lo, &hi));
	assert_true(v == 0.5 && lo == 0.4 && hi == 1 / 1.6);
	t->vs_lo = 0;
	assert_false(results_slowdown(t, &v, &lo, &hi));
	assert_false(results_slowdown(NULL, &v, &lo, &hi));
}

/* Preferred by name when it qualifies, else the first of the class; fastest by median. */
static void test_pickers(void **state)
{
	struct bb_err err = { 0 };
	(void)state;
	rb_env(&res, "vm-b", "{\"kind\": \"vm\"}");
	rb_env(&res, "vm-a", "{\"kind\": \"vm\"}");
	series("ready", "vm-b", "", 4);
	series("ready", "vm-a", "", 2);
	assert_int_equal(results_summarize(&res, 1, &err), 0);
	assert_string_equal(results_env_pick(&res, BB_CLASS_VM, "vm-a", "startup", "ready"), "vm-a");
	assert_string_equal(results_env_pick(&res, BB_CLASS_VM, "vm", "startup", "ready"), "vm-b");
	assert_null(results_env_pick(&res, BB_CLASS_CONTAINER, "container", "startup", "ready"));
	assert_string_equal(results_env_fastest(&res, BB_CLASS_VM, "startup", "ready"), "vm-a");
	assert_null(results_env_pick_vs(&res, BB_CLASS_VM, "vm-a", "startup"));
	results_series(&res, "startup", "ready", "vm-b", false)->has_vs = true;
	results_series(&res, "startup", "ready", "vm-a", false)->has_vs = true;
	assert_string_equal(results_env_pick_vs(&res, BB_CLASS_VM, "vm-a", "startup"), "vm-a");
	assert_string_equal(results_env_pick_vs(&res, BB_CLASS_VM, "vm", "startup"), "vm-b");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_env_class),
		T(test_accel_and_emulated),
		T(test_find_summary_needs_samples),
		T(test_to_ms),
		T(test_env_names_in_order),
		T(test_jstr),
		T(test_slowdown_inverts_throughput),
		T(test_pickers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
