/* What the container engines (docker, podman) share: sweeping what they leave on the host
 * (processes naming their private directory, mounts under it, host paths they create whatever
 * their flags say), the relations of their processes (for the footprint's members), and a tar of
 * the box's root to import as an image without a registry. */
#ifndef BB_ENGINE_H
#define BB_ENGINE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cgroup.h"
#include "envdesc.h"
#include "err.h"
#include "image.h"
#include "launcher.h"
#include "sweep.h"

/* The engines' private directories, named for their owner (sweep.h) so that what a killed
 * harness leaves is swept: /var/tmp/boxbench-docker-<owner>-..., boxbench-podman-..., and the
 * OCI runtimes' state in /run/boxbench-runc-..., boxbench-crun-.... */
#define ENGINE_DOCKER_PREFIX "boxbench-docker-"
#define ENGINE_PODMAN_PREFIX "boxbench-podman-"
extern const struct bb_sweeper sweeper_docker, sweeper_podman, sweeper_runc, sweeper_crun;
/* Their remove(): kill what still names the directory, detach the mounts under it (a daemon's
 * overlays), then remove the tree. */
int engine_sweep_remove(const struct bb_sweeper *sw, const char *path, struct bb_err *err);

/* The end of an engine instance's reap: its CLI's log removed (log may be NULL), its
 * descriptors closed, its state (inst->priv) freed. */
void engine_inst_release(struct bb_instance *inst, const char *log);

/* SIGKILL every process whose command line names dir (a containerd, a shim, a conmon). */
void engine_kill_strays(const char *dir);
/* Wait up to timeout_s until no process names one of needles on its command line (what an
 * engine runs after its CLI returns: conmon, its exit command), then SIGKILL what remains.
 * Returns 0 when they ended by themselves, -1 when some had to be killed. */
int engine_wait_gone(const char *const *needles, size_t n, double timeout_s);
/* Detach every mount under dir, deepest first. */
void engine_unmount_under(const char *dir);

/* Host paths an engine creates outside its roots: note which are absent before it runs
 * (made[i]), remove those afterwards (files first, then directories if empty: list them
 * deepest first). */
void engine_host_paths_note(const char *const *paths, size_t n, bool *made);
void engine_host_paths_remove(const char *const *paths, size_t n, const bool *made);

/* The parent of pid (from /proc/PID/stat), -1 when gone. */
pid_t engine_ppid(pid_t pid);
/* The children of pid (every thread's), up to max; returns how many. */
size_t engine_children(pid_t pid, pid_t *out, size_t max);

/* tar of root into tar_path (the image to import), with a timeout. */
int engine_tar_root(const char *root, const char *tar_path, double timeout_s, struct bb_err *err);

/* Fill a footprint member's state paths from a container's id and its writable layer
 * (GraphDriver.Data.UpperDir of inspect): <containers>/<id>, the layer's directory and its
 * "-init" sibling. */
size_t engine_layer_state(const char *containers, const char *id, const char *upper,
                          char (*state)[PATH_MAX], size_t max);

/* --- what the stacks share around a box (runc, crun, podman, docker) --- */

/* An absolute path for a path option (what names it in the error). */
int engine_realpath(const char *who, const char *what, const char *path, char *out,
                    struct bb_err *err);
/* The box's root: an image's tree (opts->image), else the minimal one `container` uses
 * (<build>/rootfs), built and verified. root holds PATH_MAX. */
int engine_root(const char *who, const char *load, const struct bb_env_opts *opts,
                struct bb_image *img, char *root, struct bb_err *err);

/* The job at the end of a `run` command line: [-v SCRATCH] IMAGE /bin/boxbench-load SUITE ARGS
 * [--dir /scratch]; scratch_arg NULL when the job needs no storage. Returns the new count, 0
 * when max is too small. */
size_t engine_job_argv(char **argv, size_t n, size_t max, const char *image,
                       const char *scratch_arg, const struct bb_job *job);

/* Start a CLI whose stdout carries the records (inst->out_fd) and whose stderr goes to the file
 * log (created); inst->pid and pidfd are the CLI's. */
int engine_spawn_cli(const char *who, const char *path, char **argv, char *const *envp,
                     const char *log, int pu, struct bb_instance *inst, struct bb_err *err);

/* What a box with namespaces, a cgroup and a root switch is, in its typed description. */
struct engine_box {
	const char *kind, *load, *root;
	int pu;
	unsigned ns;
	bool use_cg;
	const struct cg_layout *cg;
	struct cg_limits lim;
};
void engine_describe_box(struct bb_envdesc *d, const struct engine_box *b);

#endif
