/* An OCI runtime (runc, crun) driven through its CLI, the way an engine's shim drives it, but
 * with nothing in between: per instance, a bundle (config.json of oci.c next to the shared
 * minimal root) and `RUNTIME --root STATE run --bundle B ID` in the foreground. The runtime's
 * stdout is the container's, so records arrive on our pipe; `run` deletes the container when
 * its process ends. A sample that must be stopped is deleted with `RUNTIME delete --force`.
 *
 * Everything lives under one private state directory (/run/boxbench-<rt>-XXXXXX: the
 * runtime's --root and the bundles) and one cgroup parent (`boxbench-<rt>-<pid>` next to our
 * own cgroup), both removed by cleanup. */
#include "oci.h"

#include "cleanup.h"
#include "engine.h"
#include "image.h"
#include "ns.h"
#include "proc.h"
#include "rootfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define OCI_MAX_ARGS    64
#define OCI_HELPER_S    10.0 /* `delete --force`, `--version` */
#define OCI_EXIT_WAIT_S 5.0  /* the runtime's own exit once its container is gone */

/* Per-instance state (inst->priv). */
struct oci_inst {
	char id[48];
	char bundle[PATH_MAX];
};

int oci_find_binary(const char *name, char *out)
{
	static const char *const dirs[] = { "/usr/sbin", "/usr/bin", "/sbin", "/bin", NULL };

	for (int i = 0; dirs[i]; i++) {
		snprintf(out, PATH_MAX, "%s/%s", dirs[i], name);
		if (access(out, X_OK) == 0)
			return 0;
	}
	out[0] = '\0';
	return -1;
}

void oci_binary_version(const char *binary, char *out, size_t len)
{
	char *argv[] = { (char *)binary, "--version", NULL }, text[512];
	int status = 0;

	out[0] = '\0';
	if (proc_run(argv, NULL, OCI_HELPER_S, text, sizeof(text), &status, NULL) != 0 ||
	    !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return;
	text[strcspn(text, "\n")] = '\0';
	snprintf(out, len, "%s", text);
}

static int oci_rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return (flag == FTW_DP ? rmdir(path) : unlink(path)) < 0 && errno != ENOENT ? -1 : 0;
}

int oci_rmtree(const char *path, struct bb_err *err)
{
	if (nftw(path, oci_rm_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) < 0 && errno != ENOENT)
		return bb_fail(err, errno, "remove %s", path);
	return 0;
}

void oci_cgroup_parent_remove(const char *name)
{
	oci_cgroup_remove(name, false);
}

/* Every mounted cgroup hierarchy (v1 and cgroup2) from mountinfo: remove <mnt><own path>/name
 * where the runtime resolved our relative cgroupsPath, or <mnt>/name for an absolute one. */
void oci_cgroup_remove(const char *name, bool absolute)
{
	_cleanup_fclose_ FILE *mi = fopen("/proc/self/mountinfo", "re");
	char line[4096], mnt[PATH_MAX], fstype[64], opts[1024], dir[PATH_MAX * 2];
	char self[8192], own[PATH_MAX];
	int fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, self, sizeof(self) - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (!mi || n <= 0)
		return;
	self[n] = '\0';
	while (fgets(line, sizeof(line), mi)) {
		char *sep = strstr(line, " - ");
		if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1 ||
		    sscanf(sep + 3, "%63s %*s %1023s", fstype, opts) != 2)
			continue;
		bool v2 = !strcmp(fstype, "cgroup2");
		if (!v2 && strcmp(fstype, "cgroup"))
			continue;
		/* the controller named in the options picks our line of /proc/self/cgroup */
		char *ctrl = v2 ? NULL : strrchr(opts, ',');
		ctrl = ctrl ? ctrl + 1 : opts;
		if (absolute || cg_self_path(self, v2 ? NULL : ctrl, own, sizeof(own), NULL) < 0)
			snprintf(own, sizeof(own), "/");
		snprintf(dir, sizeof(dir), "%s%s/%s", mnt, strcmp(own, "/") ? own : "", name);
		rmdir(dir);
	}
}

/* --- probe --- */

/* Really start a container of the minimal kind (a bundle whose process is `true`-like: the
 * workload's selftest would need the tree; `/proc/self/exe` of nothing is simpler): the
 * runtime's own refusal (crun on hybrid cgroups) shows up here and nowhere else. */
static void oci_try(const char *binary, const struct bb_env_opts *opts, char *why, size_t len)
{
	struct bb_env env = { .opts = opts };
	struct bb_job job = { .suite = "startup", .timeout_s = 30 };
	struct bb_instance inst = { .pid = -1, .pidfd = -1, .out_fd = -1 };
	struct bb_err err = { 0 };
	const char *rt = strrchr(binary, '/') + 1;
	char st[64];

	why[0] = '\0';
	if (oci_rt_prepare(rt, &env, &err) < 0) {
		snprintf(why, len, "%s", err.msg);
		return;
	}
	if (oci_rt_spawn(&env, &job, &inst, &err) < 0) {
		snprintf(why, len, "%s", err.msg);
	} else {
		if (oci_rt_reap(&env, &inst, 30, &err) < 0)
			snprintf(why, len, "%s", err.msg);
		else if (!WIFEXITED(inst.status) || WEXITSTATUS(inst.status) != 0)
			snprintf(why, len, "%s run of the workload: %s", rt,
			         proc_status_str(inst.status, st, sizeof(st)));
	}
	oci_rt_cleanup(&env);
	envdesc_free(&env.desc);
}

int oci_probe_binary(const char *name, const char *package, const struct bb_env_opts *opts,
                     struct bb_probe *out, char *binary, char *version, size_t len)
{
	out->available = false;
	if (oci_find_binary(name, binary) < 0) {
		snprintf(out->reason, sizeof(out->reason),
		         "%s not found in /usr/sbin, /usr/bin (Debian package %s)", name, package);
		return 0;
	}
	oci_binary_version(binary, version, len);
	if (geteuid() != 0) {
		snprintf(out->reason, sizeof(out->reason), "%s: needs root (rootless not set up)",
		         version);
		return 0;
	}
	if (!opts || !opts->load_path) {
		out->available = true;
		snprintf(out->reason, sizeof(out->reason), "%s found", version);
		return 0;
	}
	return 1;
}

void oci_rt_probe(const char *rt, const struct bb_env_opts *opts, struct bb_probe *out)
{
	char binary[PATH_MAX], version[128], why[400];

	if (oci_probe_binary(rt, rt, opts, out, binary, version, sizeof(version)) <= 0)
		return;
	oci_try(binary, opts, why, sizeof(why));
	out->available = why[0] == '\0';
	snprintf(out->reason, sizeof(out->reason), "%s: %s", version[0] ? version : binary,
	         why[0] ? why : "a container of the minimal root ran");
}

/* --- spawn, reap --- */

static int oci_job_argv(const struct oci_env *oe, const struct bb_job *job, char **argv,
                        struct bb_err *err)
{
	size_t n = 0;

	argv[n++] = ROOTFS_LOAD_PATH;
	argv[n++] = (char *)job->suite;
	for (size_t i = 0; job->args && job->args[i]; i++) {
		if (n + 3 >= OCI_MAX_ARGS)
			return bb_fail(err, E2BIG, "%s: too many workload arguments", oe->rt);
		argv[n++] = job->args[i];
	}
	if (job->storage && oe->scratch[0]) {
		argv[n++] = "--dir";
		argv[n++] = "/scratch";
	}
	argv[n] = NULL;
	return 0;
}

static int oci_bundle(struct oci_env *oe, const struct bb_job *job, struct oci_inst *oi,
                      struct bb_err *err)
{
	char *argv[OCI_MAX_ARGS], cgpath[128];
	struct oci_spec s = { .root = oe->root,
		              .args = argv,
		              .ns = oe->ns,
		              .lim = oe->lim,
		              .scratch = oe->scratch[0] ? oe->scratch : NULL };

	snprintf(oi->id, sizeof(oi->id), "boxbench-%d-%u", (int)getpid(), ++oe->seq);
	snprintf(oi->bundle, sizeof(oi->bundle), "%s/%s", oe->state, oi->id);
	snprintf(cgpath, sizeof(cgpath), "%s/%s", oe->cg_parent, oi->id);
	s.cgroup_path = oe->use_cg ? cgpath : NULL;
	if (oci_job_argv(oe, job, argv, err) < 0)
		return -1;
	if (mkdir(oi->bundle, 0700) < 0)
		return bb_fail(err, errno, "%s: bundle %s", oe->rt, oi->bundle);
	if (oci_bundle_write(oi->bundle, &s, err) < 0) {
		rmdir(oi->bundle);
		return bb_wrap(err, "%s", oe->rt);
	}
	return 0;
}

/* The runtime's stderr goes to a file of the bundle: its own error explains a failed start.
 * The runtime runs pinned to the workload's processing unit: its container inherits the
 * affinity (runc 1.1 has no affinity of its own to set), and the harness stays alone on its. */
static int oci_start(struct oci_env *oe, struct oci_inst *oi, int out_w, struct bb_instance *inst,
                     struct bb_err *err)
{
	char rtroot[PATH_MAX + 8], log[PATH_MAX + 16];
	char *argv[] = {
		oe->binary, "--root", rtroot, "run", "--bundle", oi->bundle, oi->id, NULL
	};
	_cleanup_close_ int log_fd = -1;

	snprintf(rtroot, sizeof(rtroot), "%s/rt", oe->state);
	snprintf(log, sizeof(log), "%s/stderr", oi->bundle);
	if ((log_fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
		return bb_fail(err, errno, "%s: %s", oe->rt, log);
	struct bb_exec ex = { .path = oe->binary,
		              .argv = argv,
		              .stdin_fd = -1,
		              .stdout_fd = out_w,
		              .stderr_fd = log_fd,
		              .pu = oe->pu,
		              .new_pgrp = true };
	if (proc_spawn(&ex, &inst->pid, &inst->pidfd, err) < 0)
		return bb_wrap(err, "%s", oe->rt);
	return 0;
}

int oci_rt_spawn(struct bb_env *env, const struct bb_job *job, struct bb_instance *inst,
                 struct bb_err *err)
{
	struct oci_env *oe = env->priv;
	_cleanup_free_ struct oci_inst *oi = calloc(1, sizeof(*oi));
	int fds[2];

	if (!oi)
		return bb_fail(err, ENOMEM, "%s: spawn", oe->rt);
	if (oci_bundle(oe, job, oi, err) < 0)
		return -1;
	if (pipe2(fds, O_CLOEXEC) < 0) {
		oci_rmtree(oi->bundle, NULL);
		return bb_fail(err, errno, "%s: pipe", oe->rt);
	}
	int rc = oci_start(oe, oi, fds[1], inst, err);
	close(fds[1]);
	if (rc < 0) {
		close(fds[0]);
		oci_rmtree(oi->bundle, NULL);
		return -1;
	}
	inst->out_fd = fds[0];
	inst->priv = BB_STEAL(oi);
	return 0;
}

/* `RUNTIME delete --force ID`: kills the container's processes (its PID namespace goes with
 * its init) and removes its state and cgroup; the foreground runtime then exits by itself. */
static int oci_delete(const struct oci_env *oe, const struct oci_inst *oi, struct bb_err *err)
{
	char rtroot[PATH_MAX + 8], text[512], st[64];
	char *argv[] = { (char *)oe->binary, "--root",       rtroot, "delete",
		         "--force",          (char *)oi->id, NULL };
	int status = 0, w;

	snprintf(rtroot, sizeof(rtroot), "%s/rt", oe->state);
	w = proc_run(argv, NULL, OCI_HELPER_S, text, sizeof(text), &status, err);
	if (w < 0)
		return -1;
	if (w == 1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		/* a container that is already gone is not an error */
		if (w == 0 && (strstr(text, "does not exist") || strstr(text, "not exist")))
			return 0;
		text[strcspn(text, "\n")] = '\0';
		return bb_fail(err, 0, "%s delete --force %s: %s: %s", oe->rt, oi->id,
		               w == 1 ? "no answer" : proc_status_str(status, st, sizeof(st)),
		               text);
	}
	return 0;
}

/* The runtime's own complaint (its stderr), first line, when it failed. */
static void oci_stderr_line(const struct oci_inst *oi, char *out, size_t len)
{
	char path[PATH_MAX + 16];
	_cleanup_close_ int fd = -1;
	ssize_t n;

	out[0] = '\0';
	snprintf(path, sizeof(path), "%s/stderr", oi->bundle);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || (n = read(fd, out, len - 1)) <= 0)
		return;
	out[n] = '\0';
	out[strcspn(out, "\n")] = '\0';
}

/* A timeout or an interrupt: delete the container, then the runtime ends by itself. */
static int oci_stop(const struct oci_env *oe, const struct oci_inst *oi, struct bb_instance *inst,
                    struct bb_err *err)
{
	int rc = oci_delete(oe, oi, err);
	sig_atomic_t was = bb_interrupted;

	bb_interrupted = 0;
	if (proc_wait(inst->pid, inst->pidfd, OCI_EXIT_WAIT_S, &inst->status, NULL) != 0)
		proc_kill_reap(inst->pid, inst->pidfd, true, &inst->status);
	bb_interrupted |= was;
	return rc;
}

int oci_rt_reap(struct bb_env *env, struct bb_instance *inst, double timeout_s, struct bb_err *err)
{
	const struct oci_env *oe = env->priv;
	struct oci_inst *oi = inst->priv;
	char line[300];
	int ret = 0;
	int w = proc_wait(inst->pid, inst->pidfd, timeout_s, &inst->status, err);

	if (w != 0) {
		inst->timed_out = w == 1;
		ret = w == 1 ? bb_fail(err, 0, "%s: %s after %.1f s, killed", oe->rt,
		                       bb_interrupted ? "interrupted" : "timed out", timeout_s)
		             : bb_wrap(err, "%s", oe->rt);
		if (oi && oci_stop(oe, oi, inst, NULL) < 0)
			ret = -1;
	} else if (oi && WIFEXITED(inst->status) && WEXITSTATUS(inst->status) != 0) {
		/* the runtime's complaint, if it wrote one: why the box did not start */
		oci_stderr_line(oi, line, sizeof(line));
		if (line[0])
			ret = bb_fail(err, 0, "%s: %s", oe->rt, line);
	}
	if (oi && oci_rmtree(oi->bundle, ret < 0 ? NULL : err) < 0)
		ret = -1;
	if (inst->pidfd >= 0)
		close(inst->pidfd);
	if (inst->out_fd >= 0)
		close(inst->out_fd);
	inst->pidfd = inst->out_fd = -1;
	free(oi);
	inst->priv = NULL;
	return ret;
}

/* The box is the container's init, the foreground runtime's child; the runtime itself stays
 * beside it for the container's whole life (it waits for it and relays signals). */
int oci_rt_members(struct bb_env *env, const struct bb_instance *inst, struct bb_members *out,
                   struct bb_err *err)
{
	const struct oci_env *oe = env->priv;
	const struct oci_inst *oi = inst->priv;
	pid_t kids[4];

	memset(out, 0, sizeof(*out));
	if (!oi || engine_children(inst->pid, kids, 4) == 0)
		return bb_fail(err, ESRCH, "%s: its container has no process", oe->rt);
	out->box = kids[0];
	out->wrap[out->nwrap++] = inst->pid;
	snprintf(out->state[out->nstate++], PATH_MAX, "%s", oi->bundle);
	snprintf(out->state[out->nstate++], PATH_MAX, "%s/rt/%s", oe->state, oi->id);
	return 0;
}

/* --- prepare, cleanup --- */

static int oci_describe(const struct oci_env *oe, const struct bb_image *img, struct bb_envdesc *d,
                        struct bb_err *err)
{
	const struct engine_box box = { .kind = "oci",
		                        .load = oe->load,
		                        .root = oe->root,
		                        .pu = oe->pu,
		                        .ns = oe->ns,
		                        .use_cg = oe->use_cg,
		                        .cg = &oe->cg,
		                        .lim = oe->lim };

	engine_describe_box(d, &box);
	snprintf(d->engine.runtime, sizeof(d->engine.runtime), "%s", oe->binary);
	snprintf(d->engine.runtime_version, sizeof(d->engine.runtime_version), "%s", oe->version);
	if (!(d->extra = json_pack(
	          "{s:s, s:s, s:s, s:s, s:s}", "pinning",
	          "the runtime runs on the workload's processing unit; the "
	          "container inherits its affinity",
	          "bundle", "config.json (OCI " OCI_VERSION ") per instance, written by boxbench",
	          "user", "uid 0 without capabilities", "dev",
	          "tmpfs with the runtime's default device nodes", "seccomp", "none")))
		return bb_fail(err, ENOMEM, "%s: describe", oe->rt);
	if (img->name[0]) {
		snprintf(d->image, sizeof(d->image), "%s", img->name);
		snprintf(d->image_source, sizeof(d->image_source), "%s", img->source);
		return 0;
	}
	snprintf(d->image, sizeof(d->image), "%s", IMAGE_MINIMAL);
	return rootfs_size(oe->root, &d->rootfs.bytes, &d->rootfs.entries, err);
}

static int oci_prepare_env(struct oci_env *oe, struct bb_env *env, struct bb_err *err)
{
	const struct bb_env_opts *opts = env->opts;
	struct bb_image img = { .name = "" };

	if (oci_find_binary(oe->rt, oe->binary) < 0)
		return bb_fail(err, ENOENT, "%s: not found (Debian package %s)", oe->rt, oe->rt);
	oci_binary_version(oe->binary, oe->version, sizeof(oe->version));
	oe->ns = (opts->container_ns & BB_NS_ALL) | BB_NS_MNT;
	oe->use_cg = opts->container_cgroup;
	oe->lim = (struct cg_limits){ .cpu_quota = opts->cpu_quota,
		                      .mem_limit = opts->mem_limit,
		                      .pids_limit = opts->pids_limit };
	oe->pu = opts->pu;
	if (oe->use_cg && cg_layout_init(&oe->cg, err) < 0)
		return bb_wrap(err, "%s", oe->rt);
	snprintf(oe->cg_parent, sizeof(oe->cg_parent), "boxbench-%s-%d", oe->rt, (int)getpid());
	if (engine_realpath(oe->rt, "workload", opts->load_path, oe->load, err) < 0 ||
	    (opts->scratch_dir && engine_realpath(oe->rt, "scratch directory", opts->scratch_dir,
	                                          oe->scratch, err) < 0) ||
	    engine_root(oe->rt, oe->load, opts, &img, oe->root, err) < 0)
		return -1;
	char prefix[32];
	snprintf(prefix, sizeof(prefix), "boxbench-%s-", oe->rt);
	if (sweep_mkdtemp("/run", prefix, oe->state, sizeof(oe->state), err) < 0) {
		oe->state[0] = '\0';
		return bb_wrap(err, "%s: state directory", oe->rt);
	}
	return oci_describe(oe, &img, &env->desc, err);
}

int oci_rt_prepare(const char *rt, struct bb_env *env, struct bb_err *err)
{
	struct oci_env *oe = calloc(1, sizeof(*oe));

	if (!oe)
		return bb_fail(err, ENOMEM, "%s: prepare", rt);
	oe->rt = rt;
	env->priv = oe;
	if (oci_prepare_env(oe, env, err) < 0) {
		oci_rt_cleanup(env);
		return -1;
	}
	return 0;
}

void oci_rt_cleanup(struct bb_env *env)
{
	struct oci_env *oe = env->priv;
	struct bb_err err = { 0 };

	if (!oe)
		return;
	if (oe->state[0] && oci_rmtree(oe->state, &err) < 0)
		fprintf(stderr, "boxbench: %s: %s\n", oe->rt, err.msg);
	if (oe->use_cg)
		oci_cgroup_parent_remove(oe->cg_parent);
	free(oe);
	env->priv = NULL;
}
