/* What docker and podman share (engine.h). */
#include "engine.h"

#include "cleanup.h"
#include "proc.h"
#include "rootfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Does pid's command line name one of needles? (A zombie has none: it holds nothing.) */
static bool engine_names(pid_t pid, const char *const *needles, size_t n)
{
	char path[64], cmd[8192];
	_cleanup_close_ int fd = -1;
	ssize_t len;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    (len = read(fd, cmd, sizeof(cmd) - 1)) <= 0)
		return false;
	for (ssize_t i = 0; i < len; i++)
		cmd[i] = cmd[i] ? cmd[i] : ' ';
	cmd[len] = '\0';
	for (size_t i = 0; i < n; i++)
		if (needles[i] && needles[i][0] && strstr(cmd, needles[i]))
			return true;
	return false;
}

/* Signal the processes naming a needle (sig 0: only count them); returns how many. */
static size_t engine_scan(const char *const *needles, size_t n, int sig)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	size_t found = 0;

	while (d && (e = readdir(d))) {
		pid_t pid = (pid_t)atoi(e->d_name);
		if (pid <= 1 || pid == getpid() || !engine_names(pid, needles, n))
			continue;
		found++;
		if (sig)
			kill(pid, sig);
	}
	if (d)
		closedir(d);
	return found;
}

/* Processes still naming our directory on their command line (containerd, a shim, conmon). */
void engine_kill_strays(const char *dir)
{
	const char *const needles[] = { dir };

	engine_scan(needles, 1, SIGKILL);
}

int engine_wait_gone(const char *const *needles, size_t n, double timeout_s)
{
	uint64_t t0 = bb_now_ns();

	while (engine_scan(needles, n, 0)) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		if ((double)(bb_now_ns() - t0) / 1e9 > timeout_s) {
			engine_scan(needles, n, SIGKILL);
			return -1;
		}
		/* a child of ours (we may be a subreaper) is reaped by whoever waits for it */
		nanosleep(&ts, NULL);
	}
	return 0;
}

/* Mounts under our directory (overlay roots, shm, netns files), deepest first. */
void engine_unmount_under(const char *dir)
{
	char line[4096], mnt[PATH_MAX], found[64][PATH_MAX / 8];
	size_t n = 0, len = strlen(dir);
	FILE *f = fopen("/proc/self/mountinfo", "re");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1 && !strncmp(mnt, dir, len) &&
		    n < 64 && strlen(mnt) < sizeof(found[0]))
			snprintf(found[n++], sizeof(found[0]), "%s", mnt);
	if (f)
		fclose(f);
	while (n--)
		umount2(found[n], MNT_DETACH);
}

void engine_host_paths_note(const char *const *paths, size_t n, bool *made)
{
	for (size_t i = 0; i < n; i++)
		made[i] = access(paths[i], F_OK) < 0;
}

void engine_host_paths_remove(const char *const *paths, size_t n, const bool *made)
{
	for (size_t i = 0; i < n; i++)
		if (made[i] && unlink(paths[i]) < 0 && errno == EISDIR)
			rmdir(paths[i]);
}

pid_t engine_ppid(pid_t pid)
{
	char path[64], text[512], *rp;
	int ppid;
	_cleanup_close_ int fd = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    (n = read(fd, text, sizeof(text) - 1)) <= 0)
		return -1;
	text[n] = '\0';
	/* "PID (comm) S PPID ...": comm may hold anything, so parse after its last ')' */
	if (!(rp = strrchr(text, ')')) || sscanf(rp + 1, " %*c %d", &ppid) != 1)
		return -1;
	return (pid_t)ppid;
}

size_t engine_children(pid_t pid, pid_t *out, size_t max)
{
	char dir[64], path[128], text[4096];
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/task", (int)pid);
	if (!(d = opendir(dir)))
		return 0;
	while ((de = readdir(d)) && n < max) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/children", dir, de->d_name);
		_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
		ssize_t len = fd >= 0 ? read(fd, text, sizeof(text) - 1) : -1;
		if (len <= 0)
			continue;
		text[len] = '\0';
		for (char *p = text, *end; n < max; p = end) {
			long v = strtol(p, &end, 10);
			if (end == p)
				break;
			out[n++] = (pid_t)v;
		}
	}
	closedir(d);
	return n;
}

int engine_tar_root(const char *root, const char *tar_path, double timeout_s, struct bb_err *err)
{
	char text[1024], st[64];
	char *argv[] = { "/bin/tar", "-C", (char *)root, "-cf", (char *)tar_path, ".", NULL };
	int status = 0, w = proc_run(argv, NULL, timeout_s, text, sizeof(text), &status, err);

	if (w == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	unlink(tar_path);
	text[strcspn(text, "\n")] = '\0';
	return w < 0
	           ? bb_wrap(err, "tar of %s", root)
	           : bb_fail(err, 0, "tar of %s: %s: %s", root,
	                     w == 1 ? "no answer" : proc_status_str(status, st, sizeof(st)), text);
}

size_t engine_layer_state(const char *containers, const char *id, const char *upper,
                          char (*state)[PATH_MAX], size_t max)
{
	size_t n = 0, len;
	const char *slash = strrchr(upper, '/');

	if (n < max && id[0])
		snprintf(state[n++], PATH_MAX, "%s/%s", containers, id);
	/* upper is <store>/overlay2/<layer>/diff: the layer is its directory */
	if (!slash || !strcmp(slash, "/") || (len = (size_t)(slash - upper)) >= PATH_MAX - 8)
		return n;
	if (n < max)
		snprintf(state[n++], PATH_MAX, "%.*s", (int)len, upper);
	if (n < max)
		snprintf(state[n++], PATH_MAX, "%.*s-init", (int)len, upper);
	return n;
}

/* --- around a box --- */

int engine_realpath(const char *who, const char *what, const char *path, char *out,
                    struct bb_err *err)
{
	if (!path || !realpath(path, out))
		return bb_fail(err, path ? errno : EINVAL, "%s: %s %s", who, what,
		               path ? path : "(unset)");
	return 0;
}

int engine_root(const char *who, const char *load, const struct bb_env_opts *opts,
                struct bb_image *img, char *root, struct bb_err *err)
{
	char build[PATH_MAX];

	if (rootfs_check_static(load, err) < 0 ||
	    engine_realpath(who, "build directory", opts->build_dir, build, err) < 0 ||
	    image_open_opts(opts, img, err) < 0)
		return bb_wrap(err, "%s", who);
	if (img->name[0]) {
		snprintf(root, PATH_MAX, "%s", img->root);
		return 0;
	}
	if ((size_t)snprintf(root, PATH_MAX, "%s/%s", build, ROOTFS_DIRNAME) >= PATH_MAX)
		return bb_fail(err, ENAMETOOLONG, "%s: rootfs path", who);
	if (rootfs_build(root, load, err) < 0 || rootfs_verify(root, load, err) < 0)
		return bb_wrap(err, "%s", who);
	return 0;
}

size_t engine_job_argv(char **argv, size_t n, size_t max, const char *image,
                       const char *scratch_arg, const struct bb_job *job)
{
	const char *head[] = { "-v", scratch_arg, image, ROOTFS_LOAD_PATH, job->suite };
	size_t from = scratch_arg ? 0 : 2;

	for (size_t i = from; i < sizeof(head) / sizeof(head[0]) && n + 1 < max; i++)
		argv[n++] = (char *)head[i];
	for (size_t i = 0; job->args && job->args[i] && n + 1 < max; i++)
		argv[n++] = job->args[i];
	if (scratch_arg && n + 3 < max) {
		argv[n++] = "--dir";
		argv[n++] = "/scratch";
	}
	if (n + 1 >= max)
		return 0;
	argv[n] = NULL;
	return n;
}

int engine_spawn_cli(const char *who, const char *path, char **argv, char *const *envp,
                     const char *log, int pu, struct bb_instance *inst, struct bb_err *err)
{
	_cleanup_close_ int log_fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	char cwd[PATH_MAX];
	int fds[2], rc;

	if (log_fd < 0)
		return bb_fail(err, errno, "%s: %s", who, log);
	if (pipe2(fds, O_CLOEXEC) < 0) {
		unlink(log);
		return bb_fail(err, errno, "%s: pipe", who);
	}
	/* The engine's own directory (where its log is) as the working directory: what an engine
	 * writes relative to it (conmon's "oom" marker when the box is OOM-killed) stays there,
	 * never in the directory boxbench was started from. */
	snprintf(cwd, sizeof(cwd), "%s", log);
	*(strrchr(cwd, '/') ? strrchr(cwd, '/') : cwd) = '\0';
	struct bb_exec ex = { .path = path,
		              .argv = argv,
		              .envp = envp,
		              .stdin_fd = -1,
		              .stdout_fd = fds[1],
		              .stderr_fd = log_fd,
		              .pu = pu,
		              .new_pgrp = true,
		              .cwd = cwd[0] ? cwd : NULL };
	rc = proc_spawn(&ex, &inst->pid, &inst->pidfd, err);
	close(fds[1]);
	if (rc < 0) {
		close(fds[0]);
		unlink(log);
		return bb_wrap(err, "%s", who);
	}
	inst->out_fd = fds[0];
	return 0;
}

void engine_describe_box(struct bb_envdesc *d, const struct engine_box *b)
{
	snprintf(d->kind, sizeof(d->kind), "%s", b->kind);
	snprintf(d->workload, sizeof(d->workload), "%s", b->load);
	d->pu = b->pu;
	d->has_namespaces = true;
	d->namespaces = b->ns;
	d->cgroup.on = b->use_cg;
	if (b->use_cg) {
		snprintf(d->cgroup.mode, sizeof(d->cgroup.mode), "%s", cg_mode_name(b->cg->mode));
		d->cgroup.hybrid = b->cg->hybrid;
		d->cgroup.cpu_quota = b->lim.cpu_quota;
		d->cgroup.cpu_period_us = CG_CPU_PERIOD_US;
		d->cgroup.mem_limit = b->lim.mem_limit;
		d->cgroup.pids_limit = b->lim.pids_limit;
	}
	d->rootfs.on = true;
	snprintf(d->rootfs.path, sizeof(d->rootfs.path), "%s", b->root);
}

/* A stale engine directory: what still runs naming it dies first, what is mounted under it
 * (an overlay a daemon left) is detached, then the tree goes. */
int engine_sweep_remove(const struct bb_sweeper *sw, const char *path, struct bb_err *err)
{
	engine_kill_strays(path);
	engine_unmount_under(path);
	return sweep_dir_remove(sw, path, err);
}

const struct bb_sweeper sweeper_docker = {
	.kind = "docker state directory",
	.list = sweep_dir_list,
	.remove = engine_sweep_remove,
	.dir = "/var/tmp",
	.prefix = ENGINE_DOCKER_PREFIX,
};

const struct bb_sweeper sweeper_podman = {
	.kind = "podman state directory",
	.list = sweep_dir_list,
	.remove = engine_sweep_remove,
	.dir = "/var/tmp",
	.prefix = ENGINE_PODMAN_PREFIX,
};

const struct bb_sweeper sweeper_runc = {
	.kind = "runc state directory",
	.list = sweep_dir_list,
	.remove = engine_sweep_remove,
	.dir = "/run",
	.prefix = "boxbench-runc-",
};

const struct bb_sweeper sweeper_crun = {
	.kind = "crun state directory",
	.list = sweep_dir_list,
	.remove = engine_sweep_remove,
	.dir = "/run",
	.prefix = "boxbench-crun-",
};

void engine_inst_release(struct bb_instance *inst, const char *log)
{
	if (log)
		unlink(log);
	if (inst->pidfd >= 0)
		close(inst->pidfd);
	if (inst->out_fd >= 0)
		close(inst->out_fd);
	inst->pidfd = inst->out_fd = -1;
	free(inst->priv);
	inst->priv = NULL;
}
