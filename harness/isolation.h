/* The isolation matrix (C3, C4) and the limits table (C2), from a result's facts.
 *
 * Matrix: fact x environment -> same as host / different / hidden. The host's own value is the
 * fact of env "host", which `run` records in-process with the workload's own collectors
 * (bench/isolation.h) when the isolation suite runs; older results without it fall back on
 * "native" (a plain process sees what the host sees). Values are compared per fact: boot_time
 * within a few seconds (the host and the box look at different moments; the wall clock is
 * slewed), process_count within 10% or 10 processes (processes come and go), other numbers
 * within 1%, strings exactly.
 *
 * Limits: per environment and limit (cpu, memory, pids), what the harness set (the
 * environment's `cgroup`, or the guest's vcpus/mem_mib), what the workload saw inside, what it
 * measured and whether the limit held (suite "limits", bench/suite_limits.c). */
#ifndef BB_HARNESS_ISOLATION_H
#define BB_HARNESS_ISOLATION_H

#include <stdio.h>
#include <jansson.h>

#include "err.h"
#include "results.h"

/* The host's own facts are recorded under this env, which no box can be named (run's names
 * are a launcher's name, optionally with a suffix, and no launcher is called that). */
#define ISO_HOST RESULTS_FACT_HOST

#define ISO_BOOT_TIME_TOL_S 5.0
#define ISO_PROCS_TOL_REL   0.10
#define ISO_PROCS_TOL_ABS   10.0
#define ISO_NUM_TOL_REL     0.01

enum iso_cell { ISO_NONE, ISO_SAME, ISO_DIFFERENT, ISO_HIDDEN };

/* "same as host", "different", "hidden"; "-" for no cell. */
const char *iso_cell_name(enum iso_cell c);

/* One comparison: `seen` in a box against the host's value (either may be NULL). A seen value
 * that already is a verdict ("same", "same as host", "different") is taken as it is; null, ""
 * and the hidden words (bench/isolation.h, plus "-") are hidden; no usable host value: none. */
enum iso_cell isolation_compare(const char *key, json_t *seen, json_t *host);

/* The matrix cell of (env, key) in a result. */
enum iso_cell isolation_cell(const struct bb_result *res, const char *env, const char *key);

/* The value of the first (lowest rep) fact (suite, env, key), or NULL. */
json_t *isolation_fact(const struct bb_result *res, const char *suite, const char *env,
                       const char *key);

/* Rows of the matrix: the workload's keys in their order, then any other key of the suite
 * that the host (or native) also reported; the boot-time records of a guest's init are not
 * facts about the host. Columns: environments with isolation facts, "host" left out. */
size_t isolation_keys(const struct bb_result *res, const char **keys, size_t max);
size_t isolation_envs(const struct bb_result *res, const char **envs, size_t max);

/* A fact value for display ("2026-11-28T05:07:39Z" for boot_time, "23.5 GiB" for bytes). */
void isolation_format(const char *key, json_t *v, char *buf, size_t len);

/* When `suites` includes "isolation" and the result has no host facts yet: collect the
 * host's own facts in this process and append them as {env "host", suite "isolation", rep 0}. */
int isolation_record_host(struct bb_result *res, const char *const *suites, size_t nsuites,
                          struct bb_err *err);

/* The isolation suite's arguments that name this process (--host-pid N --host-start T, see
 * struct iso_opts): appended to argv (room for max), returns how many. The strings are static. */
size_t isolation_suite_args(char **argv, size_t max);

/* The limits table. */
struct limits_row {
	const char *env;
	const char *limit; /* "cpu", "memory", "pids" */
	char set[64];      /* what the harness set: "1 CPU", "256 MiB", "none", "-" */
	char seen[96];     /* what the workload read inside */
	char measured[96]; /* what it obtained: "1.01 CPUs", "256 MiB touched", "254 forks" */
	char enforced[160];
	char detail[512]; /* how it went, from the workload */
};
size_t limits_rows(const struct bb_result *res, struct limits_row *rows, size_t max);

/* `show`: the matrix, then the limits table; nothing for a result without them. */
void isolation_show(const struct bb_result *res, FILE *f);
void limits_show(const struct bb_result *res, FILE *f);

/* `show --json`: the same tables as JSON; NULL for a result without them.
 * isolation: {against: "host"|"native", facts: [{fact, reference, cells: {ENV: cell}}],
 *             hidden: [{env, fact, reason}]}
 * limits:    [{env, limit, set, seen, measured, enforced, detail}] */
json_t *isolation_to_json(const struct bb_result *res);
json_t *limits_to_json(const struct bb_result *res);

#endif
