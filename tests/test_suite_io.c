/* The io suite's latency summary (bench/suite_io.c): mean and percentiles as GSL computes
 * them from sorted data (linear interpolation between closest ranks), whatever the order the
 * reads came in. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "suite_io.h"

static void test_percentiles(void **state)
{
	double lat[101];
	struct io_lat l;

	(void)state;
	/* 0..100 shuffled: the p-quantile of 0..100 is 100p exactly */
	for (size_t i = 0; i < 101; i++)
		lat[i] = (double)((i * 37) % 101);
	assert_int_equal(io_latency_summary(lat, 101, &l), 0);
	assert_float_equal(l.mean, 50.0, 1e-9);
	assert_float_equal(l.p50, 50.0, 1e-9);
	assert_float_equal(l.p90, 90.0, 1e-9);
	assert_float_equal(l.p99, 99.0, 1e-9);
	assert_float_equal(lat[0], 0.0, 0); /* sorted in place */
	assert_float_equal(lat[100], 100.0, 0);
}

static void test_interpolation_and_tail(void **state)
{
	double four[] = { 40, 10, 30, 20 };
	double tail[100];
	struct io_lat l;

	(void)state;
	assert_int_equal(io_latency_summary(four, 4, &l), 0);
	assert_float_equal(l.p50, 25.0, 1e-9); /* between 20 and 30 */
	assert_float_equal(l.p90, 37.0, 1e-9); /* 0.9 * 3 = 2.7: 30 + 0.7 * 10 */
	/* one slow read in a hundred shows in p99, not in p50 */
	for (size_t i = 0; i < 100; i++)
		tail[i] = i == 42 ? 5000.0 : 100.0;
	assert_int_equal(io_latency_summary(tail, 100, &l), 0);
	assert_float_equal(l.p50, 100.0, 1e-9);
	assert_true(l.p99 > 100.0);
	assert_float_equal(l.mean, 149.0, 1e-9);
}

static void test_empty(void **state)
{
	struct io_lat l;
	double one = 7;

	(void)state;
	assert_int_equal(io_latency_summary(&one, 0, &l), -1);
	assert_int_equal(io_latency_summary(&one, 1, &l), 0);
	assert_float_equal(l.p99, 7.0, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_percentiles),
		cmocka_unit_test(test_interpolation_and_tail),
		cmocka_unit_test(test_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
