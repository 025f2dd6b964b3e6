#include "decomp.h"

#include <stdio.h>
#include <string.h>

#include "format.h"
#include "ns.h"

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

static void decomp_add(struct decomp *d, const struct bb_series *s, const char *label)
{
	struct decomp_part *p = &d->parts[d->n++];

	snprintf(p->env, sizeof(p->env), "%s", s->env);
	snprintf(p->removed, sizeof(p->removed), "%s", label);
	p->median = s->summary.median;
	p->ci_lo = s->summary.ci_lo;
	p->ci_hi = s->summary.ci_hi;
	p->saving = d->container_median - p->median;
}

/* Stack the variants that remove fewest parts first, keeping each part in one segment. */
static void decomp_stack(struct decomp *d, const unsigned *removed, unsigned full)
{
	unsigned used = 0;

	for (int bits = 1; bits <= 32; bits++)
		for (size_t i = 0; i < d->n; i++) {
			if (__builtin_popcount(removed[i]) != bits || (removed[i] & used))
				continue;
			d->parts[i].stacked = true;
			used |= removed[i];
			d->explained += d->parts[i].saving;
		}
	d->rest = d->container_median - d->native - d->explained;
	d->all_parts = full && used == full;
}

void decomp_compute(const struct bb_result *res, struct decomp *d)
{
	const char *names[MAX_ENVS], *full;
	const struct bb_series *nat = results_find_summary(res, "startup", "ready",
	                                                   results_reference(res)),
	                       *fs;
	struct part_table t = { .n = 0 };
	unsigned fmask = 0, removed[DECOMP_MAX];
	size_t n = results_env_names(res, names, MAX_ENVS);

	memset(d, 0, sizeof(*d));
	full = decomp_full(res, &t, &fmask);
	if (!nat || !full || !fmask)
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
	for (size_t i = 0; i < n && d->n < DECOMP_MAX; i++) {
		const struct bb_series *s = results_find_summary(res, "startup", "ready", names[i]);
		const struct bb_envdesc *e = results_env(res, names[i]);
		char label[DECOMP_PART];
		unsigned m;
		if (!s || s == fs || !e || results_env_depth(e) != 1 || strcmp(s->unit, fs->unit) ||
		    (e->variant_of[0] && strcmp(e->variant_of, full)))
			continue;
		m = env_parts(e, &t);
		if ((m & ~fmask) || m == fmask || !e->has_namespaces)
			continue; /* not a subset of the full container: not a decomposition step */
		removed[d->n] = fmask & ~m;
		part_label(&t, removed[d->n], label, sizeof(label));
		decomp_add(d, s, label);
	}
	decomp_stack(d, removed, fmask);
	d->present = d->n > 0;
}

/* --- the stack ladder --- */

static unsigned long ladder_seed(const struct bb_result *res)
{
	json_t *seed = json_object_get(res->config, "seed");

	return json_is_integer(seed) ? (unsigned long)json_integer_value(seed) : 1;
}

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
	    stats_diff(a->samples, a->n, b->samples, b->n, ladder_seed(res), &r->step, &r->step_lo,
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
