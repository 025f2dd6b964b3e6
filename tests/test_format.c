/* Figures as the report prints them: scaled time and size units, SI prefixes for large rates,
 * three significant digits, ratios, and appending that never overruns its buffer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "format.h"

static void test_value_scales_units(void **state)
{
	char b[64];
	(void)state;
	fmt_value(b, sizeof(b), 2100, "ms");
	assert_string_equal(b, "2.10 s");
	fmt_value(b, sizeof(b), 0.5234, "ms");
	assert_string_equal(b, "0.523 ms");
	fmt_value(b, sizeof(b), 190840832, "bytes");
	assert_string_equal(b, "182 MiB");
	fmt_value(b, sizeof(b), 32768, "bytes");
	assert_string_equal(b, "32 KiB");
	fmt_value(b, sizeof(b), 41.27, "GB/s");
	assert_string_equal(b, "41.3 GB/s");
	fmt_value(b, sizeof(b), 403274478, "ops/s");
	assert_string_equal(b, "403 Mops/s");
	fmt_value(b, sizeof(b), 45248, "ns");
	assert_string_equal(b, "45248 ns");
	fmt_value(b, sizeof(b), 150000, "ns");
	assert_string_equal(b, "150 us");
}

static void test_value_without_unit(void **state)
{
	char b[64];
	(void)state;
	fmt_value(b, sizeof(b), 12.5, "");
	assert_string_equal(b, "12.5");
	fmt_value(b, sizeof(b), 2.5e6, "-");
	assert_string_equal(b, "2.50 M");
	fmt_value(b, sizeof(b), 0, "ms");
	assert_string_equal(b, "0 ms");
}

static void test_ratio_digits(void **state)
{
	char b[64];
	(void)state;
	fmt_ratio(b, sizeof(b), 1.0234);
	assert_string_equal(b, "1.02x");
	fmt_ratio(b, sizeof(b), 13.44);
	assert_string_equal(b, "13.4x");
	fmt_ratio(b, sizeof(b), 1439.4);
	assert_string_equal(b, "1439x");
}

/* An estimate with its interval, or saying it has none. */
static void test_estimate(void **state)
{
	char buf[96];

	(void)state;
	assert_string_equal(fmt_estimate(buf, sizeof(buf), 0.52, 0.41, 0.6, true, "ms"),
	                    "0.520 ms [0.410 ms, 0.600 ms]");
	assert_string_equal(fmt_estimate(buf, sizeof(buf), 0.52, 0.41, 0.6, false, "ms"),
	                    "0.520 ms (no CI)");
}

static void test_append_bounded(void **state)
{
	char b[8] = "";
	(void)state;
	fmt_append(b, sizeof(b), "%s", "abc");
	fmt_append(b, sizeof(b), "%d", 12);
	assert_string_equal(b, "abc12");
	fmt_append(b, sizeof(b), "%s", "xyz");
	assert_string_equal(b, "abc12xy");
	fmt_append(b, sizeof(b), "%s", "more");
	assert_string_equal(b, "abc12xy");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_value_scales_units),
		cmocka_unit_test(test_value_without_unit),
		cmocka_unit_test(test_ratio_digits),
		cmocka_unit_test(test_estimate),
		cmocka_unit_test(test_append_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
