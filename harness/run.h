/* The run loop behind `boxbench run`: interleaved samples over environments, recorded into a
 * result. Split from the CLI so tests can drive it. */
#ifndef BB_RUN_H
#define BB_RUN_H

#include <stdbool.h>
#include <stdio.h>

#include "launcher.h"
#include "pairing.h"
#include "results.h"
#include "runsuite.h"
#include "sampling.h"

#define BB_MAX_ENVS       32
#define BB_MAX_SUITES     16
#define BB_MAX_SUITE_ARGS 16

struct bb_run {
	struct bb_env envs[BB_MAX_ENVS];
	size_t nenvs;
	const char *suites[BB_MAX_SUITES];
	char *suite_args[BB_MAX_SUITES][BB_MAX_SUITE_ARGS]; /* NULL-terminated per suite */
	size_t nsuites;
	long reps;        /* > 0: exactly this many samples per pair (--reps); 0: to a precision */
	long warmup;      /* discarded instances per environment, before the first round */
	double precision; /* --precision as a fraction; 0: each suite's own (runsuite.h) */
	double budget_s;  /* wall-time budget per (suite, environment) pair */
	long max_reps;    /* samples per pair at most */
	unsigned long seed; /* of the order (and of the bootstrap) */
	double timeout_s;
	bool progress_tty;
	FILE *progress; /* NULL = quiet */
	size_t failed;  /* samples that failed */
	struct run_pair pairs[BB_MAX_SUITES * BB_MAX_ENVS];
	size_t npairs;
	long seq, rounds;                   /* instances run (warm-up included), rounds begun */
	struct run_suite_state suite_state; /* the suite hooks' state and options (runsuite.h) */
	/* the decomposition's blocks (pairing.h): native, the full container and its variants,
	 * when variants run startup; their wall-time budget (0: the run's budget_s) */
	struct pairing pairing;
	double decompose_budget_s;
};

/* Better direction of a metric: from the workload's metric table when it lists it, else from
 * the unit (rates are better higher, times lower). */
enum bb_better run_metric_better(const char *suite, const char *metric, const char *unit);

/* Run every sample: per-environment warm-up, then rounds of shuffled (suite, environment)
 * instances until every pair stopped (sampling.h), then the decomposition's blocks (pairing.h:
 * decomposition variants start only there, each block one start of native, the full container
 * and every variant, shuffled); each series gets its target, stop reason and wall time. Stops
 * early (returns 1) when bb_interrupted. run->pairing holds the blocks (pairing_free it). */
int run_samples(struct bb_run *run, struct bb_result *res, struct bb_err *err);

#endif
