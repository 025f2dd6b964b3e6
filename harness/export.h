/* A result in the formats existing dashboards and trackers read.
 *
 * csv     one row per sample: suite,metric,env,unit,better,rep_index,value,accel,result_id
 *         (rep_index counts the kept samples from 0; failed samples have no row).
 * bmf     Bencher Metric Format: {"suite/metric": {MEASURE: {value, lower_value, upper_value}}}
 *         with the median and the bootstrap 95% CI of the median. Bencher takes the testbed
 *         per report (`bencher run --testbed ENV`), so one document holds ONE environment:
 *         the only one in the file, or the one chosen with export_opts.env. Times are
 *         converted to nanoseconds under Bencher's built-in `latency` measure; other units go
 *         to a measure named after the unit (e.g. "MB/s"), which Bencher creates on first use.
 * gab     github-action-benchmark's custom format: [{name, unit, value, range, extra}], name
 *         "suite/metric/env", value the median, range "± h" with h the larger half-width of the
 *         95% CI of the median. The action reads one direction per file (tool
 *         customSmallerIsBetter or customBiggerIsBetter), so one document holds the series of
 *         ONE direction (export_opts.better); the others are counted in *left_out.
 * gbench  Google Benchmark JSON: {context, benchmarks[]}, one "iteration" entry per sample
 *         (repetitions = n, iterations = 1) and the mean, median, stddev and cv aggregates, so
 *         tools/compare.py can run its own U test on the repetitions. boxbench measures wall
 *         time only: cpu_time repeats real_time (the context says so). Only time units
 *         (s, ms, us, ns) fit real_time; other series are counted in *left_out. */
#ifndef BB_EXPORT_H
#define BB_EXPORT_H

#include <stdio.h>
#include <jansson.h>

#include "err.h"
#include "results.h"

enum export_format { EXPORT_CSV, EXPORT_BMF, EXPORT_GAB, EXPORT_GBENCH };

struct export_opts {
	enum export_format format;
	const char *env;       /* only this environment (NULL: all; bmf: the only one) */
	enum bb_better better; /* gab: the direction exported */
};

/* "csv" | "bmf" | "gab" | "gbench" */
int export_format_parse(const char *name, enum export_format *out, struct bb_err *err);

int export_csv(const struct bb_result *res, const char *env, FILE *f, struct bb_err *err);
/* The JSON formats return a new reference (NULL with err set on failure). */
json_t *export_bmf(const struct bb_result *res, const char *env, struct bb_err *err);
json_t *export_gab(const struct bb_result *res, const char *env, enum bb_better better,
                   size_t *left_out, struct bb_err *err);
json_t *export_gbench(const struct bb_result *res, const char *env, size_t *left_out,
                      struct bb_err *err);

/* The chosen format to f; *left_out counts series a format could not hold. */
int export_write(const struct bb_result *res, const struct export_opts *opts, FILE *f,
                 size_t *left_out, struct bb_err *err);

#endif
