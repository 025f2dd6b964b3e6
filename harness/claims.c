#include "claims.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "decomp.h"
#include "format.h"
#include "isolation.h"
#include "kvm.h"
#include "stats.h"

#include "claims_rules.h"

const char *claim_verdict_name(enum claim_verdict v)
{
	switch (v) {
	case CLAIM_HOLDS:
		return "holds";
	case CLAIM_HOLDS_CAVEAT:
		return "holds with caveat";
	case CLAIM_DOES_NOT_HOLD:
		return "does not hold";
	case CLAIM_INCONCLUSIVE:
		return "inconclusive";
	case CLAIM_NOT_MEASURED:
		break;
	}
	return "not measured here";
}

/* Environments */

/* Why a class has no data: the reason `run` recorded for its box, or that none was asked for. */
void env_absence(const struct bb_result *res, enum bb_class cls, char *buf, size_t len)
{
	for (size_t i = 0; i < res->nenvs; i++) {
		const struct bb_envdesc *d = &res->envs[i];
		if (d->class == cls && !d->available && d->reason[0]) {
			snprintf(buf, len, "%s was unavailable on this host (%s)", d->name,
			         d->reason);
			return;
		}
	}
	snprintf(buf, len, "%s was not run", envdesc_class_name(cls));
}

/* Series */

/* The series' slowdown to native, with what keeps it out of a verdict: no interval, or samples
 * truncated on either side of the ratio. */
static struct slow slowdown(const struct bb_result *res, const struct bb_series *s)
{
	struct slow r = { 0 };
	const struct bb_series *ref;

	if (!s)
		return r;
	r.ok = series_slowdown_or_point(s, &r.v, &r.lo, &r.hi, &r.ci);
	r.n = s->n;
	ref = results_find_summary(res, s->suite, s->metric, results_reference(res));
	r.trunc = s->truncated + (ref && ref != s ? ref->truncated : 0);
	return r;
}

/* Can it settle a verdict? Only an interval of samples that were not cut short. */
static bool slow_settles(struct slow s)
{
	return s.ok && s.ci && !s.trunc;
}

/* Where the whole CI lies against threshold t: 1 above (lo > t), -1 at or below (hi <= t), 0
 * across it or unsettled. A point estimate is never compared with t: a verdict taken on one
 * flips between two runs whenever the true value is near t; a verdict taken on the side of the
 * whole CI flips only between a side and "inconclusive", and rarely (a 95% interval). */
static int slow_side(struct slow s, double t)
{
	if (!slow_settles(s))
		return 0;
	return s.lo > t ? 1 : s.hi <= t ? -1 : 0;
}

/* The ratios of one claim against one threshold: how many lie wholly above, wholly at or
 * below, or across it (unsettled ones included), and the first across for the reason. */
struct tally {
	double thr;
	size_t above, below, across;
	char metric[64];
	struct slow first;
};

static void tally_add(struct tally *t, const char *metric, struct slow s)
{
	int side = slow_side(s, t->thr);

	if (!s.ok)
		return;
	t->above += side > 0;
	t->below += side < 0;
	if (side || t->across++)
		return;
	snprintf(t->metric, sizeof(t->metric), "%s", metric);
	t->first = s;
}

/* "page_fault 1.04x [95% CI 0.98x, 1.12x] (n = 12) is across the 1.05x threshold", or why a
 * ratio cannot settle it (no CI, truncated samples); the verdict becomes inconclusive. */
static void reason_unsettled(struct claim_eval *c, const struct tally *t)
{
	char v[32], lo[32], hi[32], th[32];
	const struct slow *s = &t->first;

	fmt_ratio(v, sizeof(v), s->v);
	fmt_ratio(th, sizeof(th), t->thr);
	c->verdict = CLAIM_INCONCLUSIVE;
	if (s->trunc) {
		REASON(c,
		       "%s has %zu sample%s cut short at the workload's time budget "
		       "(kept out of verdicts)",
		       t->metric, s->trunc, s->trunc == 1 ? "" : "s");
		return;
	}
	if (!s->ci) {
		REASON(c,
		       "%s %s has no CI (n = %zu < %d), so it cannot settle the %s "
		       "threshold",
		       t->metric, v, s->n, BB_CI_MIN_N, th);
		return;
	}
	fmt_ratio(lo, sizeof(lo), s->lo);
	fmt_ratio(hi, sizeof(hi), s->hi);
	REASON(c, "%s %s [95%% CI %s, %s] (n = %zu) is across the %s threshold", t->metric, v, lo,
	       hi, s->n, th);
}

/* " (EMULATED: tcg)" after the figures of an emulated environment. */
static void fig_emulated(struct claim_eval *c, const struct bb_result *res, const char *env)
{
	const char *accel = results_env_accel(res, env);

	if (results_env_emulated(res, env))
		FIG(c, " (EMULATED: %s)", accel[0] ? accel : "tcg");
}

/* "vm 2.10 s [2.05, 2.20] (EMULATED, tcg)" */
void fig_median(struct claim_eval *c, const struct bb_result *res, const char *label,
                const struct bb_series *s)
{
	char m[48], lo[48], hi[48];

	fmt_value(m, sizeof(m), s->summary.median, s->unit);
	fmt_value(lo, sizeof(lo), s->summary.ci_lo, s->unit);
	fmt_value(hi, sizeof(hi), s->summary.ci_hi, s->unit);
	if (s->summary.has_ci && stats_has_ci(s->summary.ci_lo, s->summary.ci_hi))
		FIG(c, "%s%s %s [95%% CI %s, %s]", c->figures[0] ? "; " : "", label, m, lo, hi);
	else
		FIG(c, "%s%s %s (no CI: n < %d)", c->figures[0] ? "; " : "", label, m, BB_CI_MIN_N);
	if (s->truncated)
		FIG(c, " (%zu truncated)", s->truncated);
	fig_emulated(c, res, s->env);
}

/* "page_fault 1.93x [1.85, 2.01]" (env time / native time) */
static void fig_slow(struct claim_eval *c, const char *metric, struct slow s)
{
	char v[32], lo[32], hi[32];

	if (!s.ok)
		return;
	fmt_ratio(v, sizeof(v), s.v);
	fmt_ratio(lo, sizeof(lo), s.lo);
	fmt_ratio(hi, sizeof(hi), s.hi);
	if (s.ci)
		FIG(c, "%s %s [%s, %s]", metric, v, lo, hi);
	else
		FIG(c, "%s %s (no CI: n < %d)", metric, v, BB_CI_MIN_N);
	if (s.trunc)
		FIG(c, " (%zu truncated)", s.trunc);
}

void not_measured(struct claim_eval *c, const char *fmt, ...)
{
	va_list ap;

	c->verdict = CLAIM_NOT_MEASURED;
	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	va_end(ap);
}

unsigned long result_seed(const struct bb_result *res)
{
	json_t *s = json_object_get(res->config, "seed");
	return json_is_integer(s) ? (unsigned long)json_integer_value(s) : 1;
}

/* Facts */

/* Distinct values of one field ("key", "env") of a suite's facts, in order of first
 * appearance. */
static size_t fact_distinct(const struct bb_result *res, const char *suite, const char *field,
                            const char **out, size_t max)
{
	size_t n = 0, i, j;
	json_t *f;

	json_array_foreach(res->facts, i, f)
	{
		const char *v = json_string_value(json_object_get(f, field));
		if (!v || strcmp(json_string_value(json_object_get(f, "suite")) ?: "", suite))
			continue;
		for (j = 0; j < n && strcmp(out[j], v); j++)
			;
		if (j == n && n < max)
			out[n++] = v;
	}
	return n;
}

static bool has_facts(const struct bb_result *res, const char *env, const void *suite)
{
	return isolation_fact(res, suite, env, NULL) != NULL;
}

/* The most typical environment of a class that has facts of a suite. */
static const char *pick_facts(const struct bb_result *res, enum bb_class cls, const char *suite)
{
	return results_env_best(res, cls, has_facts, suite);
}

static bool word_in(const char *s, const char *const *words)
{
	for (size_t i = 0; words[i]; i++)
		if (!strcasecmp(s, words[i]))
			return true;
	return false;
}

/* The rules */

/* Figures "label: m1 1.02x [..], m2 ..." for the metrics of a suite (all when metrics is NULL);
 * returns how many there were, and tallies them against t's threshold (t may be NULL). */
static size_t fig_suite(struct claim_eval *c, const struct bb_result *res, const char *env,
                        const char *suite, const char *const *metrics, struct tally *t)
{
	size_t n = 0;

	for (size_t i = 0; i < res->nseries; i++) {
		const struct bb_series *s = &res->series[i];
		bool want = !metrics;
		for (size_t k = 0; metrics && metrics[k]; k++)
			want |= !strcmp(metrics[k], s->metric);
		struct slow sl = slowdown(res, s);
		if (strcmp(s->suite, suite) || strcmp(s->env, env) || !want || !sl.ok)
			continue;
		if (!n)
			FIG(c, "%s%s/native, %s: ", c->figures[0] ? "; " : "", env, suite);
		else
			FIG(c, ", ");
		fig_slow(c, s->metric, sl);
		if (t)
			tally_add(t, s->metric, sl);
		n++;
	}
	if (n)
		fig_emulated(c, res, env);
	return n;
}

struct slow metric_slow(const struct bb_result *res, const char *suite, const char *metric,
                        const char *env)
{
	return slowdown(res, results_find_summary(res, suite, metric, env));
}

/* The null syscall against C7_SYSCALL_MAX, once CPU-bound work is settled near native. */
static void c7_syscall(struct claim_eval *c, struct slow null_s)
{
	struct tally t = { .thr = C7_SYSCALL_MAX };
	int side = slow_side(null_s, C7_SYSCALL_MAX);

	if (side > 0) {
		c->verdict = CLAIM_HOLDS_CAVEAT;
		REASON(c, "CPU-bound work runs within 10%% of native, but a null syscall costs "
		          "more than 1.5x native (it should not exit)");
	} else if (side < 0 || !null_s.ok) {
		c->verdict = CLAIM_HOLDS;
		REASON(c, "CPU-bound work runs within 10%% of native%s",
		       null_s.ok ? " and a syscall stays in the guest" : "");
	} else {
		tally_add(&t, "null", null_s);
		REASON(c, "CPU-bound work runs within 10%% of native, but whether a syscall stays "
		          "in the guest is not settled: ");
		reason_unsettled(c, &t);
		c->verdict = CLAIM_HOLDS_CAVEAT;
	}
}

static void claim_c7(const struct bb_result *res, struct claim_eval *c)
{
	const char *vm = results_env_pick_vs(res, BB_CLASS_VM, "cpu")
	                     ?: results_env_pick_vs(res, BB_CLASS_VM, "syscall");
	const char *sys[] = { "null", "cpuid", NULL };
	struct tally cpu = { .thr = C7_CPU_NEAR };
	size_t ncpu;
	struct slow null_s, cpuid_s;
	char why[320];

	if (!vm) {
		env_absence(res, BB_CLASS_VM, why, sizeof(why));
		not_measured(c,
		             "no cpu or syscall figures for a VM next to native (%s); "
		             "settle it with `boxbench run --envs native,vm --suites "
		             "cpu,syscall` on a host with hardware KVM",
		             why);
		return;
	}
	ncpu = fig_suite(c, res, vm, "cpu", NULL, &cpu);
	fig_suite(c, res, vm, "syscall", sys, NULL);
	null_s = metric_slow(res, "syscall", "null", vm);
	cpuid_s = metric_slow(res, "syscall", "cpuid", vm);
	if (results_env_emulated(res, vm)) {
		not_measured(c, "EMULATED: the VM ran under TCG, which translates every guest "
		                "instruction, so this run cannot show guest code running on "
		                "the hardware; it needs a host where doctor classifies KVM as "
		                "hardware");
		return;
	}
	if (!ncpu) {
		not_measured(c, "the cpu suite was not run in the VM; settle it with "
		                "`boxbench run --envs native,vm --suites cpu,syscall`");
		return;
	}
	if (cpu.above) {
		c->verdict = CLAIM_DOES_NOT_HOLD;
		REASON(c,
		       "CPU-bound work in the VM is more than 10%% slower than native (the whole "
		       "95%% CI)");
	} else if (cpu.across) {
		reason_unsettled(c, &cpu);
		REASON(c, "; whether CPU-bound work in the VM stays within 10%% of native is not "
		          "settled");
	} else {
		c7_syscall(c, null_s);
	}
	if (slow_side(cpuid_s, 2) > 0)
		REASON(c, "; cpuid, which always exits to the hypervisor, costs %.0fx native",
		       cpuid_s.v);
	if (json_is_string(json_object_get(res->host, "hypervisor")))
		REASON(c, "; note: native here is itself a VM (%s), where cpuid already exits",
		       json_string_value(json_object_get(res->host, "hypervisor")));
}

/* The host's paging as recorded (host.kvm.paging): only the values boxbench writes count. */
static enum bb_kvm_paging c8_paging(const struct bb_result *res, const char **evidence)
{
	json_t *kvm = json_object_get(res->host, "kvm");
	const char *p = results_jstr(kvm, "paging");

	*evidence = results_jstr(kvm, "paging_evidence");
	if (!p)
		return BB_PAGING_UNKNOWN;
	for (int i = BB_PAGING_EPT; i <= BB_PAGING_SHADOW; i++)
		if (!strcmp(p, kvm_paging_name((enum bb_kvm_paging)i)))
			return (enum bb_kvm_paging)i;
	return BB_PAGING_UNKNOWN;
}

/* A cost shows (some ratio's whole CI above C8_VISIBLE): what it says depends on the paging. */
static void c8_cost_shows(struct claim_eval *c, enum bb_kvm_paging paging, struct slow pf)
{
	const char *how = slow_side(pf, C8_PF_HEAVY) > 0 ? "page faults cost at least twice native"
	                                                 : "a cost beyond noise";

	if (paging == BB_PAGING_SHADOW) {
		c->verdict = CLAIM_HOLDS;
		REASON(c,
		       "the host's KVM keeps shadow page tables and memory virtualisation costs "
		       "the guest (%s)",
		       how);
	} else if (paging != BB_PAGING_UNKNOWN) {
		c->verdict = CLAIM_HOLDS_CAVEAT;
		REASON(
		    c,
		    "the second translation layer shows (%s), but this host's KVM does it in "
		    "hardware (%s) rather than with the shadow page tables the article describes",
		    how, paging == BB_PAGING_EPT ? "EPT" : "NPT");
	} else {
		c->verdict = CLAIM_INCONCLUSIVE;
		REASON(c,
		       "a memory-virtualisation cost shows (%s), but the result does not record "
		       "whether the host's KVM uses shadow page tables or EPT/NPT, and the cost "
		       "alone cannot tell them apart",
		       how);
	}
}

/* C8 on KVM: the recorded paging says which mechanism translates guest memory, the
 * page-fault and pointer-chase ratios whether it costs anything. Holds or does not hold only
 * when every ratio's whole CI lies on one side of C8_VISIBLE; otherwise inconclusive. */
static void c8_verdict(const struct bb_result *res, struct claim_eval *c, struct slow pf,
                       struct slow chase)
{
	const char *evidence;
	enum bb_kvm_paging paging = c8_paging(res, &evidence);
	struct tally t = { .thr = C8_VISIBLE };

	tally_add(&t, "page_fault", pf);
	tally_add(&t, "chase", chase);
	if (t.above) {
		c8_cost_shows(c, paging, pf);
	} else if (t.across) {
		reason_unsettled(c, &t);
		REASON(c, "; whether memory virtualisation costs anything beyond 5%% is not "
		          "settled");
	} else if (paging == BB_PAGING_SHADOW) {
		c->verdict = CLAIM_INCONCLUSIVE;
		REASON(c, "the host's KVM is recorded as keeping shadow page tables, yet page "
		          "faults and TLB-heavy accesses run at native cost (the whole 95%% CI "
		          "within 5%%): the figures and the recorded paging disagree");
	} else {
		c->verdict = CLAIM_DOES_NOT_HOLD;
		REASON(c,
		       "no measurable memory-virtualisation cost: page faults and TLB-heavy "
		       "accesses run at native cost (the whole 95%% CI within 5%%), which shadow "
		       "page tables would not allow");
	}
	if (paging != BB_PAGING_UNKNOWN)
		REASON(c, "; host paging: %s (%s)", kvm_paging_name(paging),
		       evidence ? evidence : "no evidence recorded");
	else
		REASON(c, "; host paging unknown (%s)",
		       evidence ? evidence : "not recorded: a result from before boxbench read it");
}

static void claim_c8(const struct bb_result *res, struct claim_eval *c)
{
	const char *mem[] = { "chase", "triad", NULL },
	           *pfm[] = { "page_fault", "mmap", "munmap", NULL };
	const char *vm = results_env_pick_vs(res, BB_CLASS_VM, "mem")
	                     ?: results_env_pick_vs(res, BB_CLASS_VM, "syscall");
	const char *ct = results_env_pick_vs(res, BB_CLASS_CONTAINER, "mem");
	struct slow pf, chase;
	char why[320];

	if (ct)
		fig_suite(c, res, ct, "mem", mem, NULL);
	if (!vm) {
		env_absence(res, BB_CLASS_VM, why, sizeof(why));
		not_measured(c,
		             "no memory figures for a VM next to native (%s); settle it "
		             "with `boxbench run --envs native,container,vm --suites "
		             "mem,syscall` on a host with hardware KVM",
		             why);
		return;
	}
	fig_suite(c, res, vm, "mem", mem, NULL);
	fig_suite(c, res, vm, "syscall", pfm, NULL);
	pf = metric_slow(res, "syscall", "page_fault", vm);
	chase = metric_slow(res, "mem", "chase", vm);
	if (!pf.ok && !chase.ok) {
		not_measured(c, "neither the page-fault cost (syscall suite) nor the pointer "
		                "chase (mem suite) was measured in the VM");
		return;
	}
	if (results_env_emulated(res, vm)) {
		const char *evidence;
		enum bb_kvm_paging paging = c8_paging(res, &evidence);

		not_measured(c, "EMULATED: under TCG every guest memory access goes through "
		                "QEMU's software TLB, neither shadow page tables nor EPT/NPT; "
		                "settle it on a host with hardware KVM");
		if (paging != BB_PAGING_UNKNOWN)
			REASON(c, "; this host's KVM, not used here, would use %s (%s)",
			       kvm_paging_name(paging),
			       evidence ? evidence : "no evidence recorded");
		return;
	}
	c8_verdict(res, c, pf, chase);
}

static void c9_verdict(const struct bb_result *res, struct claim_eval *c, const char *vm,
                       const struct tally *t)
{
	bool cache = false;

	if (t->above) {
		c->verdict = CLAIM_HOLDS;
		REASON(c, "I/O in the VM passes through the VMM's emulated device and costs more "
		          "than native (the whole 95%% CI above 1.10x)");
		return;
	}
	if (t->across) {
		reason_unsettled(c, t);
		REASON(c, "; whether I/O in the VM costs more than native is not settled");
		return;
	}
	c->verdict = CLAIM_DOES_NOT_HOLD;
	REASON(c, "no I/O overhead measured in the VM (every 95%% CI at or below 1.10x)");
	for (size_t i = 0; i < res->nseries; i++) {
		struct slow sl = slowdown(res, &res->series[i]);
		cache |= !strcmp(res->series[i].suite, "io") && !strcmp(res->series[i].env, vm) &&
		         slow_side(sl, 1 / C9_VISIBLE) < 0;
	}
	if (cache)
		REASON(c,
		       "; the VM is faster than native on some I/O, which points at the VMM's "
		       "disk cache mode (an fsync it does not pass to the host disk is cheaper)");
}

/* "disk: virtio-blk ext4 image on ext4, cache=none, mounted relatime,discard": what the VM
 * wrote to (its description; older results: the workload's storage fact). */
static void c9_storage(const struct bb_result *res, struct claim_eval *c, const char *vm)
{
	const struct bb_envdesc *d = results_env(res, vm);
	const char *fact = json_string_value(isolation_fact(res, "io", vm, "storage"));
	char line[512];

	if (d)
		envdesc_storage_line(&d->storage, line, sizeof(line));
	if (d && line[0])
		FIG(c, "; %s disk: %s", vm, line);
	else if (fact)
		FIG(c, "; %s storage: %s", vm, fact);
	if (d && d->storage.cache_note[0])
		REASON(c, "note: %s; ", d->storage.cache_note);
}

static void claim_c9(const struct bb_result *res, struct claim_eval *c)
{
	static const char *const io_m[] = { "seq_write_fsync", "rand_read_4k", "rand_read_4k_p50",
		                            "rand_read_4k_p99", NULL };
	const char *vm = results_env_pick_vs(res, BB_CLASS_VM, "io");
	const char *ct = results_env_pick_vs(res, BB_CLASS_CONTAINER, "io");
	struct tally t = { .thr = C9_VISIBLE };
	char why[320];

	if (ct)
		fig_suite(c, res, ct, "io", io_m, NULL);
	if (!vm) {
		env_absence(res, BB_CLASS_VM, why, sizeof(why));
		not_measured(c,
		             "no io figures for a VM next to native (%s); settle it with "
		             "`boxbench run --envs native,container,vm --suites io`",
		             why);
		return;
	}
	size_t n = fig_suite(c, res, vm, "io", io_m, &t);
	c9_storage(res, c, vm);
	if (results_env_emulated(res, vm)) {
		not_measured(c, "EMULATED: under TCG the guest's every instruction, its block "
		                "driver included, is translated by QEMU, so the I/O cost measured "
		                "here is mostly CPU emulation, not the device path of a hardware "
		                "VM; settle it on a host with hardware KVM");
		return;
	}
	if (!n) {
		not_measured(c, "no io ratio of %s to native (a side failed or is missing)", vm);
		return;
	}
	c9_verdict(res, c, vm, &t);
}

/* VM / container cost ratios of the footprint metrics both have (only that one metric when
 * `only`), each figure led by `label`; returns how many. */
static size_t c6_ratios(const struct bb_result *res, struct claim_eval *c, const char *ct,
                        const char *vm, const char *only, const char *label, double *min_r,
                        double *max_r)
{
	size_t n = 0;

	for (size_t i = 0; i < res->nseries; i++) {
		const struct bb_series *v = &res->series[i], *k;
		char a[48], b[48], r[32];
		if (strcmp(v->suite, "footprint") || strcmp(v->env, vm) || !v->has_summary ||
		    (only && strcmp(v->metric, only)))
			continue;
		k = results_find_summary(res, "footprint", v->metric, ct);
		if (!k || k->summary.median <= 0 || strcmp(k->unit, v->unit))
			continue;
		if (v->summary.median <= 0)
			continue;
		/* Always "how many times the VM costs": for a count that is better higher (how
		 * many instances fit) that is the container's over the VM's. */
		double ratio = v->better == BB_HIGHER ? k->summary.median / v->summary.median
		                                      : v->summary.median / k->summary.median;
		fmt_value(a, sizeof(a), k->summary.median, k->unit);
		fmt_value(b, sizeof(b), v->summary.median, v->unit);
		fmt_ratio(r, sizeof(r), ratio);
		FIG(c, "%s%s%s: %s %s, %s %s (%s)", c->figures[0] ? "; " : "", label, v->metric, ct,
		    a, vm, b, r);
		*min_r = n ? fmin(*min_r, ratio) : ratio;
		*max_r = n ? fmax(*max_r, ratio) : ratio;
		n++;
	}
	return n;
}

/* Distribution images on both sides (container-NAME and vm-NAME from `run --image NAME`): the
 * fairer test of "no guest OS", since both boxes then carry the same distribution's files.
 * Only disk and PSS are listed, to keep the figures short; lo/hi take their ratios in. */
static void c6_image_pairs(const struct bb_result *res, const char *ct, struct claim_eval *c,
                           double *lo, double *hi)
{
	static const char *const metrics[] = { "disk_apparent", "pss", NULL };
	char label[48], r[32];
	double l, h;

	for (size_t i = 0; i < res->nenvs; i++) {
		const struct bb_envdesc *e = &res->envs[i], *vm;
		const char *img = e->image;
		if (e->class != BB_CLASS_CONTAINER || envdesc_is_variant(e) ||
		    !strcmp(e->name, ct) || !img[0] || !strcmp(img, "minimal") ||
		    !(vm = results_env_of(res, BB_CLASS_VM, img)))
			continue;
		snprintf(label, sizeof(label), "%s image, ", img);
		for (size_t m = 0; metrics[m]; m++) {
			if (!c6_ratios(res, c, e->name, vm->name, metrics[m], label, &l, &h))
				continue;
			*lo = fmin(*lo, l);
			*hi = fmax(*hi, h);
			fmt_ratio(r, sizeof(r), l);
			if (m == 0 && l < C6_GREAT_DEAL)
				REASON(c,
				       "; with the %s image on both sides the VM's disk is %s the "
				       "container's: what the container saves is the guest kernel, "
				       "its modules and the VMM, not the distribution's files",
				       img, r);
		}
	}
}

static void claim_c6(const struct bb_result *res, struct claim_eval *c)
{
	const char *ct = results_env_pick(res, BB_CLASS_CONTAINER, "footprint", "pss");
	const char *vm = results_env_pick(res, BB_CLASS_VM, "footprint", "pss");
	double lo = 0, hi = 0;
	char why[320];

	for (size_t i = 0; i < res->nseries && !ct; i++)
		if (!strcmp(res->series[i].suite, "footprint") &&
		    results_env_class(res, res->series[i].env) == BB_CLASS_CONTAINER)
			ct = res->series[i].env;
	for (size_t i = 0; i < res->nseries && !vm; i++)
		if (!strcmp(res->series[i].suite, "footprint") &&
		    results_env_class(res, res->series[i].env) == BB_CLASS_VM)
			vm = res->series[i].env;
	if (!ct || !vm) {
		env_absence(res, ct ? BB_CLASS_VM : BB_CLASS_CONTAINER, why, sizeof(why));
		not_measured(c,
		             "no footprint figures for both a container and a VM (%s); "
		             "settle it with `boxbench run --envs native,container,vm "
		             "--suites footprint`",
		             why);
		return;
	}
	if (!c6_ratios(res, c, ct, vm, NULL, "", &lo, &hi)) {
		not_measured(c,
		             "the footprint suite recorded no metric in the same unit for "
		             "both %s and %s",
		             ct, vm);
		return;
	}
	struct claim_eval pairs = { 0 };
	c6_image_pairs(res, ct, &pairs, &lo, &hi);
	if (pairs.figures[0])
		FIG(c, "; %s", pairs.figures);
	if (lo >= C6_GREAT_DEAL) {
		c->verdict = CLAIM_HOLDS;
		REASON(c, "the VM needs at least ten times what the container needs on every "
		          "footprint measured");
	} else if (hi < C6_NOT_MUCH) {
		c->verdict = CLAIM_DOES_NOT_HOLD;
		REASON(c,
		       "the VM needs less than twice what the container needs on every footprint "
		       "measured");
	} else {
		c->verdict = CLAIM_HOLDS_CAVEAT;
		REASON(c, "the container saves on every footprint measured, but not always by an "
		          "order of magnitude");
	}
	REASON(c, "%s", pairs.reason);
	if (results_env_emulated(res, vm)) {
		if (c->verdict == CLAIM_HOLDS)
			c->verdict = CLAIM_HOLDS_CAVEAT;
		REASON(c, "; EMULATED: a TCG guest's QEMU also holds its translation cache, memory "
		          "a hardware-KVM guest would not use");
	}
}

/* 1 enforced, 0 not, -1 not a boolean. */
static int truth(json_t *v)
{
	static const char *const yes[] = { "yes", "true", "enforced", "1", NULL };
	static const char *const no[] = { "no", "false", "not enforced", "0", NULL };

	if (json_is_boolean(v))
		return json_is_true(v);
	if (json_is_number(v))
		return json_number_value(v) != 0;
	if (json_is_string(v) && word_in(json_string_value(v), yes))
		return 1;
	if (json_is_string(v) && word_in(json_string_value(v), no))
		return 0;
	return -1;
}

static void c2_collect(const struct bb_result *res, struct claim_eval *c, size_t *on, size_t *off)
{
	json_t *f;
	size_t i;

	json_array_foreach(res->facts, i, f)
	{
		const char *env = json_string_value(json_object_get(f, "env")) ?: "";
		const char *key = json_string_value(json_object_get(f, "key")) ?: "";
		size_t kl = strlen(key);
		int t = truth(json_object_get(f, "value"));
		if (strcmp(json_string_value(json_object_get(f, "suite")) ?: "", "limits") ||
		    results_env_class(res, env) != BB_CLASS_CONTAINER || kl < 9 ||
		    strcmp(key + kl - 9, "_enforced") || t < 0 ||
		    isolation_fact(res, "limits", env, key) != json_object_get(f, "value"))
			continue; /* one verdict per (env, key): the first rep's */
		FIG(c, "%s%s %.*s: %s", c->figures[0] ? "; " : "", env, (int)(kl - 9), key,
		    t ? "enforced" : "NOT enforced");
		if (t)
			(*on)++;
		else
			(*off)++;
	}
}

static void claim_c2(const struct bb_result *res, struct claim_eval *c)
{
	size_t on = 0, off = 0;

	c2_collect(res, c, &on, &off);
	if (!on && !off) {
		not_measured(c,
		             "%s; settle it with `boxbench run --envs container --suites "
		             "limits`",
		             pick_facts(res, BB_CLASS_CONTAINER, "limits")
		                 ? "the limits suite recorded no `*_enforced` fact for a "
		                   "container"
		                 : "the limits suite was not run in a container");
		return;
	}
	if (off) {
		c->verdict = CLAIM_DOES_NOT_HOLD;
		REASON(c, "%zu of %zu limits set through cgroups were not enforced", off, on + off);
	} else {
		c->verdict = CLAIM_HOLDS;
		REASON(c, "every limit set through cgroups (%zu) was enforced inside the container",
		       on);
	}
}

/* Hardware facts (the CPU model) are the same in any box on this machine: not kernel state. */
static bool iso_hardware(const char *key)
{
	return strstr(key, "cpu_model") || !strcmp(key, "cpu") || strstr(key, "cpu_vendor");
}

/* Values that can coincide without anything shared: release and version strings (the same
 * kernel build in the guest), the clock source and the CPU list (the same configuration). */
static bool iso_coincidence(const char *key)
{
	return strstr(key, "release") || strstr(key, "version") || strstr(key, "clocksource") ||
	       !strcmp(key, "cpu_list");
}

struct iso_count {
	size_t same, diff, hidden, state_same, coincide;
	char same_keys[CLAIM_TEXT / 2];
};

static void iso_count(const struct bb_result *res, const char *env, struct iso_count *k)
{
	const char *keys[64];
	size_t n = fact_distinct(res, "isolation", "key", keys, 64);

	memset(k, 0, sizeof(*k));
	for (size_t i = 0; i < n; i++) {
		enum iso_cell cell = isolation_cell(res, env, keys[i]);
		k->diff += cell == ISO_DIFFERENT;
		k->hidden += cell == ISO_HIDDEN;
		if (cell != ISO_SAME)
			continue;
		k->same++;
		fmt_append(k->same_keys, sizeof(k->same_keys), "%s%s", k->same_keys[0] ? ", " : "",
		           keys[i]);
		if (!iso_hardware(keys[i])) {
			k->state_same++;
			k->coincide += iso_coincidence(keys[i]);
		}
	}
}

static void fig_iso(struct claim_eval *c, const char *env, const struct iso_count *k)
{
	FIG(c, "%s%s: %zu fact%s same as host (%s), %zu different, %zu hidden",
	    c->figures[0] ? "; " : "", env, k->same, k->same == 1 ? "" : "s",
	    k->same ? k->same_keys : "none", k->diff, k->hidden);
}

static void claim_c3(const struct bb_result *res, struct claim_eval *c)
{
	const char *ct = pick_facts(res, BB_CLASS_CONTAINER, "isolation");
	const char *vm = pick_facts(res, BB_CLASS_VM, "isolation");
	struct iso_count kc, kv;

	if (!ct) {
		not_measured(c, "the isolation suite was not run in a container; settle it "
		                "with `boxbench run --envs native,container,vm --suites "
		                "isolation`");
		return;
	}
	iso_count(res, ct, &kc);
	fig_iso(c, ct, &kc);
	if (vm) {
		iso_count(res, vm, &kv);
		fig_iso(c, vm, &kv);
	}
	if (!kc.state_same) {
		c->verdict = CLAIM_DOES_NOT_HOLD;
		REASON(c, "the container shows nothing of the host kernel's state");
	} else if (vm && kv.state_same >= kc.state_same) {
		c->verdict = CLAIM_DOES_NOT_HOLD;
		REASON(c, "the VM lets through as much of the host as the container");
	} else {
		c->verdict = vm ? CLAIM_HOLDS : CLAIM_HOLDS_CAVEAT;
		REASON(c,
		       "the container sees the host kernel's own state through the shared kernel "
		       "(%zu facts)%s",
		       kc.state_same, vm ? ", the VM less" : "");
		if (!vm)
			REASON(c, "; the VM side of the comparison was not measured");
	}
	REASON(c, "; size and start-up speed are C5 and C6");
}

static void claim_c4(const struct bb_result *res, struct claim_eval *c)
{
	const char *vm = pick_facts(res, BB_CLASS_VM, "isolation");
	struct iso_count k;

	if (!vm) {
		not_measured(c, "the isolation suite was not run in a VM; settle it with "
		                "`boxbench run --envs native,vm --suites isolation`");
		return;
	}
	iso_count(res, vm, &k);
	fig_iso(c, vm, &k);
	if (!k.state_same) {
		c->verdict = CLAIM_HOLDS;
		REASON(c, "the VM sees none of the host kernel's state");
	} else if (k.state_same == k.coincide) {
		/* Not a caveat: such a value is the guest's own, equal to the host's or not from
		 * one boot to the next (a TCG guest's clock source), and a verdict that followed it
		 * would differ between two runs of the same build. */
		c->verdict = CLAIM_HOLDS;
		REASON(c, "the VM sees none of the host kernel's state; the values equal to the "
		          "host's are equal by configuration (kernel build, clock source or CPU "
		          "list), not shared state");
	} else {
		c->verdict = CLAIM_DOES_NOT_HOLD;
		REASON(c, "the VM sees %zu facts of the host kernel's own state", k.state_same);
	}
	if (k.same > k.state_same)
		REASON(c, "; the CPU model is the same hardware, not a leak");
	if (results_env_emulated(res, vm))
		REASON(c,
		       "; the VM was emulated (TCG): what a guest can see does not depend on the "
		       "accelerator");
	REASON(c, "; that clouds isolate tenants with VMs is not something a benchmark measures");
}

struct claim_rule {
	const char *id, *claim, *settle;
	void (*eval)(const struct bb_result *res, struct claim_eval *c);
};

static const struct claim_rule claim_rules[CLAIMS_N] = {
	{ "C1",
	  "Containers run as well inside a VM as on a physical machine; running them inside "
	  "VMs is common practice.",
	  "the same workload in a container on the host and in a container inside a KVM guest",
	  claim_c1 },
	{ "C2",
	  "The container engine hands each container its resources through the host kernel "
	  "and isolates it.",
	  "cgroup limits (CPU quota, memory, pids) enforced and observable inside", claim_c2 },
	{ "C3",
	  "Containers isolate worse than VMs: they share the host kernel, through which "
	  "information leaks.",
	  "what of the host each environment can see (isolation matrix)", claim_c3 },
	{ "C4", "A VM isolates its whole runtime environment from the host.",
	  "the same isolation matrix from inside a KVM guest", claim_c4 },
	{ "C5", "A VM takes minutes to start; a container starts in milliseconds.",
	  "startup latency to workload ready, fresh instance per sample", claim_c5 },
	{ "C6", "Without a guest OS, containers save a great deal of disk and memory.",
	  "disk footprint and memory (PSS) per instance", claim_c6 },
	{ "C7",
	  "A VM's code runs directly on the hardware; the hypervisor steps in only for "
	  "privileged operations.",
	  "CPU-bound work and syscalls in a guest vs native, and cpuid (always exits)", claim_c7 },
	{ "C8", "The hypervisor virtualises memory with shadow page tables.",
	  "the host KVM's paging (EPT/NPT or shadow, read from the kernel); the first touch of a "
	  "mapped page, mmap and munmap, a TLB-heavy pointer chase and bandwidth in each "
	  "environment",
	  claim_c8 },
	{ "C9",
	  "I/O devices are emulated in software: a guest's disk write becomes a write to a "
	  "host file.",
	  "sequential write + fsync and random 4 KiB reads on storage backed by the same host "
	  "file system",
	  claim_c9 },
	{ "C10",
	  "A container engine is a wrapper around namespaces, cgroups and an image root "
	  "file system.",
	  "startup decomposition (what each namespace, the cgroup and the root switch add) and the "
	  "stack ladder (what a runtime, an engine and a daemon add around them)",
	  claim_c10 },
};

void claims_evaluate(const struct bb_result *res, struct claim_eval out[CLAIMS_N])
{
	for (size_t i = 0; i < CLAIMS_N; i++) {
		struct claim_eval *c = &out[i];
		memset(c, 0, sizeof(*c));
		c->id = claim_rules[i].id;
		c->claim = claim_rules[i].claim;
		c->settle = claim_rules[i].settle;
		c->verdict = CLAIM_NOT_MEASURED;
		claim_rules[i].eval(res, c);
	}
}
