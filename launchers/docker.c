/* docker: the workload in a Docker container, the stack the article is about: the docker CLI,
 * dockerd, containerd, a containerd shim and runc, an image imported from the box's root.
 *
 * By default the daemon is boxbench's own: Debian's dockerd started by prepare() with its data
 * root, exec root, pid file, unix socket and daemon.json in a private directory
 * (/var/tmp/boxbench-docker-XXXXXX: overlay2 needs a disk file system), without a bridge,
 * iptables rules, IP forwarding or masquerading, so the host's network is never touched; it
 * runs on the workload's processing unit (containers inherit its affinity) and dies with the
 * harness (PR_SET_PDEATHSIG; containerd dies with it). Its start is measured once and recorded,
 * never inside a sample. cleanup() stops it and removes everything it made: its directory, its
 * mounts, its cgroup parent, and the few host paths dockerd 20.10 writes whatever its flags say
 * (/etc/docker/key.json, /run/containerd/s, /run/docker/plugins) when they were not there.
 * `--docker-host URI` uses a daemon the user runs instead: only this run's containers and image
 * are touched (removed at the end).
 *
 * A sample is `docker run --rm` in the foreground: the CLI's stdout carries the records; a
 * sample that must be stopped is removed with `docker rm -f`. */
#include "launcher.h"

#include "cleanup.h"
#include "docker.h"
#include "engine.h"
#include "oci.h"
#include "proc.h"
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define DK_MAX_ARGS 96

struct dk_inst {
	char name[48];
	char log[PATH_MAX]; /* the CLI's stderr */
};

/* --- the CLI --- */

/* `docker -H URI ARGS...` to completion, output into text. */
int dk_cli(const struct dk_env *de, const char *const *args, double timeout_s, char *text,
           size_t len, int *status, struct bb_err *err)
{
	char *argv[DK_MAX_ARGS];
	size_t n = 0;

	argv[n++] = (char *)de->cli;
	argv[n++] = "-H";
	argv[n++] = (char *)de->host;
	for (size_t i = 0; args[i] && n + 1 < DK_MAX_ARGS; i++)
		argv[n++] = (char *)args[i];
	argv[n] = NULL;
	return proc_run(argv, (char *const *)de->envp, timeout_s, text, len, status, err);
}

/* Like dk_cli, but a non-zero exit is an error carrying the CLI's first line. */
int dk_cli_ok(const struct dk_env *de, const char *const *args, double timeout_s, char *text,
              size_t len, struct bb_err *err)
{
	char st[64];
	int status = 0, w = dk_cli(de, args, timeout_s, text, len, &status, err);

	if (w < 0)
		return -1;
	if (w == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	text[strcspn(text, "\n")] = '\0';
	return bb_fail(err, 0, "docker %s: %s%s%s", args[0],
	               w == 1 ? "no answer" : proc_status_str(status, st, sizeof(st)),
	               text[0] ? ": " : "", text);
}

/* --- a sample --- */

static void dk_add(char **argv, size_t *n, const char *a)
{
	if (*n + 1 < DK_MAX_ARGS)
		argv[(*n)++] = (char *)a;
}

/* The namespaces `container` makes, in docker's words: a kind left out shares the host's. */
static void dk_ns_args(const struct dk_env *de, char **argv, size_t *n)
{
	dk_add(argv, n, "--network");
	dk_add(argv, n, de->ns & BB_NS_NET ? "none" : "host");
	if (!(de->ns & BB_NS_PID))
		dk_add(argv, n, "--pid=host");
	dk_add(argv, n, de->ns & BB_NS_IPC ? "--ipc=private" : "--ipc=host");
	if (de->ns & BB_NS_UTS) {
		dk_add(argv, n, "--hostname");
		dk_add(argv, n, ROOTFS_HOSTNAME);
	} else {
		dk_add(argv, n, "--uts=host");
	}
	dk_add(argv, n, de->ns & BB_NS_CGROUP ? "--cgroupns=private" : "--cgroupns=host");
}

/* The limits `container` sets, and its privileges: none. */
static void dk_box_args(struct dk_env *de, char **argv, size_t *n)
{
	dk_add(argv, n, "--read-only");
	dk_add(argv, n, "--tmpfs");
	dk_add(argv, n, "/tmp:mode=1777,nosuid,nodev");
	dk_add(argv, n, "--cap-drop=ALL");
	dk_add(argv, n, "--security-opt=no-new-privileges");
	if (de->use_cg) {
		snprintf(de->a_cpus, sizeof(de->a_cpus), "--cpus=%g", de->lim.cpu_quota);
		snprintf(de->a_mem, sizeof(de->a_mem), "--memory=%lld", de->lim.mem_limit);
		snprintf(de->a_pids, sizeof(de->a_pids), "--pids-limit=%ld", de->lim.pids_limit);
		if (de->lim.cpu_quota > 0)
			dk_add(argv, n, de->a_cpus);
		if (de->lim.mem_limit > 0)
			dk_add(argv, n, de->a_mem);
		if (de->lim.pids_limit > 0)
			dk_add(argv, n, de->a_pids);
	}
	/* a user's daemon does not run on our processing unit: pin with a cpuset */
	if (!de->private_daemon && de->pu >= 0) {
		snprintf(de->a_cpuset, sizeof(de->a_cpuset), "--cpuset-cpus=%d", de->pu);
		dk_add(argv, n, de->a_cpuset);
	}
}

static int dk_run_argv(struct dk_env *de, const struct bb_job *job, const struct dk_inst *di,
                       char **argv, struct bb_err *err)
{
	size_t n = 0;

	dk_add(argv, &n, de->cli);
	dk_add(argv, &n, "-H");
	dk_add(argv, &n, de->host);
	dk_add(argv, &n, "run");
	dk_add(argv, &n, "--rm");
	dk_add(argv, &n, "--name");
	dk_add(argv, &n, di->name);
	dk_ns_args(de, argv, &n);
	dk_box_args(de, argv, &n);
	if (!engine_job_argv(argv, n, DK_MAX_ARGS, de->image,
	                     job->storage && de->scratch[0] ? de->a_scratch : NULL, job))
		return bb_fail(err, E2BIG, "docker: too many arguments");
	return 0;
}

static int dk_spawn(struct bb_env *env, const struct bb_job *job, struct bb_instance *inst,
                    struct bb_err *err)
{
	struct dk_env *de = env->priv;
	_cleanup_free_ struct dk_inst *di = calloc(1, sizeof(*di));
	char *argv[DK_MAX_ARGS];

	if (!di)
		return bb_fail(err, ENOMEM, "docker: spawn");
	snprintf(di->name, sizeof(di->name), "boxbench-%d-%u", (int)getpid(), ++de->seq);
	snprintf(di->log, sizeof(di->log), "%s/%s.stderr", de->dir, di->name);
	if (dk_run_argv(de, job, di, argv, err) < 0 ||
	    engine_spawn_cli("docker", de->cli, argv, (char *const *)de->envp, di->log, -1, inst,
	                     err) < 0)
		return -1;
	inst->priv = BB_STEAL(di);
	return 0;
}

/* The CLI is only a client: it goes first (SIGKILL), then `docker rm -f NAME` removes the
 * container and what the daemon made for it. */
static int dk_remove(const struct dk_env *de, const struct dk_inst *di, struct bb_instance *inst,
                     struct bb_err *err)
{
	const char *args[] = { "rm", "-f", di->name, NULL };
	char text[512];

	proc_kill_reap(inst->pid, inst->pidfd, true, &inst->status);
	int rc = dk_cli_ok(de, args, DK_HELPER_S, text, sizeof(text), err);
	/* "No such container": it was never created, or --rm removed it already */
	if (rc < 0 && strstr(text, "No such container"))
		rc = 0;
	return rc;
}

/* Exit 125: docker itself failed (the daemon refused, an image missing); 126, 127: the command
 * could not be run. The CLI's stderr says why. */
static int dk_judge(const struct dk_inst *di, int status, struct bb_err *err)
{
	char line[400] = "";
	_cleanup_close_ int fd = open(di->log, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (!WIFEXITED(status) || WEXITSTATUS(status) < 125 || WEXITSTATUS(status) > 127)
		return 0;
	if (fd >= 0 && (n = read(fd, line, sizeof(line) - 1)) > 0)
		line[n] = '\0';
	line[strcspn(line, "\n")] = '\0';
	return bb_fail(err, 0, "docker run: exit %d: %s", WEXITSTATUS(status),
	               line[0] ? line : "(no message)");
}

static int dk_reap(struct bb_env *env, struct bb_instance *inst, double timeout_s,
                   struct bb_err *err)
{
	const struct dk_env *de = env->priv;
	struct dk_inst *di = inst->priv;
	int ret = 0;
	int w = proc_wait(inst->pid, inst->pidfd, timeout_s, &inst->status, err);

	if (w != 0) {
		inst->timed_out = w == 1;
		ret = w == 1 ? bb_fail(err, 0, "docker: %s after %.1f s, killed",
		                       bb_interrupted ? "interrupted" : "timed out", timeout_s)
		             : bb_wrap(err, "docker");
		if (di && dk_remove(de, di, inst, NULL) < 0)
			ret = -1;
	} else if (di) {
		ret = dk_judge(di, inst->status, err);
	}
	engine_inst_release(inst, di ? di->log : NULL);
	return ret;
}

/* The container's init (its pid from the daemon), the shim that holds it and the CLI per
 * instance; the daemon and its containerd once, for a daemon of our own (a user's daemon is no
 * cost of ours to count, and may run elsewhere). */
static int dk_members(struct bb_env *env, const struct bb_instance *inst, struct bb_members *out,
                      struct bb_err *err)
{
	const struct dk_env *de = env->priv;
	const struct dk_inst *di = inst->priv;
	const char *args[] = { "inspect", "--format",
		               "{{.State.Pid}} {{.Id}} {{.GraphDriver.Data.UpperDir}}",
		               di ? di->name : "", NULL };
	char text[PATH_MAX + 256], id[80] = "", upper[PATH_MAX] = "", dir[PATH_MAX + 16];
	int pid = 0;

	memset(out, 0, sizeof(*out));
	if (!di || dk_cli_ok(de, args, DK_HELPER_S, text, sizeof(text), err) < 0)
		return bb_wrap(err, "docker: members");
	if (sscanf(text, "%d %79s %4095s", &pid, id, upper) < 2 || pid <= 0)
		return bb_fail(err, ESRCH, "docker: %s has no running process", di->name);
	out->box = (pid_t)pid;
	out->wrap[out->nwrap++] = inst->pid;
	if (engine_ppid(out->box) > 1)
		out->wrap[out->nwrap++] = engine_ppid(out->box);
	if (de->private_daemon && de->daemon_pid > 0) {
		out->engine[out->nengine++] = de->daemon_pid;
		out->nengine +=
		    engine_children(de->daemon_pid, out->engine + 1, BB_MEMBERS_MAX - 1);
		snprintf(dir, sizeof(dir), "%s/data/containers", de->dir);
		out->nstate = engine_layer_state(dir, id, upper, out->state, 4);
	}
	return 0;
}

/* --- the launcher --- */

static int dk_prepare(struct bb_env *env, struct bb_err *err)
{
	return dk_engine_prepare(env, err);
}

static void dk_cleanup(struct bb_env *env)
{
	dk_engine_cleanup(env);
}

/* Really start the daemon (or reach the user's), import the root and run the workload once:
 * a daemon that cannot start here says why only when it is tried. */
static void dk_probe(const struct bb_env_opts *opts, struct bb_probe *out)
{
	struct bb_env env = { .opts = opts };
	struct bb_job job = { .suite = "startup", .timeout_s = 60 };
	struct bb_instance inst = { .pid = -1, .pidfd = -1, .out_fd = -1 };
	struct bb_err err = { 0 };
	char what[160], st[64];

	dk_engine_probe(opts, out);
	if (!out->available || !opts || !opts->load_path)
		return;
	snprintf(what, sizeof(what), "%s", out->reason);
	out->available = false;
	envdesc_init(&env.desc, "docker");
	if (dk_prepare(&env, &err) < 0) {
		snprintf(out->reason, sizeof(out->reason), "%s: %s", what, err.msg);
		envdesc_free(&env.desc);
		return;
	}
	if (dk_spawn(&env, &job, &inst, &err) < 0 || dk_reap(&env, &inst, 60, &err) < 0)
		snprintf(out->reason, sizeof(out->reason), "%s: %s", what, err.msg);
	else if (!WIFEXITED(inst.status) || WEXITSTATUS(inst.status) != 0)
		snprintf(out->reason, sizeof(out->reason), "%s: docker run of the workload: %s",
		         what, proc_status_str(inst.status, st, sizeof(st)));
	else
		out->available = true;
	if (out->available)
		snprintf(out->reason, sizeof(out->reason),
		         "%s; %s started in %.2f s, a container ran", what, env.desc.engine.daemon,
		         env.desc.engine.daemon_start_s);
	dk_cleanup(&env);
	envdesc_free(&env.desc);
}

static const struct bb_option dk_options[] = {
	{ .name = "docker-host",
	  .type = BB_OPT_STRING,
	  .field = offsetof(struct bb_env_opts, docker_host),
	  .arg = "URI",
	  .help =
	      "use this Docker daemon (unix:///run/docker.sock) instead of boxbench's own; only "
	      "this run's containers and image are touched" },
	BB_LIMIT_OPTIONS,
	BB_OPTIONS_END,
};

const struct launcher launcher_docker = {
	.name = "docker",
	.summary = "docker run --rm of an image imported from the box's root (dockerd, containerd, "
	           "shim, runc)",
	.settles = "C2, C3, C5, C6, C10",
	.class = BB_CLASS_CONTAINER,
	.caps = BB_CAP_IMAGE | BB_CAP_LIMITS | BB_CAP_DAEMON,
	.options = dk_options,
	.probe = dk_probe,
	.prepare = dk_prepare,
	.spawn = dk_spawn,
	.reap = dk_reap,
	.members = dk_members,
	.cleanup = dk_cleanup,
};
