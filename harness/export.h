/* A result in the formats existing dashboards and trackers read, checked against each
 * reader's own source (README "Exports").
 *
 * csv       one row per sample, kept or failed: result_id, host, started_at, suite, metric,
 *           env, better, status (ok | error), rep_index (ok: the index among kept samples;
 *           error: the repetition that failed), value and unit as recorded, the value in the
 *           base unit of its quantity under that quantity's one column (time_s, size_bytes,
 *           rate_ops_per_s, rate_bytes_per_s; empty otherwise), accel, emulated, error.
 *           A merged result (boxbench merge): every host's rows, host its name in the merge,
 *           result_id and started_at its own run's. The other formats take one host.
 * bmf       Bencher Metric Format: {"suite/metric": {MEASURE: {value, lower_value,
 *           upper_value}}} with the median and the bootstrap 95% CI of the median. Bencher
 *           takes the testbed per report (`bencher run --testbed ENV`), so one document holds
 *           ONE environment: the only one in the file, or the one chosen with export_opts.env.
 *           Times go to Bencher's built-in `latency` (ns), operation rates to `throughput`
 *           (ops/s), sizes to `file-size` (bytes); other quantities to a measure named after
 *           their base unit. BMF carries no direction: a higher-is-better measure needs a
 *           threshold with a lower boundary in Bencher.
 * gab       github-action-benchmark's custom format: [{name, unit, value, range, extra}], name
 *           "suite/metric/env", value the median, range "± h" with h the larger half-width of
 *           the 95% CI of the median. The action reads one direction per file (tool
 *           customSmallerIsBetter or customBiggerIsBetter), so one document holds the series
 *           of ONE direction (export_opts.better); the others are counted in *left_out.
 * gbench    Google Benchmark JSON: {context (json_schema_version 1, caches with num_sharing),
 *           benchmarks[]}, times in ns; one "iteration" entry per sample (repetitions = n,
 *           iterations = 1, repetition_index) and the mean, median, stddev and cv aggregates,
 *           so tools/compare.py can run its own U test on the repetitions; aggregates_only
 *           writes the aggregates alone (--benchmark_report_aggregates_only: each name once).
 *           boxbench measures wall time only: cpu_time repeats real_time (the context says
 *           so). Only time units fit real_time; other series are counted in *left_out.
 * hyperfine hyperfine's --export-json: {results: [{command "suite/metric/env", mean, stddev,
 *           median, user, system, min, max, times, exit_codes, parameters {suite, metric,
 *           env}}]}, in seconds; user and system are 0 (not measured). Times only. */
#ifndef BB_EXPORT_H
#define BB_EXPORT_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>

#include "err.h"
#include "results.h"
#include "results_hosts.h"

enum export_format { EXPORT_CSV, EXPORT_BMF, EXPORT_GAB, EXPORT_GBENCH, EXPORT_HYPERFINE };

/* What a unit measures, and its base unit (s, bytes, ops/s, bytes/s; else the unit itself). */
enum export_quantity {
	EXPORT_Q_OTHER,
	EXPORT_Q_TIME,
	EXPORT_Q_SIZE,
	EXPORT_Q_OPS_RATE,
	EXPORT_Q_BYTE_RATE
};

struct export_base {
	enum export_quantity q;
	const char *base;
	double factor; /* value in unit x factor = value in base */
};

struct export_base export_base_unit(const char *unit);

struct export_opts {
	enum export_format format;
	const char *env;       /* only this environment (NULL: all; bmf: the only one) */
	enum bb_better better; /* gab: the direction exported */
	bool aggregates_only;  /* gbench: the aggregates, not every repetition */
};

/* "csv" | "bmf" | "gab" | "gbench" | "hyperfine" */
int export_format_parse(const char *name, enum export_format *out, struct bb_err *err);

int export_csv(const struct bb_result *res, const char *env, FILE *f, struct bb_err *err);
/* A merged result's csv: every host with a result (only `host` when set). */
int export_csv_hosts(const struct bb_hostset *set, const char *host, const char *env, FILE *f,
                     struct bb_err *err);
/* The JSON formats return a new reference (NULL with err set on failure). */
json_t *export_bmf(const struct bb_result *res, const char *env, struct bb_err *err);
json_t *export_gab(const struct bb_result *res, const char *env, enum bb_better better,
                   size_t *left_out, struct bb_err *err);
json_t *export_gbench(const struct bb_result *res, const char *env, bool aggregates_only,
                      size_t *left_out, struct bb_err *err);
json_t *export_hyperfine(const struct bb_result *res, const char *env, size_t *left_out,
                         struct bb_err *err);

/* The chosen format to f; *left_out counts series a format could not hold. */
int export_write(const struct bb_result *res, const struct export_opts *opts, FILE *f,
                 size_t *left_out, struct bb_err *err);

#endif
