/* podman: the daemonless engine. Per sample `podman run --rm` in the foreground: the podman CLI
 * creates the container from an image imported from the box's root (a tar, `podman import`: no
 * registry), starts conmon (the per-container monitor, which stays) and the OCI runtime, and
 * relays the container's stdout, on which the records arrive.
 *
 * The runtime is runc, not podman's default crun: crun refuses hybrid cgroups ("cgroups in hybrid
 * mode not supported"), which these machines have; the one used is recorded (engine.runtime).
 * Podman as root writes RLIMIT_NOFILE = 1048576 into every container's spec and lowers its own
 * RLIMIT_NPROC to 32768 at start; a runtime cannot raise a hard limit without CAP_SYS_RESOURCE,
 * so where the harness lacks it (a sandbox's bounding set) every start fails with
 * "setrlimit `RLIMIT_NOFILE`: Operation not permitted" (seen with strace: prlimit64 of 1048576
 * -> EPERM). The container gets the harness's own limits instead (--ulimit nofile=SOFT:HARD,
 * nproc at most podman's 32768), which is what every other box inherits anyway.
 *
 * Nothing is left behind: storage (--root), run state (--runroot), temporary files (--tmpdir)
 * and network configuration (--network-config-dir) live in a private directory removed at the
 * end, the network is `none` (no CNI call, no host interface), the cgroups are under our own
 * parent (/boxbench-podman-PID, conmon's included), and the few host paths podman and runc write
 * whatever the flags say (the image blob cache, runc's default state root) are removed when they
 * were not there before. */
#include "launcher.h"

#include "cleanup.h"
#include "engine.h"
#include "image.h"
#include "oci.h"
#include "proc.h"
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define PM_MAX_ARGS  96
#define PM_HELPER_S  30.0
#define PM_NPROC_MAX 32768 /* podman 4.3 lowers its own RLIMIT_NPROC to this at start */
#define PM_HOST_N    4

/* Written by podman or its runtime outside their roots, whatever the flags say. */
static const char *const pm_host_paths[PM_HOST_N] = {
	"/var/lib/containers/cache/blob-info-cache-v1.boltdb",
	"/var/lib/containers/cache",
	"/var/lib/containers",
	"/run/runc",
};

struct pm_env {
	char cli[PATH_MAX], runtime[PATH_MAX], version[128], rt_version[128];
	char dir[PATH_MAX]; /* private: root, runroot, tmpdir, network config, the image's tar */
	char root[PATH_MAX], load[PATH_MAX], scratch[PATH_MAX];
	char image[96];
	bool image_made;
	bool host_made[PM_HOST_N];
	char cg_parent[64]; /* "boxbench-podman-PID", under each hierarchy's root */
	unsigned ns;
	bool use_cg;
	struct cg_layout cg;
	struct cg_limits lim;
	int pu;
	unsigned seq;
	/* argument strings */
	char g_root[PATH_MAX + 16], g_runroot[PATH_MAX + 16], g_tmp[PATH_MAX + 16];
	char g_net[PATH_MAX + 32], g_rt[PATH_MAX + 16];
	char a_cg[80], a_nofile[64], a_nproc[64], a_cpus[32], a_mem[48], a_pids[48];
	char a_scratch[PATH_MAX * 2 + 8];
};

struct pm_inst {
	char name[48];
	char log[PATH_MAX + 64];
	char cidfile[PATH_MAX + 64]; /* the container's id, which its conmon's cleanup names */
	char a_cidfile[PATH_MAX + 80];
};

/* podman GLOBAL-FLAGS ARGS... into argv (PM_MAX_ARGS). */
static size_t pm_argv(const struct pm_env *pe, const char *const *args, char **argv)
{
	const char *const global[] = { pe->cli,
		                       pe->g_root,
		                       pe->g_runroot,
		                       pe->g_tmp,
		                       pe->g_net,
		                       pe->g_rt,
		                       "--cgroup-manager=cgroupfs",
		                       "--events-backend=none",
		                       NULL };
	size_t n = 0;

	for (size_t i = 0; global[i]; i++)
		argv[n++] = (char *)global[i];
	for (size_t i = 0; args && args[i] && n + 1 < PM_MAX_ARGS; i++)
		argv[n++] = (char *)args[i];
	argv[n] = NULL;
	return n;
}

static char *pm_envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };

/* A podman command to completion; a non-zero exit is an error with its first line. */
static int pm_cli_ok(const struct pm_env *pe, const char *const *args, char *text, size_t len,
                     struct bb_err *err)
{
	char *argv[PM_MAX_ARGS], st[64];
	int status = 0, w;

	pm_argv(pe, args, argv);
	w = proc_run(argv, pm_envp, PM_HELPER_S * 4, text, len, &status, err);
	if (w < 0)
		return -1;
	if (w == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	text[strcspn(text, "\n")] = '\0';
	return bb_fail(err, 0, "podman %s: %s%s%s", args[0],
	               w == 1 ? "no answer" : proc_status_str(status, st, sizeof(st)),
	               text[0] ? ": " : "", text);
}

/* --- the limits a runtime cannot raise --- */

/* CAP_SYS_RESOURCE (24) in our effective set, from /proc/self/status (no libcap). */
static bool pm_has_sys_resource(void)
{
	char text[4096], *p;
	_cleanup_close_ int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, text, sizeof(text) - 1) : -1;

	if (n <= 0)
		return false;
	text[n] = '\0';
	if (!(p = strstr(text, "CapEff:")))
		return false;
	return (strtoull(p + 7, NULL, 16) >> 24) & 1;
}

/* Why podman's own rlimits fail here, or "" when they would not (measured: our limits and
 * capabilities, what podman asks for). */
static void pm_rlimit_why(char *out, size_t len)
{
	struct rlimit nofile;

	out[0] = '\0';
	if (getrlimit(RLIMIT_NOFILE, &nofile) < 0 || pm_has_sys_resource() ||
	    nofile.rlim_max >= 1048576)
		return;
	snprintf(out, len,
	         "podman's default RLIMIT_NOFILE of 1048576 exceeds this process's hard limit "
	         "(%llu) and CAP_SYS_RESOURCE is not in its capabilities, so the runtime's "
	         "setrlimit fails with EPERM; boxbench passes the harness's own limits",
	         (unsigned long long)nofile.rlim_max);
}

static void pm_ulimits(struct pm_env *pe)
{
	struct rlimit nofile = { 1024, 1024 }, nproc = { PM_NPROC_MAX, PM_NPROC_MAX };

	getrlimit(RLIMIT_NOFILE, &nofile);
	getrlimit(RLIMIT_NPROC, &nproc);
	if (nproc.rlim_max > PM_NPROC_MAX)
		nproc.rlim_max = PM_NPROC_MAX;
	if (nproc.rlim_cur > nproc.rlim_max)
		nproc.rlim_cur = nproc.rlim_max;
	snprintf(pe->a_nofile, sizeof(pe->a_nofile), "--ulimit=nofile=%llu:%llu",
	         (unsigned long long)nofile.rlim_cur, (unsigned long long)nofile.rlim_max);
	snprintf(pe->a_nproc, sizeof(pe->a_nproc), "--ulimit=nproc=%llu:%llu",
	         (unsigned long long)nproc.rlim_cur, (unsigned long long)nproc.rlim_max);
}

/* --- a sample --- */

static void pm_add(char **argv, size_t *n, const char *a)
{
	if (*n + 1 < PM_MAX_ARGS)
		argv[(*n)++] = (char *)a;
}

/* The namespaces and limits of `container`, in podman's words. */
static void pm_box_args(struct pm_env *pe, char **argv, size_t *n)
{
	pm_add(argv, n, pe->ns & BB_NS_NET ? "--network=none" : "--network=host");
	pm_add(argv, n, pe->ns & BB_NS_PID ? "--pid=private" : "--pid=host");
	pm_add(argv, n, pe->ns & BB_NS_IPC ? "--ipc=private" : "--ipc=host");
	pm_add(argv, n, pe->ns & BB_NS_UTS ? "--hostname=" ROOTFS_HOSTNAME : "--uts=host");
	pm_add(argv, n, pe->ns & BB_NS_CGROUP ? "--cgroupns=private" : "--cgroupns=host");
	pm_add(argv, n, "--read-only");
	pm_add(argv, n, "--tmpfs=/tmp:mode=1777,nosuid,nodev");
	pm_add(argv, n, "--cap-drop=ALL");
	pm_add(argv, n, "--security-opt=no-new-privileges");
	pm_add(argv, n, "--pull=never");
	pm_add(argv, n, pe->a_cg);
	pm_add(argv, n, pe->a_nofile);
	pm_add(argv, n, pe->a_nproc);
	if (!pe->use_cg)
		return;
	snprintf(pe->a_cpus, sizeof(pe->a_cpus), "--cpus=%g", pe->lim.cpu_quota);
	snprintf(pe->a_mem, sizeof(pe->a_mem), "--memory=%lld", pe->lim.mem_limit);
	snprintf(pe->a_pids, sizeof(pe->a_pids), "--pids-limit=%ld", pe->lim.pids_limit);
	if (pe->lim.cpu_quota > 0)
		pm_add(argv, n, pe->a_cpus);
	if (pe->lim.mem_limit > 0)
		pm_add(argv, n, pe->a_mem);
	if (pe->lim.pids_limit > 0)
		pm_add(argv, n, pe->a_pids);
}

static int pm_run_argv(struct pm_env *pe, const struct bb_job *job, const struct pm_inst *pi,
                       char **argv, struct bb_err *err)
{
	const char *const head[] = { "run", "--rm", "--name", pi->name, pi->a_cidfile, NULL };
	size_t n = pm_argv(pe, head, argv);

	pm_box_args(pe, argv, &n);
	if (!engine_job_argv(argv, n, PM_MAX_ARGS, pe->image,
	                     job->storage && pe->scratch[0] ? pe->a_scratch : NULL, job))
		return bb_fail(err, E2BIG, "podman: too many arguments");
	return 0;
}

/* The CLI runs on the workload's processing unit: conmon, the runtime and the container
 * inherit its affinity. */
static int pm_spawn(struct bb_env *env, const struct bb_job *job, struct bb_instance *inst,
                    struct bb_err *err)
{
	struct pm_env *pe = env->priv;
	_cleanup_free_ struct pm_inst *pi = calloc(1, sizeof(*pi));
	char *argv[PM_MAX_ARGS];

	if (!pi)
		return bb_fail(err, ENOMEM, "podman: spawn");
	snprintf(pi->name, sizeof(pi->name), "boxbench-%d-%u", (int)getpid(), ++pe->seq);
	snprintf(pi->log, sizeof(pi->log), "%s/%s.stderr", pe->dir, pi->name);
	snprintf(pi->cidfile, sizeof(pi->cidfile), "%s/%s.cid", pe->dir, pi->name);
	snprintf(pi->a_cidfile, sizeof(pi->a_cidfile), "--cidfile=%s", pi->cidfile);
	if (pm_run_argv(pe, job, pi, argv, err) < 0 ||
	    engine_spawn_cli("podman", pe->cli, argv, pm_envp, pi->log, pe->pu, inst, err) < 0)
		return -1;
	inst->priv = BB_STEAL(pi);
	return 0;
}

/* Exit 125: podman itself failed; 126, 127: the command could not run. Its stderr says why,
 * and an rlimit refusal gets the explanation. */
static int pm_judge(const struct pm_inst *pi, int status, struct bb_err *err)
{
	char line[400] = "", why[300];
	_cleanup_close_ int fd = open(pi->log, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (!WIFEXITED(status) || WEXITSTATUS(status) < 125 || WEXITSTATUS(status) > 127)
		return 0;
	if (fd >= 0 && (n = read(fd, line, sizeof(line) - 1)) > 0)
		line[n] = '\0';
	line[strcspn(line, "\n")] = '\0';
	pm_rlimit_why(why, sizeof(why));
	return bb_fail(err, 0, "podman run: exit %d: %s%s%s", WEXITSTATUS(status),
	               line[0] ? line : "(no message)",
	               strstr(line, "rlimit") && why[0] ? ": " : "",
	               strstr(line, "rlimit") ? why : "");
}

/* conmon outlives the CLI: once the container ends it runs its exit command (`podman container
 * cleanup`), both naming the container (its name, its id). The instance is torn down when they
 * are gone. */
static int pm_wait_conmon(const struct pm_inst *pi, struct bb_err *err)
{
	char id[96] = "";
	_cleanup_close_ int fd = open(pi->cidfile, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, id, sizeof(id) - 1) : -1;
	const char *const needles[] = { pi->name, id };

	id[n > 0 ? n : 0] = '\0';
	id[strcspn(id, "\n")] = '\0';
	unlink(pi->cidfile);
	if (engine_wait_gone(needles, 2, PM_HELPER_S) < 0)
		return bb_fail(err, 0,
		               "podman: conmon of %s still ran %.0f s after the container, killed",
		               pi->name, PM_HELPER_S);
	return 0;
}

static int pm_reap(struct bb_env *env, struct bb_instance *inst, double timeout_s,
                   struct bb_err *err)
{
	const struct pm_env *pe = env->priv;
	struct pm_inst *pi = inst->priv;
	int ret = 0, w = proc_wait(inst->pid, inst->pidfd, timeout_s, &inst->status, err);

	if (w != 0) {
		inst->timed_out = w == 1;
		ret = w == 1 ? bb_fail(err, 0, "podman: %s after %.1f s, killed",
		                       bb_interrupted ? "interrupted" : "timed out", timeout_s)
		             : bb_wrap(err, "podman");
		/* the CLI is a client: it goes first, then `rm -f` stops conmon and the box */
		proc_kill_reap(inst->pid, inst->pidfd, true, &inst->status);
		const char *args[] = { "rm", "--force", "--time=0", pi ? pi->name : "", NULL };
		char text[512];
		if (pi && pm_cli_ok(pe, args, text, sizeof(text), NULL) < 0 &&
		    !strstr(text, "no such container"))
			ret = -1;
	} else if (pi) {
		ret = pm_judge(pi, inst->status, err);
	}
	if (pi && pm_wait_conmon(pi, ret < 0 ? NULL : err) < 0)
		ret = -1;
	engine_inst_release(inst, pi ? pi->log : NULL);
	return ret;
}

/* The box is the container's init; conmon and the CLI wrap it; no daemon. */
static int pm_members(struct bb_env *env, const struct bb_instance *inst, struct bb_members *out,
                      struct bb_err *err)
{
	const struct pm_env *pe = env->priv;
	const struct pm_inst *pi = inst->priv;
	const char *args[] = { "inspect", "--format",
		               "{{.State.Pid}} {{.State.ConmonPid}} {{.Id}} "
		               "{{.GraphDriver.Data.UpperDir}}",
		               pi ? pi->name : "", NULL };
	char text[PATH_MAX + 256], id[80] = "", upper[PATH_MAX] = "", dir[PATH_MAX + 32];
	int pid = 0, conmon = 0;

	memset(out, 0, sizeof(*out));
	if (!pi || pm_cli_ok(pe, args, text, sizeof(text), err) < 0)
		return bb_wrap(err, "podman: members");
	if (sscanf(text, "%d %d %79s %4095s", &pid, &conmon, id, upper) < 3 || pid <= 0)
		return bb_fail(err, ESRCH, "podman: %s has no running process", pi->name);
	out->box = (pid_t)pid;
	out->wrap[out->nwrap++] = inst->pid;
	if (conmon > 0)
		out->wrap[out->nwrap++] = (pid_t)conmon;
	snprintf(dir, sizeof(dir), "%s/root/overlay-containers", pe->dir);
	out->nstate = engine_layer_state(dir, id, upper, out->state, 4);
	return 0;
}

/* --- prepare, cleanup --- */

/* The private directory and the global flags naming it. */
static int pm_setup(struct pm_env *pe, struct bb_err *err)
{
	if (sweep_mkdtemp("/var/tmp", ENGINE_PODMAN_PREFIX, pe->dir, sizeof(pe->dir), err) < 0) {
		pe->dir[0] = '\0';
		return bb_wrap(err, "podman: state directory");
	}
	snprintf(pe->g_root, sizeof(pe->g_root), "--root=%s/root", pe->dir);
	snprintf(pe->g_runroot, sizeof(pe->g_runroot), "--runroot=%s/run", pe->dir);
	snprintf(pe->g_tmp, sizeof(pe->g_tmp), "--tmpdir=%s/tmp", pe->dir);
	snprintf(pe->g_net, sizeof(pe->g_net), "--network-config-dir=%s/net", pe->dir);
	snprintf(pe->g_rt, sizeof(pe->g_rt), "--runtime=%s", pe->runtime);
	snprintf(pe->cg_parent, sizeof(pe->cg_parent), "boxbench-podman-%d", (int)getpid());
	snprintf(pe->a_cg, sizeof(pe->a_cg), "--cgroup-parent=/%s", pe->cg_parent);
	snprintf(pe->a_scratch, sizeof(pe->a_scratch), "%s:/scratch", pe->scratch);
	pm_ulimits(pe);
	engine_host_paths_note(pm_host_paths, PM_HOST_N, pe->host_made);
	return 0;
}

static int pm_import(struct pm_env *pe, const char *image_name, struct bb_err *err)
{
	char tar[PATH_MAX + 16], text[1024];
	const char *args[] = { "import", "--quiet", tar, pe->image, NULL };
	int rc;

	snprintf(pe->image, sizeof(pe->image), "localhost/boxbench/%s:run-%d", image_name,
	         (int)getpid());
	snprintf(tar, sizeof(tar), "%s/root.tar", pe->dir);
	if (engine_tar_root(pe->root, tar, PM_HELPER_S * 4, err) < 0)
		return bb_wrap(err, "podman");
	rc = pm_cli_ok(pe, args, text, sizeof(text), err);
	unlink(tar);
	if (rc < 0)
		return bb_wrap(err, "podman: import the image");
	pe->image_made = true;
	return 0;
}

static int pm_describe(const struct pm_env *pe, const struct bb_image *img, struct bb_envdesc *d,
                       struct bb_err *err)
{
	struct bb_envdesc_engine *e = &d->engine;
	const struct engine_box box = { .kind = "engine",
		                        .load = pe->load,
		                        .root = pe->root,
		                        .pu = pe->pu,
		                        .ns = pe->ns,
		                        .use_cg = pe->use_cg,
		                        .cg = &pe->cg,
		                        .lim = pe->lim };

	engine_describe_box(d, &box);
	snprintf(d->image, sizeof(d->image), "%s", img->name[0] ? img->name : IMAGE_MINIMAL);
	snprintf(d->image_source, sizeof(d->image_source), "%s", img->name[0] ? img->source : "");
	snprintf(e->name, sizeof(e->name), "podman");
	snprintf(e->version, sizeof(e->version), "%s", pe->version);
	snprintf(e->runtime, sizeof(e->runtime), "%s", pe->runtime);
	snprintf(e->runtime_version, sizeof(e->runtime_version), "%s", pe->rt_version);
	snprintf(e->store, sizeof(e->store), "%s/root", pe->dir);
	d->extra = json_pack("{s:s, s:s, s:s, s:s, s:s}", "podman_image", pe->image, "ulimits",
	                     pe->a_nofile, "ulimits_nproc", pe->a_nproc, "runtime_choice",
	                     "runc: crun refuses hybrid cgroups", "security",
	                     "podman's default seccomp profile; all capabilities dropped; "
	                     "no-new-privileges; read-only root");
	if (!d->extra)
		return bb_fail(err, ENOMEM, "podman: describe");
	if (img->name[0])
		return 0;
	return rootfs_size(pe->root, &d->rootfs.bytes, &d->rootfs.entries, err);
}

static int pm_prepare_env(struct pm_env *pe, struct bb_env *env, struct bb_err *err)
{
	const struct bb_env_opts *opts = env->opts;
	struct bb_image img = { .name = "" };

	if (oci_find_binary("podman", pe->cli) < 0)
		return bb_fail(err, ENOENT, "podman: not found (Debian package podman)");
	if (oci_find_binary("runc", pe->runtime) < 0)
		return bb_fail(err, ENOENT, "podman: no runc (Debian package runc)");
	oci_binary_version(pe->cli, pe->version, sizeof(pe->version));
	oci_binary_version(pe->runtime, pe->rt_version, sizeof(pe->rt_version));
	pe->ns = (opts->container_ns & BB_NS_ALL) | BB_NS_MNT;
	pe->use_cg = opts->container_cgroup;
	pe->lim = (struct cg_limits){ .cpu_quota = opts->cpu_quota,
		                      .mem_limit = opts->mem_limit,
		                      .pids_limit = opts->pids_limit };
	pe->pu = opts->pu;
	if (cg_layout_init(&pe->cg, err) < 0 ||
	    engine_realpath("podman", "workload", opts->load_path, pe->load, err) < 0 ||
	    (opts->scratch_dir && engine_realpath("podman", "scratch directory", opts->scratch_dir,
	                                          pe->scratch, err) < 0) ||
	    engine_root("podman", pe->load, opts, &img, pe->root, err) < 0 ||
	    pm_setup(pe, err) < 0 || pm_import(pe, img.name[0] ? img.name : IMAGE_MINIMAL, err) < 0)
		return -1;
	return pm_describe(pe, &img, &env->desc, err);
}

static void pm_cleanup(struct bb_env *env)
{
	struct pm_env *pe = env->priv;
	struct bb_err err = { 0 };
	char conmon[96];

	if (!pe)
		return;
	if (pe->dir[0]) {
		/* a conmon or a cleanup process still naming our directory, then its mounts */
		engine_kill_strays(pe->dir);
		engine_unmount_under(pe->dir);
		if (oci_rmtree(pe->dir, &err) < 0)
			fprintf(stderr, "boxbench: podman: %s\n", err.msg);
		engine_host_paths_remove(pm_host_paths, PM_HOST_N, pe->host_made);
		snprintf(conmon, sizeof(conmon), "%s/conmon", pe->cg_parent);
		oci_cgroup_remove(conmon, true);
		oci_cgroup_remove(pe->cg_parent, true);
	}
	free(pe);
	env->priv = NULL;
}

static int pm_prepare(struct bb_env *env, struct bb_err *err)
{
	struct pm_env *pe = calloc(1, sizeof(*pe));

	if (!pe)
		return bb_fail(err, ENOMEM, "podman: prepare");
	env->priv = pe;
	if (pm_prepare_env(pe, env, err) < 0) {
		pm_cleanup(env);
		return -1;
	}
	return 0;
}

/* Really import the root and run the workload once: what refuses here shows only when tried. */
static void pm_probe(const struct bb_env_opts *opts, struct bb_probe *out)
{
	struct bb_env env = { .opts = opts };
	struct bb_job job = { .suite = "startup", .timeout_s = 60 };
	struct bb_instance inst = { .pid = -1, .pidfd = -1, .out_fd = -1 };
	struct bb_err err = { 0 };
	char cli[PATH_MAX], version[128], st[64];

	if (oci_probe_binary("podman", "podman", opts, out, cli, version, sizeof(version)) <= 0)
		return;
	envdesc_init(&env.desc, "podman");
	if (pm_prepare(&env, &err) < 0) {
		snprintf(out->reason, sizeof(out->reason), "%s: %s", version, err.msg);
		envdesc_free(&env.desc);
		return;
	}
	if (pm_spawn(&env, &job, &inst, &err) < 0 || pm_reap(&env, &inst, 60, &err) < 0)
		snprintf(out->reason, sizeof(out->reason), "%s: %s", version, err.msg);
	else if (!WIFEXITED(inst.status) || WEXITSTATUS(inst.status) != 0)
		snprintf(out->reason, sizeof(out->reason), "%s: podman run of the workload: %s",
		         version, proc_status_str(inst.status, st, sizeof(st)));
	else
		out->available = true;
	if (out->available) {
		char why[300];
		pm_rlimit_why(why, sizeof(why));
		snprintf(out->reason, sizeof(out->reason),
		         "%s with %s (crun refuses hybrid cgroups); a container ran%s%s", version,
		         env.desc.engine.runtime_version, why[0] ? "; " : "", why);
	}
	pm_cleanup(&env);
	envdesc_free(&env.desc);
}

static const struct bb_option pm_options[] = {
	BB_LIMIT_OPTIONS,
	BB_OPTIONS_END,
};

const struct launcher launcher_podman = {
	.name = "podman",
	.summary = "podman run --rm of an image imported from the box's root (conmon, runc; no "
	           "daemon)",
	.settles = "C2, C3, C5, C6, C10",
	.class = BB_CLASS_CONTAINER,
	.caps = BB_CAP_IMAGE | BB_CAP_LIMITS,
	.options = pm_options,
	.probe = pm_probe,
	.prepare = pm_prepare,
	.spawn = pm_spawn,
	.reap = pm_reap,
	.members = pm_members,
	.cleanup = pm_cleanup,
};
