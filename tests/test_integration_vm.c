/* Integration: a real guest (QEMU microvm, Debian's cloud kernel, our init and workload) boots,
 * reports and powers off; nothing is left behind. (A silent guest killed at the timeout, and
 * the other misbehaviours on every box: test_integration_launchers.c.) */
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
	return integration_setup("vm", dir, sizeof(dir), bin, sizeof(bin));
}

static int teardown(void **state)
{
	(void)state;
	return remove_tree(dir);
}

static bool cpu_has_virt_flags(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[4096];
	bool found = false;

	while (f && !found && fgets(line, sizeof(line), f))
		found =
		    !strncmp(line, "flags", 5) && (strstr(line, " vmx") || strstr(line, " svm"));
	if (f)
		fclose(f);
	return found;
}

/* doctor measures KVM: without VT-x/AMD-V in the CPU it can never be "hardware", and with a
 * /dev/kvm present it must be "emulated" (this machine: a software KVM ~1000x slower). */
static void test_doctor_classifies_kvm(void **state)
{
	(void)state;
	json_t *doc = doctor_json(bin);
	json_t *kvm = json_object_get(json_object_get(doc, "host"), "kvm");
	const char *kind = json_string_value(json_object_get(kvm, "kind"));
	assert_non_null(kind);
	if (access("/dev/kvm", F_OK) < 0) {
		assert_string_equal(kind, "absent");
	} else if (!cpu_has_virt_flags()) {
		assert_string_equal(kind, "emulated");
		assert_true(json_number_value(json_object_get(kvm, "guest_speed_ratio")) >= 2.0);
	}
	json_decref(doc);
}

static void test_guest_boots_reports_powers_off(void **state)
{
	char out[128];
	struct cmd_out *r = malloc(sizeof(*r));
	struct bb_result res;
	struct bb_err e = { 0 };

	(void)state;
	snprintf(out, sizeof(out), "%s/vm.json", dir);
	char *argv[] = { bin,        "run", "--envs",    "vm", "--suites", "startup", "--reps", "2",
		         "--warmup", "0",   "--timeout", "60", "-o",       out,       NULL };
	assert_int_equal(run_cmd(argv, r), 0);
	if (r->code != 0)
		fail_msg("exit %d: %s", r->code, r->err);
	assert_int_equal(results_read(out, &res, &e), 0);
	struct bb_series *ready = results_series(&res, "startup", "ready", "vm", false);
	struct bb_series *boot =
	    results_series(&res, "startup", "guest_boottime_at_init", "vm", false);
	struct bb_series *vmm = results_series(&res, "startup", "boot_to_kernel", "vm", false);
	assert_non_null(ready);
	assert_int_equal(ready->n, 2);
	assert_int_equal(ready->nerr, 0);
	/* A Linux guest cannot be ready in under 50 ms, even with hardware KVM. */
	assert_true(ready->summary.median > 50.0);
	/* The guest's own clock at init is part of the host-side time to ready. */
	assert_non_null(boot);
	assert_true(boot->summary.median > 0 && boot->summary.median < ready->summary.median);
	assert_null(results_series(&res, "startup", "guest_boot", "vm", false));
	/* The VMM's share, launch request -> the guest kernel's clock starts, is the rest: on
	 * the host's clock minus the guest's, positive and short of ready. */
	assert_non_null(vmm);
	assert_int_equal(vmm->n, 2);
	assert_true(vmm->summary.median > 0 && vmm->summary.median < ready->summary.median);
	const struct bb_envdesc *env = results_env(&res, "vm");
	assert_non_null(env);
	const char *accel = env->accel;
	assert_true(env->class == BB_CLASS_VM && accel[0]);
	/* Figures from TCG are labelled emulated on every series. */
	assert_int_equal(ready->emulated, !strcmp(accel, "tcg"));
	assert_string_equal(ready->accel, accel);
	results_free(&res);
	assert_int_equal(leftover_children(), 0);
	free(r);
}

static void test_missing_kernel(void **state)
{
	struct cmd_out *r = malloc(sizeof(*r));
	char *argv[] = { bin,           "run",
		         "--envs",      "vm",
		         "--vm-kernel", "/nonexistent/vmlinux",
		         "-o",          "/tmp/never-written.json",
		         NULL };

	(void)state;
	assert_int_equal(run_cmd(argv, r), 0);
	assert_int_equal(r->code, 3);
	assert_int_equal(count_lines(r->err), 1);
	assert_non_null(strstr(r->err, "/nonexistent/vmlinux: No such file or directory"));
	assert_int_equal(access("/tmp/never-written.json", F_OK), -1);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_doctor_classifies_kvm),
		cmocka_unit_test(test_guest_boots_reports_powers_off),
		cmocka_unit_test(test_missing_kernel),
	};
	return cmocka_run_group_tests_name("integration_vm", tests, setup, teardown);
}
