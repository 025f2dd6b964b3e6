/* What the harness does for a workload suite beyond running it, declared per suite (fio's
 * engine options, stress-ng's per-stressor hooks): the suite's own `run` options, the
 * arguments every box passes it, a step before the first sample and a step while an instance
 * idles. The workload's table (bench/suite.h) says what a suite is; this one, keyed by the
 * same `struct suite`, says what `run` does around it. A suite with nothing to add has no
 * entry. */
#ifndef BB_RUNSUITE_H
#define BB_RUNSUITE_H

#include <stdbool.h>
#include <stddef.h>

#include "footprint.h"
#include "opttab.h"
#include "results.h"
#include "runner.h"
#include "suite.h"

/* The io suite's data set (--io-mib, --io-reads; 0 = the defaults below). */
struct run_io_opts {
	unsigned mib, reads;
};

#define RUN_IO_MIB         128
#define RUN_IO_READS       2000
#define RUN_IO_QUICK_MIB   64
#define RUN_IO_QUICK_READS 1000

/* What the hooks keep across a run, and the fields of their options; part of struct bb_run. */
struct run_suite_state {
	struct fp_ctx footprint; /* --budget, --density (zeros: defaults); where disk files go */
	struct run_io_opts io;
};

/* What argument hooks may use: the run's choices, the host and the suites' options. */
struct run_suite_ctx {
	bool quick;
	unsigned long long llc_bytes; /* last-level cache of the host, 0 = unknown */
	const struct run_suite_state *state;
};

/* The io suite's data set in MiB and read count, the options' or the (--quick) defaults. */
void run_io_size(const struct run_io_opts *o, bool quick, unsigned *mib, unsigned *reads);

struct run_suite {
	const struct suite *suite;
	/* its own options, fields of struct run_suite_state */
	const struct bb_option *options;
	/* arguments for the workload; returns how many it wrote (at most max) */
	size_t (*args)(const struct run_suite_ctx *ctx, char **argv, size_t max);
	/* once before the first sample */
	int (*begin)(struct run_suite_state *st, struct bb_result *res, struct bb_err *err);
	/* measured from outside while the instance idles (runner.h's live step) */
	const struct bb_live *(*live)(struct run_suite_state *st, struct bb_result *res, long rep,
	                              struct bb_live *live);
	/* decomposition variants run this suite (they exist to price a start) */
	bool variants_run;
	/* the precision it samples to by default (relative half-width of the median's 95% CI;
	 * 0: SAMPLING_TARGET_DEFAULT) */
	double precision;
	/* > 0: the suite checks (is a limit enforced?) rather than estimates: exactly this many
	 * instances per box, no target (--reps overrides) */
	long checks;
};

extern const struct run_suite *const run_suites[];

/* The entry of suite s, or NULL when the harness adds nothing to it. */
const struct run_suite *run_suite_find(const struct suite *s);

/* The precision suite s samples to by default. */
double run_suite_precision(const struct suite *s);

#endif
