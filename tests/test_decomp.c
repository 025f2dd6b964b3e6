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
#include "pairing.h"
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

/* Unpaired (no blocks): a variant slower than the full container is no saving in the sum. */
static void test_unpaired_slower_variant_not_counted(void **state)
{
	struct decomp d;
	(void)state;
	variant("container", "\"mnt\", \"net\"", true, true);
	variant("ct-nonet", "\"mnt\"", true, true);
	variant("ct-nocg", "\"mnt\", \"net\"", false, true);
	ready("native", "ms", 0.5);
	ready("container", "ms", 1.6);
	ready("ct-nonet", "ms", 0.9);
	ready("ct-nocg", "ms", 1.9); /* slower without its cgroup: noise or worse */
	compute(&d);
	assert_true(d.present);
	assert_false(d.paired);
	assert_true(part(&d, "ct-nocg")->saving < 0);
	assert_true(decomp_drawn(part(&d, "ct-nocg")) == 0);
	assert_true(fabs(d.explained - 0.7) < 1e-9);
	assert_true(fabs(d.rest - 0.4) < 1e-9);
}

/* The container's boxes as run --decompose makes them, and paired blocks of their starts:
 * each block drifts as a whole; cgroup saves nothing (the variant is slower), uts is noise. */
static void paired_result(size_t n)
{
	static const char *const cols[] = { "native",  "container", "ct-nonet", "ct-nouts",
		                            "ct-nocg", "ct-noroot", "ct-nomnt" };
	static const char *const vdesc =
	    "{\"variant_of\": \"container\", \"kind\": \"namespaces\", \"namespaces\": [%s], "
	    "\"cgroup\": %s, \"rootfs\": %s}";
	const double med[] = { 0.5, 1.6, 1.0, 1.6, 1.65, 1.4, 1.25 };
	struct bb_err err = { 0 };
	struct pairing p;
	char text[256];

	variant("container", "\"mnt\", \"net\", \"uts\"", true, true);
	snprintf(text, sizeof(text), vdesc, "\"mnt\", \"uts\"", "{}", "{}");
	rb_env(&res, "ct-nonet", text);
	snprintf(text, sizeof(text), vdesc, "\"mnt\", \"net\"", "{}", "{}");
	rb_env(&res, "ct-nouts", text);
	snprintf(text, sizeof(text), vdesc, "\"mnt\", \"net\", \"uts\"", "null", "{}");
	rb_env(&res, "ct-nocg", text);
	snprintf(text, sizeof(text), vdesc, "\"mnt\", \"net\", \"uts\"", "{}", "null");
	rb_env(&res, "ct-noroot", text);
	snprintf(text, sizeof(text), vdesc, "\"net\", \"uts\"", "{}", "null");
	rb_env(&res, "ct-nomnt", text);
	rb_env(&res, "native", "{\"class\": \"native\"}");
	pairing_init(&p, 3);
	for (size_t k = 0; k < 7; k++)
		assert_int_equal(pairing_add_col(&p, cols[k], &err), (int)k);
	p.native = 0, p.full = 1, p.stop = "precision";
	for (size_t b = 0; b < n; b++) {
		double x[7], drift = 0.2 * (double)((b * 7) % 9);
		unsigned char pos[7];
		for (size_t k = 0; k < 7; k++) {
			x[k] = med[k] + drift + 0.01 * (double)((b * (k + 3)) % 5) - 0.02;
			pos[k] = (unsigned char)((k + b) % 7);
		}
		assert_int_equal(pairing_append(&p, x, pos, &err), 0);
	}
	assert_int_equal(decomp_store(&res, &p, &err), 0);
	pairing_free(&p);
}

static void test_paired_parts(void **state)
{
	struct decomp d;
	const struct decomp_part *mnt = NULL;
	(void)state;
	paired_result(40);
	decomp_compute(&res, &d);
	assert_true(d.present && d.paired);
	assert_int_equal(d.blocks, 40);
	assert_string_equal(d.container, "container");
	/* net: full - nonet = 0.6 per block, give or take the boxes' own noise */
	assert_true(fabs(part(&d, "ct-nonet")->saving - 0.6) < 0.03);
	assert_true(part(&d, "ct-nonet")->distinguishable);
	/* uts: noise around 0, written as not distinguishable */
	assert_false(part(&d, "ct-nouts")->distinguishable);
	/* cgroup: the variant is slower: a negative difference, drawn and counted as 0 */
	assert_true(part(&d, "ct-nocg")->saving < 0);
	assert_true(decomp_drawn(part(&d, "ct-nocg")) == 0);
	/* mnt is derived: without rootfs minus without mnt+rootfs, 0.15 */
	for (size_t i = 0; i < d.n; i++)
		mnt = d.parts[i].derived ? &d.parts[i] : mnt;
	assert_non_null(mnt);
	assert_string_equal(mnt->removed, "mnt ns");
	assert_string_equal(mnt->from, "ct-noroot");
	assert_string_equal(mnt->env, "ct-nomnt");
	assert_true(fabs(mnt->saving - 0.15) < 0.03 && mnt->stacked);
	assert_false(part(&d, "ct-nomnt")->stacked);
	assert_true(d.all_parts);
	/* sum check: the extra start, what the drawn parts explain, the rest, with intervals */
	double sum = 0;
	for (size_t i = 0; i < d.n; i++)
		sum += d.parts[i].stacked ? decomp_drawn(&d.parts[i]) : 0;
	assert_true(fabs(d.explained - sum) < 1e-12);
	assert_true(fabs(d.rest - (d.extra - d.explained)) < 1e-12);
	assert_true(fabs(d.extra - 1.1) < 0.03);
	assert_true(d.sum_ci && d.rest_lo <= d.rest && d.rest <= d.rest_hi);
	assert_true(d.share_ci && d.share_lo <= d.share && d.share <= d.share_hi);
}

/* Written and read back: the blocks survive, the parts are computed again; a decomposition
 * that is not one boxbench wrote is rejected. */
static void test_paired_round_trip_and_reject(void **state)
{
	struct bb_result back;
	struct bb_err err = { 0 };
	struct decomp a, b;
	json_t *doc, *pos;
	(void)state;
	paired_result(12);
	decomp_compute(&res, &a);
	doc = results_to_json(&res);
	assert_int_equal(results_from_json(doc, &back, &err), 0);
	decomp_compute(&back, &b);
	assert_true(b.paired && b.blocks == 12);
	assert_true(a.rest == b.rest && a.parts[0].saving == b.parts[0].saving);
	results_free(&back);
	pos =
	    json_array_get(json_object_get(json_object_get(doc, "decomposition"), "positions"), 0);
	json_array_set_new(pos, 1, json_integer(0)); /* position 0 twice */
	assert_int_equal(results_from_json(doc, &back, &err), -1);
	assert_non_null(strstr(err.msg, "permutation"));
	json_decref(doc);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_parts_from_entries),
		T(test_variants_name_their_box),
		T(test_foreign_variants_left_out),
		T(test_absent_without_native_or_variants),
		T(test_unpaired_slower_variant_not_counted),
		T(test_paired_parts),
		T(test_paired_round_trip_and_reject),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
