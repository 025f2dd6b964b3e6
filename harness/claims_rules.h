/* What the claim rules share inside the claims module (claims.c, claims_start.c): their
 * thresholds, the slowdown of a series with its interval, the figure and reason writers, and
 * the rules defined outside claims.c. Not for other modules: they use claims.h. */
#ifndef BB_CLAIMS_RULES_H
#define BB_CLAIMS_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "format.h"
#include "results.h"

struct claim_eval; /* claims.h */

/* Thresholds of the rules, in one place so the report can quote them. */
#define C5_MS_SCALE    100.0 /* "starts in milliseconds": median under a tenth of a second */
#define C5_ORDERS      100.0 /* "orders of magnitude": two, at the low end of the ratio's CI */
#define C5_ONE_ORDER   10.0
#define C5_MINUTES_MS  60000.0
#define C7_CPU_NEAR    1.10 /* CPU-bound work within 10% of native */
#define C7_SYSCALL_MAX 1.50 /* a syscall that does not exit stays within 1.5x */
#define C8_PF_HEAVY    2.0  /* page faults twice as costly: a software-visible second layer */
#define C8_VISIBLE     1.05 /* a cost at all, beyond noise (low end of the CI) */
#define C9_VISIBLE     1.10
#define C6_GREAT_DEAL  10.0 /* "a great deal": an order of magnitude */
#define C6_NOT_MUCH    2.0
#define C1_NEAR        1.10 /* "as little": the container's cost in a VM within 10% of on the host */
/* C10: the parts explain the container's extra start when what they leave unexplained is
 * within +-25% of it (whole CI), and do not when over half of it stays unexplained */
#define C10_EXPLAINED   0.25
#define C10_UNEXPLAINED 0.50
/* C1's verdict when a nesting factor's interval straddles C1_NEAR. */
#define C1_INCONCLUSIVE CLAIM_INCONCLUSIVE

#define MAX_ENVS 32

struct slow {
	bool ok;      /* a ratio at all: a point only, without an interval, when !ci */
	bool ci;      /* a 95% CI (both sides had at least BB_CI_MIN_N samples) */
	size_t trunc; /* samples cut short at the workload's time budget, here and in native */
	size_t n;
	double v, lo, hi; /* env / native in "time" direction: > 1 is worse */
};

#define FIG(c, ...)    fmt_append((c)->figures, sizeof((c)->figures), __VA_ARGS__)
#define REASON(c, ...) fmt_append((c)->reason, sizeof((c)->reason), __VA_ARGS__)

/* Helpers the rules share (claims.c). */
void env_absence(const struct bb_result *res, enum bb_class cls, char *buf, size_t len);
void fig_median(struct claim_eval *c, const struct bb_result *res, const char *label,
                const struct bb_series *s);
void not_measured(struct claim_eval *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
unsigned long result_seed(const struct bb_result *res);
struct slow metric_slow(const struct bb_result *res, const char *suite, const char *metric,
                        const char *env);

/* The rules on starting boxes and on a box inside a box (claims_start.c). */
void claim_c1(const struct bb_result *res, struct claim_eval *c);
void claim_c5(const struct bb_result *res, struct claim_eval *c);
void claim_c10(const struct bb_result *res, struct claim_eval *c);

#endif
