/* What a box lets through of the host (C3, C4) and what it can see of its own limits (C2): fact
 * collectors shared by the workload (suites isolation and limits) and by the harness, which
 * links them to collect the host's own facts in-process and compare.
 *
 * A fact is a value a harness can compare with the host's own: a string, or a number. A fact
 * the box does not let through is a string starting with one of the hidden words ("hidden",
 * "denied", "unreadable", "unavailable"), alone or followed by ": reason".
 *
 * The parsers are pure functions of a file's text, testable without the file. */
#ifndef BB_ISOLATION_H
#define BB_ISOLATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ISO_SUITE     "isolation"
#define ISO_TEXT      256
#define ISO_MAX_FACTS 16

/* The keys iso_collect() fills, in this order. */
extern const char *const iso_keys[];

struct iso_fact {
	const char *key; /* one of iso_keys */
	bool numeric;
	double num;          /* when numeric */
	char text[ISO_TEXT]; /* the value (numbers formatted too), or "<hidden word>: reason" */
};

struct iso_opts {
	/* The harness's pid and its start time (field 22 of /proc/PID/stat, clock ticks since
	 * boot): a pid alone means nothing in another PID namespace or kernel, the pair names one
	 * process. host_pid <= 0: not asked, the host_pid fact is left out. */
	long host_pid;
	unsigned long long host_start;
};

/* Collect every fact of the running system as seen from here; returns how many were filled
 * (at most max). Never fails: what cannot be read is a hidden value with its reason. */
size_t iso_collect(const struct iso_opts *o, struct iso_fact *facts, size_t max);

/* The value is one the box did not let through (NULL and "" count as hidden). */
bool iso_value_hidden(const char *v);

/* FNV-1a, 32 bits, continuing from h (start with ISO_FNV_INIT). */
#define ISO_FNV_INIT 2166136261u
uint32_t iso_fnv1a(uint32_t h, const void *data, size_t len);

/* Parsers. Each returns 0, or -1 when the text holds nothing of the kind. */
/* `field:  N kB` of /proc/meminfo, in bytes. */
int iso_meminfo_bytes(const char *meminfo, const char *field, long long *bytes);
/* "0-3,6" from the cpuN lines of /proc/stat (the online CPUs). */
int iso_stat_cpu_list(const char *stat, char *out, size_t len);
/* Sorted, comma-separated interface names of /proc/net/dev. */
int iso_net_dev_names(const char *net_dev, char *out, size_t len);
/* "N modules, fnv1a XXXXXXXX" over the sorted names of /proc/modules ("0 modules" if empty). */
int iso_modules_summary(const char *modules, char *out, size_t len);
/* "N mounts, fnv1a XXXXXXXX" over the sorted (type, source, mount point) of mountinfo. */
int iso_mounts_summary(const char *mountinfo, char *out, size_t len);
/* The first `model name` (x86) of /proc/cpuinfo. */
int iso_cpuinfo_model(const char *cpuinfo, char *out, size_t len);
/* comm and start time (clock ticks since boot) from /proc/PID/stat. */
int iso_stat_start(const char *stat, char *comm, size_t commlen, unsigned long long *start);
/* This process's start time, for the harness's nonce. */
int iso_self_start(unsigned long long *start);

/* Cgroups: where a controller's files for this process are, from the text of
 * /proc/self/cgroup and /proc/self/mountinfo: v1 (the hierarchy naming `ctrl`) first, else v2.
 * Fills dir ("<mount point><path below the mount's root>") and *version (1 or 2); -1 when no
 * mounted hierarchy holds this process's cgroup for ctrl. */
int iso_cgroup_dir(const char *proc_cgroup, const char *mountinfo, const char *ctrl, char *dir,
                   size_t len, int *version);
/* The path of this process's cgroup in the v1 hierarchy naming ctrl (ctrl NULL: the v2
 * "0::" line), as /proc/self/cgroup shows it (relative to the cgroup namespace's root). */
int iso_cgroup_path(const char *proc_cgroup, const char *ctrl, char *path, size_t len);
/* A limit file's value: "max", "-1" or a v1 "unlimited" (>= 2^62) give *v = -1. */
int iso_parse_limit(const char *text, long long *v);
/* cpu.max ("max 100000", "50000 100000") into CPUs worth of time, -1 = no quota. */
int iso_parse_cpu_max(const char *text, double *cpus);

/* Where a memory-limit check's child stopped (refused or killed) after touching `got` bytes,
 * against a limit of `limit` bytes of which the box used `used` (< 0 unknown) before the test;
 * `step` is the allocation step, `tol` the relative tolerance. */
enum iso_mem_outcome {
	ISO_MEM_ENFORCED, /* within [(limit - used)(1 - tol) - step, limit (1 + tol) + step] */
	ISO_MEM_BEYOND,   /* above that: the limit did not stop it */
	ISO_MEM_BELOW,    /* well below what was left: something else stopped it, not a test */
	ISO_MEM_MACHINE,  /* a guest's RAM is the "limit": nothing could exceed it */
};
enum iso_mem_outcome iso_mem_outcome(double limit, double used, double got, double step, double tol,
                                     bool machine);

/* Read a whole (small, /proc-like) file into a NUL-terminated malloc'd buffer of at most max
 * bytes; NULL with errno set on failure. */
char *iso_slurp(const char *path, size_t max);

#endif
