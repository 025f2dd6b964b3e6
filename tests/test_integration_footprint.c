/* Integration: the footprint suite in each environment doctor calls available (the others are
 * skipped with a message): PSS per sample, the disk of what the box needs, the density fitted
 * over the instance counts really measured with its extrapolation labelled as one, the host
 * kernel's cost per instance, the environment's own extras (a container's cgroup accounting, a
 * guest's view of its memory); and no instance is left running. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <sys/stat.h>

#include "helpers.h"
#include "results.h"

static char dir[64];
static char bin[256];

static int setup(void **state)
{
	(void)state;
	return integration_setup("fp", dir, sizeof(dir), bin, sizeof(bin));
}

static int teardown(void **state)
{
	(void)state;
	return remove_tree(dir);
}

static const struct bb_series *series(struct bb_result *res, const char *metric, const char *env,
                                      size_t n)
{
	struct bb_series *s = results_series(res, "footprint", metric, env, false);

	if (!s)
		fail_msg("%s: no footprint/%s series", env, metric);
	if (s->nerr)
		fail_msg("%s/%s: %s", env, metric, s->errors[0].reason);
	assert_int_equal(s->n, n);
	assert_string_equal(s->unit, strcmp(metric, "extrapolated_fit") ? "MiB" : "instances");
	assert_true(s->summary.median > 0);
	return s;
}

static long long file_size(const char *name)
{
	char p[512];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", build_dir(), name);
	assert_int_equal(stat(p, &st), 0);
	return (long long)st.st_size;
}

/* The density_fit fact: the counts really measured (1, 2, 3, ... up to --density K at most),
 * K instances at once, more than one alone; every line fitted, the kernel's with a noise
 * floor; the engine's counting said. */
static void density_checks(struct bb_result *res, const char *env, int k)
{
	json_t *f, *v = NULL;
	size_t i;

	json_array_foreach(res->facts, i, f)
	{
		if (!strcmp(results_jstr(f, "env"), env) &&
		    !strcmp(results_jstr(f, "key"), "density_fit"))
			v = json_object_get(f, "value");
	}
	assert_non_null(v);
	json_t *pts = json_object_get(v, "points");
	assert_true(json_array_size(pts) >= 3);
	for (i = 0; i < json_array_size(pts); i++)
		assert_int_equal(json_integer_value(json_object_get(json_array_get(pts, i), "n")),
		                 (json_int_t)i + 1); /* 1, 2, 3: K = 3 here */
	assert_int_equal(json_integer_value(json_object_get(v, "measured_max")), k);
	double one = json_number_value(json_object_get(json_array_get(pts, 0), "pss_mib"));
	double all = json_number_value(json_object_get(json_array_get(pts, k - 1), "pss_mib"));
	assert_true(all > one);
	json_t *kern = json_object_get(json_object_get(v, "fits"), "kernel");
	assert_non_null(kern);
	assert_true(json_number_value(json_object_get(kern, "noise_floor_mib")) >= 0);
	assert_non_null(json_object_get(json_object_get(v, "fits"), "MemAvailable"));
	assert_non_null(strstr(json_string_value(json_object_get(v, "stopped")), "--density"));
	assert_non_null(json_string_value(json_object_get(v, "engine")));
	assert_non_null(result_fact(res, "footprint", env, "kernel_note"));
}

/* Run the suite in env; checks what every environment has, returns the result. */
static void run_env(char *env, char *density, struct bb_result *res)
{
	char out[128];
	struct cmd_out *r = malloc(sizeof(*r));
	struct bb_err e = { 0 };

	snprintf(out, sizeof(out), "%s/%s.json", dir, env);
	char *argv[] = { bin,         "run",    "--envs", env,        "--suites",
		         "footprint", "--reps", "2",      "--warmup", "0",
		         "--density", density,  "-o",     out,        NULL };
	assert_int_equal(run_cmd(argv, r), 0);
	if (r->code != 0)
		fail_msg("exit %d: %s", r->code, r->err);
	assert_int_equal(leftover_children(), 0);
	/* show labels the extrapolation in the metric's name */
	assert_non_null(strstr(r->out, "extrapolated_fit"));
	assert_int_equal(results_read(out, res, &e), 0);
	const struct bb_series *pss = series(res, "pss", env, 2);
	const struct bb_series *inc = series(res, "density_increment", env, 1);
	const struct bb_series *fit = series(res, "extrapolated_fit", env, 1);
	const struct bb_series *ap = series(res, "disk_apparent", env, 1);
	const struct bb_series *al = series(res, "disk_allocated", env, 1);
	assert_true(pss->summary.median < 4096);
	/* each added one takes no more than one alone */
	assert_true(inc->summary.median <= pss->summary.max * 1.05);
	assert_true(fit->better == BB_HIGHER);
	assert_true(fit->summary.median >= 1);
	/* at least the workload binary (+1: results keep 12 significant digits) */
	assert_true(ap->summary.median * 1048576 + 1 >= (double)file_size("boxbench-load") ||
	            !strcmp(env, "vm"));
	assert_true(al->summary.median > 0);
	const char *note = result_fact(res, "footprint", env, "density_note");
	assert_non_null(note);
	assert_non_null(strstr(note, "EXTRAPOLATION"));
	density_checks(res, env, atoi(density));
	assert_non_null(result_fact(res, "footprint", env, "disk_files"));
	assert_non_null(result_fact(res, "footprint", env, "disk_per_instance"));
	const char *shared = result_fact(res, "footprint", env, "disk_shared");
	assert_non_null(shared);
	assert_non_null(strstr(shared, "read only"));
	free(r);
}

static void test_native(void **state)
{
	struct bb_result res;

	(void)state;
	run_env("native", "3", &res);
	assert_non_null(strstr(result_fact(&res, "footprint", "native", "disk_files"),
	                       "boxbench-load (workload"));
	/* a process has no cgroup of its own and no guest */
	assert_null(results_series(&res, "footprint", "cgroup_mem", "native", false));
	assert_null(results_series(&res, "footprint", "guest_used", "native", false));
	results_free(&res);
}

static void test_container(void **state)
{
	struct bb_result res;

	(void)state;
	skip_unless_available(bin, "container");
	run_env("container", "3", &res);
	const char *files = result_fact(&res, "footprint", "container", "disk_files");
	assert_non_null(strstr(files, "/rootfs/bin/boxbench-load (rootfs"));
	/* the cgroup's own accounting, beside PSS */
	series(&res, "cgroup_mem", "container", 2);
	results_free(&res);
}

static void test_vm(void **state)
{
	struct bb_result res;

	(void)state;
	skip_unless_available(bin, "vm");
	/* K=3, the fewest a line with an error needs: under TCG every guest booting costs a core */
	run_env("vm", "3", &res);
	const char *files = result_fact(&res, "footprint", "vm", "disk_files");
	/* the compressed kernel a real VM boots is counted; the ELF booted to speed up TCG is
	 * listed apart, as the host's C runtime is */
	assert_non_null(strstr(files, "vmlinuz (kernel"));
	assert_non_null(strstr(files, "vmlinux (booted kernel"));
	assert_non_null(strstr(files, "initramfs.cpio (initramfs"));
	assert_non_null(strstr(files, "qemu-system-x86_64 (binary"));
	assert_non_null(strstr(files, "libc.so.6 (host library"));
	const struct bb_series *ap = series(&res, "disk_apparent", "vm", 1);
	assert_true(ap->summary.median * 1048576 >
	            (double)(file_size("guest/vmlinuz") + file_size("guest/initramfs.cpio")));
	assert_non_null(
	    strstr(result_fact(&res, "footprint", "vm", "disk_booted_kernel"), "not counted"));
	/* the guest's own view: some of its RAM, less than QEMU holds for it */
	const struct bb_series *used = series(&res, "guest_used", "vm", 2);
	const struct bb_series *pss = series(&res, "pss", "vm", 2);
	assert_true(used->summary.median < 512);
	assert_true(pss->summary.median > used->summary.median);
	assert_int_equal(pss->emulated, !strcmp(results_env(&res, "vm")->accel, "tcg"));
	assert_true(results_env(&res, "vm")->emulated == pss->emulated);
	results_free(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_native),
		cmocka_unit_test(test_container),
		cmocka_unit_test(test_vm),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
