/* `boxbench compare BASE1 BASE2 ... -- NEW1 NEW2 ...`: several runs per side, so that what
 * differs from one run to the next (the machine's state) is measured as noise instead of
 * being read as a change. Per series (suite, metric, env) present in every run: each run's
 * median, their logs, and a one-sided Welch t-test of "NEW is worse" on the logs (worse by
 * `better`), Holm-corrected over the series compared (compare.h's compare_correct); the change
 * is the ratio of geometric means minus 1 with the Welch 95% CI. A series REGRESSED when its
 * corrected p < alpha and the whole CI of its change is worse than the threshold (compare.h's
 * rule). Two runs of the same build differ only by run-to-run noise, which the test now
 * includes. At least two runs a side: one run has no spread to test against. */
#ifndef BB_COMPARE_RUNS_H
#define BB_COMPARE_RUNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "compare.h"

#define COMPARE_RUNS_MIN 2
#define COMPARE_RUNS_MAX 64

struct compare_welch {
	double t, df;
	double geo_base, geo_new; /* geometric means of the run medians */
};

/* The test on the logs of run medians base[0..nb) and new_[0..nn) (each >= COMPARE_RUNS_MIN,
 * every value > 0), into out's change (CI), p_worse/p_better (unadjusted) and verdict. */
int compare_welch_log(const double *base, size_t nb, const double *new_, size_t nn,
                      enum bb_better better, const struct compare_rule *rule,
                      struct compare_stat *out, struct compare_welch *w, struct bb_err *err);

/* The command on the files: prints the table (text, or JSON when json) to out; returns the
 * exit code (0, 1 on a regression, 2 on bad input). */
int compare_runs_main(char **base, size_t nb, char **new_, size_t nn,
                      const struct compare_rule *rule, bool json, FILE *out);

#endif
