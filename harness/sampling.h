/* How many samples a run takes, and in what order: each (suite, environment) pair is sampled
 * until the 95% CI of its median is within a target or its time budget is spent, after a
 * minimum; the samples of every round are shuffled with the run's seed. Pure decisions, kept
 * apart from the loop that runs the instances (run.c) so tests can drive them.
 *
 * The rule, per pair:
 * - a fixed count (--reps N, or a suite that checks rather than estimates: runsuite.h's
 *   `checks`): exactly N instances, one per round; no target;
 * - otherwise at least `min_n` instances (SAMPLING_MIN_CHEAP when one costs under
 *   SAMPLING_CHEAP_S, else BB_CI_MIN_N, the fewest that get an interval at all), then it stops
 *   as soon as EVERY metric it yields with a sample from each instance (its driving series)
 *   has a CI half-width within the target of its median; or when its wall time passes the
 *   budget; or at max_n. A pair whose instances yield no such metric (facts only) stops after
 *   one instance, and one whose first SAMPLING_MAX_FAILED instances all failed stops there.
 * - a round gives each active pair a batch of about budget / SAMPLING_ROUNDS of wall time (at
 *   least one instance), so a cheap pair is spread over several rounds, interleaved with the
 *   expensive ones, instead of running all at once; then the whole round's instances are
 *   shuffled. */
#ifndef BB_SAMPLING_H
#define BB_SAMPLING_H

#include <stdbool.h>
#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "err.h"
#include "results.h"

#define SAMPLING_TARGET_DEFAULT 0.03 /* +-3% of the median; a suite may declare its own */
#define SAMPLING_CHEAP_S        0.1  /* an instance under 100 ms is cheap ... */
#define SAMPLING_MIN_CHEAP      10   /* ... and a cheap pair takes at least 10 */
#define SAMPLING_ROUNDS         5    /* a budget is spread over at least this many rounds */
#define SAMPLING_MAX_DEFAULT    5000 /* instances per pair at most */
#define SAMPLING_CHECK_GROWTH   1.2  /* a missed target is checked again at 1.2x the samples */
#define SAMPLING_MAX_FAILED     3    /* a pair whose first 3 instances all failed stops */

struct sampling_cfg {
	long reps;       /* > 0: exactly this many per pair, no target */
	double budget_s; /* wall-time budget per pair */
	long max_n;      /* instances per pair at most */
	unsigned long seed;
};

struct run_pair {
	size_t si, ei;    /* suite and environment of the run */
	double target;    /* relative half-width to reach (0 with a fixed count) */
	long fixed;       /* > 0: exactly this many instances */
	long kept;        /* instances kept: the rep of the next one */
	long ok;          /* kept instances that succeeded */
	long runs;        /* instances run, warm-up included (for the cost) */
	double spent_s;   /* wall time of the kept instances */
	double run_s;     /* wall time of every instance, warm-up included */
	long next_check;  /* ok count at which the target is checked next */
	const char *stop; /* why it stopped (reps, precision, budget, max, once, failed,
	                   * interrupted); NULL while active */
	double precision; /* worst relative half-width of its driving series at the last check */
	bool paired;      /* sampled in the decomposition's blocks (pairing.h), not in rounds */
};

/* A fresh pair of suite si and environment ei: to `target`, or exactly `fixed` instances
 * when fixed > 0 (c->reps, when set, overrides both). */
void sampling_pair_init(struct run_pair *p, size_t si, size_t ei, double target, long fixed,
                        const struct sampling_cfg *c);

/* Mean wall time of one instance so far (0 before any). */
double sampling_cost(const struct run_pair *p);
/* The minimum count of a pair (from its cost so far). */
long sampling_min_n(const struct run_pair *p);
/* Instances of the pair in the next round (0 once it stopped). */
long sampling_batch(const struct run_pair *p, const struct sampling_cfg *c);

/* Decide after a round: sets p->stop when the pair is done. The driving series are those of
 * (suite, env) in res with a sample from each successful instance; their CIs are the summary
 * stats_summarize gives with `seed` (the same the result will show). */
int sampling_update(struct run_pair *p, const struct sampling_cfg *c, struct bb_result *res,
                    const char *suite, const char *env, struct bb_err *err);

/* Fisher-Yates shuffle of v with r. */
void sampling_shuffle(size_t *v, size_t n, gsl_rng *r);

/* Wall time the pair may still take (its budget left, or what its minimum still costs). */
double sampling_eta_s(const struct run_pair *p, const struct sampling_cfg *c);

#endif
