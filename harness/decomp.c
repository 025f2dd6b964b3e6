#include "decomp.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "format.h"
#include "ns.h"
#include "pairing.h"
#include "results_decomp.h"
#include "stats.h"

#define MAX_ENVS 32

/* The parts met so far, one bit each: "mnt ns", ..., "cgroup", "rootfs". */
struct part_table {
	char names[32][24];
	size_t n;
};

static unsigned part_bit(struct part_table *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->names[i], name))
			return 1u << i;
	if (t->n == 32)
		return 0;
	snprintf(t->names[t->n], sizeof(t->names[0]), "%s", name);
	return 1u << t->n++;
}

/* The parts a container is made of, from its description; 0 when it does not say. */
static unsigned env_parts(const struct bb_envdesc *d, struct part_table *t)
{
	unsigned mask = 0;
	char label[24];

	if (!d || !d->has_namespaces)
		return 0;
	for (const struct ns_kind *k = ns_kinds; k->name; k++)
		if (d->namespaces & k->bit) {
			snprintf(label, sizeof(label), "%s ns", k->name);
			mask |= part_bit(t, label);
		}
	if (d->cgroup.on)
		mask |= part_bit(t, "cgroup");
	if (d->rootfs.on)
		mask |= part_bit(t, "rootfs");
	return mask;
}

static void part_label(const struct part_table *t, unsigned mask, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < t->n; i++)
		if (mask & (1u << i))
			fmt_append(buf, len, "%s%s", buf[0] ? "+" : "", t->names[i]);
}

/* The full container: the one the result's variants were taken from; in results that do not
 * name it, the container with `ready` and the most parts (the first of equals). */
static const char *decomp_full(const struct bb_result *res, struct part_table *t, unsigned *mask)
{
	const char *best = NULL;
	int best_bits = -1;

	for (size_t i = 0; i < res->nenvs; i++) {
		const struct bb_envdesc *v = &res->envs[i], *f = results_env(res, v->variant_of);
		if (envdesc_is_variant(v) && f &&
		    results_find_summary(res, "startup", "ready", f->name)) {
			*mask = env_parts(f, t);
			return f->name;
		}
	}
	for (size_t i = 0; i < res->nenvs; i++) {
		const struct bb_envdesc *d = &res->envs[i];
		unsigned m;
		/* the kernel's primitives alone: a box an engine or runtime wraps is a rung of
		 * the ladder, not the decomposed container */
		if (d->class != BB_CLASS_CONTAINER || results_env_depth(d) != 1 ||
		    !results_find_summary(res, "startup", "ready", d->name))
			continue;
		m = env_parts(d, t);
		if (__builtin_popcount(m) > best_bits) {
			best = d->name;
			best_bits = __builtin_popcount(m);
			*mask = m;
		}
	}
	return best;
}

double decomp_drawn(const struct decomp_part *p)
{
	return fmax(0, p->saving);
}

static struct decomp_part *decomp_add(struct decomp *d, const struct bb_result *res,
                                      const char *env, const char *from, const char *label)
{
	struct decomp_part *p = &d->parts[d->n++];
	const struct bb_series *s = res ? results_find_summary(res, "startup", "ready", env) : NULL;

	memset(p, 0, sizeof(*p));
	snprintf(p->env, sizeof(p->env), "%s", env);
	snprintf(p->from, sizeof(p->from), "%s", from);
	snprintf(p->removed, sizeof(p->removed), "%s", label);
	p->median = s ? s->summary.median : NAN;
	p->ci_lo = s ? s->summary.ci_lo : -INFINITY;
	p->ci_hi = s ? s->summary.ci_hi : INFINITY;
	p->saving_lo = -INFINITY;
	p->saving_hi = INFINITY;
	return p;
}

/* The variants of the full container: each with the parts it leaves out (removed[i]). */
struct decomp_plan {
	struct part_table t;
	unsigned fmask, removed[DECOMP_MAX];
	int col[DECOMP_MAX]; /* paired: the pairing column of part i's env, and of its from */
	int from_col[DECOMP_MAX];
};

/* Is environment e a step of the decomposition of `full` (a subset of its parts)? */
static bool decomp_step(const struct bb_result *res, const char *env, const char *full,
                        struct decomp_plan *pl, unsigned *removed)
{
	const struct bb_envdesc *e = results_env(res, env);
	unsigned m;

	if (!e || results_env_depth(e) != 1 || !e->has_namespaces ||
	    (e->variant_of[0] && strcmp(e->variant_of, full)))
		return false;
	m = env_parts(e, &pl->t);
	if ((m & ~pl->fmask) || m == pl->fmask)
		return false; /* not a subset of the full container: not a decomposition step */
	*removed = pl->fmask & ~m;
	return true;
}

/* Stack the parts that remove fewest first, each container part in one segment; a part that
 * overlaps a stacked one by a smaller part is derived from the two (mnt+rootfs minus rootfs:
 * the mount namespace). */
static void decomp_stack(struct decomp *d, struct decomp_plan *pl)
{
	unsigned used = 0;
	size_t nv = d->n;

	for (int bits = 1; bits <= 32; bits++)
		for (size_t i = 0; i < nv; i++) {
			if (__builtin_popcount(pl->removed[i]) != bits || (pl->removed[i] & used))
				continue;
			d->parts[i].stacked = true;
			used |= pl->removed[i];
		}
	for (size_t i = 0; i < nv && d->n < DECOMP_MAX; i++)
		for (size_t j = 0; j < nv && !d->parts[i].stacked; j++) {
			unsigned rest = pl->removed[i] & ~pl->removed[j];
			char label[DECOMP_PART];
			if (!d->parts[j].stacked || d->parts[j].derived ||
			    (pl->removed[j] & ~pl->removed[i]) || !rest || (rest & used))
				continue;
			part_label(&pl->t, rest, label, sizeof(label));
			struct decomp_part *p =
			    decomp_add(d, NULL, d->parts[i].env, d->parts[j].env, label);
			p->median = d->parts[i].median, p->ci_lo = d->parts[i].ci_lo;
			p->ci_hi = d->parts[i].ci_hi;
			p->derived = p->stacked = true;
			pl->removed[d->n - 1] = rest;
			pl->col[d->n - 1] = pl->col[i];
			pl->from_col[d->n - 1] = pl->col[j];
			used |= rest;
			break;
		}
	d->all_parts = pl->fmask && used == pl->fmask;
}

static void decomp_sum_points(struct decomp *d)
{
	d->explained = 0;
	for (size_t i = 0; i < d->n; i++)
		if (d->parts[i].stacked)
			d->explained += decomp_drawn(&d->parts[i]);
	d->rest = d->extra - d->explained;
	d->has_share = d->extra > 0;
	d->share = d->has_share ? d->rest / d->extra : 0;
}

static void decomp_part_finish(struct decomp_part *p)
{
	p->distinguishable = p->saving_ci && (p->saving_lo > 0 || p->saving_hi < 0);
}

/* Unpaired (a result without blocks): differences of the series' medians; a derived part is
 * the difference of two savings, without an interval. */
static void decomp_unpaired_savings(struct decomp *d, const struct bb_result *res,
                                    unsigned long seed)
{
	for (size_t i = 0; i < d->n; i++) {
		struct decomp_part *p = &d->parts[i];
		const struct bb_series *a = results_find_summary(res, "startup", "ready", p->from);
		const struct bb_series *b = results_find_summary(res, "startup", "ready", p->env);
		struct bb_err err = { 0 };
		if (!a || !b)
			continue;
		if (stats_diff(a->samples, a->n, b->samples, b->n, seed, &p->saving, &p->saving_lo,
		               &p->saving_hi, &err) < 0)
			p->saving = a->summary.median - b->summary.median;
		p->saving_ci = stats_has_ci(p->saving_lo, p->saving_hi);
		decomp_part_finish(p);
	}
}

static unsigned long decomp_seed(const struct bb_result *res)
{
	json_t *seed = json_object_get(res->config, "seed");

	return json_is_integer(seed) ? (unsigned long)json_integer_value(seed) : 1;
}

/* The variants of `full` among the environments with `ready` (unpaired). */
static void decomp_collect(const struct bb_result *res, struct decomp *d, struct decomp_plan *pl,
                           const struct bb_series *fs)
{
	const char *names[MAX_ENVS];
	size_t n = results_env_names(res, names, MAX_ENVS);

	for (size_t i = 0; i < n && d->n < DECOMP_MAX; i++) {
		const struct bb_series *s = results_find_summary(res, "startup", "ready", names[i]);
		char label[DECOMP_PART];
		unsigned removed;
		if (!s || s == fs || strcmp(s->unit, fs->unit) ||
		    !decomp_step(res, names[i], d->container, pl, &removed))
			continue;
		pl->removed[d->n] = removed;
		part_label(&pl->t, removed, label, sizeof(label));
		decomp_add(d, res, names[i], d->container, label);
	}
}

static void decomp_unpaired(const struct bb_result *res, struct decomp *d)
{
	const struct bb_series *nat = results_find_summary(res, "startup", "ready",
	                                                   results_reference(res)),
	                       *fs;
	struct decomp_plan pl = { .t.n = 0 };
	const char *full = decomp_full(res, &pl.t, &pl.fmask);
	struct bb_err err = { 0 };

	if (!nat || !full || !pl.fmask)
		return;
	fs = results_find_summary(res, "startup", "ready", full);
	snprintf(d->container, sizeof(d->container), "%s", full);
	snprintf(d->unit, sizeof(d->unit), "%s", fs->unit);
	d->native = nat->summary.median;
	d->native_lo = nat->summary.ci_lo;
	d->native_hi = nat->summary.ci_hi;
	d->container_median = fs->summary.median;
	d->container_lo = fs->summary.ci_lo;
	d->container_hi = fs->summary.ci_hi;
	decomp_collect(res, d, &pl, fs);
	decomp_stack(d, &pl);
	decomp_unpaired_savings(d, res, decomp_seed(res));
	if (strcmp(nat->unit, fs->unit) ||
	    stats_diff(fs->samples, fs->n, nat->samples, nat->n, decomp_seed(res), &d->extra,
	               &d->extra_lo, &d->extra_hi, &err) < 0)
		d->extra = d->container_median - d->native;
	d->extra_ci = stats_has_ci(d->extra_lo, d->extra_hi);
	decomp_sum_points(d);
	d->present = d->n > 0;
}

static void decomp_est(const struct pairing_est *e, double *v, double *lo, double *hi, bool *ci)
{
	*v = e->v;
	*lo = e->lo;
	*hi = e->hi;
	if (ci)
		*ci = e->ci;
}

/* The parts of the paired blocks: full - variant per block, derived ones variant - variant. */
static int decomp_paired_plan(const struct bb_result *res, const struct pairing *pg,
                              struct decomp *d, struct decomp_plan *pl)
{
	const char *full = pg->cols[pg->full];
	const struct bb_envdesc *f = results_env(res, full);

	snprintf(d->container, sizeof(d->container), "%s", full);
	if (!f || !(pl->fmask = env_parts(f, &pl->t)))
		return -1;
	for (size_t k = 0; k < pg->ncols && d->n < DECOMP_MAX; k++) {
		char label[DECOMP_PART];
		unsigned removed;
		if ((int)k == pg->full || (int)k == pg->native ||
		    !decomp_step(res, pg->cols[k], full, pl, &removed))
			continue;
		pl->removed[d->n] = removed;
		pl->col[d->n] = (int)k;
		pl->from_col[d->n] = pg->full;
		part_label(&pl->t, removed, label, sizeof(label));
		decomp_add(d, res, pg->cols[k], full, label);
	}
	decomp_stack(d, pl);
	return d->n ? 0 : -1;
}

static void decomp_paired_fill(struct decomp *d, const struct pairing_result *r)
{
	for (size_t i = 0; i < d->n; i++) {
		struct decomp_part *p = &d->parts[i];
		decomp_est(&r->parts[i], &p->saving, &p->saving_lo, &p->saving_hi, &p->saving_ci);
		decomp_part_finish(p);
	}
	d->blocks = r->n;
	decomp_est(&r->full, &d->container_median, &d->container_lo, &d->container_hi, NULL);
	decomp_est(&r->native, &d->native, &d->native_lo, &d->native_hi, NULL);
	decomp_est(&r->total, &d->extra, &d->extra_lo, &d->extra_hi, &d->extra_ci);
	decomp_est(&r->explained, &d->explained, &d->explained_lo, &d->explained_hi, &d->sum_ci);
	decomp_est(&r->rest, &d->rest, &d->rest_lo, &d->rest_hi, NULL);
	d->has_share = r->has_share;
	decomp_est(&r->rest_share, &d->share, &d->share_lo, &d->share_hi, &d->share_ci);
}

/* From the result's blocks; false when it has none that can be read (then: unpaired). */
static bool decomp_paired(const struct bb_result *res, struct decomp *d)
{
	struct pairing pg;
	struct decomp_plan pl = { .t.n = 0 };
	struct pairing_spec specs[DECOMP_MAX];
	struct pairing_result r;
	struct bb_err err = { 0 };
	bool ok = false;

	if (!res->decomposition || results_decomp_parse(res->decomposition, &pg, &err) < 0)
		return false;
	snprintf(d->stop, sizeof(d->stop), "%s", pg.stop ? pg.stop : "");
	snprintf(d->unit, sizeof(d->unit), "ms");
	if (pg.native >= 0 && decomp_paired_plan(res, &pg, d, &pl) == 0) {
		for (size_t i = 0; i < d->n; i++)
			specs[i] =
			    (struct pairing_spec){ pl.from_col[i], pl.col[i], d->parts[i].stacked };
		ok = pairing_estimate(&pg, specs, d->n, &r, &err) == 0;
	}
	if (ok)
		decomp_paired_fill(d, &r);
	pairing_free(&pg);
	d->paired = d->present = ok;
	return ok;
}

void decomp_compute(const struct bb_result *res, struct decomp *d)
{
	memset(d, 0, sizeof(*d));
	if (decomp_paired(res, d))
		return;
	memset(d, 0, sizeof(*d));
	decomp_unpaired(res, d);
}

static json_t *decomp_est_json(double v, double lo, double hi, bool ci)
{
	return json_pack("{s:f, s:o}", "median", v, "ci95",
	                 ci ? json_pack("[f, f]", lo, hi) : json_null());
}

static json_t *decomp_parts_json(const struct decomp *d)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < d->n; i++) {
		const struct decomp_part *p = &d->parts[i];
		json_t *o = decomp_est_json(p->saving, p->saving_lo, p->saving_hi, p->saving_ci);
		json_object_update_new(o, json_pack("{s:s, s:s, s:s, s:b, s:b, s:b, s:f}", "part",
		                                    p->removed, "without", p->env, "from", p->from,
		                                    "derived", p->derived, "distinguishable",
		                                    p->distinguishable, "stacked", p->stacked,
		                                    "drawn", decomp_drawn(p)));
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *decomp_sum_json(const struct decomp *d)
{
	return json_pack(
	    "{s:o, s:o, s:o, s:o, s:b}", "total",
	    decomp_est_json(d->extra, d->extra_lo, d->extra_hi, d->extra_ci), "explained",
	    decomp_est_json(d->explained, d->explained_lo, d->explained_hi, d->sum_ci),
	    "unexplained", decomp_est_json(d->rest, d->rest_lo, d->rest_hi, d->sum_ci),
	    "unexplained_share",
	    d->has_share ? decomp_est_json(d->share, d->share_lo, d->share_hi, d->share_ci)
	                 : json_null(),
	    "all_parts", d->all_parts);
}

int decomp_store(struct bb_result *res, const struct pairing *p, struct bb_err *err)
{
	struct decomp d;
	json_t *o;

	if (p->full < 0 || p->native < 0 || !p->ncols)
		return 0; /* nothing to pair: the variants stay unpaired series */
	if (!(o = results_decomp_json(p)))
		return bb_fail(err, 0, "decomposition: cannot build its JSON");
	json_decref(res->decomposition);
	res->decomposition = o;
	decomp_compute(res, &d);
	if (!d.paired)
		return 0; /* no complete block: the raw blocks say why */
	json_object_set_new(o, "complete_blocks", json_integer((json_int_t)d.blocks));
	json_object_set_new(o, "parts", decomp_parts_json(&d));
	json_object_set_new(o, "sum", decomp_sum_json(&d));
	return 0;
}

/* --- the stack ladder --- */

static bool ladder_candidate(const struct bb_envdesc *d)
{
	return d->available && !envdesc_is_variant(d) && results_env_depth(d) <= 4 &&
	       (!d->image[0] || !strcmp(d->image, "minimal"));
}

static bool ladder_same_parts(const struct bb_envdesc *a, const struct bb_envdesc *b)
{
	return a && b && a->has_namespaces == b->has_namespaces && a->namespaces == b->namespaces &&
	       a->cgroup.on == b->cgroup.on && a->rootfs.on == b->rootfs.on;
}

/* The rung k is compared to: of the nearest lower depth, the one with the same OCI runtime
 * (podman runs runc: it adds to runc, not to crun), else the first. */
static const struct ladder_rung *ladder_below(const struct bb_result *res, const struct ladder *l,
                                              size_t k)
{
	const struct ladder_rung *first = NULL;
	const struct bb_envdesc *me = results_env(res, l->rungs[k].env);
	int depth = -1;

	for (size_t j = k; j-- > 0;)
		if (l->rungs[j].depth < l->rungs[k].depth && l->rungs[j].depth > depth)
			depth = l->rungs[j].depth;
	for (size_t j = 0; j < k; j++) {
		const struct bb_envdesc *d = results_env(res, l->rungs[j].env);
		if (l->rungs[j].depth != depth)
			continue;
		if (me && d && me->engine.runtime[0] &&
		    !strcmp(me->engine.runtime, d->engine.runtime))
			return &l->rungs[j];
		first = first ? first : &l->rungs[j];
	}
	return first;
}

/* What rung k adds to the rung below it. */
static void ladder_step(const struct bb_result *res, struct ladder *l, size_t k)
{
	struct ladder_rung *r = &l->rungs[k];
	const struct ladder_rung *below = ladder_below(res, l, k);
	const struct bb_series *a = results_find_summary(res, "startup", "ready", r->env), *b;
	struct bb_err err = { 0 };

	if (!below)
		return;
	b = results_find_summary(res, "startup", "ready", below->env);
	if (!a || !b || strcmp(a->unit, b->unit) ||
	    stats_diff(a->samples, a->n, b->samples, b->n, decomp_seed(res), &r->step, &r->step_lo,
	               &r->step_hi, &err) < 0)
		return;
	memcpy(r->from, below->env, sizeof(r->from));
	r->has_step = true;
}

void ladder_compute(const struct bb_result *res, struct ladder *l)
{
	const char *names[MAX_ENVS];
	const struct bb_envdesc *prim = NULL;
	size_t n = 0;

	memset(l, 0, sizeof(*l));
	for (size_t i = 0; i < res->nenvs && n < MAX_ENVS; i++)
		if (ladder_candidate(&res->envs[i]) &&
		    results_find_summary(res, "startup", "ready", res->envs[i].name))
			names[n++] = res->envs[i].name;
	results_env_ladder_sort(res, names, n);
	for (size_t i = 0; i < n && l->n < LADDER_MAX; i++) {
		const struct bb_envdesc *d = results_env(res, names[i]);
		const struct bb_series *s = results_find_summary(res, "startup", "ready", names[i]);
		struct ladder_rung *r = &l->rungs[l->n];
		if (l->n && strcmp(s->unit, l->unit))
			continue;
		snprintf(l->unit, sizeof(l->unit), "%s", s->unit);
		snprintf(r->env, sizeof(r->env), "%s", names[i]);
		r->depth = results_env_depth(d);
		r->median = s->summary.median;
		r->ci_lo = s->summary.ci_lo;
		r->ci_hi = s->summary.ci_hi;
		prim = !prim && r->depth == 1 ? d : prim;
		r->same_parts = r->depth >= 1 && ladder_same_parts(d, prim);
		ladder_step(res, l, l->n++);
	}
}
