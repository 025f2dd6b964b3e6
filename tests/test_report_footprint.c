/* report_footprint: the "per added instance" table from density_fit facts: slopes with their
 * CIs in KiB or MiB, a CI holding 0 said so, a negative one said not the boxes', the
 * extrapolation with its range (unbounded when the slope's CI reaches 0), the engine's counting;
 * no table without a fact. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_footprint.h"

static json_t *fit(double s, double lo, double hi)
{
	return json_pack("{s:f, s:[f, f], s:b, s:f}", "slope_mib", s, "ci95_mib", lo, hi,
	                 "distinct_from_0", lo > 0 || hi < 0, "noise_floor_mib", 0.5);
}

static void add_fact(struct bb_result *res, const char *env, double hi_bound)
{
	json_t *fits = json_pack(
	    "{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "pss", fit(14.5, 13.5, 15.6), "kernel",
	    fit(0.3, 0.25, 0.35), "SUnreclaim", fit(0.2, 0.1, 0.3), "SReclaimable",
	    fit(0.02, -0.01, 0.05), "PageTables", fit(0.06, 0.05, 0.07), "KernelStack",
	    fit(0.02, 0.01, 0.03), "Percpu", fit(0, 0, 0), "MemAvailable", fit(-8, -11, -4.7));
	json_t *v = json_pack(
	    "{s:o, s:[{s:i}, {s:i}, {s:i}, {s:i}], s:i, s:s, s:[f, f, f]}", "fits", fits, "points",
	    "n", 1, "n", 2, "n", 3, "n", 6, "measured_max", 6, "engine",
	    "no engine: the box's own processes only", "extrapolated", 1115.0, 1042.0, hi_bound);
	json_array_append_new(res->facts,
	                      json_pack("{s:s, s:s, s:s, s:o, s:i}", "env", env, "suite",
	                                "footprint", "key", "density_fit", "value", v, "rep", 0));
}

static char *render(struct bb_result *res, size_t *rows)
{
	char *buf = NULL;
	size_t len = 0;
	struct doc d = { .fmt = DOC_MARKDOWN };

	d.f = open_memstream(&buf, &len);
	assert_non_null(d.f);
	*rows = report_footprint_table(&d, res);
	assert_int_equal(fclose(d.f), 0);
	return buf;
}

static void test_table(void **state)
{
	struct bb_result res;
	size_t rows;
	char *md;

	(void)state;
	results_init(&res);
	md = render(&res, &rows);
	assert_int_equal(rows, 0);
	assert_null(strstr(md, "|"));
	free(md);
	add_fact(&res, "docker", 1199);
	add_fact(&res, "vm", -1);
	md = render(&res, &rows);
	assert_int_equal(rows, 2);
	assert_non_null(strstr(md, "| docker | 1-6 (4 counts) | +14.50 MiB [+13.50, +15.60] |"));
	/* below 1 MiB in KiB */
	assert_non_null(strstr(md, "+307 KiB [+256, +358] |"));
	assert_non_null(strstr(md, "+205 / +20 / +61 / +20 / +0 |"));
	/* the host's drop was negative: other activity, said */
	assert_non_null(strstr(md, "-8.00 MiB [-11.00, -4.70] (below 0: not the boxes')"));
	assert_non_null(strstr(md, "1115 [1042, 1199], x186 the most measured"));
	assert_non_null(strstr(md, "1115 [1042, unbounded]"));
	assert_non_null(strstr(md, "no engine: the box's own processes only"));
	assert_non_null(strstr(md, "| 512 KiB / 512 KiB |")); /* the noise floor */
	free(md);
	results_free(&res);
}

static void test_indistinct(void **state)
{
	struct bb_result res;
	size_t rows;
	char *md;

	(void)state;
	results_init(&res);
	add_fact(&res, "native", 5);
	json_t *v = json_object_get(json_array_get(res.facts, 0), "value");
	json_object_set_new(json_object_get(v, "fits"), "kernel", fit(0.004, -0.03, 0.04));
	md = render(&res, &rows);
	assert_int_equal(rows, 1);
	assert_non_null(strstr(md, "+4 KiB [-31, +41] (not distinguishable from 0)"));
	free(md);
	results_free(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_indistinct),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
