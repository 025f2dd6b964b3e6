/* What the footprint's live step shares between its modules (footprint_live.c: records, the
 * instance's memory, the disk; footprint_density.c: the further instances, the density and the
 * host kernel's cost). Not an interface for the rest of the harness: footprint.h is. */
#ifndef BB_FOOTPRINT_LIVE_H
#define BB_FOOTPRINT_LIVE_H

#include <stdbool.h>

#include "cgroup.h"
#include "footprint.h"
#include "launcher.h"

#include <jansson.h>

/* The live instance's members, and those of the other live instances (rep 0). */
struct fp_live {
	const struct bb_members *mb;
	const struct bb_members *others;
	size_t nothers;
};

struct fp_inst {
	struct fp_mem mem;
	int has_cg;
	bool v2;
	long long cg_bytes;
	char cgdir[CG_PATH_MAX];
};

int fp_metric(struct bb_sample *smp, const char *metric, double value, struct bb_err *err);
int fp_info_num(struct bb_sample *smp, const char *key, double value, struct bb_err *err);
int fp_textf(struct bb_sample *smp, enum bb_rec_kind kind, const char *key, struct bb_err *err,
             const char *fmt, ...) __attribute__((format(printf, 5, 6)));
#define fp_info(smp, key, err, ...)  fp_textf(smp, BB_REC_INFO, key, err, __VA_ARGS__)
#define fp_error(smp, key, err, ...) fp_textf(smp, BB_REC_ERROR, key, err, __VA_ARGS__)
/* A structured fact of the run (value: any JSON, taken), for rep 0. */
int fp_fact(const struct fp_ctx *c, const struct bb_env *env, const char *key, json_t *value,
            struct bb_err *err);

/* A box with a kernel of its own: its guest reports its own view of memory. */
bool fp_is_vm(const struct bb_env *env);
/* Is pid still running (not gone, not a zombie waiting to be reaped)? */
bool fp_alive(pid_t pid);
/* Everything the instance consists of: its process tree and, when it has a cgroup of its own,
 * the cgroup's members and accounting. */
int fp_inst_measure(pid_t root, struct fp_inst *m, struct bb_err *err);

/* The disk of the environment (records and the file list), from the live instance and the
 * pids of the further instances whose opens were watched by w. */
int fp_disk(const struct fp_ctx *c, const struct bb_env *env, const struct fp_live *lv,
            struct fp_opens *w, const pid_t *xp, size_t nxp, struct bb_sample *smp,
            struct bb_err *err);
/* Where the environment's files may live: the file systems fanotify watches. */
size_t fp_marks(const struct bb_env *env, pid_t pid, char *exe, size_t len, const char **marks,
                size_t max);

/* Repetition 0 after the live instance's memory (footprint_density.c): the disk, the density
 * and the host kernel's cost; first is the live instance's whole PSS (< 0: not measured). */
int fp_rep0(const struct fp_ctx *c, struct bb_env *env, const struct bb_job *job,
            struct bb_instance *inst, const struct bb_members *mb, double first,
            struct bb_sample *smp, struct bb_err *err);

#endif
