/* The startup decomposition on results built here (made-up numbers): the full container and
 * its variants from their descriptions (what they are made of, which box they come from), the
 * savings, which variants are stacked, the unexplained rest, and when there is nothing to
 * decompose. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "decomp.h"
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

/* A container entry: its namespaces (JSON array body), with or without cgroup and rootfs. */
static void variant(const char *name, const char *ns, bool cgroup, bool rootfs)
{
	char desc[256];

	snprintf(desc, sizeof(desc), "{\"kind\": \"namespaces\", \"namespaces\": [%s]%s%s}", ns,
	         cgroup ? ", \"cgroup\": {}" : "", rootfs ? ", \"rootfs\": {}" : "");
	rb_env(&res, name, desc);
}

/* Ten `ready` samples whose median is exactly `median`. */
static void ready(const char *e, const char *unit, double median)
{
	struct bb_series *s = results_series(&res, "startup", "ready", e, true);
	struct bb_err err = { 0 };

	assert_non_null(s);
	snprintf(s->unit, sizeof(s->unit), "%s", unit);
	for (int i = 0; i < 10; i++)
		assert_int_equal(
		    series_add_sample(s, median * (1 + 0.01 * ((i * 7) % 5 - 2)), &err), 0);
}

static void compute(struct decomp *d)
{
	struct bb_err err = { 0 };

	assert_int_equal(results_summarize(&res, 1, &err), 0);
	decomp_compute(&res, d);
}

static const struct decomp_part *part(const struct decomp *d, const char *env)
{
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->parts[i].env, env))
			return &d->parts[i];
	fail_msg("no part for %s", env);
	return NULL;
}

static void test_parts_from_entries(void **state)
{
	struct decomp d;
	(void)state;
	variant("container", "\"mnt\", \"net\"", true, true);
	variant("ct-nonet", "\"mnt\"", true, true);
	variant("ct-nomnt", "\"net\"", true, true);
	variant("ct-nocg", "\"mnt\", \"net\"", false, true);
	variant("ct-noroot", "\"mnt\", \"net\"", true, false);
	variant("ct-nonetcg", "\"mnt\"", false, true);
	ready("native", "ms", 0.5);
	ready("container", "ms", 1.6);
	ready("ct-nonet", "ms", 0.9);
	ready("ct-nomnt", "ms", 1.5);
	ready("ct-nocg", "ms", 1.4);
	ready("ct-noroot", "ms", 1.5);
	ready("ct-nonetcg", "ms", 0.7);
	compute(&d);
	assert_true(d.present);
	assert_string_equal(d.container, "container");
	assert_string_equal(d.unit, "ms");
	assert_int_equal(d.n, 5);
	assert_string_equal(part(&d, "ct-nonet")->removed, "net ns");
	assert_string_equal(part(&d, "ct-nomnt")->removed, "mnt ns");
	assert_string_equal(part(&d, "ct-nocg")->removed, "cgroup");
	assert_string_equal(part(&d, "ct-noroot")->removed, "rootfs");
	assert_string_equal(part(&d, "ct-nonetcg")->removed, "net ns+cgroup");
	assert_true(fabs(part(&d, "ct-nonet")->saving - 0.7) < 1e-9);
	/* single parts are stacked; the pair overlaps them and is not */
	assert_true(part(&d, "ct-nonet")->stacked && part(&d, "ct-noroot")->stacked);
	assert_false(part(&d, "ct-nonetcg")->stacked);
	assert_true(d.all_parts);
	assert_true(fabs(d.explained - 1.1) < 1e-9);
	assert_true(fabs(d.rest) < 1e-9);
}

/* Variants say which box they were taken from: that box is the full container, even when
 * another container has more parts; a variant of another box is not a step. A container with
 * no description is never a step: nothing says what it lacks. */
static void test_variants_name_their_box(void **state)
{
	static const char *const full = "{\"kind\": \"namespaces\", \"namespaces\": [\"mnt\", "
	                                "\"net\"], \"cgroup\": {}, \"rootfs\": {}";
	char text[256];
	struct decomp d;
	(void)state;
	snprintf(text, sizeof(text), "%s}", full);
	rb_env(&res, "container", text);
	rb_env(&res, "bigger",
	       "{\"kind\": \"namespaces\", \"namespaces\": [\"mnt\", \"net\", "
	       "\"uts\"], \"cgroup\": {}, \"rootfs\": {}}");
	snprintf(text, sizeof(text), "%s, \"variant_of\": \"container\", \"removed\": \"cgroup\"}",
	         "{\"kind\": \"namespaces\", \"namespaces\": [\"mnt\", \"net\"], \"rootfs\": {}");
	rb_env(&res, "box-nocg", text);
	rb_env(&res, "other-nonet",
	       "{\"kind\": \"namespaces\", \"namespaces\": [\"mnt\"], "
	       "\"cgroup\": {}, \"rootfs\": {}, \"variant_of\": \"bigger\"}");
	ready("native", "ms", 0.5);
	ready("container", "ms", 1.5);
	ready("bigger", "ms", 1.7);
	ready("box-nocg", "ms", 1.3);
	ready("other-nonet", "ms", 1.2);
	ready("container-nonet", "ms", 1.0);
	compute(&d);
	assert_true(d.present);
	assert_string_equal(d.container, "container");
	assert_int_equal(d.n, 1);
	assert_string_equal(part(&d, "box-nocg")->removed, "cgroup");
	assert_false(d.all_parts);
}

/* A variant with a part the full container lacks, or in another unit, is not a step. */
static void test_foreign_variants_left_out(void **state)
{
	struct decomp d;
	(void)state;
	variant("container", "\"mnt\", \"net\"", true, true);
	variant("ct-uts", "\"mnt\", \"uts\"", true, true);
	variant("ct-secs", "\"mnt\"", true, true);
	variant("ct-nonet", "\"mnt\"", true, true);
	ready("native", "ms", 0.5);
	ready("container", "ms", 1.6);
	ready("ct-uts", "ms", 1.0);
	ready("ct-secs", "s", 0.001);
	ready("ct-nonet", "ms", 0.9);
	compute(&d);
	assert_true(d.present);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.parts[0].env, "ct-nonet");
}

static void test_absent_without_native_or_variants(void **state)
{
	struct decomp d;
	(void)state;
	variant("container", "\"mnt\", \"net\"", true, true);
	variant("ct-nonet", "\"mnt\"", true, true);
	ready("container", "ms", 1.6);
	ready("ct-nonet", "ms", 0.9);
	compute(&d);
	assert_false(d.present);
	results_free(&res);
	setup(NULL);
	variant("container", "\"mnt\", \"net\"", true, true);
	ready("native", "ms", 0.5);
	ready("container", "ms", 1.6);
	compute(&d);
	assert_false(d.present);
	assert_int_equal(d.n, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_parts_from_entries),
		T(test_variants_name_their_box),
		T(test_foreign_variants_left_out),
		T(test_absent_without_native_or_variants),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
