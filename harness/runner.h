/* One sample: spawn a fresh instance, read and validate its records as they arrive (each
 * stamped on arrival), reap it, and say what happened. The workload is untrusted input. */
#ifndef BB_RUNNER_H
#define BB_RUNNER_H

#include <stdbool.h>
#include <stdint.h>

#include "launcher.h"
#include "protocol.h"

#define BB_MAX_RECORDS 4096 /* more is a flood: the instance is killed */

struct bb_sample {
	bool ok;           /* ready seen, end seen with status 0, instance ended by itself */
	uint64_t ready_ns; /* launch request -> ready record arrived; 0 = never */
	uint64_t exit_ns;  /* launch request -> instance torn down */
	/* The ready record's own t_mono_ns: the box's CLOCK_MONOTONIC when the workload was
	 * ready. In a guest with its own kernel that clock starts near the kernel's start. */
	long long ready_box_ns;
	int end_status;         /* -1 when no end record */
	struct bb_record *recs; /* metric, error and info records, in arrival order */
	size_t nrecs, cap;
	char error[768]; /* why the sample failed, one line */
	bool stopped;    /* the harness ended it after its live step: no end record is owed */
};

struct bb_live;
typedef int (*bb_live_fn)(const struct bb_live *live, struct bb_env *env, const struct bb_job *job,
                          struct bb_instance *inst, struct bb_sample *smp, struct bb_err *err);

/* A harness step on a live instance, for suites measured from outside (footprint): when the
 * info record `trigger` arrives (the workload is up and idle), fn measures the instance and
 * may append records with sample_add(); then the runner ends the instance with SIGTERM (a
 * workload says `end`, a VMM just exits) and reads on to EOF with a fresh timeout. fn returns
 * 0, or -1 on a harness failure (err). */
struct bb_live {
	const char *trigger;
	bb_live_fn fn;
	void *ctx;
	long rep; /* the sample's repetition, negative in warm-up */
};

/* Returns 0 when the sample could be attempted (sample->ok says if it succeeded), -1 on a
 * harness failure (out of memory). Always reaps what it spawned. */
int runner_sample(struct bb_env *env, const struct bb_job *job, struct bb_sample *out,
                  struct bb_err *err);
/* runner_sample with a live step (live may be NULL). */
int runner_sample_live(struct bb_env *env, const struct bb_job *job, const struct bb_live *live,
                       struct bb_sample *out, struct bb_err *err);
/* Keep one more record in the sample (a live step's measurement); -1 when out of memory or
 * past BB_MAX_RECORDS. */
int sample_add(struct bb_sample *s, const struct bb_record *rec, struct bb_err *err);
void sample_free(struct bb_sample *s);

#endif
