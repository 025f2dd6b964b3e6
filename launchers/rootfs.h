/* The container's root file system: a directory tree under `<build_dir>/rootfs/` holding the
 * static boxbench-load and the empty mount points the container needs, no distribution and no
 * shell. It is described by a manifest so it can be checked; built once per run (prepare),
 * mounted read-only by every instance, brought up to date when the workload binary changes.
 *
 *   /bin/boxbench-load      the workload (a hard link to load_path, a copy across devices)
 *   /proc /dev /tmp         mount points: fresh procfs, a small tmpfs with device nodes, tmpfs
 *   /scratch                mount point for the I/O suites' host directory
 *   /sys/fs/cgroup/{cpu,memory,pids}  mount points for the instance's own cgroup (read-back)
 *   /etc/hostname           "boxbench", what uname(2) says inside
 */
#ifndef BB_ROOTFS_H
#define BB_ROOTFS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "err.h"

#define ROOTFS_DIRNAME   "rootfs"
#define ROOTFS_LOAD_PATH "/bin/boxbench-load"
#define ROOTFS_HOSTNAME  "boxbench"

enum rootfs_type {
	ROOTFS_DIR,
	ROOTFS_FILE, /* a small file with fixed content */
	ROOTFS_LOAD, /* the workload binary */
};

struct rootfs_entry {
	const char *path; /* absolute inside the root, parents listed before children */
	enum rootfs_type type;
	mode_t mode; /* permission bits; for ROOTFS_LOAD those of the hard-linked original */
	const char *content;
};

/* The manifest, terminated by a NULL path. */
extern const struct rootfs_entry rootfs_manifest[];

/* Make root match the manifest: create what is missing, fix modes, replace a stale workload
 * binary (atomically, by rename). Idempotent; root's parent must exist. */
int rootfs_build(const char *root, const char *load_path, struct bb_err *err);

/* Check root against the manifest (types, modes, the workload current and executable). */
int rootfs_verify(const char *root, const char *load_path, struct bb_err *err);

/* Is root's workload the same file (or an identical copy) as load_path? */
bool rootfs_load_current(const char *root, const char *load_path);

/* Apparent size of the manifest's files (bytes) and the number of entries. */
int rootfs_size(const char *root, long long *bytes, int *entries, struct bb_err *err);

/* The root holds no loader or library: refuse a dynamically linked workload (PT_INTERP). */
int rootfs_check_static(const char *path, struct bb_err *err);

#endif
