/* The article's claims C1..C10 (CLAIMS.md) as verdict rules: pure functions from a result to
 * {figures, verdict, reason}. A rule reads only what the result holds; when the suite or the
 * environment that settles a claim is absent, the verdict is "not measured here" and the reason
 * names what would settle it. Emulated (TCG) VM figures never count as hardware costs.
 *
 * What the rules read (beyond series and environments):
 * - isolation (C3, C4): `facts` of suite "isolation", one key per observation. The host's own
 *   value is the fact of env "host" when present, else that of "native" (native sees the host).
 *   A value that is null, "", "hidden", "denied" or "unreadable" counts as hidden; a value that
 *   already is a verdict ("same", "same as host", "different", "hidden") is taken as it is.
 * - limits (C2): `facts` of suite "limits" with keys ending in "_enforced" and a boolean-ish
 *   value (true/false, 1/0, "yes"/"no", "true"/"false").
 * - decomposition (C10): container variants, told apart by their `environments` entries
 *   (`namespaces`, `cgroup`, `rootfs`), or else by names like "container-no<part>".
 * - nesting (C1): an environment whose `environments` entry has "nested": true, or whose name
 *   holds both "vm" and "container". */
#ifndef BB_CLAIMS_H
#define BB_CLAIMS_H

#include <stdbool.h>
#include <stddef.h>

#include "results.h"

#define CLAIMS_N    10
#define CLAIM_TEXT  1024
#define DECOMP_MAX  16
#define CLAIMS_PART 96

enum claim_verdict {
	CLAIM_NOT_MEASURED,
	CLAIM_HOLDS,
	CLAIM_HOLDS_CAVEAT,
	CLAIM_DOES_NOT_HOLD,
};

struct claim_eval {
	const char *id;     /* "C1" .. "C10" */
	const char *claim;  /* the article's claim, one sentence */
	const char *settle; /* what measurement settles it */
	enum claim_verdict verdict;
	char figures[CLAIM_TEXT]; /* the figures from this result that settle it ("" if none) */
	char reason[CLAIM_TEXT];
};

/* One container variant of the startup decomposition: the full container minus `removed`. */
struct decomp_part {
	char env[32];
	char removed[CLAIMS_PART];   /* "net", "cgroup", "rootfs", "mnt+pid", ... */
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

/* Evaluate all ten rules, in order C1..C10. Never fails: a rule that cannot compute a figure
 * says so in its reason. */
void claims_evaluate(const struct bb_result *res, struct claim_eval out[CLAIMS_N]);
const char *claim_verdict_name(enum claim_verdict v);

/* The container startup decomposition (C10), for the rule and for the stacked-bar chart. */
void claims_decomposition(const struct bb_result *res, struct decomp *d);

#endif
