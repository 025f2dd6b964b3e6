/* The verdict rules C1..C10 on results built here (made-up numbers, clearly test data): each
 * rule's holds / does not hold / not measured / emulated (TCG) cases, the isolation matrix
 * cells, the decomposition and the value formatting. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "claims.h"
#include "decomp.h"
#include "pairing.h"
#include "result_builder.h"

/* C7's threshold (claims.c C7_CPU_NEAR): CPU-bound work within 10% of native. */
#define C7_NEAR_FOR_TEST 1.10

static struct bb_result res;
static struct claim_eval out[CLAIMS_N];

static void env(const char *name, const char *desc)
{
	rb_env(&res, name, desc);
}

static void box(const char *name)
{
	rb_made_up_box(&res, name);
}

static int setup(void **state)
{
	(void)state;
	results_init(&res);
	snprintf(res.id, sizeof(res.id), "test-claims-made-up");
	snprintf(res.started_at, sizeof(res.started_at), "2026-01-01T00:00:00Z");
	res.complete = true;
	res.tool = json_object();
	res.host = json_pack("{s:s, s:n, s:{s:s}}", "hostname", "test", "hypervisor", "kvm", "kind",
	                     "hardware");
	res.config = json_pack("{s:i}", "seed", 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	results_free(&res);
	return 0;
}

/* n samples spread +-2*step around center (accel "" for non-VM series). */
static struct bb_series *add_n(const char *suite, const char *metric, const char *e,
                               const char *unit, const char *accel, double center, int n,
                               double step)
{
	struct bb_series *s = results_series(&res, suite, metric, e, true);
	struct bb_err err = { 0 };

	box(e);
	assert_non_null(s);
	snprintf(s->unit, sizeof(s->unit), "%s", unit);
	s->better = (!strcmp(unit, "GFLOP/s") || !strcmp(unit, "MB/s") || !strcmp(unit, "GB/s"))
	                ? BB_HIGHER
	                : BB_LOWER;
	snprintf(s->accel, sizeof(s->accel), "%s", accel);
	s->emulated = !strcmp(accel, "tcg");
	for (int i = 0; i < n; i++)
		assert_int_equal(
		    series_add_sample(s, center * (1 + step * ((i * 7) % 5 - 2)), &err), 0);
	return s;
}

/* Ten samples spread +-2% around center. */
static void add(const char *suite, const char *metric, const char *e, const char *unit,
                const char *accel, double center)
{
	add_n(suite, metric, e, unit, accel, center, 10, 0.01);
}

static void fact(const char *e, const char *suite, const char *key, json_t *value)
{
	box(e);
	json_array_append_new(res.facts, json_pack("{s:s, s:s, s:s, s:o, s:i}", "env", e, "suite",
	                                           suite, "key", key, "value", value, "rep", 0));
}

static const struct claim_eval *eval(int n)
{
	struct bb_err err = { 0 };

	assert_int_equal(results_summarize(&res, 1, &err), 0);
	claims_evaluate(&res, out);
	return &out[n - 1];
}

static void assert_contains(const char *haystack, const char *needle)
{
	if (!strstr(haystack, needle))
		fail_msg("\"%s\" does not contain \"%s\"", haystack, needle);
}

static void startup3(double native, double ct, double vm, const char *accel)
{
	add("startup", "ready", "native", "ms", "", native);
	add("startup", "ready", "container", "ms", "", ct);
	add("startup", "ready", "vm", "ms", accel, vm);
}

/* C5 */

static void test_c5_holds(void **state)
{
	(void)state;
	startup3(0.5, 1.2, 90000, "kvm");
	const struct claim_eval *c = eval(5);
	assert_string_equal(c->id, "C5");
	assert_int_equal(c->verdict, CLAIM_HOLDS);
	assert_contains(c->figures, "vm/container");
	assert_contains(c->figures, "1.20 ms");
}

static void test_c5_fast_vm_is_caveat(void **state)
{
	(void)state;
	startup3(0.5, 1.2, 250, "kvm");
	const struct claim_eval *c = eval(5);
	assert_int_equal(c->verdict, CLAIM_HOLDS_CAVEAT);
	assert_contains(c->reason, "not minutes");
}

static void test_c5_tcg_says_emulated(void **state)
{
	(void)state;
	startup3(0.5, 1.2, 2100, "tcg");
	const struct claim_eval *c = eval(5);
	assert_int_equal(c->verdict, CLAIM_HOLDS_CAVEAT);
	assert_contains(c->reason, "EMULATED");
	assert_contains(c->figures, "EMULATED");
}

static void test_c5_slow_container_does_not_hold(void **state)
{
	(void)state;
	startup3(0.5, 400, 90000, "kvm");
	assert_int_equal(eval(5)->verdict, CLAIM_DOES_NOT_HOLD);
	assert_contains(out[4].reason, "not milliseconds");
}

static void test_c5_close_vm_does_not_hold(void **state)
{
	(void)state;
	startup3(0.5, 20, 60, "tcg");
	assert_int_equal(eval(5)->verdict, CLAIM_DOES_NOT_HOLD);
	assert_contains(out[4].reason, "even emulated");
}

/* The minutes are judged on the full-OS VM (booted by firmware), the microVM said apart. */
static void c5_full(const char *accel, double micro, double full)
{
	env("vm-full", "{\"class\": \"vm\", \"boot\": \"firmware\"}");
	env("vm", "{\"class\": \"vm\", \"boot\": \"direct\"}");
	startup3(0.5, 1.2, micro, accel);
	add("startup", "ready", "vm-full", "ms", accel, full);
}

static void test_c5_full_os_minutes_holds(void **state)
{
	(void)state;
	c5_full("kvm", 250, 90000);
	assert_int_equal(eval(5)->verdict, CLAIM_HOLDS);
	assert_contains(out[4].figures, "vm-full/container");
	assert_contains(out[4].figures, "vm/container");
	assert_contains(out[4].reason, "the full-OS VM (firmware, boot loader, its distribution's "
	                               "init) is ready in 90.0 s: minutes");
	assert_contains(out[4].reason, "separately, the microVM (direct kernel boot");
}

static void test_c5_full_os_seconds_is_caveat(void **state)
{
	(void)state;
	c5_full("kvm", 250, 9000);
	assert_int_equal(eval(5)->verdict, CLAIM_HOLDS_CAVEAT);
	assert_contains(out[4].reason, "full-OS VM (firmware, boot loader, its distribution's "
	                               "init) is ready in 9.00 s, not minutes");
}

/* A minute under TCG says nothing of a hardware guest: never "holds". */
static void test_c5_full_os_emulated_is_caveat(void **state)
{
	(void)state;
	c5_full("tcg", 2100, 65000);
	assert_int_equal(eval(5)->verdict, CLAIM_HOLDS_CAVEAT);
	assert_contains(out[4].reason, "EMULATED");
	assert_contains(out[4].reason, ": minutes");
}

/* Three VM samples: no interval of the VM/container ratio, so no verdict on it, and no "inf". */
static void test_c5_without_ci_is_inconclusive(void **state)
{
	struct bb_err err = { 0 };
	struct bb_series *s;

	(void)state;
	add("startup", "ready", "native", "ms", "", 0.5);
	add("startup", "ready", "container", "ms", "", 1.2);
	box("vm");
	s = results_series(&res, "startup", "ready", "vm", true);
	snprintf(s->unit, sizeof(s->unit), "ms");
	for (int i = 0; i < 3; i++)
		assert_int_equal(series_add_sample(s, 90000 + i, &err), 0);
	const struct claim_eval *c = eval(5);
	assert_int_equal(c->verdict, CLAIM_INCONCLUSIVE);
	assert_contains(c->figures, "(no CI: n < 5)");
	assert_null(strstr(c->figures, "inf"));
	assert_contains(c->reason, "inconclusive");
}

static void test_c5_not_measured_names_reason(void **state)
{
	(void)state;
	add("startup", "ready", "native", "ms", "", 0.5);
	add("startup", "ready", "container", "ms", "", 1.2);
	env("vm",
	    "{\"class\": \"vm\", \"available\": false, \"reason\": \"no /dev/kvm and no qemu\"}");
	const struct claim_eval *c = eval(5);
	assert_int_equal(c->verdict, CLAIM_NOT_MEASURED);
	assert_contains(c->reason, "no /dev/kvm and no qemu");
	assert_contains(c->reason, "--suites startup");
}

/* C7 */

static void overhead_vm(const char *accel, double cpu, double null_ns, double cpuid_ns)
{
	add("cpu", "dgemm", "native", "GFLOP/s", "", 8.0);
	add("cpu", "dgemm", "vm", "GFLOP/s", accel, 8.0 / cpu);
	add("syscall", "null", "native", "ns", "", 70);
	add("syscall", "null", "vm", "ns", accel, null_ns);
	add("syscall", "cpuid", "native", "ns", "", 40);
	add("syscall", "cpuid", "vm", "ns", accel, cpuid_ns);
}

static void test_c7_holds(void **state)
{
	(void)state;
	overhead_vm("kvm", 1.01, 72, 1200);
	const struct claim_eval *c = eval(7);
	assert_int_equal(c->verdict, CLAIM_HOLDS);
	assert_contains(c->figures, "dgemm 1.01x");
	assert_contains(c->reason, "cpuid");
}

static void test_c7_slow_cpu_does_not_hold(void **state)
{
	(void)state;
	overhead_vm("kvm", 1.5, 72, 1200);
	assert_int_equal(eval(7)->verdict, CLAIM_DOES_NOT_HOLD);
}

static void test_c7_slow_syscall_is_caveat(void **state)
{
	(void)state;
	overhead_vm("kvm", 1.0, 300, 1200);
	assert_int_equal(eval(7)->verdict, CLAIM_HOLDS_CAVEAT);
	assert_contains(out[6].reason, "null syscall");
}

static void test_c7_tcg_not_measured_with_figures(void **state)
{
	(void)state;
	overhead_vm("tcg", 12, 2800, 45000);
	const struct claim_eval *c = eval(7);
	assert_int_equal(c->verdict, CLAIM_NOT_MEASURED);
	assert_contains(c->reason, "EMULATED");
	assert_contains(c->figures, "dgemm 12.0x");
	assert_contains(c->figures, "EMULATED");
}

static void test_c7_missing(void **state)
{
	(void)state;
	add("cpu", "dgemm", "native", "GFLOP/s", "", 8.0);
	const struct claim_eval *c = eval(7);
	assert_int_equal(c->verdict, CLAIM_NOT_MEASURED);
	assert_string_equal(c->figures, "");
	assert_contains(c->reason, "vm was not run");
}

/* C8 */

static void mem_vm(const char *accel, double pf, double chase)
{
	add("syscall", "page_fault", "native", "ns", "", 900);
	add("syscall", "page_fault", "vm", "ns", accel, 900 * pf);
	add("mem", "chase", "native", "ns", "", 90);
	add("mem", "chase", "vm", "ns", accel, 90 * chase);
}

static void set_paging(const char *paging, const char *evidence)
{
	json_t *kvm = json_object_get(res.host, "kvm");

	json_object_set_new(kvm, "paging", json_string(paging));
	json_object_set_new(kvm, "paging_evidence", json_string(evidence));
}

/* EPT and a cost: the two-level translation shows, but not by shadow page tables. */
static void test_c8_visible_cost_is_caveat(void **state)
{
	(void)state;
	set_paging("ept", "kvm_intel loaded, ept=Y");
	mem_vm("kvm", 1.3, 1.4);
	const struct claim_eval *c = eval(8);
	assert_int_equal(c->verdict, CLAIM_HOLDS_CAVEAT);
	assert_contains(c->reason, "hardware (EPT)");
	assert_contains(c->reason, "host paging: ept (kvm_intel loaded, ept=Y)");
}

/* The same figures without the paging recorded: the cost cannot say which mechanism. */
static void test_c8_cost_paging_unknown_inconclusive(void **state)
{
	(void)state;
	mem_vm("kvm", 1.3, 1.4);
	const struct claim_eval *c = eval(8);
	assert_int_equal(c->verdict, CLAIM_INCONCLUSIVE);
	assert_contains(c->reason, "does not record whether");
	assert_contains(c->reason, "host paging unknown (not recorded");
}

/* "unknown" recorded, and a value boxbench never writes, are both unknown. */
static void test_c8_paging_unknown_values(void **state)
{
	(void)state;
	set_paging("unknown", "no KVM module loaded (/sys/module/kvm absent)");
	mem_vm("kvm", 3.0, 1.4);
	assert_int_equal(eval(8)->verdict, CLAIM_INCONCLUSIVE);
	assert_contains(out[7].reason, "host paging unknown (no KVM module loaded");
	set_paging("hardware-ish", "?");
	assert_int_equal(eval(8)->verdict, CLAIM_INCONCLUSIVE);
}

static void test_c8_shadow_paging_holds(void **state)
{
	(void)state;
	set_paging("shadow", "kvm_pvm loaded");
	mem_vm("kvm", 3.0, 1.4);
	const struct claim_eval *c = eval(8);
	assert_int_equal(c->verdict, CLAIM_HOLDS);
	assert_contains(c->reason, "at least twice native");
	assert_contains(c->reason, "host paging: shadow (kvm_pvm loaded)");
}

/* Shadow recorded, but the page-fault CI straddles the threshold: inconclusive, not holds. */
static void test_c8_shadow_across_is_inconclusive(void **state)
{
	(void)state;
	set_paging("shadow", "kvm_pvm loaded");
	mem_vm("kvm", 1.05, 1.0);
	const struct claim_eval *c = eval(8);
	assert_int_equal(c->verdict, CLAIM_INCONCLUSIVE);
	assert_contains(c->reason, "across the 1.05x threshold");
}

/* Shadow recorded and no cost at all: the two disagree, so no verdict is taken. */
static void test_c8_shadow_no_cost_inconclusive(void **state)
{
	(void)state;
	set_paging("shadow", "kvm_intel loaded, ept=N");
	mem_vm("kvm", 1.0, 1.0);
	const struct claim_eval *c = eval(8);
	assert_int_equal(c->verdict, CLAIM_INCONCLUSIVE);
	assert_contains(c->reason, "disagree");
}

static void test_c8_no_cost_does_not_hold(void **state)
{
	(void)state;
	mem_vm("kvm", 1.0, 1.0);
	assert_int_equal(eval(8)->verdict, CLAIM_DOES_NOT_HOLD);
	set_paging("npt", "kvm_amd loaded, npt=1");
	assert_int_equal(eval(8)->verdict, CLAIM_DOES_NOT_HOLD);
	assert_contains(out[7].reason, "host paging: npt");
}

static void test_c8_tcg_not_measured(void **state)
{
	(void)state;
	mem_vm("tcg", 25, 15);
	assert_int_equal(eval(8)->verdict, CLAIM_NOT_MEASURED);
	assert_contains(out[7].reason, "TCG");
	assert_null(strstr(out[7].reason, "would use"));
	/* the host's paging is said, and still settles nothing under TCG */
	set_paging("shadow", "kvm_pvm loaded");
	assert_int_equal(eval(8)->verdict, CLAIM_NOT_MEASURED);
	assert_contains(out[7].reason, "not used here, would use shadow (kvm_pvm loaded)");
}

/* C9 */

static void io_vm(const char *accel, double write_slow)
{
	add("io", "seq_write_fsync", "native", "MB/s", "", 300);
	add("io", "seq_write_fsync", "vm", "MB/s", accel, 300 / write_slow);
}

static void test_c9_holds(void **state)
{
	(void)state;
	io_vm("kvm", 2.0);
	assert_int_equal(eval(9)->verdict, CLAIM_HOLDS);
	assert_contains(out[8].figures, "seq_write_fsync 2.00x");
}

/* An emulated VM's I/O is mostly CPU emulation: not the cost of a hardware VM's device path. */
static void test_c9_tcg_not_measured(void **state)
{
	(void)state;
	io_vm("tcg", 3.0);
	assert_int_equal(eval(9)->verdict, CLAIM_NOT_MEASURED);
	assert_contains(out[8].reason, "EMULATED");
	assert_contains(out[8].figures, "seq_write_fsync 3.00x");
}

static void test_c9_no_overhead_does_not_hold(void **state)
{
	(void)state;
	io_vm("kvm", 0.5);
	assert_int_equal(eval(9)->verdict, CLAIM_DOES_NOT_HOLD);
	assert_contains(out[8].reason, "cache mode");
}

/* Inconclusive: a CI across the threshold, no CI, truncated samples */

static void test_c7_cpu_across_threshold_is_inconclusive(void **state)
{
	(void)state;
	overhead_vm("kvm", 1.10, 72, 1200);
	const struct claim_eval *c = eval(7);
	assert_int_equal(c->verdict, CLAIM_INCONCLUSIVE);
	assert_contains(c->reason, "dgemm 1.10x [95% CI ");
	assert_contains(c->reason, "(n = 10) is across the 1.10x threshold");
}

static void test_c7_no_ci_is_inconclusive(void **state)
{
	(void)state;
	overhead_vm("kvm", 1.0, 72, 1200);
	add_n("cpu", "dhry", "native", "ms", "", 10, 10, 0.01);
	add_n("cpu", "dhry", "vm", "ms", "kvm", 10, 3, 0.01);
	const struct claim_eval *c = eval(7);
	assert_int_equal(c->verdict, CLAIM_INCONCLUSIVE);
	assert_contains(c->figures, "dhry 1.00x (no CI: n < 5)");
	assert_null(strstr(c->figures, "inf"));
	assert_contains(c->reason, "dhry 1.00x has no CI (n = 3 < 5)");
}

static void test_c7_truncated_series_stays_out(void **state)
{
	(void)state;
	overhead_vm("kvm", 1.0, 72, 1200);
	results_series(&res, "cpu", "dgemm", "native", false)->truncated = 2;
	const struct claim_eval *c = eval(7);
	assert_int_equal(c->verdict, CLAIM_INCONCLUSIVE);
	assert_contains(c->figures, "dgemm 1.00x");
	assert_contains(c->figures, "(2 truncated)");
	assert_contains(c->reason, "2 samples cut short");
	assert_contains(c->reason, "kept out of verdicts");
}

/* A truncated series that is far beyond the threshold cannot settle either. */
static void test_c7_truncated_slow_cpu_is_not_does_not_hold(void **state)
{
	(void)state;
	overhead_vm("kvm", 1.5, 72, 1200);
	results_series(&res, "cpu", "dgemm", "vm", false)->truncated = 1;
	assert_int_equal(eval(7)->verdict, CLAIM_INCONCLUSIVE);
}

static void test_c7_null_syscall_across_is_caveat_unsettled(void **state)
{
	(void)state;
	overhead_vm("kvm", 1.0, 70 * 1.5, 1200);
	const struct claim_eval *c = eval(7);
	assert_int_equal(c->verdict, CLAIM_HOLDS_CAVEAT);
	assert_contains(c->reason, "not settled");
	assert_contains(c->reason, "null 1.50x [95% CI");
}

static void test_c8_across_threshold_is_inconclusive(void **state)
{
	(void)state;
	mem_vm("kvm", 1.05, 1.0);
	const struct claim_eval *c = eval(8);
	assert_int_equal(c->verdict, CLAIM_INCONCLUSIVE);
	assert_contains(c->reason, "page_fault 1.05x");
	assert_contains(c->reason, "across the 1.05x threshold");
}

static void test_c8_without_ci_is_inconclusive(void **state)
{
	(void)state;
	add_n("syscall", "page_fault", "native", "ns", "", 900, 4, 0.01);
	add_n("syscall", "page_fault", "vm", "ns", "kvm", 900, 4, 0.01);
	const struct claim_eval *c = eval(8);
	assert_int_equal(c->verdict, CLAIM_INCONCLUSIVE);
	assert_contains(c->figures, "page_fault 1.00x (no CI: n < 5)");
	assert_null(strstr(c->figures, "inf"));
}

static struct bb_envdesc_storage *storage_of(const char *name)
{
	for (size_t i = 0; i < res.nenvs; i++)
		if (!strcmp(res.envs[i].name, name))
			return &res.envs[i].storage;
	fail_msg("no environment %s", name);
	return NULL;
}

/* C9 names what the VM wrote to (its description's storage), and the random reads' tail
 * counts as much as the write. */
static void test_c9_names_the_disk(void **state)
{
	struct bb_envdesc_storage *st;

	(void)state;
	add("io", "rand_read_4k_p99", "native", "us", "", 100);
	add("io", "rand_read_4k_p99", "vm", "us", "kvm", 300);
	st = storage_of("vm");
	*st = (struct bb_envdesc_storage){ .on = true };
	snprintf(st->device, sizeof(st->device), "virtio-blk");
	snprintf(st->guest_fs, sizeof(st->guest_fs), "ext4");
	snprintf(st->host_fs, sizeof(st->host_fs), "ext4");
	snprintf(st->cache, sizeof(st->cache), "none");
	assert_int_equal(eval(9)->verdict, CLAIM_HOLDS);
	assert_contains(out[8].figures, "rand_read_4k_p99 3.00x");
	assert_contains(out[8].figures, "vm disk: virtio-blk ext4 image on ext4, cache=none");
	/* a host that refused O_DIRECT: the reader is told the host cache may have served */
	snprintf(st->cache, sizeof(st->cache), "writeback");
	snprintf(st->cache_note, sizeof(st->cache_note), "the host's tmpfs refuses O_DIRECT");
	eval(9);
	assert_contains(out[8].figures, "cache=writeback");
	assert_contains(out[8].reason, "refuses O_DIRECT");
}

/* Only the VM side measured, or a metric native lacks: no ratio, so nothing to settle. */
static void test_c9_no_ratio_not_measured(void **state)
{
	(void)state;
	add("io", "seq_write_fsync", "native", "MB/s", "", 300);
	add("io", "rand_read_4k", "vm", "us", "kvm", 300);
	assert_int_equal(eval(9)->verdict, CLAIM_NOT_MEASURED);
	assert_contains(out[8].reason, "no io figures for a VM next to native");
	/* a ratio, but only of a percentile the rule does not weigh (p90) */
	add("io", "rand_read_4k_p90", "native", "us", "", 100);
	add("io", "rand_read_4k_p90", "vm", "us", "kvm", 300);
	assert_int_equal(eval(9)->verdict, CLAIM_NOT_MEASURED);
	assert_contains(out[8].reason, "no io ratio of vm to native");
}

static void test_c9_across_threshold_is_inconclusive(void **state)
{
	(void)state;
	io_vm("kvm", 1.10);
	assert_int_equal(eval(9)->verdict, CLAIM_INCONCLUSIVE);
	assert_contains(out[8].reason, "seq_write_fsync 1.10x");
}

/* A median without an interval is printed as such, never as [-inf, inf]. (C5's own ratio
 * figure is claim_c5's, issue 16's.) */
static void test_fig_median_without_ci(void **state)
{
	(void)state;
	add_n("startup", "ready", "native", "ms", "", 0.5, 3, 0.01);
	add_n("startup", "ready", "container", "ms", "", 1.2, 3, 0.01);
	add_n("startup", "ready", "vm", "ms", "kvm", 90000, 3, 0.01);
	const struct claim_eval *c = eval(5);
	assert_contains(c->figures, "ready: native 0.500 ms (no CI: n < 5)");
	assert_contains(c->figures, "container 1.20 ms (no CI: n < 5)");
	assert_contains(c->figures, "vm 90.0 s (no CI: n < 5)");
}

/* Two runs of the same build: the true slowdown sits exactly on C7's threshold and each run
 * draws its own noise (lognormal, 3%). A verdict on the point estimate would say "holds" in
 * about half the runs and "does not hold" in the other half; on the whole CI it says
 * "inconclusive" in nearly all and never contradicts itself across runs beyond the CI's 5%. */
static void test_verdict_stable_at_threshold(void **state)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	int settled = 0, runs = 40;

	(void)state;
	gsl_rng_set(r, 14);
	for (int k = 0; k < runs; k++) {
		results_free(&res);
		setup(NULL);
		struct bb_series *n = results_series(&res, "cpu", "int", "native", true);
		struct bb_series *v = results_series(&res, "cpu", "int", "vm", true);
		struct bb_err err = { 0 };
		box("native");
		box("vm");
		snprintf(n->unit, sizeof(n->unit), "ms");
		snprintf(v->unit, sizeof(v->unit), "ms");
		snprintf(v->accel, sizeof(v->accel), "kvm");
		for (int i = 0; i < 20; i++) {
			assert_int_equal(series_add_sample(n, exp(gsl_ran_gaussian(r, 0.03)), &err),
			                 0);
			assert_int_equal(
			    series_add_sample(v, C7_NEAR_FOR_TEST * exp(gsl_ran_gaussian(r, 0.03)),
			                      &err),
			    0);
		}
		settled += eval(7)->verdict != CLAIM_INCONCLUSIVE;
	}
	gsl_rng_free(r);
	print_message("true slowdown on the threshold: %d of %d runs settled\n", settled, runs);
	assert_true(settled <= 4);
}

static void test_c9_missing(void **state)
{
	(void)state;
	assert_int_equal(eval(9)->verdict, CLAIM_NOT_MEASURED);
	assert_contains(out[8].reason, "--suites io");
}

/* C6 */

static void footprint(const char *accel, double vm_over_ct)
{
	add("footprint", "pss", "container", "bytes", "", 2e6);
	add("footprint", "pss", "vm", "bytes", accel, 2e6 * vm_over_ct);
	add("footprint", "disk_allocated", "container", "bytes", "", 1e6);
	add("footprint", "disk_allocated", "vm", "bytes", accel, 1e6 * vm_over_ct);
}

static void test_c6_holds(void **state)
{
	(void)state;
	footprint("kvm", 150);
	assert_int_equal(eval(6)->verdict, CLAIM_HOLDS);
	assert_contains(out[5].figures, "pss: container 1.91 MiB, vm 286 MiB (150x)");
}

static void test_c6_tcg_is_caveat(void **state)
{
	(void)state;
	footprint("tcg", 150);
	assert_int_equal(eval(6)->verdict, CLAIM_HOLDS_CAVEAT);
	assert_contains(out[5].reason, "translation cache");
}

static void test_c6_small_gap_does_not_hold(void **state)
{
	(void)state;
	footprint("kvm", 1.5);
	assert_int_equal(eval(6)->verdict, CLAIM_DOES_NOT_HOLD);
}

/* A count that is better higher (how many fit a budget) is compared the other way round:
 * the container fitting 150 times as many is the same 150x as the VM taking 150 times more. */
static void test_c6_higher_is_better_count(void **state)
{
	(void)state;
	footprint("kvm", 150);
	add("footprint", "extrapolated_fit", "container", "instances", "", 150 * 100.0);
	add("footprint", "extrapolated_fit", "vm", "instances", "kvm", 100.0);
	results_series(&res, "footprint", "extrapolated_fit", "container", false)->better =
	    BB_HIGHER;
	results_series(&res, "footprint", "extrapolated_fit", "vm", false)->better = BB_HIGHER;
	assert_int_equal(eval(6)->verdict, CLAIM_HOLDS);
	assert_contains(out[5].figures, "extrapolated_fit: container 15000 instances, vm 100 "
	                                "instances (150x)");
}

/* A distribution root on both sides (run --image debian): the disk gap shrinks to what the
 * guest kernel and the VMM add, and the verdict says so even when the minimal pair is 150x. */
static void test_c6_image_pair_narrows_disk_gap(void **state)
{
	(void)state;
	footprint("kvm", 150);
	env("container-debian", "{\"kind\": \"namespaces\", \"rootfs\": {\"image\": \"debian\"}}");
	env("vm-debian", "{\"kind\": \"vm\", \"image\": \"debian\"}");
	add("footprint", "disk_apparent", "container-debian", "bytes", "", 100e6);
	add("footprint", "disk_apparent", "vm-debian", "bytes", "kvm", 400e6);
	add("footprint", "pss", "container-debian", "bytes", "", 2e6);
	add("footprint", "pss", "vm-debian", "bytes", "kvm", 300e6);
	assert_int_equal(eval(6)->verdict, CLAIM_HOLDS_CAVEAT);
	assert_contains(out[5].figures, "pss: container 1.91 MiB, vm 286 MiB (150x)");
	assert_contains(out[5].figures,
	                "debian image, disk_apparent: container-debian 95.4 MiB, vm-debian 381 "
	                "MiB (4.00x)");
	assert_contains(out[5].figures, "debian image, pss: container-debian 1.91 MiB");
	assert_contains(out[5].reason, "with the debian image on both sides the VM's disk is "
	                               "4.00x the container's");
}

/* C1 */

/* The four boxes of C1: native, container, vm and the container inside vm's guest (nested);
 * one syscall metric: the container's cost on the host (ct) and inside the guest (in, the
 * guest box itself at vm). */
static void c1_boxes(const char *accel, double native, double ct, double vm, double in)
{
	env("nested", "{\"class\": \"nested\", \"nested_in\": \"vm\"}");
	add("startup", "ready", "native", "ms", "", 0.5);
	add("startup", "ready", "container", "ms", "", 1.2);
	add("startup", "ready", "vm", "ms", accel, 900);
	add("startup", "ready", "nested", "ms", accel, 960);
	add("startup", "container_start", "nested", "ms", accel, 50);
	add("syscall", "null", "native", "ns", "", native);
	add("syscall", "null", "container", "ns", "", ct);
	add("syscall", "null", "vm", "ns", accel, vm);
	add("syscall", "null", "nested", "ns", accel, in);
}

static void test_c1_nested_holds(void **state)
{
	(void)state;
	c1_boxes("kvm", 100, 101, 120, 121);
	assert_int_equal(eval(1)->verdict, CLAIM_HOLDS);
	assert_contains(out[0].figures, "nested 960 ms");
	assert_contains(out[0].figures, "highest: null, nested/vm 1.01x");
	assert_contains(out[0].figures, "inside the guest (guest clock) 50.0 ms, on the host "
	                                "0.700 ms");
	assert_contains(out[0].reason, "within 10%");
}

/* Twice the host's overhead inside the guest, well beyond the noise. */
static void test_c1_costlier_in_vm_does_not_hold(void **state)
{
	(void)state;
	c1_boxes("kvm", 100, 101, 120, 180);
	assert_int_equal(eval(1)->verdict, CLAIM_DOES_NOT_HOLD);
	assert_contains(out[0].reason, "1 of 1 metrics");
}

/* A nesting factor of 1.10, the threshold itself: the interval straddles it. */
static void test_c1_straddling_is_inconclusive(void **state)
{
	(void)state;
	c1_boxes("kvm", 100, 100, 100, 110);
	assert_int_equal(eval(1)->verdict, CLAIM_INCONCLUSIVE);
	assert_contains(out[0].reason, "inconclusive");
	assert_contains(out[0].reason, "straddles 1.10");
}

/* Under TCG the ratio inside one guest still counts, never a guest against native. */
static void test_c1_emulated_says_what_counts(void **state)
{
	(void)state;
	c1_boxes("tcg", 100, 101, 3000, 3010);
	assert_int_equal(eval(1)->verdict, CLAIM_HOLDS_CAVEAT);
	assert_contains(out[0].reason, "EMULATED");
	assert_contains(out[0].reason, "Still meaningful: the ratio inside one guest");
	assert_contains(out[0].reason, "Not meaningful");
}

/* Started, but no steady-state suite in all four: it works, the cost is unknown. */
static void test_c1_startup_only_is_inconclusive(void **state)
{
	(void)state;
	env("nested", "{\"class\": \"nested\", \"nested_in\": \"vm\"}");
	add("startup", "ready", "container", "ms", "", 1.2);
	add("startup", "ready", "vm", "ms", "kvm", 900);
	add("startup", "ready", "nested", "ms", "kvm", 960);
	assert_int_equal(eval(1)->verdict, CLAIM_INCONCLUSIVE);
	assert_contains(out[0].reason, "inconclusive: the container runs inside the VM");
}

/* The VM it runs in is not in the result: nothing to take the nesting against. */
static void test_c1_without_its_vm_not_measured(void **state)
{
	(void)state;
	add("startup", "ready", "container", "ms", "", 1.2);
	add("startup", "ready", "vm-container", "ms", "kvm", 1.4);
	assert_int_equal(eval(1)->verdict, CLAIM_NOT_MEASURED);
	assert_contains(out[0].figures, "vm-container 1.40 ms");
	assert_contains(out[0].reason, "the result does not say which");
}

static void test_c1_nested_failed_does_not_hold(void **state)
{
	struct bb_err err = { 0 };
	(void)state;
	env("nested", "{\"nested\": true}");
	struct bb_series *s = results_series(&res, "startup", "ready", "nested", true);
	strcpy(s->unit, "ms");
	assert_int_equal(series_add_error(s, 0, "clone: Operation not permitted", &err), 0);
	assert_int_equal(eval(1)->verdict, CLAIM_DOES_NOT_HOLD);
	assert_contains(out[0].reason, "Operation not permitted");
}

static void test_c1_not_measured(void **state)
{
	(void)state;
	startup3(0.5, 1.2, 2000, "tcg");
	assert_int_equal(eval(1)->verdict, CLAIM_NOT_MEASURED);
}

/* C2 */

static void test_c2_holds(void **state)
{
	(void)state;
	fact("container", "limits", "cpu_quota_enforced", json_true());
	fact("container", "limits", "mem_limit_enforced", json_string("yes"));
	assert_int_equal(eval(2)->verdict, CLAIM_HOLDS);
	assert_contains(out[1].figures, "container mem_limit: enforced");
}

static void test_c2_one_unenforced_does_not_hold(void **state)
{
	(void)state;
	fact("container", "limits", "cpu_quota_enforced", json_true());
	fact("container", "limits", "pids_limit_enforced", json_integer(0));
	assert_int_equal(eval(2)->verdict, CLAIM_DOES_NOT_HOLD);
	assert_contains(out[1].figures, "pids_limit: NOT enforced");
}

static void test_c2_not_measured(void **state)
{
	(void)state;
	assert_int_equal(eval(2)->verdict, CLAIM_NOT_MEASURED);
	assert_contains(out[1].reason, "limits suite was not run");
}

/* C3, C4 and the matrix */

static void iso(const char *key, json_t *native, json_t *ct, json_t *vm)
{
	fact("native", "isolation", key, native);
	if (ct)
		fact("container", "isolation", key, ct);
	if (vm)
		fact("vm", "isolation", key, vm);
}

static void test_c3_c4_hold(void **state)
{
	(void)state;
	env("vm", "{\"class\": \"vm\", \"accel\": \"kvm\"}");
	iso("boot_id", json_string("b0"), json_string("b0"), json_string("g1"));
	iso("cpu_model", json_string("EPYC"), json_string("EPYC"), json_string("EPYC"));
	iso("hostname", json_string("h"), json_string("box"), json_string("guest"));
	assert_int_equal(eval(3)->verdict, CLAIM_HOLDS);
	assert_contains(out[2].figures, "container: 2 facts same as host (boot_id, cpu_model)");
	assert_int_equal(out[3].verdict, CLAIM_HOLDS);
	assert_contains(out[3].reason, "CPU model is the same hardware");
}

static void test_c3_without_vm_is_caveat(void **state)
{
	(void)state;
	iso("boot_id", json_string("b0"), json_string("b0"), NULL);
	assert_int_equal(eval(3)->verdict, CLAIM_HOLDS_CAVEAT);
	assert_int_equal(out[3].verdict, CLAIM_NOT_MEASURED);
}

static void test_c4_shared_state_does_not_hold(void **state)
{
	(void)state;
	env("vm", "{\"class\": \"vm\", \"accel\": \"kvm\"}");
	iso("boot_id", json_string("b0"), json_string("b0"), json_string("b0"));
	assert_int_equal(eval(4)->verdict, CLAIM_DOES_NOT_HOLD);
	/* ... and then the VM does not isolate better than the container either */
	assert_int_equal(out[2].verdict, CLAIM_DOES_NOT_HOLD);
}

/* Equal by configuration is not shared state: the verdict does not follow it (a TCG guest's
 * clock source equals the host's in one run and not in the next). */
static void test_c4_same_release_holds_and_tcg_noted(void **state)
{
	(void)state;
	env("vm", "{\"class\": \"vm\", \"accel\": \"tcg\", \"emulated\": true}");
	iso("kernel_release", json_string("6.1.0"), NULL, json_string("6.1.0"));
	iso("boot_id", json_string("b0"), NULL, json_string("g1"));
	assert_int_equal(eval(4)->verdict, CLAIM_HOLDS);
	assert_contains(out[3].reason, "equal by configuration");
	assert_contains(out[3].reason, "emulated (TCG)");
}

/* C10 */

static const char *const ct_full = "{\"kind\": \"namespaces\", \"namespaces\": [\"mnt\", "
                                   "\"net\"], \"cgroup\": {}, \"rootfs\": {}}";

static void decomposition(double native, double full, double nonet, double nomnt, double nocg,
                          double noroot)
{
	env("container", ct_full);
	env("ct-nonet", "{\"variant_of\": \"container\", \"kind\": \"namespaces\", \"namespaces\": "
	                "[\"mnt\"], \"cgroup\": {}, "
	                "\"rootfs\": {}}");
	env("ct-nomnt", "{\"variant_of\": \"container\", \"kind\": \"namespaces\", \"namespaces\": "
	                "[\"net\"], \"cgroup\": {}, "
	                "\"rootfs\": {}}");
	env("ct-nocg", "{\"variant_of\": \"container\", \"kind\": \"namespaces\", \"namespaces\": "
	               "[\"mnt\", \"net\"], "
	               "\"cgroup\": null, \"rootfs\": {}}");
	add("startup", "ready", "native", "ms", "", native);
	add("startup", "ready", "container", "ms", "", full);
	add("startup", "ready", "ct-nonet", "ms", "", nonet);
	add("startup", "ready", "ct-nomnt", "ms", "", nomnt);
	add("startup", "ready", "ct-nocg", "ms", "", nocg);
	if (noroot > 0) {
		env("ct-noroot", "{\"variant_of\": \"container\", \"kind\": \"namespaces\", "
		                 "\"namespaces\": [\"mnt\", \"net\"], "
		                 "\"cgroup\": {}, \"rootfs\": null}");
		add("startup", "ready", "ct-noroot", "ms", "", noroot);
	}
}

/* Paired blocks of the boxes `decomposition` describes: each block's starts are the true
 * medians plus a drift shared by the block and a box's own noise (gaussian, sd `noise`), from
 * the generator seeded with `seed`. Stored as `run --decompose` stores them. */
static void blocks(double native, double full, double nonet, double nomnt, double nocg,
                   double noroot, size_t n, double noise, unsigned long seed)
{
	static const char *const cols[] = { "native",   "container", "ct-nonet",
		                            "ct-nomnt", "ct-nocg",   "ct-noroot" };
	const double med[] = { native, full, nonet, nomnt, nocg, noroot };
	size_t ncols = noroot > 0 ? 6 : 5;
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	struct bb_err err = { 0 };
	struct pairing p;

	gsl_rng_set(r, seed);
	pairing_init(&p, 1);
	for (size_t k = 0; k < ncols; k++)
		assert_int_equal(pairing_add_col(&p, cols[k], &err), (int)k);
	p.native = 0, p.full = 1, p.stop = "budget", p.target = 0.02;
	for (size_t b = 0; b < n; b++) {
		double x[6], drift = gsl_ran_gaussian(r, 0.3);
		unsigned char pos[6] = { 0, 1, 2, 3, 4, 5 };
		for (size_t k = 0; k < ncols; k++)
			x[k] = med[k] + fabs(drift) + gsl_ran_gaussian(r, noise);
		assert_int_equal(pairing_append(&p, x, pos, &err), 0);
	}
	assert_int_equal(decomp_store(&res, &p, &err), 0);
	pairing_free(&p);
	gsl_rng_free(r);
}

static void test_c10_holds(void **state)
{
	(void)state;
	/* net 0.7 + mnt 0.1 + cgroup 0.2 + rootfs 0.1 = 1.1 = 1.6 - 0.5 */
	decomposition(0.5, 1.6, 0.9, 1.5, 1.4, 1.5);
	blocks(0.5, 1.6, 0.9, 1.5, 1.4, 1.5, 60, 0.02, 1);
	assert_int_equal(eval(10)->verdict, CLAIM_HOLDS);
	assert_contains(out[9].figures, "paired (60 blocks)");
	assert_contains(out[9].figures, "net ns adds 0.69");
	assert_contains(out[9].figures, "parts explain");
	assert_contains(out[9].reason, "n = 60 blocks");
}

/* The same truth measured twice with other noise: the same verdict (the rule reads whole CIs,
 * and the truth is far from its thresholds). */
static void test_c10_stable_over_runs(void **state)
{
	enum claim_verdict first;
	(void)state;
	for (unsigned long seed = 1; seed <= 4; seed++) {
		results_free(&res);
		setup(NULL);
		decomposition(0.5, 3.5, 3.3, 3.4, 3.45, 3.45);
		blocks(0.5, 3.5, 3.3, 3.4, 3.45, 3.45, 40, 0.03, seed);
		if (seed == 1)
			first = eval(10)->verdict;
		assert_int_equal(eval(10)->verdict, first);
	}
	assert_int_equal(first, CLAIM_DOES_NOT_HOLD);
}

static void test_c10_missing_part_is_inconclusive(void **state)
{
	(void)state;
	decomposition(0.5, 1.6, 0.9, 1.5, 1.4, 0);
	blocks(0.5, 1.6, 0.9, 1.5, 1.4, 0, 30, 0.02, 1);
	assert_int_equal(eval(10)->verdict, CLAIM_INCONCLUSIVE);
	assert_contains(out[9].reason, "only some");
}

static void test_c10_large_rest_does_not_hold(void **state)
{
	(void)state;
	/* the parts add 0.4 ms of a 3 ms difference */
	decomposition(0.5, 3.5, 3.3, 3.4, 3.45, 3.45);
	blocks(0.5, 3.5, 3.3, 3.4, 3.45, 3.45, 30, 0.02, 1);
	assert_int_equal(eval(10)->verdict, CLAIM_DOES_NOT_HOLD);
	assert_contains(out[9].reason, "lies above 50%");
}

/* A rest of about 38%: neither within +-25% nor above 50%. */
static void test_c10_middle_rest_inconclusive(void **state)
{
	(void)state;
	decomposition(0.5, 1.6, 1.1, 1.55, 1.45, 1.5);
	blocks(0.5, 1.6, 1.1, 1.55, 1.45, 1.5, 40, 0.02, 1);
	assert_int_equal(eval(10)->verdict, CLAIM_INCONCLUSIVE);
	assert_contains(out[9].reason, "neither within +-25% nor above 50%");
	assert_contains(out[9].reason, "n = 40 blocks");
}

/* A result without blocks: unpaired medians, no interval of the sum: never a verdict. */
static void test_c10_unpaired_inconclusive(void **state)
{
	(void)state;
	decomposition(0.5, 1.6, 0.9, 1.5, 1.4, 1.5);
	assert_int_equal(eval(10)->verdict, CLAIM_INCONCLUSIVE);
	assert_contains(out[9].figures, "unpaired");
	assert_contains(out[9].reason, "unpaired");
}

static void test_c10_not_measured(void **state)
{
	(void)state;
	startup3(0.5, 1.2, 2000, "tcg");
	assert_int_equal(eval(10)->verdict, CLAIM_NOT_MEASURED);
	assert_contains(out[9].reason, "no startup decomposition");
}

/* C10 with the stack ladder: boxes told apart by their typed engine fields only (the names
 * here say nothing: "s1".."s3" are made up and added out of order). */

static const char *const parts_json = "\"namespaces\": [\"mnt\", \"net\"], \"cgroup\": {}, "
                                      "\"rootfs\": {}";

static void engine_box(const char *name, const char *engine)
{
	char text[512];

	snprintf(text, sizeof(text), "{\"class\": \"container\", %s, \"engine\": %s}", parts_json,
	         engine);
	env(name, text);
}

static void ladder(double runc, double podman, double docker)
{
	/* declared daemon first, runtime last: the order must come from the fields */
	engine_box("s3", "{\"name\": \"docker\", \"runtime\": \"/usr/sbin/runc\", "
	                 "\"daemon\": \"a private daemon\"}");
	engine_box("s2", "{\"name\": \"podman\", \"runtime\": \"/usr/sbin/runc\"}");
	/* another runtime of the same depth, first: the engines add to the one they run */
	engine_box("s0", "{\"runtime\": \"/usr/bin/crun\"}");
	engine_box("s1", "{\"runtime\": \"/usr/sbin/runc\"}");
	add("startup", "ready", "s0", "ms", "", runc * 0.9);
	add("startup", "ready", "s3", "ms", "", docker);
	add("startup", "ready", "s2", "ms", "", podman);
	add("startup", "ready", "s1", "ms", "", runc);
}

static void test_c10_ladder_orders_by_depth_with_steps(void **state)
{
	(void)state;
	decomposition(0.5, 1.6, 0.9, 1.5, 1.4, 1.5);
	blocks(0.5, 1.6, 0.9, 1.5, 1.4, 1.5, 60, 0.02, 1);
	ladder(80, 400, 800);
	eval(10);
	const char *f = out[9].figures, *n = strstr(f, "stack ladder"), *c, *r, *p, *d;
	assert_non_null(n);
	assert_non_null(c = strstr(n, "; container"));
	assert_non_null(r = strstr(n, "; s1"));
	assert_non_null(p = strstr(n, "; s2"));
	assert_non_null(d = strstr(n, "; s3"));
	assert_true(strstr(n, "native") < c && c < r && r < p && p < d);
	/* each step against the rung below, with its interval */
	assert_contains(r, "over container");
	assert_contains(p, "over s1");
	assert_contains(d, "over s2");
	assert_contains(d, "+400 ms [");
	/* the primitives explain the container, but the wrapping costs far more: a caveat */
	assert_int_equal(out[9].verdict, CLAIM_HOLDS_CAVEAT);
	assert_contains(out[9].reason, "s3 boxes the workload with the same namespaces");
	assert_contains(out[9].reason, "mostly the engine");
}

static void test_c10_ladder_cheap_wrapping_keeps_holds(void **state)
{
	(void)state;
	decomposition(0.5, 1.6, 0.9, 1.5, 1.4, 1.5);
	blocks(0.5, 1.6, 0.9, 1.5, 1.4, 1.5, 60, 0.02, 1);
	ladder(1.8, 2.0, 2.2); /* the wrapping adds 0.6 ms, the primitives 1.1 ms */
	assert_int_equal(eval(10)->verdict, CLAIM_HOLDS);
	assert_contains(out[9].figures, "stack ladder");
}

static void test_c10_ladder_without_decomposition(void **state)
{
	(void)state;
	env("container", ct_full);
	add("startup", "ready", "native", "ms", "", 0.5);
	add("startup", "ready", "container", "ms", "", 1.6);
	ladder(80, 400, 800);
	assert_int_equal(eval(10)->verdict, CLAIM_HOLDS_CAVEAT);
	assert_contains(out[9].reason, "not priced one by one");
	assert_contains(out[9].figures, "s3");
}

static void test_c10_ladder_other_parts_is_caveat(void **state)
{
	(void)state;
	decomposition(0.5, 1.6, 0.9, 1.5, 1.4, 1.5);
	blocks(0.5, 1.6, 0.9, 1.5, 1.4, 1.5, 60, 0.02, 1);
	env("s1", "{\"class\": \"container\", \"namespaces\": [\"mnt\"], \"cgroup\": {}, "
	          "\"rootfs\": {}, \"engine\": {\"runtime\": \"/usr/sbin/runc\"}}");
	add("startup", "ready", "s1", "ms", "", 1.7);
	assert_int_equal(eval(10)->verdict, CLAIM_HOLDS_CAVEAT);
	assert_contains(out[9].reason, "does not box the workload in the same");
}

/* The table as a whole */

static void test_empty_result_ten_rows_not_measured(void **state)
{
	(void)state;
	eval(1);
	for (int i = 0; i < CLAIMS_N; i++) {
		char id[8];
		snprintf(id, sizeof(id), "C%d", i + 1);
		assert_string_equal(out[i].id, id);
		assert_true(strlen(out[i].claim) > 20);
		assert_int_equal(out[i].verdict, CLAIM_NOT_MEASURED);
		assert_true(strlen(out[i].reason) > 20);
	}
	assert_string_equal(claim_verdict_name(CLAIM_HOLDS_CAVEAT), "holds with caveat");
	assert_string_equal(claim_verdict_name(CLAIM_NOT_MEASURED), "not measured here");
	assert_string_equal(claim_verdict_name(CLAIM_INCONCLUSIVE), "inconclusive");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_c5_holds),
		T(test_c5_fast_vm_is_caveat),
		T(test_c5_tcg_says_emulated),
		T(test_c5_slow_container_does_not_hold),
		T(test_c5_close_vm_does_not_hold),
		T(test_c5_not_measured_names_reason),
		T(test_c5_without_ci_is_inconclusive),
		T(test_c5_full_os_minutes_holds),
		T(test_c5_full_os_seconds_is_caveat),
		T(test_c5_full_os_emulated_is_caveat),
		T(test_c7_holds),
		T(test_c7_slow_cpu_does_not_hold),
		T(test_c7_slow_syscall_is_caveat),
		T(test_c7_tcg_not_measured_with_figures),
		T(test_c7_missing),
		T(test_c8_visible_cost_is_caveat),
		T(test_c8_shadow_paging_holds),
		T(test_c8_cost_paging_unknown_inconclusive),
		T(test_c8_paging_unknown_values),
		T(test_c8_shadow_across_is_inconclusive),
		T(test_c8_shadow_no_cost_inconclusive),
		T(test_c8_no_cost_does_not_hold),
		T(test_c8_tcg_not_measured),
		T(test_c9_holds),
		T(test_c9_tcg_not_measured),
		T(test_c9_no_overhead_does_not_hold),
		T(test_c9_missing),
		T(test_c7_cpu_across_threshold_is_inconclusive),
		T(test_c7_no_ci_is_inconclusive),
		T(test_c7_truncated_series_stays_out),
		T(test_c7_truncated_slow_cpu_is_not_does_not_hold),
		T(test_c7_null_syscall_across_is_caveat_unsettled),
		T(test_c8_across_threshold_is_inconclusive),
		T(test_c8_without_ci_is_inconclusive),
		T(test_c9_across_threshold_is_inconclusive),
		T(test_c9_names_the_disk),
		T(test_c9_no_ratio_not_measured),
		T(test_fig_median_without_ci),
		T(test_verdict_stable_at_threshold),
		T(test_c6_holds),
		T(test_c6_tcg_is_caveat),
		T(test_c6_small_gap_does_not_hold),
		T(test_c6_higher_is_better_count),
		T(test_c6_image_pair_narrows_disk_gap),
		T(test_c1_nested_holds),
		T(test_c1_costlier_in_vm_does_not_hold),
		T(test_c1_straddling_is_inconclusive),
		T(test_c1_emulated_says_what_counts),
		T(test_c1_startup_only_is_inconclusive),
		T(test_c1_without_its_vm_not_measured),
		T(test_c1_nested_failed_does_not_hold),
		T(test_c1_not_measured),
		T(test_c2_holds),
		T(test_c2_one_unenforced_does_not_hold),
		T(test_c2_not_measured),
		T(test_c3_c4_hold),
		T(test_c3_without_vm_is_caveat),
		T(test_c4_shared_state_does_not_hold),
		T(test_c4_same_release_holds_and_tcg_noted),
		T(test_c10_holds),
		T(test_c10_missing_part_is_inconclusive),
		T(test_c10_stable_over_runs),
		T(test_c10_middle_rest_inconclusive),
		T(test_c10_unpaired_inconclusive),
		T(test_c10_large_rest_does_not_hold),
		T(test_c10_not_measured),
		T(test_c10_ladder_orders_by_depth_with_steps),
		T(test_c10_ladder_cheap_wrapping_keeps_holds),
		T(test_c10_ladder_without_decomposition),
		T(test_c10_ladder_other_parts_is_caveat),
		T(test_empty_result_ten_rows_not_measured),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
