/* The rules on starting boxes (C5: how long a box takes to be ready; C10: what each layer of
 * wrapping adds to a start) and on a box inside a box (C1), on the helpers of claims_rules.h. */
#include "claims.h"
#include "claims_rules.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "decomp.h"
#include "stats.h"

/* C1: the container's cost inside a VM against its cost on the host, metric by metric: the
 * in-guest ratio g = nested / the VM it runs in (envdesc nested_in), the host ratio h =
 * container / native, and their quotient f = g / h, the nesting factor. Its interval is the
 * conservative one made of the two 95% CIs' ends (g_lo / h_hi, g_hi / h_lo). */
struct c1_cmp {
	size_t n, above, below; /* metrics; with f's CI above / wholly within C1_NEAR */
	const char *worst_metric;
	struct slow g, h, f; /* the worst metric's (highest f) */
};

/* nested / vm in the time direction, with a bootstrap CI (the result's seed). */
static struct slow c1_guest_ratio(const struct bb_result *res, const struct bb_series *in,
                                  const struct bb_series *vm)
{
	const struct bb_series *num = in->better == BB_HIGHER ? vm : in;
	const struct bb_series *den = in->better == BB_HIGHER ? in : vm;
	struct slow r = { 0 };
	struct bb_err e = { 0 };

	r.ok = num->n && den->n &&
	       stats_ratio(num->samples, num->n, den->samples, den->n, result_seed(res), &r.v,
	                   &r.lo, &r.hi, &e) == 0;
	return r;
}

static void c1_add(struct c1_cmp *k, const char *metric, struct slow g, struct slow h)
{
	struct slow f = { .ok = true, .v = g.v / h.v, .lo = g.lo / h.hi, .hi = g.hi / h.lo };

	k->n++;
	k->above += f.lo > C1_NEAR;
	k->below += f.hi <= C1_NEAR;
	if (!k->worst_metric || f.v > k->f.v) {
		k->worst_metric = metric;
		k->g = g, k->h = h, k->f = f;
	}
}

/* Every steady-state metric measured in all four boxes. */
static void c1_compare(const struct bb_result *res, const char *nested, const char *vm,
                       struct c1_cmp *k)
{
	for (size_t i = 0; i < res->nseries; i++) {
		const struct bb_series *s = &res->series[i];
		if (strcmp(s->env, nested) || !strcmp(s->suite, "startup") || !s->has_summary)
			continue;
		const char *ct = results_env_pick_vs(res, BB_CLASS_CONTAINER, s->suite);
		const struct bb_series *sv = results_find_summary(res, s->suite, s->metric, vm);
		struct slow h = metric_slow(res, s->suite, s->metric, ct ? ct : "");
		if (!sv || !h.ok || h.lo <= 0)
			continue;
		struct slow g = c1_guest_ratio(res, s, sv);
		if (g.ok)
			c1_add(k, s->metric, g, h);
	}
}

/* Start: the container's own part inside the guest (guest clock) next to the host's. */
static void c1_fig_start(struct claim_eval *c, const struct bb_result *res, const char *nested)
{
	const char *ct = results_env_pick(res, BB_CLASS_CONTAINER, "startup", "ready");
	const struct bb_series *in =
	    results_find_summary(res, "startup", "container_start", nested);
	const struct bb_series *sc = results_find_summary(res, "startup", "ready", ct ? ct : "");
	const struct bb_series *sn =
	    results_find_summary(res, "startup", "ready", results_reference(res));
	char a[48], b[48];

	if (!in || !sc || !sn)
		return;
	fmt_value(a, sizeof(a), in->summary.median, in->unit);
	fmt_value(b, sizeof(b),
	          results_to_ms(sc->summary.median, sc->unit) -
	              results_to_ms(sn->summary.median, sn->unit),
	          "ms");
	FIG(c,
	    "; the container's start inside the guest (guest clock) %s, on the host %s "
	    "(container - native ready)",
	    a, b);
}

static void c1_fig_worst(struct claim_eval *c, const struct c1_cmp *k, const char *nested,
                         const char *vm)
{
	char g[3][32], h[3][32];

	fmt_ratio(g[0], 32, k->g.v), fmt_ratio(g[1], 32, k->g.lo), fmt_ratio(g[2], 32, k->g.hi);
	fmt_ratio(h[0], 32, k->h.v), fmt_ratio(h[1], 32, k->h.lo), fmt_ratio(h[2], 32, k->h.hi);
	FIG(c,
	    "; %zu steady-state metric%s, the container's cost in the guest against on the host; "
	    "highest: %s, %s/%s %s [%s, %s] vs container/native %s [%s, %s], nesting factor "
	    "%.2f [%.2f, %.2f]",
	    k->n, k->n == 1 ? "" : "s", k->worst_metric, nested, vm, g[0], g[1], g[2], h[0], h[1],
	    h[2], k->f.v, k->f.lo, k->f.hi);
}

static void c1_verdict(struct claim_eval *c, const struct c1_cmp *k, bool emu)
{
	if (!k->n) {
		c->verdict = C1_INCONCLUSIVE;
		REASON(c,
		       "inconclusive: the container runs inside the VM, but no steady-state "
		       "suite (syscall, cpu, mem, io) was measured in the container, the VM, the "
		       "container in the VM and native alike");
	} else if (k->above) {
		c->verdict = CLAIM_DOES_NOT_HOLD;
		REASON(c,
		       "on %zu of %zu metrics the container costs over %.0f%% more inside the VM "
		       "than on the host, the whole interval above (%s first)",
		       k->above, k->n, (C1_NEAR - 1) * 100, k->worst_metric);
	} else if (k->below == k->n) {
		c->verdict = emu ? CLAIM_HOLDS_CAVEAT : CLAIM_HOLDS;
		REASON(c,
		       "on every metric the container costs inside the VM within %.0f%% of what it "
		       "costs on the host (each interval wholly below)",
		       (C1_NEAR - 1) * 100);
	} else {
		c->verdict = C1_INCONCLUSIVE;
		REASON(c,
		       "inconclusive: on %zu of %zu metrics the interval of the nesting factor "
		       "straddles %.2f (more samples would settle it)",
		       k->n - k->below, k->n, C1_NEAR);
	}
	if (emu)
		REASON(c,
		       "; EMULATED: the guest ran under TCG. Still meaningful: the ratio inside "
		       "one guest (container-in-VM / VM: both sides emulated alike) against "
		       "container / native on the host. Not meaningful: either guest box against "
		       "native (TCG's cost, not a VM's), nor the container's start inside the "
		       "guest against the host's (the guest kernel's work is emulated)");
}

void claim_c1(const struct bb_result *res, struct claim_eval *c)
{
	const char *names[MAX_ENVS], *nested = NULL, *vm;
	size_t n = results_env_names(res, names, MAX_ENVS);
	const struct bb_series *s;
	struct c1_cmp k = { 0 };

	for (size_t i = 0; i < n && !nested; i++)
		if (results_env_class(res, names[i]) == BB_CLASS_NESTED)
			nested = names[i];
	if (!nested) {
		not_measured(c, "no environment runs a container inside a VM in this result; "
		                "settle it with `boxbench run --envs native,container,vm,"
		                "container-in-vm --suites startup,syscall`");
		return;
	}
	s = results_find_summary(res, "startup", "ready", nested);
	if (!s) {
		const struct bb_series *e =
		    results_series((struct bb_result *)res, "startup", "ready", nested, false);
		c->verdict = CLAIM_DOES_NOT_HOLD;
		REASON(c, "no container started inside the VM%s%s", e && e->nerr ? ": " : "",
		       e && e->nerr ? e->errors[0].reason : "");
		return;
	}
	fig_median(c, res, nested, s);
	vm = results_env(res, nested)->nested_in;
	if (!vm[0] || !results_find_summary(res, "startup", "ready", vm)) {
		not_measured(c,
		             "the container started inside the VM, but the VM it runs in (%s) was "
		             "not measured next to it; settle it with `boxbench run --envs "
		             "native,container,vm,%s`",
		             vm[0] ? vm : "the result does not say which", nested);
		return;
	}
	c1_fig_start(c, res, nested);
	c1_compare(res, nested, vm, &k);
	if (k.n)
		c1_fig_worst(c, &k, nested, vm);
	c1_verdict(c, &k, results_env_emulated(res, nested) || results_env_emulated(res, vm));
}

/* VM / container ratio of startup medians with a bootstrap CI (the result's seed). */
static void c5_ratio(const struct bb_result *res, const struct bb_series *vm,
                     const struct bb_series *ct, double *r, double *lo, double *hi)
{
	struct bb_err e = { 0 };
	double scale = results_to_ms(1, vm->unit) / results_to_ms(1, ct->unit);

	if (vm->n && ct->n &&
	    stats_ratio(vm->samples, vm->n, ct->samples, ct->n, result_seed(res), r, lo, hi, &e) ==
	        0) {
		*r *= scale;
		*lo *= scale;
		*hi *= scale;
		return;
	}
	*r = *lo = *hi = results_to_ms(vm->summary.median, vm->unit) /
	                 results_to_ms(ct->summary.median, ct->unit);
}

/* "; vm/container 597x [95% CI 410x, 800x]", or the point alone where there is no interval. */
static void c5_fig_ratio(struct claim_eval *c, const char *a, const char *b, double r, double lo,
                         double hi)
{
	char rs[32], rlo[32], rhi[32];

	fmt_ratio(rs, sizeof(rs), r);
	if (!stats_has_ci(lo, hi)) {
		FIG(c, "; %s/%s %s (no CI: n < %d)", a, b, rs, BB_CI_MIN_N);
		return;
	}
	fmt_ratio(rlo, sizeof(rlo), lo);
	fmt_ratio(rhi, sizeof(rhi), hi);
	FIG(c, "; %s/%s %s [95%% CI %s, %s]", a, b, rs, rlo, rhi);
}

static void c5_verdict(struct claim_eval *c, double ct_ms, double vm_ms, double lo, bool emu,
                       const char *vm_kind, const char *vm_text)
{
	char ct_s[48];

	fmt_value(ct_s, sizeof(ct_s), ct_ms, "ms");
	if (ct_ms >= C5_MS_SCALE) {
		c->verdict = CLAIM_DOES_NOT_HOLD;
		REASON(c, "the container takes %s to be ready, not milliseconds", ct_s);
	} else if (lo < C5_ONE_ORDER) {
		c->verdict = CLAIM_DOES_NOT_HOLD;
		REASON(c, "the VM is ready within an order of magnitude of the container%s",
		       emu ? ", even emulated (TCG only slows a VM down)" : "");
	} else if (lo < C5_ORDERS) {
		c->verdict = CLAIM_HOLDS_CAVEAT;
		REASON(c,
		       "the container starts in %s, but the VM is only one order of magnitude "
		       "slower, not several",
		       ct_s);
	} else {
		c->verdict = emu || vm_ms < C5_MINUTES_MS ? CLAIM_HOLDS_CAVEAT : CLAIM_HOLDS;
		REASON(c, "the container starts in %s and the VM is orders of magnitude slower",
		       ct_s);
	}
	if (emu && c->verdict != CLAIM_DOES_NOT_HOLD)
		REASON(c, "; EMULATED: the VM ran under TCG, which only slows it down, so the gap "
		          "is an upper bound (a hardware-KVM guest starts faster)");
	if (lo >= C5_ONE_ORDER)
		REASON(c, "; %s is ready in %s%s", vm_kind, vm_text,
		       vm_ms < C5_MINUTES_MS ? ", not minutes" : ": minutes");
}

/* What the "minutes" are judged on: a VM booted by firmware and a boot loader when the result
 * has one, as people boot a VM; else the microVM, the best case. */
static const char *c5_vm_kind(const struct bb_envdesc *d)
{
	return d && !strcmp(d->boot, ENVDESC_BOOT_FIRMWARE)
	           ? "the full-OS VM (firmware, boot loader, its distribution's init)"
	           : "the microVM (direct kernel boot, no firmware, no distribution init)";
}

/* The VM of a boot kind (firmware or not) with the lowest startup median. */
static const char *c5_vm_pick(const struct bb_result *res, bool firmware)
{
	const char *best = NULL;
	double best_ms = INFINITY;

	for (size_t i = 0; i < res->nenvs; i++) {
		const struct bb_envdesc *d = &res->envs[i];
		const struct bb_series *s = results_find_summary(res, "startup", "ready", d->name);
		if (!s || d->class != BB_CLASS_VM ||
		    !strcmp(d->boot, ENVDESC_BOOT_FIRMWARE) != firmware)
			continue;
		if (results_to_ms(s->summary.median, s->unit) < best_ms) {
			best = d->name;
			best_ms = results_to_ms(s->summary.median, s->unit);
		}
	}
	return best;
}

/* The microVM next to the full-OS VM the verdict was taken on: its own figures and ratio. */
static void c5_microvm(struct claim_eval *c, const struct bb_result *res, const char *micro,
                       const struct bb_series *sc)
{
	const struct bb_series *sm = results_find_summary(res, "startup", "ready", micro);
	char rs[32], m[48];
	double r, lo, hi;

	fig_median(c, res, micro, sm);
	c5_ratio(res, sm, sc, &r, &lo, &hi);
	fmt_ratio(rs, sizeof(rs), r);
	c5_fig_ratio(c, micro, sc->env, r, lo, hi);
	fmt_value(m, sizeof(m), results_to_ms(sm->summary.median, sm->unit), "ms");
	REASON(c, "; separately, %s is ready in %s, %s the container's start",
	       c5_vm_kind(results_env(res, micro)), m, rs);
}

void claim_c5(const struct bb_result *res, struct claim_eval *c)
{
	const char *ct = results_env_pick(res, BB_CLASS_CONTAINER, "startup", "ready");
	const char *micro = c5_vm_pick(res, false), *full = c5_vm_pick(res, true);
	const char *vm = full ? full : micro;
	const struct bb_series *sn = results_find_summary(res, "startup", "ready",
	                                                  results_reference(res)),
	                       *sc, *sv;
	char why[320], vm_text[48];
	double ct_ms, vm_ms, r, lo, hi;

	if (sn)
		fig_median(c, res, "ready: native", sn);
	if (ct)
		fig_median(c, res, ct, results_find_summary(res, "startup", "ready", ct));
	if (!ct || !vm) {
		env_absence(res, ct ? BB_CLASS_VM : BB_CLASS_CONTAINER, why, sizeof(why));
		not_measured(c,
		             "no startup figures for a %s: %s; settle it with `boxbench run "
		             "--envs native,container,vm --suites startup`",
		             ct ? "VM" : "container", why);
		return;
	}
	sc = results_find_summary(res, "startup", "ready", ct);
	sv = results_find_summary(res, "startup", "ready", vm);
	fig_median(c, res, vm, sv);
	ct_ms = results_to_ms(sc->summary.median, sc->unit);
	vm_ms = results_to_ms(sv->summary.median, sv->unit);
	if (isnan(ct_ms) || isnan(vm_ms) || ct_ms <= 0) {
		not_measured(c, "startup figures in a unit the rule does not know (%s, %s)",
		             sc->unit, sv->unit);
		return;
	}
	c5_ratio(res, sv, sc, &r, &lo, &hi);
	c5_fig_ratio(c, vm, ct, r, lo, hi);
	fmt_value(vm_text, sizeof(vm_text), vm_ms, "ms");
	if (!stats_has_ci(lo, hi)) {
		c->verdict = CLAIM_INCONCLUSIVE;
		REASON(c,
		       "inconclusive: the VM/container ratio has no 95%% CI (a side has fewer "
		       "than %d samples)",
		       BB_CI_MIN_N);
		if (full && micro)
			c5_microvm(c, res, micro, sc);
		return;
	}
	c5_verdict(c, ct_ms, vm_ms, lo, results_env_emulated(res, vm),
	           c5_vm_kind(results_env(res, vm)), vm_text);
	if (full && micro)
		c5_microvm(c, res, micro, sc);
}

static void fig_decomp_part(struct claim_eval *c, const struct decomp *d,
                            const struct decomp_part *p)
{
	char e[96], s[96];

	fmt_estimate(e, sizeof(e), p->saving, p->saving_lo, p->saving_hi, p->saving_ci, d->unit);
	fmt_estimate(s, sizeof(s), -p->saving, -p->saving_hi, -p->saving_lo, p->saving_ci, d->unit);
	if (p->distinguishable && p->saving > 0)
		FIG(c, "; %s adds %s", p->removed, e);
	else if (p->distinguishable)
		FIG(c, "; %s: no saving (without it the start is slower by %s)", p->removed, s);
	else
		FIG(c, "; %s: not distinguishable from 0 (%s)", p->removed, e);
	if (p->derived)
		FIG(c, " (%s - %s)", p->from, p->env);
}

static void fig_decomp(struct claim_eval *c, const struct decomp *d)
{
	char a[48], b[48], e[96], x[96], r[96];

	fmt_value(a, sizeof(a), d->native, d->unit);
	fmt_value(b, sizeof(b), d->container_median, d->unit);
	fmt_estimate(e, sizeof(e), d->extra, d->extra_lo, d->extra_hi, d->extra_ci, d->unit);
	if (d->paired)
		FIG(c, "ready, paired (%zu blocks): native %s, %s %s, extra %s", d->blocks, a,
		    d->container, b, e);
	else
		FIG(c, "ready, unpaired (medians of separate series): native %s, %s %s, extra %s",
		    a, d->container, b, e);
	for (size_t i = 0; i < d->n; i++)
		if (d->parts[i].stacked)
			fig_decomp_part(c, d, &d->parts[i]);
	fmt_estimate(x, sizeof(x), d->explained, d->explained_lo, d->explained_hi, d->sum_ci,
	             d->unit);
	fmt_estimate(r, sizeof(r), d->rest, d->rest_lo, d->rest_hi, d->sum_ci, d->unit);
	fmt_value(b, sizeof(b), d->extra, d->unit);
	FIG(c, "; parts explain %s of %s (full - native); unexplained %s", x, b, r);
	if (d->has_share && d->share_ci)
		FIG(c, " = %.0f%% [%.0f%%, %.0f%%]", 100 * d->share, 100 * d->share_lo,
		    100 * d->share_hi);
}

static bool c10_judge_setup(const struct decomp *d, struct claim_eval *c)
{
	c->verdict = CLAIM_INCONCLUSIVE;
	if (!d->paired) {
		REASON(c, "inconclusive: an unpaired decomposition (a result without blocks): the "
		          "parts' sum has no interval; `run --decompose` measures it in paired "
		          "blocks");
		return false;
	}
	if (!d->extra_ci || d->extra_lo <= 0) {
		REASON(c,
		       "inconclusive: the container's extra start over native is not "
		       "distinguishable from 0 (n = %zu blocks): nothing to decompose",
		       d->blocks);
		return false;
	}
	if (!d->all_parts) {
		REASON(c, "inconclusive: the variants separate only some of the container's "
		          "parts (the others are not switched off one by one)");
		return false;
	}
	if (!d->has_share || !d->share_ci) {
		REASON(c, "inconclusive: the unexplained share has no 95%% CI (n = %zu blocks)",
		       d->blocks);
		return false;
	}
	return true;
}

/* The parts explain the extra start when the whole CI of the unexplained share is within
 * +-C10_EXPLAINED; they do not when it is wholly above C10_UNEXPLAINED. */
static void c10_decomp_judge(const struct decomp *d, struct claim_eval *c)
{
	double lo = d->share_lo, hi = d->share_hi;

	if (!c10_judge_setup(d, c))
		return;
	if (lo >= -C10_EXPLAINED && hi <= C10_EXPLAINED) {
		c->verdict = CLAIM_HOLDS;
		REASON(c,
		       "namespaces, the cgroup and the root switch account for the container's "
		       "extra start: the unexplained share %.0f%% [%.0f%%, %.0f%%] (n = %zu "
		       "blocks) lies within +-%.0f%%",
		       100 * d->share, 100 * lo, 100 * hi, d->blocks, 100 * C10_EXPLAINED);
	} else if (lo > C10_UNEXPLAINED) {
		c->verdict = CLAIM_DOES_NOT_HOLD;
		REASON(
		    c,
		    "the container costs beyond its namespaces, cgroup and root switch: the "
		    "unexplained share %.0f%% [%.0f%%, %.0f%%] (n = %zu blocks) lies above %.0f%%",
		    100 * d->share, 100 * lo, 100 * hi, d->blocks, 100 * C10_UNEXPLAINED);
	} else {
		REASON(c,
		       "inconclusive: the unexplained share %.0f%% [%.0f%%, %.0f%%] (n = %zu "
		       "blocks) is neither within +-%.0f%% nor above %.0f%%%s",
		       100 * d->share, 100 * lo, 100 * hi, d->blocks, 100 * C10_EXPLAINED,
		       100 * C10_UNEXPLAINED,
		       hi < -C10_EXPLAINED ? " (the parts add up to more than the whole: their "
		                             "costs overlap)"
		                           : "");
	}
}

/* "ladder: native 1.6 ms; container 7.3 ms (+5.7 ms [5.1, 6.2] over native); ..." */
static void fig_ladder(struct claim_eval *c, const struct ladder *l)
{
	char m[48], st[48], lo[48], hi[48];

	FIG(c, "%sstack ladder (ready):", c->figures[0] ? "; " : "");
	for (size_t i = 0; i < l->n; i++) {
		const struct ladder_rung *r = &l->rungs[i];
		fmt_value(m, sizeof(m), r->median, l->unit);
		FIG(c, "%s %s %s", i ? ";" : "", r->env, m);
		if (!r->has_step)
			continue;
		fmt_value(st, sizeof(st), fabs(r->step), l->unit);
		fmt_value(lo, sizeof(lo), r->step_lo, l->unit);
		fmt_value(hi, sizeof(hi), r->step_hi, l->unit);
		FIG(c, " (%s%s [%s, %s] over %s)", r->step < 0 ? "-" : "+", st, lo, hi, r->from);
	}
}

/* The ladder's verdict on "an engine is a wrapper": the engines box the workload with the same
 * primitives; what their wrapping adds beyond them, against what the primitives cost. */
static void ladder_judge(const struct ladder *l, struct claim_eval *c)
{
	const struct ladder_rung *prim = NULL, *top = NULL;
	char a[48], b[48];

	for (size_t i = 0; i < l->n; i++) {
		prim = !prim && l->rungs[i].depth == 1 ? &l->rungs[i] : prim;
		top = l->rungs[i].depth >= 2 ? &l->rungs[i] : top;
	}
	if (!prim || !top || !prim->has_step) {
		REASON(c, "; no engine or OCI runtime was run beside the container, so what an "
		          "engine adds to the primitives is not measured (`--envs "
		          "native,container,runc,podman,docker`)");
		return;
	}
	fmt_value(a, sizeof(a), top->median - prim->median, l->unit);
	fmt_value(b, sizeof(b), prim->step, l->unit);
	if (!top->same_parts) {
		REASON(c,
		       "; %s does not box the workload in the same namespaces, cgroup and root "
		       "switch as the container",
		       top->env);
		/* a caveat on a holding verdict; an inconclusive or failing one stays */
		if (c->verdict == CLAIM_HOLDS)
			c->verdict = CLAIM_HOLDS_CAVEAT;
		return;
	}
	REASON(c,
	       "; %s boxes the workload with the same namespaces, cgroup and root switch, and "
	       "its wrapping adds %s to the start beyond the primitives' %s",
	       top->env, a, b);
	/* the wrapping costs more than the primitives, beyond noise: the isolation is the
	 * primitives, the start is mostly the engine */
	if (top->median - prim->median > prim->step && prim->step_lo > 0 &&
	    c->verdict == CLAIM_HOLDS) {
		c->verdict = CLAIM_HOLDS_CAVEAT;
		REASON(c, ": what isolates is the primitives, what a start costs is mostly the "
		          "engine around them");
	}
}

void claim_c10(const struct bb_result *res, struct claim_eval *c)
{
	struct decomp d;
	struct ladder l;

	decomp_compute(res, &d);
	ladder_compute(res, &l);
	if (!d.present && !(l.n >= 3 && l.rungs[l.n - 1].depth >= 2)) {
		not_measured(c, "no startup decomposition in this result: it needs native, "
		                "the full container and container variants with single "
		                "namespaces, the cgroup or the root switch turned off, "
		                "`--suites startup`");
		return;
	}
	if (d.present) {
		fig_decomp(c, &d);
		c10_decomp_judge(&d, c);
	} else {
		c->verdict = CLAIM_HOLDS_CAVEAT;
		REASON(c, "the container's parts were not priced one by one (no `--decompose`)");
	}
	if (l.n >= 2) {
		fig_ladder(c, &l);
		ladder_judge(&l, c);
	}
}
