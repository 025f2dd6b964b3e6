/* Per-instance cgroups with CPU, memory and pids limits: cgroup v2 where the unified hierarchy
 * has the three controllers, v1 otherwise (hybrid machines: v1 controllers next to a cgroup2
 * mount holding only hugetlb).
 *
 * Placement: v1 instance cgroups go under `<own cgroup>/boxbench/` in each hierarchy, so limits
 * a caller put on boxbench itself still bind its containers. v2 forbids enabling controllers for
 * children of a cgroup that has processes (ours does), so there they go under
 * `<cgroup2 root>/boxbench/` (needs root, like runc's cgroupfs driver). Instance names are
 * `boxbench-<pid>-<start>-<seq>`, the owner's pid and start time (sweep.h): a harness killed
 * before it removed them leaves them to the next run's sweep (sweeper_cgroup). The `boxbench`
 * parents live for the whole run (made by cg_layout_prepare(), removed by cg_layout_cleanup() once
 * empty): a cgroup mkdir+rmdir costs 50-130 us per v1 hierarchy here, too much to repeat for every
 * instance.
 *
 * The parsing and formatting parts are pure functions of their inputs (a statfs magic, the
 * text of /proc/self/mountinfo and /proc/self/cgroup), testable without a live cgroupfs. */
#ifndef BB_CGROUP_H
#define BB_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "err.h"

#define CG_PATH_MAX        1024
#define CG_NAME_MAX        64
#define CG_CPU_PERIOD_US   100000L
#define CG_PARENT          "boxbench"
#define CG_INSTANCE_PREFIX "boxbench-"

enum cg_mode { CG_MODE_NONE = 0, CG_MODE_V1, CG_MODE_V2 };

enum cg_ctrl { CG_CPU, CG_MEMORY, CG_PIDS, CG_NCTRL };

extern const char *const cg_ctrl_names[CG_NCTRL]; /* "cpu", "memory", "pids" */

struct cg_limits {
	double cpu_quota;    /* CPUs worth of time per period; <= 0 = unlimited */
	long long mem_limit; /* bytes; <= 0 = unlimited */
	long pids_limit;     /* <= 0 = unlimited */
};

/* One limit as a file write: `value` into `<dir of ctrl>/<file>`. */
struct cg_write {
	enum cg_ctrl ctrl;
	const char *file;
	char value[48];
};
#define CG_MAX_WRITES 3

/* Where a run's instance cgroups go; computed once by cg_layout_init(). */
struct cg_layout {
	enum cg_mode mode;
	bool hybrid;                        /* v1 hierarchies next to a cgroup2 mount */
	char parent[CG_NCTRL][CG_PATH_MAX]; /* the `boxbench` parent for each controller */
	char unified[CG_PATH_MAX];          /* v2: the cgroup2 mount point */
};

/* One instance's cgroup: a directory per controller (shared when controllers share a
 * hierarchy, and always in v2). */
struct cgroup {
	enum cg_mode mode;
	char name[CG_NAME_MAX];
	char dir[CG_NCTRL][CG_PATH_MAX];
	bool made[CG_NCTRL]; /* dir[i] created by us and not a repeat of an earlier one */
};

struct cg_probe {
	enum cg_mode mode;
	bool hybrid;
	bool writable;    /* the parent's parent accepts mkdir (as far as access(2) tells) */
	char missing[64]; /* controllers missing in the chosen mode, "" when none */
	char reason[256]; /* one line: what will be used, or why it cannot be */
};

/* --- pure parts --- */

/* The mode from statfs("/sys/fs/cgroup").f_type and the cgroup.controllers text of the
 * unified hierarchy (the root itself when it is cgroup2, else /sys/fs/cgroup/unified; NULL when
 * there is none). v2 needs cpu, memory and pids in that list. */
enum cg_mode cg_mode_detect(unsigned long root_magic, const char *unified_controllers,
                            bool *hybrid);

/* Is word an element of a list separated by spaces, commas or newlines? */
bool cg_list_has(const char *list, const char *word);

/* The caller's cgroup path for ctrl (v1) or the v2 path (ctrl NULL), from /proc/self/cgroup's
 * text. */
int cg_self_path(const char *proc_cgroup, const char *ctrl, char *out, size_t len,
                 struct bb_err *err);

/* The mount point and mount root of the v1 hierarchy holding ctrl, or of the cgroup2 mount
 * (ctrl NULL), from /proc/self/mountinfo's text. */
int cg_find_mount(const char *mountinfo, const char *ctrl, char *mnt, size_t mntlen, char *root,
                  size_t rootlen, struct bb_err *err);

/* Fill lo->parent[] for mode from mountinfo and /proc/self/cgroup; missing controllers are
 * listed in missing (comma-separated) and make it fail. */
int cg_layout_build(struct cg_layout *lo, enum cg_mode mode, const char *mountinfo,
                    const char *proc_cgroup, char *missing, size_t mlen, struct bb_err *err);

/* The file writes that apply lim in mode: v2 cpu.max "50000 100000", memory.max, pids.max;
 * v1 cpu.cfs_quota_us (against the default 100 ms period), memory.limit_in_bytes, pids.max.
 * Unlimited values are skipped (a new cgroup starts unlimited). Returns the number of writes. */
size_t cg_limit_writes(enum cg_mode mode, const struct cg_limits *lim,
                       struct cg_write w[CG_MAX_WRITES]);

const char *cg_mode_name(enum cg_mode mode); /* "none", "v1", "v2" */

/* --- live parts --- */

/* Detect the mode and layout on this machine. */
int cg_layout_init(struct cg_layout *lo, struct bb_err *err);

/* Create the `boxbench` parents (v2: and enable the controllers for their children). */
int cg_layout_prepare(const struct cg_layout *lo, struct bb_err *err);

/* Remove the `boxbench` parents if they are empty (another run may still use them). */
void cg_layout_cleanup(const struct cg_layout *lo);

/* Never fails; fills p. */
void cg_probe(struct cg_probe *p);

/* Create `boxbench-<pid>-<start>-<seq>` with the limits. On failure nothing is left behind. */
int cg_create(const struct cg_layout *lo, const struct cg_limits *lim, struct cgroup *cg,
              struct bb_err *err);

/* Move pid into the cgroup (every controller). pid 0 moves the calling thread, for a
 * single-threaded child placing itself: v1 then writes its "tasks" file, which recent kernels
 * serve without the global threadgroup lock a "cgroup.procs" write takes. Safe in a vfork-style
 * child (no allocation) when err is NULL. */
int cg_attach(const struct cgroup *cg, pid_t pid, struct bb_err *err);

/* Read a control file of ctrl's directory into buf, trailing newline removed. */
int cg_read(const struct cgroup *cg, enum cg_ctrl ctrl, const char *file, char *buf, size_t len,
            struct bb_err *err);

/* SIGKILL every process in the cgroup until it is empty (bounded); returns how many
 * processes were signalled, or -1. */
int cg_kill(const struct cgroup *cg, struct bb_err *err);

/* Remove the instance's directories, retrying while v1 still reports EBUSY right after the
 * last task left and killing stragglers if it persists. Safe to call twice and on a partly
 * created cgroup. */
int cg_destroy(struct cgroup *cg, struct bb_err *err);

/* The sweeper of stale instance cgroups (sweep.h); an item is a cgroup's name. */
struct bb_sweeper;
extern const struct bb_sweeper sweeper_cgroup;

#endif
