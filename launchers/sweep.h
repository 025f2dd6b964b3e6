/* Stale state: everything a run leaves on the machine outside its own processes (instance
 * cgroups, scratch directories with their disk images; later daemons' state and bundles) is
 * named for its owner, the harness that made it, as `<pid>-<start>`: the pid and its start time
 * (field 22 of /proc/PID/stat, clock ticks since boot), so a later process that gets the same pid
 * is a different owner. A harness killed with SIGKILL cannot clean up; the next `run` (and
 * `doctor --clean`) removes what belongs to an owner that no longer exists, never what belongs to
 * a live one.
 *
 * Each kind of state is a sweeper (a row of `sweepers[]`, launchers/sweepers.c): it lists its
 * state with the owner of each piece and removes one piece. A launcher with state of its own
 * (a daemon's data root, a bundle) adds a row; state kept under a directory of its own named
 * `<prefix><owner>-...` needs only sweep_dir_list and sweep_dir_remove. */
#ifndef BB_SWEEP_H
#define BB_SWEEP_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "err.h"

#define SWEEP_TAG_MAX 48

struct bb_owner {
	pid_t pid;
	unsigned long long start; /* 0: unknown (a name from before owners had start times) */
};

/* The calling process as an owner (read once, then cached). */
const struct bb_owner *sweep_self(void);
/* "<pid>-<start>" of the calling process. */
const char *sweep_self_tag(void);
/* The start time of pid (field 22 of /proc/PID/stat); -1 when it does not exist or is a
 * zombie (a dead harness that was not reaped yet owns nothing any more). */
int sweep_pid_start(pid_t pid, unsigned long long *start);
/* Does the owner still run (same pid, same start time)? An owner of unknown start counts as
 * alive while its pid exists: it is never swept by mistake. */
bool sweep_owner_alive(const struct bb_owner *o);
/* Parse "<pid>-<start>" (or a legacy "<pid>") at s followed by '-' or the end; returns the
 * rest after the owner (at the '-'), or NULL when s does not start with an owner. */
const char *sweep_parse_owner(const char *s, struct bb_owner *o);

/* Called by a sweeper's list for each piece of its state. */
typedef void (*sweep_visit)(void *ctx, const char *path, const struct bb_owner *owner);

struct bb_sweeper {
	const char *kind; /* what it sweeps, for the output: "cgroup", "scratch directory" */
	/* List every piece of this kind visible here, with its owner. */
	void (*list)(const struct bb_sweeper *sw, sweep_visit visit, void *ctx);
	/* Remove one piece (kill what still runs in it first). */
	int (*remove)(const struct bb_sweeper *sw, const char *path, struct bb_err *err);
	/* For the directory sweepers: where and under which name prefix. */
	const char *dir, *prefix;
};

extern const struct bb_sweeper *const sweepers[]; /* NULL-terminated */

struct sweep_counts {
	size_t live;    /* owned by a harness that runs: left alone */
	size_t stale;   /* owned by one that is gone */
	size_t removed; /* of the stale ones, removed */
};

/* List the stale state of every sweeper of table (`sweepers` for all) on out, one line each,
 * and remove it when remove is set. Returns 0, or -1 when something stale could not be removed
 * (the first reason in err; the others are on out). */
int sweep_run(const struct bb_sweeper *const *table, bool remove, FILE *out, const char *who,
              struct sweep_counts *c, struct bb_err *err);

/* Directory sweepers: entries of sw->dir named sw->prefix + "<owner>-..." */
void sweep_dir_list(const struct bb_sweeper *sw, sweep_visit visit, void *ctx);
/* Remove a directory tree (never crossing into another file system). */
int sweep_dir_remove(const struct bb_sweeper *sw, const char *path, struct bb_err *err);
/* Make a new directory `<dir>/<prefix><own tag>-XXXXXX` (mkdtemp) into out. */
int sweep_mkdtemp(const char *dir, const char *prefix, char *out, size_t len, struct bb_err *err);

/* The run's scratch directories: /var/tmp/boxbench-scratch-<owner>-XXXXXX. */
extern const struct bb_sweeper sweeper_scratch;
#define SWEEP_SCRATCH_DIR    "/var/tmp"
#define SWEEP_SCRATCH_PREFIX "boxbench-scratch-"

#endif
