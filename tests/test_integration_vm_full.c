/* Integration: a full-OS VM (QEMU q35, SeaBIOS, extlinux, Debian's cloud kernel and initramfs,
 * systemd, the workload as a service) boots once, reports its boot phases on both clocks and
 * powers off. Skipped, with the reason, when the disk is not built (make image-full: a few
 * minutes of debootstrap, longer than `make test` may spend on it). One boot under TCG takes
 * about a minute here. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>

#include "helpers.h"
#include "results.h"

static char dir[64];
static char bin[256];

static int setup(void **state)
{
	(void)state;
	return integration_setup("vm-full", dir, sizeof(dir), bin, sizeof(bin));
}

static int teardown(void **state)
{
	(void)state;
	return remove_tree(dir);
}

static double median_of(struct bb_result *res, const char *metric)
{
	struct bb_series *s = results_series(res, "startup", metric, "vm-full", false);

	if (!s)
		fail_msg("no startup/%s series for vm-full", metric);
	assert_int_equal(s->n, 1);
	return s->samples[0];
}

static void test_full_boot_phases(void **state)
{
	char out[128];
	struct cmd_out *r;
	struct bb_result res;
	struct bb_err e = { 0 };

	(void)state;
	skip_unless_available(bin, "vm-full"); /* returns from the test: nothing allocated yet */
	r = malloc(sizeof(*r));
	assert_non_null(r);
	snprintf(out, sizeof(out), "%s/full.json", dir);
	char *argv[] = { bin, "run",      "--envs", "vm-full", "--suites", "startup", "--reps",
		         "1", "--warmup", "0",      "-o",      out,        NULL };
	assert_int_equal(run_cmd(argv, r), 0);
	if (r->code != 0)
		fail_msg("exit %d: %s", r->code, r->err);
	assert_non_null(strstr(r->err, "vm-full: its own timeout"));
	assert_int_equal(results_read(out, &res, &e), 0);
	double ready = median_of(&res, "ready");
	double to_kernel = median_of(&res, "boot_to_kernel"); /* host - guest clock */
	double kernel = median_of(&res, "boot_kernel");       /* guest clock */
	double init = median_of(&res, "boot_init");           /* guest clock */
	assert_true(to_kernel > 0 && kernel > 0 && init > 0);
	/* the phases come before ready; on two clocks, so only roughly additive */
	assert_true(to_kernel + kernel + init <= ready * 1.05);
	const struct bb_envdesc *d = results_env(&res, "vm-full");
	assert_non_null(d);
	assert_string_equal(d->boot, "firmware");
	assert_string_equal(d->machine, "q35");
	assert_int_equal(d->class, BB_CLASS_VM);
	assert_int_equal(leftover_children(), 0);
	results_free(&res);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_boot_phases),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
