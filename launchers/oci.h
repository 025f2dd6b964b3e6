/* OCI bundles for the OCI runtimes (runc, crun): the same box as `container` written as an OCI
 * runtime-spec config.json (1.0.2): the minimal read-only root, the same namespaces, the same
 * cgroup limits, the same mounts (fresh /proc with the kernel knobs read-only, a small tmpfs
 * /dev, tmpfs /tmp, the run's scratch directory at /scratch, the instance's own cgroup read-only
 * at /sys/fs/cgroup), uid 0 with every capability dropped and no_new_privs.
 *
 * oci_config() is a pure function of its spec (unit-tested key by key); oci_bundle_write()
 * writes it into a bundle directory (atomically, by rename). The runtime CLI plumbing shared by
 * the runc and crun launchers (state root, per-instance bundle, start, kill, delete) lives here
 * too, so each launcher is only its table. */
#ifndef BB_OCI_H
#define BB_OCI_H

#include <limits.h>
#include <stdbool.h>
#include <jansson.h>

#include "cgroup.h"
#include "err.h"
#include "launcher.h"

#define OCI_VERSION "1.0.2"

struct oci_spec {
	const char *root;        /* the root file system, absolute */
	char *const *args;       /* the process, NULL-terminated */
	unsigned ns;             /* enum bb_ns: the namespaces to create */
	const char *cgroup_path; /* linux.cgroupsPath; NULL = no cgroup limits */
	struct cg_limits lim;    /* with cgroup_path */
	const char *scratch;     /* host directory bound at /scratch, NULL = none */
};

/* The config.json object; NULL only when out of memory. */
json_t *oci_config(const struct oci_spec *s);

/* Write <dir>/config.json (dir must exist). */
int oci_bundle_write(const char *dir, const struct oci_spec *s, struct bb_err *err);

/* --- an OCI runtime driven through its CLI (runc, crun) --- */

struct oci_rt {
	const char *name;   /* "runc" */
	const char *binary; /* absolute path of the runtime, resolved by oci_rt_probe */
};

/* Per-run state of an OCI-runtime launcher (env->priv). */
struct oci_env {
	const char *rt; /* the launcher's name: the runtime's binary name */
	char binary[PATH_MAX];
	char version[128];
	char state[PATH_MAX]; /* a private directory: --root of the runtime, the bundles */
	char root[PATH_MAX];  /* the root file system */
	char load[PATH_MAX];  /* the workload on the host */
	char scratch[PATH_MAX];
	char cg_parent[64]; /* "boxbench-<rt>-<pid>": cgroupsPath parent, relative to ours */
	unsigned ns;
	bool use_cg;
	struct cg_layout cg; /* mode and hybrid, for the description */
	struct cg_limits lim;
	int pu;
	unsigned seq;
};

/* The launcher hooks, shared: each OCI launcher is a table naming these. */
void oci_rt_probe(const char *rt, const struct bb_env_opts *opts, struct bb_probe *out);
int oci_rt_prepare(const char *rt, struct bb_env *env, struct bb_err *err);
int oci_rt_spawn(struct bb_env *env, const struct bb_job *job, struct bb_instance *inst,
                 struct bb_err *err);
int oci_rt_reap(struct bb_env *env, struct bb_instance *inst, double timeout_s, struct bb_err *err);
void oci_rt_cleanup(struct bb_env *env);
int oci_rt_members(struct bb_env *env, const struct bb_instance *inst, struct bb_members *out,
                   struct bb_err *err);

/* Find a program on the standard Debian paths (never /usr/local: the distribution's package
 * is what is measured). Fills out (PATH_MAX); returns 0 or -1. */
int oci_find_binary(const char *name, char *out);

/* The start of a probe: the binary found (Debian package), its version, root. Returns 1 when
 * the box should now really be tried, 0 when out is final (not found, not root, or no
 * workload to try: found). */
int oci_probe_binary(const char *name, const char *package, const struct bb_env_opts *opts,
                     struct bb_probe *out, char *binary, char *version, size_t len);

/* The first line of `binary --version` (bounded; "" when it fails). */
void oci_binary_version(const char *binary, char *out, size_t len);

/* Remove a directory tree (no symlink followed, nothing outside it touched). */
int oci_rmtree(const char *path, struct bb_err *err);

/* Remove every cgroup directory named `name` (relative to our own cgroup, as the runtimes
 * resolve a relative cgroupsPath) in every mounted hierarchy, if empty. */
void oci_cgroup_parent_remove(const char *name);
/* The same for a path relative to our own cgroup or (absolute) to each hierarchy's root. */
void oci_cgroup_remove(const char *name, bool absolute);

#endif
