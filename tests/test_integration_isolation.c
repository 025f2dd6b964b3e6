/* Integration: the isolation and limits suites in every environment doctor says can run here,
 * in one real run. Native sees everything the host sees; the container shares the host's
 * kernel (release, boot id) but not its PIDs, hostname or network interfaces; the VM shares
 * none of the kernel's identity; the container's cgroup limits and the guest's size are
 * enforced and reported; `show` prints the matrix and the limits. An environment doctor calls
 * unavailable is skipped with its reason. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>

#include "claims.h"
#include "helpers.h"
#include "isolation.h"
#include "results.h"
#include "../bench/isolation.h"

#define VM_MEM_MIB "256"

static char dir[64], bin[256], out[128];
static struct bb_result res;
static bool have_result, avail_container, avail_vm;
static char why_container[512], why_vm[512];

static void doctor_env(json_t *doc, const char *name, bool *avail, char *why, size_t len)
{
	json_t *e = json_object_get(json_object_get(doc, "environments"), name);

	*avail = json_is_true(json_object_get(e, "available"));
	snprintf(why, len, "%s",
	         e ? json_string_value(json_object_get(e, "reason")) ?: "?"
	           : "not an environment of this boxbench build");
}

static void doctor(void)
{
	json_t *doc = doctor_json(bin);

	doctor_env(doc, "container", &avail_container, why_container, sizeof(why_container));
	doctor_env(doc, "vm", &avail_vm, why_vm, sizeof(why_vm));
	json_decref(doc);
}

/* Container limits on the command line, when `run` has the flags (the launcher defaults
 * otherwise): a quota of half a CPU binds on any machine with a CPU to spare. */
static char ct_cpu[16], ct_pids[16], ct_mem[32];

static size_t limit_args(char **argv)
{
	struct cmd_out *r = malloc(sizeof(*r));
	char *help[] = { bin, "run", "--help", NULL };
	size_t n = 0;

	if (!r || run_cmd(help, r) < 0) {
		free(r);
		return 0;
	}
	if (strstr(r->out, "--cpu-quota")) {
		snprintf(ct_cpu, sizeof(ct_cpu), "0.5");
		argv[n++] = "--cpu-quota";
		argv[n++] = ct_cpu;
	}
	if (strstr(r->out, "--pids-limit")) {
		snprintf(ct_pids, sizeof(ct_pids), "64");
		argv[n++] = "--pids-limit";
		argv[n++] = ct_pids;
	}
	if (strstr(r->out, "--mem-limit MIB") || strstr(r->out, "--mem-limit BYTES")) {
		snprintf(ct_mem, sizeof(ct_mem), "%s",
		         strstr(r->out, "--mem-limit MIB") ? "256" : "268435456");
		argv[n++] = "--mem-limit";
		argv[n++] = ct_mem;
	}
	free(r);
	return n;
}

/* One run of both suites in every available environment, shared by the tests. */
static int setup(void **state)
{
	struct cmd_out *r = malloc(sizeof(*r));
	struct bb_err e = { 0 };
	char envs[64];

	(void)state;
	become_subreaper();
	snprintf(bin, sizeof(bin), "%s/boxbench", build_dir());
	snprintf(dir, sizeof(dir), "/tmp/bb-test-iso-XXXXXX");
	if (!mkdtemp(dir) || !r)
		return -1;
	doctor();
	snprintf(envs, sizeof(envs), "native%s%s", avail_container ? ",container" : "",
	         avail_vm ? ",vm" : "");
	snprintf(out, sizeof(out), "%s/iso.json", dir);
	char *argv[24] = { bin,      "run", "--envs",   envs, "--suites", "isolation,limits",
		           "--reps", "1",   "--warmup", "0",  "--vm-mem", VM_MEM_MIB,
		           "-o",     out };
	size_t argc = 14;
	if (avail_container)
		argc += limit_args(argv + argc);
	argv[argc] = NULL;
	if (run_cmd(argv, r) < 0 || r->code != 0) {
		fprintf(stderr, "boxbench run: exit %d: %s\n", r->code, r->err);
		free(r);
		return -1;
	}
	free(r);
	have_result = results_read(out, &res, &e) == 0;
	return have_result ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	if (have_result)
		results_free(&res);
	int valid = validate_results_in(dir);

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) != 0 ? -1 : valid;
}

static const char *fact_str(const char *suite, const char *env, const char *key)
{
	const char *s = json_string_value(isolation_fact(&res, suite, env, key));

	if (!s)
		fail_msg("no %s fact %s in %s", suite, key, env);
	return s;
}

static void assert_cell(const char *env, const char *key, bool same)
{
	enum iso_cell c = isolation_cell(&res, env, key);

	if ((c == ISO_SAME) != same)
		fail_msg("%s %s: %s, expected %s", env, key, iso_cell_name(c),
		         same ? "same as host" : "not the same as host");
}

static void test_native_sees_everything(void **state)
{
	(void)state;
	/* the host's own view is in the result, and native matches it fact by fact */
	assert_non_null(isolation_fact(&res, "isolation", "host", "boot_id"));
	for (size_t i = 0; iso_keys[i]; i++)
		assert_cell("native", iso_keys[i], true);
	assert_string_equal(fact_str("isolation", "native", "host_pid"), "visible");
}

static void test_container_shares_the_kernel(void **state)
{
	(void)state;
	if (!avail_container) {
		print_message("skipped: container unavailable here: %s\n", why_container);
		skip();
	}
	assert_cell("container", "kernel_release", true);
	assert_cell("container", "kernel_version", true);
	assert_cell("container", "boot_id", true);
	assert_cell("container", "boot_time", true);
	assert_cell("container", "mem_total", true);
	assert_cell("container", "host_pid", false);
	assert_cell("container", "hostname", false);
	assert_cell("container", "net_interfaces", false);
	assert_cell("container", "process_count", false);
	assert_cell("container", "mounts", false);
}

static void test_vm_shares_no_kernel_identity(void **state)
{
	struct claim_eval ev[CLAIMS_N];

	(void)state;
	if (!avail_vm) {
		print_message("skipped: vm unavailable here: %s\n", why_vm);
		skip();
	}
	static const char *const identity[] = { "boot_id",   "boot_time", "kernel_log",
		                                "host_pid",  "hostname",  "net_interfaces",
		                                "mem_total", "mounts",    "process_count" };
	for (size_t i = 0; i < sizeof(identity) / sizeof(identity[0]); i++)
		assert_cell("vm", identity[i], false);
	/* the guest runs its own kernel: a release equal to the host's can only be the same
	 * build, which claims count as a coincidence */
	claims_evaluate(&res, ev);
	assert_true(ev[3].verdict == CLAIM_HOLDS || ev[3].verdict == CLAIM_HOLDS_CAVEAT);
}

static void test_native_limits_unset(void **state)
{
	static const char *const keys[] = { "cpu_enforced", "mem_enforced", "pids_enforced" };
	const struct bb_series *s = results_series(&res, "limits", "cpu_share", "native", false);

	(void)state;
	for (size_t i = 0; i < 3; i++)
		assert_string_equal(fact_str("limits", "native", keys[i]), "no limit set");
	assert_non_null(s);
	assert_int_equal(s->nerr, 0);
	assert_true(s->summary.median > 0.2);
	assert_null(results_series(&res, "limits", "sample", "native", false));
}

static void test_container_limits_enforced(void **state)
{
	const struct bb_envdesc *ct = results_env(&res, "container");
	const struct bb_envdesc_cgroup *cg = ct ? &ct->cgroup : NULL;
	struct claim_eval ev[CLAIMS_N];

	(void)state;
	if (!avail_container) {
		print_message("skipped: container unavailable here: %s\n", why_container);
		skip();
	}
	/* what the harness set, read back inside the box */
	assert_true(cg && cg->on);
	assert_true(json_number_value(isolation_fact(&res, "limits", "container",
	                                             "mem_limit_seen")) == (double)cg->mem_limit);
	assert_true(json_number_value(isolation_fact(&res, "limits", "container",
	                                             "pids_limit_seen")) == (double)cg->pids_limit);
	if (ct_cpu[0]) { /* set on the command line */
		assert_true(cg->cpu_quota == 0.5);
		assert_true(json_number_value(isolation_fact(&res, "limits", "container",
		                                             "cpu_quota_seen")) == 0.5);
		assert_true(results_series(&res, "limits", "cpu_share", "container", false)
		                ->summary.median <= 0.5 * 1.1 + 0.03);
	}
	if (ct_pids[0])
		assert_int_equal(cg->pids_limit, 64);
	if (ct_mem[0])
		assert_true(cg->mem_limit == 268435456LL);
	assert_string_equal(fact_str("limits", "container", "cpu_enforced"), "yes");
	assert_string_equal(fact_str("limits", "container", "mem_enforced"), "yes");
	assert_string_equal(fact_str("limits", "container", "pids_enforced"), "yes");
	claims_evaluate(&res, ev);
	assert_int_equal(ev[1].verdict, CLAIM_HOLDS);
}

static void test_vm_limits_are_the_machine(void **state)
{
	json_t *mem = isolation_fact(&res, "limits", "vm", "mem_total_seen");
	json_t *cpus = isolation_fact(&res, "limits", "vm", "cpus_seen");
	const struct bb_envdesc *d = results_env(&res, "vm");

	(void)state;
	if (!avail_vm) {
		print_message("skipped: vm unavailable here: %s\n", why_vm);
		skip();
	}
	/* --vm-mem on the command line: the guest sees a bit less (the kernel's own share) */
	assert_non_null(d);
	assert_int_equal(d->mem_mib, atoi(VM_MEM_MIB));
	assert_true(json_number_value(mem) <= atoi(VM_MEM_MIB) * 1048576.0);
	assert_true(json_number_value(mem) >= atoi(VM_MEM_MIB) * 1048576.0 * 0.6);
	assert_true(json_number_value(cpus) == d->vcpus);
	/* a guest's CPUs and RAM are no limit a check could find broken: a fact, not "yes" */
	assert_true(!strncmp(fact_str("limits", "vm", "mem_enforced"), "not applicable: ", 16));
	assert_true(!strncmp(fact_str("limits", "vm", "cpu_enforced"), "not applicable: ", 16));
}

static void test_show_prints_matrix_and_limits(void **state)
{
	struct cmd_out *r = malloc(sizeof(*r));
	char *argv[] = { bin, "show", out, NULL };

	(void)state;
	assert_int_equal(run_cmd(argv, r), 0);
	assert_int_equal(r->code, 0);
	assert_non_null(strstr(r->out, "[isolation]"));
	assert_non_null(strstr(r->out, "boot_id"));
	assert_non_null(strstr(r->out, "same as host"));
	assert_non_null(strstr(r->out, "[limits] set by the harness"));
	if (avail_container)
		assert_non_null(strstr(r->out, "container    memory"));
	free(r);
	assert_int_equal(leftover_children(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_native_sees_everything),
		cmocka_unit_test(test_container_shares_the_kernel),
		cmocka_unit_test(test_vm_shares_no_kernel_identity),
		cmocka_unit_test(test_native_limits_unset),
		cmocka_unit_test(test_container_limits_enforced),
		cmocka_unit_test(test_vm_limits_are_the_machine),
		cmocka_unit_test(test_show_prints_matrix_and_limits),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
