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
	bool ok;                /* ready seen, end seen with status 0, instance ended by itself */
	uint64_t ready_ns;      /* launch request -> ready record arrived; 0 = never */
	uint64_t exit_ns;       /* launch request -> instance torn down */
	int end_status;         /* -1 when no end record */
	struct bb_record *recs; /* metric, error and info records, in arrival order */
	size_t nrecs, cap;
	char error[768]; /* why the sample failed, one line */
};

/* Returns 0 when the sample could be attempted (sample->ok says if it succeeded), -1 on a
 * harness failure (out of memory). Always reaps what it spawned. */
int runner_sample(struct bb_env *env, const struct bb_job *job, struct bb_sample *out,
                  struct bb_err *err);
void sample_free(struct bb_sample *s);

#endif
