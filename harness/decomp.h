/* The container startup decomposition (C10): what each namespace, the cgroup and the root
 * switch add to a container's start, from the `ready` series of native, the full container and
 * container variants with one part (or several) turned off. The claims rule reads it for its
 * verdict, the report for the stacked-bar chart.
 *
 * A container's parts come from its description (namespaces, cgroup, rootfs). The full
 * container is the box the variants name (`variant_of`); in results that do not name it, the
 * container with `ready` and the most parts. A container without a description is no step. */
#ifndef BB_DECOMP_H
#define BB_DECOMP_H

#include <stdbool.h>
#include <stddef.h>

#include "results.h"

#define DECOMP_MAX  16
#define DECOMP_PART 96

/* One container variant of the startup decomposition: the full container minus `removed`. */
struct decomp_part {
	char env[32];
	char removed[DECOMP_PART];   /* "net", "cgroup", "rootfs", "mnt+pid", ... */
	double median, ci_lo, ci_hi; /* its startup `ready`, in the series' unit */
	double saving;               /* full container's median minus this one's */
	bool stacked;                /* disjoint from the others: part of the stacked bar */
};

struct decomp {
	bool present; /* a native, a full container and at least one variant with `ready` */
	char container[32], unit[24];
	double native, container_median, container_lo, container_hi, native_lo, native_hi;
	struct decomp_part parts[DECOMP_MAX];
	size_t n;
	double explained; /* sum of the stacked savings */
	double rest;      /* (container - native) - explained */
	bool all_parts;   /* every part of the full container is separated by a stacked variant */
};

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

/* Fill d from a result; d->present is false when the result holds no decomposition. */
void decomp_compute(const struct bb_result *res, struct decomp *d);

#endif
