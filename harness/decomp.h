/* The container startup decomposition (C10): what each namespace, the cgroup and the root
 * switch add to a container's start, from native, the full container and container variants
 * with one part (or several) turned off. The claims rule reads it for its verdict, the report
 * for its table and the stacked-bar chart.
 *
 * Paired (a result with a `decomposition` object, pairing.h): each part is the median of the
 * per-block differences (full - variant) with its bootstrap 95% CI over blocks; a part derived
 * from two variants (the mount namespace: without rootfs minus without mnt+rootfs) likewise from
 * their per-block difference. Unpaired (older results): each part is the difference of the two
 * series' medians, its CI from independent resamples, and the sum check has no interval.
 *
 * Either way: a part whose CI holds 0 is "not distinguishable from 0"; a variant slower than the
 * full container saves nothing (saving < 0 is shown as that, drawn as 0, and never counted);
 * explained = the sum of max(0, saving) over the stacked parts (disjoint, together covering the
 * container's parts when all_parts), rest = (full - native) - explained.
 *
 * A container's parts come from its description (namespaces, cgroup, rootfs). The full
 * container is the box the variants name (`variant_of`); in results that do not name it, the
 * container with `ready` and the most parts. A container without a description is no step. */
#ifndef BB_DECOMP_H
#define BB_DECOMP_H

#include <stdbool.h>
#include <stddef.h>

#include "pairing.h"
#include "results.h"

#define DECOMP_MAX  16
#define DECOMP_PART 96

/* One part: the full container minus a variant, or (derived) one variant minus another. */
struct decomp_part {
	char env[32];  /* the variant without the part (derived: the one without more) */
	char from[32]; /* what it is subtracted from: the full container, or a variant */
	char removed[DECOMP_PART];   /* "net ns", "cgroup", "rootfs", "mnt ns+rootfs", ... */
	double median, ci_lo, ci_hi; /* env's own startup `ready` (its series) */
	double saving, saving_lo, saving_hi; /* what the part adds: from - env; < 0: env slower */
	bool saving_ci;                      /* saving_lo/hi are a 95% CI */
	bool distinguishable;                /* that CI excludes 0 */
	bool derived;                        /* from two variants, not from the full container */
	bool stacked;                        /* disjoint from the others: part of the stacked bar */
};

struct decomp {
	bool present; /* a native, a full container and at least one variant with `ready` */
	bool paired;  /* from blocks (pairing.h); else from the series' medians */
	char container[32], unit[24];
	char stop[16]; /* why the blocks stopped (paired) */
	size_t blocks; /* complete blocks (paired) */
	double native, container_median, container_lo, container_hi, native_lo, native_hi;
	struct decomp_part parts[DECOMP_MAX];
	size_t n;
	double extra, extra_lo, extra_hi;             /* full - native */
	double explained, explained_lo, explained_hi; /* sum of the stacked max(0, saving) */
	double rest, rest_lo, rest_hi;                /* extra - explained */
	double share, share_lo, share_hi;             /* rest / extra (has_share: extra > 0) */
	bool extra_ci, sum_ci, has_share, share_ci;
	bool all_parts; /* every part of the full container is separated by a stacked part */
};

/* What a part draws in the stacked bar and counts in the sum: never below 0. */
double decomp_drawn(const struct decomp_part *p);

/* The stack ladder (C10): a process, the kernel's primitives (boxbench's container), an OCI
 * runtime driven directly (crun, runc), an engine without a daemon (podman), an engine with one
 * (docker). Rungs are the available boxes on the minimal image that are not decomposition
 * variants, with startup `ready`, ordered by results_env_depth (0..4), never by name; among
 * boxes of one depth, the result's order. Each rung's step is what it adds to the rung below:
 * of the nearest lower depth, the one with the same OCI runtime (engine.runtime), else the
 * first; the difference of medians with a bootstrap 95% CI (the result's seed). */
#define LADDER_MAX 12

struct ladder_rung {
	char env[32];
	int depth;
	double median, ci_lo, ci_hi;
	bool has_step;
	char from[32]; /* the rung it is compared to */
	double step, step_lo, step_hi;
	/* the same namespaces, cgroup and root switch as the primitives' box (depth 1) */
	bool same_parts;
};

struct ladder {
	size_t n;
	char unit[24];
	struct ladder_rung rungs[LADDER_MAX];
};

void ladder_compute(const struct bb_result *res, struct ladder *l);

/* Set res->decomposition from the blocks (results_decomp.h), with the parts computed from them
 * (the result's environments must be described: call after results_add_env). */
int decomp_store(struct bb_result *res, const struct pairing *p, struct bb_err *err);

/* Fill d from a result; d->present is false when the result holds no decomposition. */
void decomp_compute(const struct bb_result *res, struct decomp *d);

#endif
