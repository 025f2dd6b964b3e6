/* The results file, schema `boxbench/1` (DESIGN.md): an in-memory model, its JSON form
 * (jansson), an atomic writer and a validating reader. */
#ifndef BB_RESULTS_H
#define BB_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "envdesc.h"
#include "err.h"
#include "stats.h"

#define BB_SCHEMA "boxbench/1"

/* What the reader accepts (anything beyond is not a result boxbench wrote). */
#define RESULTS_MAX_BYTES   (256 << 20)
#define RESULTS_MAX_SAMPLES 10000000
#define RESULTS_MAX_REPS    10000000
#define RESULTS_MAX_TEXT    65536 /* an error's reason, a fact's text */
#define RESULTS_MAX_NAME    256   /* a fact's env, suite, key */
/* The env of facts about the host itself (not an environment). */
#define RESULTS_FACT_HOST "host"

enum bb_better { BB_LOWER, BB_HIGHER };

struct bb_sample_error {
	int rep;
	char *reason;
};

struct bb_series {
	char suite[64], metric[64], env[32], unit[24];
	enum bb_better better;
	char accel[8]; /* "kvm"/"tcg" for VM series, "" otherwise */
	bool emulated; /* measured under an emulator: never read it as hardware cost */
	double *samples;
	size_t n, cap;
	/* seq[i]: the run's sequence number of the instance sample i came from (the order
	 * samples were taken in, across every series); nseq <= n are stamped */
	long *seq;
	size_t nseq;
	struct bb_sample_error *errors;
	size_t nerr, errcap;
	/* sampling: the precision the run sampled to (relative half-width of the median's CI;
	 * 0 = a fixed count, no target), why it stopped, its instances' wall time */
	double target;
	char stop[16];    /* "precision", "budget", "max", "reps", "interrupted", "" unknown */
	double wall_s;    /* wall time of the instances that produced its samples */
	size_t truncated; /* samples the workload cut short at its time budget (measure.c) */
	bool has_summary;
	struct bb_summary summary;
	/* trend over the run (Spearman of value against seq; n >= BB_TREND_MIN_N) */
	bool has_trend, trend_flag;
	double trend_rho, trend_p;
	bool has_vs; /* vs_native present; vs_lo = -inf, vs_hi = +inf without an interval */
	double vs_ratio, vs_lo, vs_hi;
};

struct bb_result {
	char id[128];
	char started_at[32], finished_at[32]; /* RFC 3339 UTC */
	bool complete;
	json_t *tool, *host, *config; /* owned objects */
	json_t *facts; /* owned array of {env, suite, key, value, rep}: non-numeric observations */
	/* owned `decomposition` object (results_decomp.h): the paired startup decomposition's
	 * blocks and parts; NULL in a result without one */
	json_t *decomposition;
	struct bb_envdesc *envs; /* what each environment is (envdesc.h), in the run's order */
	size_t nenvs, envcap;
	struct bb_series *series;
	size_t nseries, cap;
};

void results_init(struct bb_result *res);
void results_free(struct bb_result *res);

/* Find the (suite, metric, env) series, creating it when create is set (NULL: not found / OOM). */
struct bb_series *results_series(struct bb_result *res, const char *suite, const char *metric,
                                 const char *env, bool create);
/* Add (a copy of) an environment's description; its name must be new. */
int results_add_env(struct bb_result *res, const struct bb_envdesc *d, struct bb_err *err);
/* The description of environment `name`, NULL when the result has none. */
const struct bb_envdesc *results_env(const struct bb_result *res, const char *name);

/* The environment every ratio is taken against (`vs_native`): the native-class one, or
 * "native" in a result that does not describe its environments. */
const char *results_reference(const struct bb_result *res);

int series_add_sample(struct bb_series *s, double value, struct bb_err *err);
/* Stamp every sample added since the last stamp with the instance's sequence number. */
int results_stamp_seq(struct bb_result *res, long seq, struct bb_err *err);
/* The series' achieved precision (stats_precision of its summary; NAN without one). */
double series_precision(const struct bb_series *s);
/* Did it meet its target? false without a target or an interval. */
bool series_met(const struct bb_series *s);
/* Did it miss a target it had (the report and show flag these)? */
bool series_missed(const struct bb_series *s);
/* Is its ratio to native an interval (both sides had enough samples)? */
bool series_vs_has_ci(const struct bb_series *s);
/* The ends of its median's CI, or the median at both ends without one (a chart draws a point
 * there, never an interval that was not computed). */
void series_ci_or_point(const struct bb_series *s, double *lo, double *hi);
/* results_slowdown, or without an interval the slowdown at both ends (*has_ci false). */
bool series_slowdown_or_point(const struct bb_series *s, double *v, double *lo, double *hi,
                              bool *has_ci);
int series_add_error(struct bb_series *s, int rep, const char *reason, struct bb_err *err);

/* Summaries for every series with samples, and vs_native for every non-native series whose
 * (suite, metric) has a native series, and the trend test of every series with stamped
 * samples (flagged when p < 0.05 / the number of series tested: Bonferroni). Deterministic for
 * a seed. */
int results_summarize(struct bb_result *res, unsigned long seed, struct bb_err *err);

json_t *results_to_json(const struct bb_result *res);
/* Write atomically: a temporary file in the same directory, fsync, then rename (force) or
 * link (no force: an existing file is never replaced). */
int results_write(const struct bb_result *res, const char *path, bool force, struct bb_err *err);
/* Read and validate, the one place every command's input is checked: only a regular file;
 * rejects other schemas, broken JSON, wrong types, and what does not hold together (a summary
 * whose n is not the number of samples kept, numbers that are not finite or out of range,
 * unbounded strings, a series or fact naming an environment the result does not describe).
 * Whatever passes is safe for every consumer. */
int results_read(const char *path, struct bb_result *res, struct bb_err *err);
/* The JSON document of a result file (a regular file of at most RESULTS_MAX_BYTES), unchecked. */
json_t *results_load(const char *path, struct bb_err *err);
int results_from_json(json_t *doc, struct bb_result *res, struct bb_err *err);
/* The name a metric has today: an older name of a renamed one is mapped to its new name on
 * read (startup's guest_boot is guest_boottime_at_init); any other name is returned as is. */
const char *results_metric_current(const char *suite, const char *metric);

const char *better_name(enum bb_better b);

/* Look-ups over a result (results_env.c). */

/* The string at `key` of a JSON object, or NULL (not an object, no such key, not a string). */
const char *results_jstr(json_t *o, const char *key);
/* The time now in UTC, formatted by strftime's fmt: a result's id stamp, started_at... */
void results_utc_now(char *buf, size_t len, const char *fmt);
/* The (suite, metric, env) series if it has a summary of at least one sample, else NULL. */
const struct bb_series *results_find_summary(const struct bb_result *res, const char *suite,
                                             const char *metric, const char *env);
/* The series' vs_native as env time / native time: a throughput ratio is inverted so that
 * > 1 is always slower. False when the series has no usable ratio. */
bool results_slowdown(const struct bb_series *s, double *v, double *lo, double *hi);
/* A time in ms from "s", "ms", "us" or "ns"; NAN for any other unit. */
double results_to_ms(double v, const char *unit);

/* The environment's class from its description (BB_CLASS_UNKNOWN when it has none). */
enum bb_class results_env_class(const struct bb_result *res, const char *env);
/* "tcg"/"kvm" for a VM environment ("" otherwise); emulated: its figures come from an emulator. */
const char *results_env_accel(const struct bb_result *res, const char *env);
bool results_env_emulated(const struct bb_result *res, const char *env);
/* Environment names with series, in the order the result lists them; returns how many. */
size_t results_env_names(const struct bb_result *res, const char **names, size_t max);

/* How deeply a box is wrapped, from its typed description (the stack ladder; never its name):
 * 0 a process, 1 the kernel's primitives alone (a container without engine.runtime), 2 an OCI
 * runtime driven directly (engine.runtime, no engine.name), 3 an engine without a daemon
 * (engine.name), 4 an engine with a daemon (engine.daemon), 5 a guest with its own kernel (class
 * vm), 6 a box inside a box (nested); 7 for a box that does not say. */
int results_env_depth(const struct bb_envdesc *d);
/* Sort environment names by depth, keeping the given order among equals. */
void results_env_ladder_sort(const struct bb_result *res, const char **names, size_t n);

/* The most typical available environment of a class for which has(res, env, arg) holds: the box
 * on the minimal image before one on another image, before a decomposition variant; the first
 * in the result's order among equals. NULL if none. */
const char *results_env_best(const struct bb_result *res, enum bb_class cls,
                             bool (*has)(const struct bb_result *res, const char *env,
                                         const void *arg),
                             const void *arg);
/* results_env_best with summarised (suite, metric). */
const char *results_env_pick(const struct bb_result *res, enum bb_class cls, const char *suite,
                             const char *metric);
/* results_env_best with any series of `suite` that has a ratio to native. */
const char *results_env_pick_vs(const struct bb_result *res, enum bb_class cls, const char *suite);
/* The environment of a class with the lowest summarised (suite, metric) median in ms. */
const char *results_env_fastest(const struct bb_result *res, enum bb_class cls, const char *suite,
                                const char *metric);
/* The box (not a variant) of a class on root image `image`, NULL if none. */
const struct bb_envdesc *results_env_of(const struct bb_result *res, enum bb_class cls,
                                        const char *image);

#endif
