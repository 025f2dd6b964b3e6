/* Look-ups over a result: the class of an environment from its description, the
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

/* The class is what the description declares (or, in older results, the mechanism it names);
 * a name says nothing. */
static void test_env_class(void **state)
{
	(void)state;
	rb_env(&res, "native", "{\"class\": \"native\"}");
	rb_env(&res, "container-nonet", "{\"kind\": \"namespaces\"}");
	rb_env(&res, "qemu-x", "{\"kind\": \"vm\"}");
	rb_env(&res, "box", "{\"class\": \"container\"}");
	rb_env(&res, "inner", "{\"kind\": \"namespaces\", \"nested\": true}");
	rb_env(&res, "vm", "{\"class\": \"nested\"}");
	assert_int_equal(results_env_class(&res, "native"), BB_CLASS_NATIVE);
	assert_int_equal(results_env_class(&res, "container-nonet"), BB_CLASS_CONTAINER);
	assert_int_equal(results_env_class(&res, "box"), BB_CLASS_CONTAINER);
	assert_int_equal(results_env_class(&res, "qemu-x"), BB_CLASS_VM);
	assert_int_equal(results_env_class(&res, "inner"), BB_CLASS_NESTED);
	assert_int_equal(results_env_class(&res, "vm"), BB_CLASS_NESTED);
	/* no description: not known, whatever the name suggests */
	assert_int_equal(results_env_class(&res, "runc"), BB_CLASS_UNKNOWN);
	assert_int_equal(results_env_class(&res, "container"), BB_CLASS_UNKNOWN);
}

/* The accelerator and emulation come from the description, else from the series. */
static void test_accel_and_emulated(void **state)
{
	(void)state;
	rb_env(&res, "vm", "{\"kind\": \"vm\", \"accel\": \"kvm\"}");
	rb_env(&res, "slow", "{\"kind\": \"vm\", \"emulated\": true}");
	series("ready", "guest", "tcg", 1)->emulated = true;
	assert_string_equal(results_env_accel(&res, "vm"), "kvm");
	assert_false(results_env_emulated(&res, "vm"));
	assert_true(results_env_emulated(&res, "slow"));
	assert_string_equal(results_env_accel(&res, "guest"), "tcg");
	assert_true(results_env_emulated(&res, "guest"));
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
	json_t *o = json_pack("{s:s, s:i}", "machine", "microvm", "vcpus", 2);

	(void)state;
	assert_string_equal(results_jstr(o, "machine"), "microvm");
	assert_null(results_jstr(o, "vcpus"));
	assert_null(results_jstr(o, "none"));
	assert_null(results_jstr(NULL, "machine"));
	json_decref(o);
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

/* The most typical box of the class that has the figures: the box on the minimal image before
 * one on another image before a decomposition variant, the first of equals; fastest by median. */
static void test_pickers(void **state)
{
	struct bb_err err = { 0 };
	(void)state;
	rb_env(&res, "v-variant", "{\"class\": \"vm\", \"variant_of\": \"v-b\"}");
	rb_env(&res, "v-debian", "{\"class\": \"vm\", \"image\": \"debian\"}");
	rb_env(&res, "v-b", "{\"class\": \"vm\", \"image\": \"minimal\"}");
	rb_env(&res, "v-a", "{\"class\": \"vm\"}");
	rb_env(&res, "v-off", "{\"class\": \"vm\", \"available\": false}");
	series("ready", "v-variant", "", 1);
	series("ready", "v-debian", "", 3);
	series("ready", "v-b", "", 4);
	series("ready", "v-a", "", 2);
	assert_int_equal(results_summarize(&res, 1, &err), 0);
	assert_string_equal(results_env_pick(&res, BB_CLASS_VM, "startup", "ready"), "v-b");
	assert_null(results_env_pick(&res, BB_CLASS_CONTAINER, "startup", "ready"));
	assert_string_equal(results_env_fastest(&res, BB_CLASS_VM, "startup", "ready"),
	                    "v-variant");
	assert_null(results_env_pick_vs(&res, BB_CLASS_VM, "startup"));
	results_series(&res, "startup", "ready", "v-debian", false)->has_vs = true;
	assert_string_equal(results_env_pick_vs(&res, BB_CLASS_VM, "startup"), "v-debian");
	results_series(&res, "startup", "ready", "v-a", false)->has_vs = true;
	assert_string_equal(results_env_pick_vs(&res, BB_CLASS_VM, "startup"), "v-a");
	assert_string_equal(results_env_of(&res, BB_CLASS_VM, "debian")->name, "v-debian");
	assert_null(results_env_of(&res, BB_CLASS_CONTAINER, "debian"));
}

/* The stack ladder's depth comes from the typed class and engine fields, never the name; the
 * sort keeps the given order among equals. */
static void test_depth_and_ladder_sort(void **state)
{
	(void)state;
	rb_env(&res, "docker", "{\"class\": \"vm\"}");
	rb_env(&res, "e2",
	       "{\"class\": \"container\", \"engine\": {\"name\": \"x\", "
	       "\"runtime\": \"/r\", \"daemon\": \"d\"}}");
	rb_env(&res, "e1",
	       "{\"class\": \"container\", \"engine\": {\"name\": \"x\", "
	       "\"runtime\": \"/r\"}}");
	rb_env(&res, "rt-b", "{\"class\": \"container\", \"engine\": {\"runtime\": \"/r\"}}");
	rb_env(&res, "rt-a", "{\"class\": \"container\", \"engine\": {\"runtime\": \"/c\"}}");
	rb_env(&res, "runc", "{\"class\": \"container\"}");
	rb_env(&res, "in", "{\"class\": \"nested\"}");
	rb_env(&res, "p", "{\"class\": \"native\"}");
	assert_int_equal(results_env_depth(results_env(&res, "p")), 0);
	assert_int_equal(results_env_depth(results_env(&res, "runc")), 1);
	assert_int_equal(results_env_depth(results_env(&res, "rt-a")), 2);
	assert_int_equal(results_env_depth(results_env(&res, "e1")), 3);
	assert_int_equal(results_env_depth(results_env(&res, "e2")), 4);
	assert_int_equal(results_env_depth(results_env(&res, "docker")), 5);
	assert_int_equal(results_env_depth(results_env(&res, "in")), 6);
	assert_int_equal(results_env_depth(NULL), 7);

	const char *names[] = { "docker", "e2", "e1", "rt-b", "rt-a", "runc", "in", "p", "zz" };
	results_env_ladder_sort(&res, names, 9);
	const char *want[] = { "p", "runc", "rt-b", "rt-a", "e1", "e2", "docker", "in", "zz" };
	for (size_t i = 0; i < 9; i++)
		assert_string_equal(names[i], want[i]);
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
		T(test_depth_and_ladder_sort),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
