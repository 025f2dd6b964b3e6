/* Footprint (claim C6): what each box costs on disk and in memory, measured by the harness from
 * outside a live, idle instance of the `footprint` workload (bench/suite_footprint.c).
 *
 * Disk: the files an environment needs beyond the host, each counted once by (st_dev, st_ino)
 * (hard links are one file), as apparent bytes (st_size) and allocated bytes (st_blocks * 512:
 * a sparse file allocates less than its size, a small file a whole block). The set is the union
 * of the files the launcher names in its description (native: the workload; container: its root
 * file system tree; vm: guest kernel and initramfs), the files the instance's processes map
 * (a VMM and its shared libraries; read from /proc/PID/maps, no ldd) and, where fanotify works
 * (root), the regular files they opened while starting (firmware and option ROMs QEMU reads
 * and closes). Files an instance can write (a disk image it keeps open read-write, a writable
 * shared mapping) are per instance; everything else is shared by all instances. Some files are
 * listed but counted apart (fp_file.apart): the host's C runtime (libc, ld.so, libm: every
 * dynamically linked process maps them, the host has them anyway), the daemons of an engine
 * (counted on no side, see below) and a kernel booted uncompressed only to speed up an emulated
 * boot (the compressed image a real VM boots, the description's guest_kernel_image, is
 * counted instead).
 *
 * Memory: PSS from /proc/PID/smaps_rollup summed over the instance's processes (its pid, the
 * descendants, and the members of its own cgroup): a page shared by N processes counts 1/N to
 * each, so the sum over instances is the memory they really take, which RSS overstates (and a
 * page also mapped outside the box, libc's or another QEMU's, counts only the box's share). A
 * container also reports its cgroup's own accounting (kernel memory and page cache charged to
 * it, which PSS misses); a VM the guest's own view (MemTotal - MemAvailable inside).
 *
 * Engines: what every instance runs (the box, a VMM, a shim, conmon, a runtime's CLI) is counted
 * per instance on every side; the daemons an engine shares between its instances (launchers
 * with BB_CAP_DAEMON: dockerd, containerd) are counted on no side: their PSS is engine_pss and
 * their files are listed apart, a fixed cost that the density fit's intercept holds.
 *
 * Density and the host kernel: instances are added in steps (1, 2, 3, 4, 6, 9, ...) until the
 * memory measured reaches a share of the budget, --density instances, the density time budget
 * or the host's memory floor; at each count the PSS of all of them and the host's /proc/meminfo
 * (several readings, their median; their spread is the noise floor) are taken. The marginal cost
 * per instance is the slope of a least-squares line through those points (gsl_fit_linear), with
 * its standard error and 95% CI: in user space (PSS), in the kernel (Slab, PageTables,
 * KernelStack, Percpu: namespaces, memcg, page tables, kernel stacks) and as the host sees it
 * (MemAvailable). How many fit in the budget is an extrapolation from the measured range, said
 * as such with its range. */
#ifndef BB_FOOTPRINT_H
#define BB_FOOTPRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "err.h"
#include "results.h"
#include "runner.h"

#define FP_SUITE           "footprint"
#define FP_TRIGGER         "idle" /* the workload's info record: up, idle, waiting for SIGTERM */
#define FP_DEFAULT_BUDGET  (16LL << 30)
#define FP_DEFAULT_DENSITY 32 /* most instances at once */
#define FP_MAX_DENSITY     256
#define FP_MIN_DENSITY     3  /* points for a line with an error */
#define FP_DEFAULT_SHARE   10 /* percent of the budget the density grows to */
#define FP_DENSITY_TIME_S  60 /* the density's time budget, --quick: 15 */
#define FP_DENSITY_QUICK_S 15
#define FP_TEXT_MAX        (64 * 1024)
#define FP_MIB             1048576.0
#define FP_MAX_PIDS        4096
#define FP_ROLE_MAX        16

/* --- disk --- */

struct fp_file {
	char *path;
	dev_t dev;
	ino_t ino;
	long long apparent;  /* st_size */
	long long allocated; /* st_blocks * 512 */
	bool per_instance;   /* each instance needs its own (it writes it) */
	bool apart;          /* listed, not in the totals (fp_role_apart) */
	char role[FP_ROLE_MAX];
};

struct fp_files {
	struct fp_file *v;
	size_t n, cap;
};

struct fp_disk {
	size_t files, apart_files;
	long long apart_apparent, apart_allocated;   /* listed apart, not in the totals */
	long long apparent, allocated;               /* all of it, for one instance */
	long long shared_apparent, shared_allocated; /* the same bytes serve every instance */
	long long inst_apparent, inst_allocated;     /* again for every further instance */
};

void fp_files_init(struct fp_files *s);
void fp_files_free(struct fp_files *s);

/* Roles listed but not counted in the totals: the host's C runtime, an engine's shared
 * daemons, a kernel booted only to speed up emulation. */
bool fp_role_apart(const char *role);
/* Is path a library of the host's C runtime (ld.so, libc, libm, libpthread, libdl, librt,
 * libresolv, libutil), which every dynamically linked process maps? By its file name. */
bool fp_host_runtime_lib(const char *path);

/* Count one file (st from stat/lstat). Returns 1 when added, 0 when its (st_dev, st_ino) is
 * already counted (a hard link, or the same file found another way; per_instance then only
 * upgrades it), -1 on allocation failure. */
int fp_files_add_stat(struct fp_files *s, const char *path, const struct stat *st, const char *role,
                      bool per_instance, struct bb_err *err);
/* stat(2) path (symlinks followed: the file that is used) and count it. */
int fp_files_add_path(struct fp_files *s, const char *path, const char *role, bool per_instance,
                      struct bb_err *err);
/* Count every inode of the tree at root, root included, the way `du -x` does: symlinks as
 * themselves, directories too, nothing on another file system (a mount inside). Returns the
 * number of inodes added. */
int fp_files_add_tree(struct fp_files *s, const char *root, const char *role, struct bb_err *err);
void fp_files_total(const struct fp_files *s, struct fp_disk *d);
/* Totals of the files of one role; returns how many files have it. */
size_t fp_files_role(const struct fp_files *s, const char *role, long long *apparent,
                     long long *allocated);

/* One line of /proc/PID/maps. path points into line (NULL for an anonymous mapping). */
struct fp_map {
	unsigned long long start, end, inode;
	char perms[5];
	const char *path;
};

/* Parse one maps line (without its newline). Returns 1 for a mapping of a file (an absolute
 * path and a non-zero inode; " (deleted)" kept in path), 0 for any other mapping ([heap],
 * [vdso], anonymous, memfd), -1 for a malformed line. */
int fp_maps_parse_line(char *line, struct fp_map *m);
/* Count the files pid maps: its executable (role "binary") and the rest ("library"). Each is
 * stat'ed through /proc/PID/map_files, which reaches the very inode even inside another mount
 * namespace; the path from maps when that is refused. A writable shared mapping is per
 * instance; shared memory and deleted files (no link left) are not on disk and not counted. */
int fp_files_add_maps(struct fp_files *s, pid_t pid, struct bb_err *err);
/* Files pid holds open for writing are per instance (a disk image): mark or add them. */
int fp_files_add_writable_fds(struct fp_files *s, pid_t pid, struct bb_err *err);

/* Regular files opened by given processes, watched with fanotify (needs CAP_SYS_ADMIN) on the
 * file systems holding the given paths, from start() until collect(). */
struct fp_opens {
	int fd; /* -1: not watching */
	bool overflow;
	char why[256]; /* why not watching, "" when watching */
};

/* Never fails: when fanotify is refused, w->fd is -1 and w->why says why. */
void fp_opens_start(struct fp_opens *w, const char *const *paths);
/* Drain the events; count the regular files that pids opened (role "data" unless already
 * counted), except host configuration and pseudo files (/etc, /proc, /sys, /dev, /run). */
int fp_opens_collect(struct fp_opens *w, const pid_t *pids, size_t n, struct fp_files *s,
                     struct bb_err *err);
void fp_opens_stop(struct fp_opens *w);
bool fp_pid_in(pid_t pid, const pid_t *pids, size_t n);

/* --- memory --- */

struct fp_mem {
	long long rss, pss, pss_anon, pss_file, pss_shmem, swap_pss; /* bytes */
	size_t procs;
};

/* Parse the text of /proc/PID/smaps_rollup (kB lines) into bytes; fails without a Pss line. */
int fp_smaps_parse(const char *text, struct fp_mem *out, struct bb_err *err);
int fp_smaps_read(pid_t pid, struct fp_mem *out, struct bb_err *err);
/* root and all its descendants (from /proc/PID/task/TID/children), root first. */
int fp_proc_tree(pid_t root, pid_t *pids, size_t max, size_t *n, struct bb_err *err);
/* Add the pids of cgroup.procs in dir that are not yet in pids. */
int fp_cgroup_pids(const char *dir, pid_t *pids, size_t max, size_t *n, struct bb_err *err);
/* Sum of smaps_rollup over pids (procs = how many were read). */
int fp_pss_sum(const pid_t *pids, size_t n, struct fp_mem *total, struct bb_err *err);

/* PSS of file mappings, split: the host's C runtime (fp_host_runtime_lib: libc, ld.so, libm...,
 * which every dynamically linked process on the host maps) and the other mapped files (a VMM's
 * own libraries and binary). Bytes. */
struct fp_libs {
	long long runtime, other;
};
/* Add the Pss lines of an smaps text (a mapping's header line, then its fields) to out. */
void fp_smaps_libs_stream(FILE *f, struct fp_libs *out);
/* Over pids' /proc/PID/smaps (a process gone meanwhile is skipped). */
int fp_libs_sum(const pid_t *pids, size_t n, struct fp_libs *out, struct bb_err *err);

/* pid's memory cgroup directory when it differs from the harness's own (a cgroup of its own):
 * returns 1 and fills dir (v2 set for the unified hierarchy), 0 when pid shares the harness's
 * cgroup or has none with a memory controller, -1 on failure. */
int fp_cgroup_of(pid_t pid, char *dir, size_t len, bool *v2, struct bb_err *err);
/* The cgroup's own accounting: memory.current (v2) or memory.usage_in_bytes (v1). */
int fp_cgroup_mem(const char *dir, bool v2, long long *bytes, struct bb_err *err);

/* Read a whole (small, /proc) file; NUL-terminated, cut at len - 1. Returns bytes or -1. */
ssize_t fp_read_text(const char *path, char *buf, size_t len);

/* --- host kernel (footprint_kernel.c) --- */

enum fp_mi {
	FP_MI_MEMTOTAL,
	FP_MI_MEMFREE,
	FP_MI_MEMAVAIL,
	FP_MI_SLAB,
	FP_MI_SRECLAIM,
	FP_MI_SUNRECLAIM,
	FP_MI_PAGETABLES,
	FP_MI_KSTACK,
	FP_MI_PERCPU,
	FP_MI_KERNEL, /* Slab + PageTables + KernelStack + Percpu */
	FP_MI_N
};
extern const char *const fp_mi_names[FP_MI_N];

struct fp_meminfo {
	long long v[FP_MI_N]; /* bytes */
};

/* Parse /proc/meminfo text (kB lines) into bytes; fails without one of the fields (Percpu,
 * from Linux 4.16, may be absent: 0). */
int fp_meminfo_parse(const char *text, struct fp_meminfo *out, struct bb_err *err);
int fp_meminfo_read(struct fp_meminfo *out, struct bb_err *err);
/* Median of v (sorted in place); 0 for n = 0. */
long long fp_median_ll(long long *v, size_t n);

#define FP_KREAD_MAX 16
/* Several readings at one instance count: each field's median and spread (max - min). */
struct fp_kread {
	struct fp_meminfo median;
	long long spread[FP_MI_N];
	size_t n;
};
void fp_kread_from(const struct fp_meminfo *r, size_t n, struct fp_kread *out);
/* readings of /proc/meminfo gap_ms apart (at most FP_KREAD_MAX). */
int fp_kread(unsigned readings, unsigned gap_ms, struct fp_kread *out, struct bb_err *err);

/* --- density (footprint_density.c) --- */

/* A least-squares line y = intercept + slope * x. */
struct fp_fit {
	size_t n;
	double slope, intercept;
	double se;       /* the slope's standard error */
	double lo, hi;   /* the slope's 95% CI (Student t, n - 2 degrees of freedom) */
	double resid_sd; /* residual standard deviation */
};

/* Fit n points (gsl_fit_linear). Fails with fewer than FP_MIN_DENSITY points or one x only. */
int fp_fit_line(const double *x, const double *y, size_t n, struct fp_fit *f, struct bb_err *err);
/* How many instances fit in budget from the line: the largest N with intercept + slope * N <=
 * budget (0 when one does not fit), and the same from the slope's CI ends (lo from hi's slope;
 * hi is -1 when the CI reaches 0: no bound). Fails for a slope that is not positive. */
int fp_fit_capacity(const struct fp_fit *f, double budget, double *fit, double *lo, double *hi,
                    struct bb_err *err);

/* When the density stops growing. */
struct fp_plan {
	unsigned kmax; /* most instances at once */
	double share;  /* bytes: stop once the memory measured reaches it */
	double time_s; /* the density's time budget */
	double floor;  /* bytes of MemAvailable the host keeps */
};

/* Where the growth stands. */
struct fp_grow_state {
	unsigned n;        /* instances up and measured */
	double measured;   /* bytes they take (PSS, or the host's MemAvailable drop when larger) */
	double per_inst;   /* bytes an added one is expected to take */
	double elapsed_s;  /* since the density began */
	double s_per_inst; /* seconds an added one took to be idle */
	double avail;      /* the host's MemAvailable, bytes */
};

/* How many instances to add next: about half as many as are up (1, 2, 3, 4, 6, 9, ...), fewer
 * where the share, the time or the host's floor would be passed; up to FP_MIN_DENSITY only the
 * host's floor stops it. 0 = stop, why says why. */
unsigned fp_next_batch(const struct fp_plan *p, const struct fp_grow_state *g, char *why,
                       size_t len);

/* --- engines (footprint_engine.c) --- */

struct bb_members;
struct bb_envdesc;
struct bb_sample;

/* One record of the footprint suite (metric, info or error; text NULL for a number). */
int fp_rec(struct bb_sample *smp, enum bb_rec_kind kind, const char *metric, double value,
           const char *text, struct bb_err *err);
/* Who the live instance is made of: the launcher's members() hook, else the instance alone. */
int fp_members(struct bb_env *env, const struct bb_instance *inst, struct bb_members *m,
               struct bb_err *err);
/* PSS in bytes of the per-instance wrappers and of the shared engine (each process alone). */
int fp_engine_mem(const struct bb_members *m, double *wrap, double *engine, struct bb_err *err);
/* `wrapper_pss` and `engine_pss` (MiB) when the instance has such processes. */
int fp_engine_record(const struct bb_members *m, double wrap, double engine, struct bb_sample *smp,
                     struct bb_err *err);
/* The engine's files: its binaries (role "engine"), the instance's state ("instance state",
 * per instance) and the image store (engine.store, "image store") without the state of the
 * other live instances (others). */
int fp_engine_disk(const struct bb_envdesc *d, const struct bb_members *m,
                   const struct bb_members *others, size_t nothers, struct fp_files *s,
                   struct bb_err *err);

/* --- the live step of the footprint suite (struct bb_live's fn) --- */

struct fp_ctx {
	long long budget;      /* bytes; 0 = FP_DEFAULT_BUDGET */
	unsigned density;      /* most instances at once; 0 = FP_DEFAULT_DENSITY */
	unsigned share;        /* percent of budget the density grows to; 0 = FP_DEFAULT_SHARE */
	double time_s;         /* the density's time budget; 0 = FP_DENSITY_TIME_S */
	struct bb_result *res; /* where the full file list goes (a fact too long for a record) */
};

/* Measure the live instance: PSS (each sample), the cgroup's accounting, the guest's view; in
 * repetition 0 also the disk and, with further instances started and torn down here, the
 * density and the host kernel's cost per instance. Appends records to smp. Measurement failures
 * become error records; returns -1 only on a harness failure. Every instance it starts is reaped
 * before it returns. */
int footprint_live(const struct bb_live *live, struct bb_env *env, const struct bb_job *job,
                   struct bb_instance *inst, struct bb_sample *smp, struct bb_err *err);

#endif
