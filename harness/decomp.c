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
		if (d->class != BB_CLASS_CONTAINER ||
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
		if (!s || s == fs || !e || e->class != BB_CLASS_CONTAINER ||
		    strcmp(s->unit, fs->unit) || (e->variant_of[0] && strcmp(e->variant_of, full)))
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
