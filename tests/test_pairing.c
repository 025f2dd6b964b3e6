/* The paired blocks of the startup decomposition (pairing.h), on made-up blocks: the shuffled
 * order is a permutation recorded per block, a part is the median of per-block differences
 * (a shared per-block drift cancels), a slower variant is never counted as a saving, the sum
 * check, failed starts drop their block, and the stopping rule. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "pairing.h"

/* Columns: 0 native, 1 full, 2 variant A (saves a), 3 variant B (saves b); each block drifts
 * by `drift` times a large swing that is the same for every box of the block. */
static void fill(struct pairing *p, size_t n, double a, double b, double drift)
{
	struct bb_err err = { 0 };

	pairing_init(p, 7);
	assert_int_equal(pairing_add_col(p, "native", &err), 0);
	assert_int_equal(pairing_add_col(p, "full", &err), 1);
	assert_int_equal(pairing_add_col(p, "va", &err), 2);
	assert_int_equal(pairing_add_col(p, "vb", &err), 3);
	p->native = 0;
	p->full = 1;
	for (size_t i = 0; i < n; i++) {
		double s = drift * (double)((i * 37) % 11), e = 0.001 * (double)((i * 13) % 5);
		double x[4] = { 1 + s + e, 3 + s, 3 - a + s, 3 - b + s + e };
		unsigned char pos[4] = { 0, 1, 2, 3 };
		assert_int_equal(pairing_append(p, x, pos, &err), 0);
	}
}

static void test_block_order_is_a_permutation(void **state)
{
	struct pairing p;
	struct bb_err err = { 0 };
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	size_t order[4];
	(void)state;
	pairing_init(&p, 1);
	for (int i = 0; i < 4; i++)
		assert_true(pairing_add_col(&p, i ? "v" : "native", &err) >= 0 || i);
	gsl_rng_set(r, 1);
	assert_int_equal(pairing_block(&p, r, order, &err), 0);
	for (size_t k = 0; k < p.ncols; k++)
		assert_int_equal(p.pos[order[k]], k); /* the position recorded is the one run */
	assert_false(isfinite(p.x[0]));               /* nothing measured yet */
	pairing_set(&p, order[0], 1.5);
	assert_true(p.x[order[0]] == 1.5);
	assert_int_equal(pairing_complete(&p), 0);
	gsl_rng_free(r);
	pairing_free(&p);
}

static void test_drift_cancels_in_pairs(void **state)
{
	struct pairing p;
	struct pairing_spec specs[2] = { { 1, 2, true }, { 1, 3, true } };
	struct pairing_result r;
	struct bb_err err = { 0 };
	(void)state;
	fill(&p, 40, 0.5, 0.25, 0.3); /* the drift (up to 3 ms) dwarfs the parts */
	assert_int_equal(pairing_estimate(&p, specs, 2, &r, &err), 0);
	assert_int_equal(r.n, 40);
	assert_true(fabs(r.parts[0].v - 0.5) < 1e-9);
	assert_true(r.parts[0].ci && r.parts[0].lo > 0.49 && r.parts[0].hi < 0.51);
	assert_true(pairing_distinguishable(&r.parts[0]));
	assert_true(fabs(r.total.v - 2) < 0.01);
	/* sum check: 2 of which 0.75 explained */
	assert_true(fabs(r.explained.v - 0.75) < 0.01);
	assert_true(fabs(r.rest.v - (r.total.v - r.explained.v)) < 1e-12);
	assert_true(r.has_share && fabs(r.rest_share.v - r.rest.v / r.total.v) < 1e-12);
	assert_true(r.rest.lo <= r.rest.v && r.rest.v <= r.rest.hi);
	pairing_free(&p);
}

/* A variant slower than the full container: its difference is negative, it is never counted
 * in the explained sum (nor in any resample of it). */
static void test_slower_variant_saves_nothing(void **state)
{
	struct pairing p;
	struct pairing_spec specs[2] = { { 1, 2, true }, { 1, 3, true } };
	struct pairing_result r;
	struct bb_err err = { 0 };
	(void)state;
	fill(&p, 30, 0.5, -0.3, 0.1);
	assert_int_equal(pairing_estimate(&p, specs, 2, &r, &err), 0);
	assert_true(r.parts[1].v < 0 && r.parts[1].hi < 0);
	assert_true(fabs(r.explained.v - 0.5) < 1e-9);
	assert_true(r.explained.lo >= 0.5 - 1e-9);
	pairing_free(&p);
}

/* A part that is noise around 0: its CI holds 0. */
static void test_noise_part_not_distinguishable(void **state)
{
	struct pairing p;
	struct pairing_spec spec = { 1, 2, true };
	struct pairing_result r;
	struct bb_err err = { 0 };
	(void)state;
	fill(&p, 30, 0, 0, 0.1);
	for (size_t b = 0; b < p.nblocks; b++) /* +-0.02 around the full container */
		p.x[b * 4 + 2] = p.x[b * 4 + 1] + 0.01 * (double)((int)(b * 7 % 5) - 2);
	assert_int_equal(pairing_estimate(&p, &spec, 1, &r, &err), 0);
	assert_true(r.parts[0].ci && r.parts[0].lo <= 0 && r.parts[0].hi >= 0);
	assert_false(pairing_distinguishable(&r.parts[0]));
	pairing_free(&p);
}

static void test_failed_start_drops_block(void **state)
{
	struct pairing p;
	struct pairing_spec spec = { 1, 2, true };
	struct pairing_result r;
	struct bb_err err = { 0 };
	(void)state;
	fill(&p, 12, 0.5, 0.2, 0);
	p.x[5 * 4 + 3] = NAN;
	assert_int_equal(pairing_complete(&p), 11);
	assert_int_equal(pairing_estimate(&p, &spec, 1, &r, &err), 0);
	assert_int_equal(r.n, 11);
	for (size_t b = 0; b < p.nblocks; b++)
		p.x[b * 4] = NAN;
	assert_int_equal(pairing_estimate(&p, &spec, 1, &r, &err), -1);
	assert_non_null(strstr(err.msg, "no block"));
	pairing_free(&p);
}

static void test_stopping(void **state)
{
	struct pairing p;
	struct bb_err err = { 0 };
	(void)state;
	fill(&p, PAIRING_MIN_BLOCKS - 1, 0.5, 0.2, 0);
	p.target = 0.02;
	p.budget_s = 1;
	p.spent_s = 5; /* over budget, but not yet the minimum of blocks */
	assert_int_equal(pairing_update(&p, &err), 0);
	assert_null(p.stop);
	pairing_free(&p);
	fill(&p, PAIRING_MIN_BLOCKS, 0.5, 0.2, 0);
	p.target = 0.02;
	p.budget_s = 100;
	assert_int_equal(pairing_update(&p, &err), 0);
	assert_string_equal(p.stop, "precision"); /* exact differences: a CI of width 0 */
	pairing_free(&p);
	fill(&p, 3, 0.5, 0.2, 0);
	p.fixed = 3;
	assert_int_equal(pairing_update(&p, &err), 0);
	assert_string_equal(p.stop, "reps");
	pairing_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_block_order_is_a_permutation),
		cmocka_unit_test(test_drift_cancels_in_pairs),
		cmocka_unit_test(test_slower_variant_saves_nothing),
		cmocka_unit_test(test_noise_part_not_distinguishable),
		cmocka_unit_test(test_failed_start_drops_block),
		cmocka_unit_test(test_stopping),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
