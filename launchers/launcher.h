/* One interface for every environment (crun's handler pattern): each launcher is one file
 * ending in a designated-initializer `struct launcher`, collected in `launchers[]`.
 *
 * Life of a sample: spawn() starts a fresh instance and hands back a pid and a file
 * descriptor on which the workload's `@bb` records arrive (the harness timestamps each line on
 * arrival); reap() waits for the instance to end (killing it once the timeout passes) and tears
 * down everything spawn() created. reap() is called exactly once per successful spawn(), on
 * every path. */
#ifndef BB_LAUNCHER_H
#define BB_LAUNCHER_H

#include <stdbool.h>
#include <limits.h>
#include <stddef.h>
#include <sys/types.h>
#include <jansson.h>

#include "envdesc.h"
#include "ns.h"
#include "err.h"
#include "opttab.h"

/* What the user chose for the environments; filled by `run` from its flags. */
struct bb_env_opts {
	const char *build_dir;   /* where boxbench-load, images, kernels live */
	const char *load_path;   /* the workload binary (static) */
	const char *scratch_dir; /* storage for I/O suites, on the host file system */
	unsigned scratch_mib;    /* MiB the io suite writes there (a VM's disk image holds it) */
	int pu;                  /* OS index of the processing unit to pin to, -1 = none */
	/* image of the container's root and the VM's root disk (image.h): NULL = the minimal,
	 * built-in one (the rootfs.h tree; the initramfs alone) */
	const char *image;
	const char *images_dir; /* where images live, NULL = <build_dir>/images */
	/* container */
	unsigned container_ns; /* enum bb_ns mask */
	bool container_cgroup; /* create a per-instance cgroup */
	bool container_rootfs; /* pivot_root into the minimal image */
	double cpu_quota;      /* CPUs worth of time, e.g. 1.0 */
	long long mem_limit;   /* bytes */
	long pids_limit;
	/* docker */
	const char *docker_host; /* a user's daemon (-H URI), NULL = boxbench's own dockerd */
	/* vm */
	const char *vm_accel;  /* "kvm", "tcg" or NULL = decided by doctor's probe */
	const char *vm_kernel; /* guest kernel image, NULL = the one in build_dir */
	const char *vm_initrd; /* initramfs, NULL = the one in build_dir */
	unsigned vm_mem_mib;
	unsigned vm_vcpus;
	/* vm-full */
	double vm_full_timeout_s; /* per sample; 0 = VM_FULL_TIMEOUT_S (vm_full.c) */
};

/* One prepared environment: the launcher's state for the whole run. */
struct bb_env {
	const struct launcher *launcher;
	const struct bb_env_opts *opts;
	char name[ENVDESC_NAME]; /* in results: "native", "container-debian", "container-nonet" */
	void *priv;              /* launcher-owned; freed by cleanup() */
	/* prepare() may set it: the per-sample timeout this box needs at least (a full OS boot
	 * under emulation takes minutes); 0 = the run's --timeout alone. */
	double timeout_s;
	/* What defines this environment, for results' `environments`: run sets name, class,
	 * caps, image and the variant fields; prepare() fills in the rest. */
	struct bb_envdesc desc;
};

/* What to run in one instance: `boxbench-load SUITE ARGS...`. */
struct bb_job {
	const char *suite;
	char *const *args; /* NULL-terminated, may be NULL */
	double timeout_s;
	/* The suite needs storage: each launcher appends its own `--dir PATH` naming a directory
	 * whose blocks end on the same host file system (opts->scratch_dir): that directory, its
	 * bind mount, or a guest's ext4 image kept in it (vm_disk.h). */
	bool storage;
};

/* One running instance. */
struct bb_instance {
	pid_t pid;      /* the process the harness waits for (workload, init, or QEMU) */
	int pidfd;      /* pidfd of pid, -1 if unavailable */
	int out_fd;     /* read end carrying the workload's records */
	void *priv;     /* launcher-owned per-instance state, released by reap() */
	int status;     /* wait status once reaped */
	bool timed_out; /* reap() had to kill it */
};

struct bb_probe {
	bool available;
	char reason[512]; /* why not, or a short description of what will be used */
};

/* A decomposition variant (BB_CAP_DECOMPOSE): the full box minus one part, for pricing that
 * part (C10). apply() turns the full box's options into the variant's; it returns false when
 * the full box does not have the part, so there is nothing to take away. */
struct bb_variant {
	const char *suffix;  /* "nonet": the variant is named "<box>-<suffix>" */
	const char *removed; /* "net": what it leaves out, in results */
	unsigned long what;  /* the launcher's own code for the part */
	bool (*apply)(struct bb_env_opts *opts, const struct bb_variant *v);
};

/* The CPU, memory and pids limits every box with a cgroup takes (container, runc, crun, podman,
 * docker): each launcher's table lists these rows, the generic parser takes the shared
 * declaration once. */
#define BB_LIMIT_OPTIONS                                                                           \
	{ .name = "cpu-quota",                                                                     \
	  .type = BB_OPT_DOUBLE,                                                                   \
	  .field = offsetof(struct bb_env_opts, cpu_quota),                                        \
	  .min = 0.01,                                                                             \
	  .max = 1024,                                                                             \
	  .arg = "CPUS",                                                                           \
	  .help = "containers' CPU limit (default 1)" },                                           \
	    { .name = "mem-limit",                                                                 \
	      .type = BB_OPT_SIZE,                                                                 \
	      .field = offsetof(struct bb_env_opts, mem_limit),                                    \
	      .min = 16 << 20,                                                                     \
	      .arg = "SIZE",                                                                       \
	      .help = "containers' memory limit, at least 16M (default 512M)" },                   \
	{                                                                                          \
		.name = "pids-limit", .type = BB_OPT_LONG,                                         \
		.field = offsetof(struct bb_env_opts, pids_limit), .min = 8, .max = 4194304,       \
		.arg = "N", .help = "containers' pids limit (default 256)"                         \
	}

/* Who a live instance is made of, for the footprint (C6): the box itself, and what an engine
 * runs beside it. Filled by a launcher's members() hook; without one the box is the instance's
 * pid (its process tree and cgroup) and nothing wraps it. */
#define BB_MEMBERS_MAX 8
struct bb_members {
	pid_t box; /* the box's first process: it, its descendants and its cgroup's members */
	/* per instance, outside the box, each counted alone (not its tree, which holds the box):
	 * a runtime's foreground process, a shim, conmon, an engine's CLI */
	pid_t wrap[BB_MEMBERS_MAX];
	size_t nwrap;
	/* shared by every instance, counted once: an engine's daemons (dockerd, containerd) */
	pid_t engine[BB_MEMBERS_MAX];
	size_t nengine;
	/* the instance's own state on disk (a bundle, a container's directory and writable
	 * layer): one copy per instance, kept apart from the engine's store (engine.store) */
	char state[4][PATH_MAX];
	size_t nstate;
};

struct launcher {
	const char *name;
	const char *summary;
	const char *settles; /* the claims of CLAIMS.md it settles: "C4, C5" */
	enum bb_class class;
	unsigned caps;                     /* enum bb_cap */
	const struct bb_option *options;   /* its own `run` options (fields of bb_env_opts) */
	const struct bb_variant *variants; /* NULL-terminated by suffix; BB_CAP_DECOMPOSE */
	/* Options that cannot go together, found before anything runs (a usage error). */
	int (*check)(const struct bb_env_opts *opts, struct bb_err *err);
	/* Can it run here? Never fails: fills out->available and out->reason. */
	void (*probe)(const struct bb_env_opts *opts, struct bb_probe *out);
	/* Once per run: build images, check binaries, fill env->desc. */
	int (*prepare)(struct bb_env *env, struct bb_err *err);
	/* Start a fresh instance running the job. */
	int (*spawn)(struct bb_env *env, const struct bb_job *job, struct bb_instance *inst,
	             struct bb_err *err);
	/* Wait up to timeout_s for the instance to end, kill it after that, tear everything down.
	 * Returns 0 when the instance ended by itself (status in inst->status), negative when it
	 * had to be killed or teardown failed; teardown is attempted on every path. */
	int (*reap)(struct bb_env *env, struct bb_instance *inst, double timeout_s,
	            struct bb_err *err);
	/* Optional: who the live instance is made of (struct bb_members), for the footprint. */
	int (*members)(struct bb_env *env, const struct bb_instance *inst, struct bb_members *out,
	               struct bb_err *err);
	/* Release what prepare() made. */
	void (*cleanup)(struct bb_env *env);
};

extern const struct launcher *const launchers[];

const struct launcher *launcher_find(const char *name);

#endif
