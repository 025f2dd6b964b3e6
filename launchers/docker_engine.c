/* The Docker engine of the docker launcher (docker.h): the private daemon's whole life, the
 * image, the description. */
#include "docker.h"

#include "cleanup.h"
#include "engine.h"
#include "image.h"
#include "oci.h"
#include "proc.h"
#include "rootfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* What dockerd 20.10 writes outside its roots: removed at the end when it made them (files
 * first, then directories, deepest first, each only if empty). */
static const char *const dk_host_paths[DK_HOST_PATHS] = {
	"/etc/docker/key.json", "/run/containerd/s", "/run/containerd",
	"/run/docker/plugins",  "/run/docker",
};

size_t dk_daemon_argv(const char *dockerd, const char *dir, const char *cg_parent, char **argv,
                      char *buf, size_t len)
{
	static const char *const keys[] = {
		"--config-file=%s/daemon.json", "--data-root=%s/data",
		"--exec-root=%s/exec",          "--pidfile=%s/docker.pid",
		"--host=unix://%s/docker.sock", NULL
	};
	/* never the host's network: no bridge, no iptables rule, no forwarding, no masquerade */
	static const char *const fixed[] = { "--bridge=none",
		                             "--iptables=false",
		                             "--ip6tables=false",
		                             "--ip-forward=false",
		                             "--ip-masq=false",
		                             "--exec-opt=native.cgroupdriver=cgroupfs",
		                             NULL };
	size_t n = 0, o = 0;

	argv[n++] = (char *)dockerd;
	for (size_t i = 0; keys[i] && o < len; i++) {
		argv[n++] = buf + o;
		o += (size_t)snprintf(buf + o, len - o, keys[i], dir) + 1;
	}
	if (o < len) {
		argv[n++] = buf + o;
		o += (size_t)snprintf(buf + o, len - o, "--cgroup-parent=%s", cg_parent) + 1;
	}
	for (size_t i = 0; fixed[i]; i++)
		argv[n++] = (char *)fixed[i];
	argv[n] = NULL;
	return o <= len ? n : 0;
}

/* GET /_ping on the daemon's socket: 1 when it answers 200, 0 when not yet. */
static int dk_ping(const char *sock)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	static const char req[] = "GET /_ping HTTP/1.0\r\n\r\n";
	char resp[64] = "";
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), ok = 0;
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (fd < 0)
		return 0;
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", sock);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    write(fd, req, sizeof(req) - 1) == (ssize_t)(sizeof(req) - 1) &&
	    poll(&p, 1, 2000) > 0 && read(fd, resp, sizeof(resp) - 1) > 0)
		ok = strstr(resp, " 200 ") != NULL;
	close(fd);
	return ok;
}

static void dk_log_tail(const struct dk_env *de, char *out, size_t len)
{
	char path[PATH_MAX + 16], buf[4096], *last = NULL, *p;
	_cleanup_close_ int fd = -1;
	ssize_t n;

	out[0] = '\0';
	snprintf(path, sizeof(path), "%s/dockerd.log", de->dir);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	off_t size = lseek(fd, 0, SEEK_END);
	if ((n = pread(fd, buf, sizeof(buf) - 1, size > 4095 ? size - 4095 : 0)) <= 0)
		return;
	buf[n] = '\0';
	/* the last line that says what went wrong */
	for (p = strtok(buf, "\n"); p; p = strtok(NULL, "\n"))
		if (strstr(p, "level=error") || strstr(p, "level=fatal") || strstr(p, "failed"))
			last = p;
	snprintf(out, len, "%s", last ? last : "");
}

static int dk_daemon_wait(struct dk_env *de, uint64_t t0, struct bb_err *err)
{
	char sock[PATH_MAX + 16], why[300];
	int st;

	snprintf(sock, sizeof(sock), "%s/docker.sock", de->dir);
	while (!dk_ping(sock)) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		if (waitpid(de->daemon_pid, &st, WNOHANG) == de->daemon_pid) {
			de->daemon_pid = -1;
			dk_log_tail(de, why, sizeof(why));
			return bb_fail(err, 0, "docker: dockerd exited at start: %s",
			               why[0] ? why : "see its log");
		}
		if (bb_interrupted || (double)(bb_now_ns() - t0) / 1e9 > DK_START_S)
			return bb_fail(err, ETIMEDOUT,
			               "docker: dockerd did not answer within %.0f s", DK_START_S);
		nanosleep(&ts, NULL);
	}
	de->daemon_start_s = (double)(bb_now_ns() - t0) / 1e9;
	return 0;
}

/* Start dockerd and wait until it answers; the time it took is recorded once. */
static int dk_daemon_start(struct dk_env *de, struct bb_err *err)
{
	char *argv[32], buf[4 * PATH_MAX], path[PATH_MAX + 16];
	_cleanup_close_ int log_fd = -1;
	uint64_t t0;

	engine_host_paths_note(dk_host_paths, DK_HOST_PATHS, de->host_made);
	snprintf(path, sizeof(path), "%s/daemon.json", de->dir);
	FILE *f = fopen(path, "we"); /* empty: never the host's /etc/docker/daemon.json */
	if (!f || fputs("{}\n", f) < 0 || fclose(f) < 0)
		return bb_fail(err, errno, "docker: %s", path);
	snprintf(path, sizeof(path), "%s/dockerd.log", de->dir);
	if ((log_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
		return bb_fail(err, errno, "docker: %s", path);
	if (!dk_daemon_argv(de->dockerd, de->dir, de->cg_parent, argv, buf, sizeof(buf)))
		return bb_fail(err, ENAMETOOLONG, "docker: dockerd arguments");
	/* PATH for containerd, the shim and runc, which dockerd finds there */
	char *envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	struct bb_exec ex = { .path = de->dockerd,
		              .argv = argv,
		              .envp = envp,
		              .stdin_fd = -1,
		              .stdout_fd = log_fd,
		              .stderr_fd = log_fd,
		              .pu = de->pu,
		              .new_pgrp = true };
	t0 = bb_now_ns();
	if (proc_spawn(&ex, &de->daemon_pid, &de->daemon_pidfd, err) < 0)
		return bb_wrap(err, "docker: dockerd");
	return dk_daemon_wait(de, t0, err);
}

static void dk_daemon_stop(struct dk_env *de)
{
	int st;

	if (de->daemon_pid > 0) {
		kill(de->daemon_pid, SIGTERM);
		sig_atomic_t was = bb_interrupted;
		bb_interrupted = 0;
		if (proc_wait(de->daemon_pid, de->daemon_pidfd, DK_STOP_S, &st, NULL) != 0)
			proc_kill_reap(de->daemon_pid, de->daemon_pidfd, true, &st);
		bb_interrupted |= was;
		de->daemon_pid = -1;
	}
	if (de->daemon_pidfd >= 0)
		close(de->daemon_pidfd);
	de->daemon_pidfd = -1;
	engine_kill_strays(de->dir);
	engine_unmount_under(de->dir);
	engine_host_paths_remove(dk_host_paths, DK_HOST_PATHS, de->host_made);
	oci_cgroup_parent_remove(de->cg_parent);
}

/* --- the image --- */

/* A tar of the root, `docker import`ed: an image without a registry. */
static int dk_import(struct dk_env *de, const char *image_name, struct bb_err *err)
{
	char tar[PATH_MAX + 16], text[1024];
	const char *args[] = { "import", tar, de->image, NULL };
	int w;

	snprintf(de->image, sizeof(de->image), "boxbench/%s:run-%d", image_name, (int)getpid());
	snprintf(tar, sizeof(tar), "%s/root.tar", de->dir);
	if (engine_tar_root(de->root, tar, DK_HELPER_S * 4, err) < 0)
		return bb_wrap(err, "docker");
	w = dk_cli_ok(de, args, DK_HELPER_S * 4, text, sizeof(text), err);
	unlink(tar);
	if (w < 0)
		return bb_wrap(err, "docker: import the image");
	de->image_made = true;
	return 0;
}

static void dk_image_remove(struct dk_env *de)
{
	const char *args[] = { "rmi", "-f", de->image, NULL };
	char text[512];
	struct bb_err err = { 0 };

	if (de->image_made && dk_cli_ok(de, args, DK_HELPER_S, text, sizeof(text), &err) < 0)
		fprintf(stderr, "boxbench: docker: %s\n", err.msg);
	de->image_made = false;
}

/* --- prepare, cleanup --- */

/* The CLI's own config directory (never the user's ~/.docker) and the daemon's address. */
static int dk_setup(struct dk_env *de, const struct bb_env_opts *opts, struct bb_err *err)
{
	if (oci_find_binary("docker", de->cli) < 0)
		return bb_fail(err, ENOENT,
		               "docker: no docker CLI in /usr/bin (Debian package "
		               "docker.io)");
	de->private_daemon = !opts->docker_host;
	if (de->private_daemon && oci_find_binary("dockerd", de->dockerd) < 0)
		return bb_fail(err, ENOENT,
		               "docker: no dockerd in /usr/sbin, /usr/bin (Debian "
		               "package docker.io)");
	if (sweep_mkdtemp("/var/tmp", ENGINE_DOCKER_PREFIX, de->dir, sizeof(de->dir), err) < 0) {
		de->dir[0] = '\0';
		return bb_wrap(err, "docker: state directory");
	}
	if (de->private_daemon)
		snprintf(de->host, sizeof(de->host), "unix://%s/docker.sock", de->dir);
	else
		snprintf(de->host, sizeof(de->host), "%s", opts->docker_host);
	snprintf(de->cli_env, sizeof(de->cli_env), "DOCKER_CONFIG=%s/cli", de->dir);
	de->envp[0] = de->cli_env;
	de->envp[1] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
	de->envp[2] = NULL;
	return 0;
}

/* A user's daemon must answer before anything is made on it. */
static int dk_user_daemon(struct dk_env *de, struct bb_err *err)
{
	const char *args[] = { "version", "--format", "{{.Server.Version}}", NULL };
	char text[512];

	if (dk_cli_ok(de, args, DK_HELPER_S, text, sizeof(text), err) < 0)
		return bb_wrap(err, "docker: --docker-host %s", de->host);
	return 0;
}

static void dk_describe_engine(struct dk_env *de, struct bb_envdesc *d)
{
	const char *args[] = { "version", "--format", "{{.Server.Version}}", NULL };
	char text[256] = "", rt[PATH_MAX];
	struct bb_envdesc_engine *e = &d->engine;

	snprintf(e->name, sizeof(e->name), "docker");
	if (dk_cli_ok(de, args, DK_HELPER_S, text, sizeof(text), NULL) == 0) {
		text[strcspn(text, "\n")] = '\0';
		snprintf(e->version, sizeof(e->version), "%s", text);
	}
	if (oci_find_binary("runc", rt) == 0) {
		snprintf(e->runtime, sizeof(e->runtime), "%s", rt);
		oci_binary_version(rt, e->runtime_version, sizeof(e->runtime_version));
	}
	e->daemon_start_s = de->daemon_start_s;
	if (de->private_daemon) {
		snprintf(e->store, sizeof(e->store), "%s/data", de->dir);
		snprintf(e->daemon, sizeof(e->daemon),
		         "boxbench's own dockerd (%s): no bridge, no iptables, no forwarding",
		         de->host);
	} else {
		snprintf(e->daemon, sizeof(e->daemon), "the user's daemon at %s", de->host);
	}
}

static int dk_describe(struct dk_env *de, const struct bb_image *img, struct bb_envdesc *d,
                       struct bb_err *err)
{
	const struct engine_box box = { .kind = "engine",
		                        .load = de->load,
		                        .root = de->root,
		                        .pu = de->pu,
		                        .ns = de->ns,
		                        .use_cg = de->use_cg,
		                        .cg = &de->cg,
		                        .lim = de->lim };

	engine_describe_box(d, &box);
	snprintf(d->image, sizeof(d->image), "%s", img->name[0] ? img->name : IMAGE_MINIMAL);
	snprintf(d->image_source, sizeof(d->image_source), "%s", img->name[0] ? img->source : "");
	dk_describe_engine(de, d);
	d->extra =
	    json_pack("{s:s, s:s, s:s, s:s}", "docker_image", de->image, "image_import",
	              "docker import of a tar of the root (no registry)", "security",
	              "docker's default seccomp profile; all capabilities dropped; "
	              "no-new-privileges; read-only root",
	              "pinning",
	              de->private_daemon ? "the daemon runs on the workload's processing unit; its "
	                                   "containers inherit the affinity"
	                                 : "--cpuset-cpus of the workload's processing unit");
	if (!d->extra)
		return bb_fail(err, ENOMEM, "docker: describe");
	if (img->name[0])
		return 0;
	return rootfs_size(de->root, &d->rootfs.bytes, &d->rootfs.entries, err);
}

static int dk_prepare_env(struct dk_env *de, struct bb_env *env, struct bb_err *err)
{
	const struct bb_env_opts *opts = env->opts;
	struct bb_image img = { .name = "" };

	de->ns = (opts->container_ns & BB_NS_ALL) | BB_NS_MNT;
	de->use_cg = opts->container_cgroup;
	de->lim = (struct cg_limits){ .cpu_quota = opts->cpu_quota,
		                      .mem_limit = opts->mem_limit,
		                      .pids_limit = opts->pids_limit };
	de->pu = opts->pu;
	snprintf(de->cg_parent, sizeof(de->cg_parent), "boxbench-docker-%d", (int)getpid());
	if (cg_layout_init(&de->cg, err) < 0 ||
	    engine_realpath("docker", "workload", opts->load_path, de->load, err) < 0 ||
	    (opts->scratch_dir && engine_realpath("docker", "scratch directory", opts->scratch_dir,
	                                          de->scratch, err) < 0) ||
	    engine_root("docker", de->load, opts, &img, de->root, err) < 0 ||
	    dk_setup(de, opts, err) < 0)
		return -1;
	snprintf(de->a_scratch, sizeof(de->a_scratch), "%s:/scratch", de->scratch);
	if ((de->private_daemon ? dk_daemon_start(de, err) : dk_user_daemon(de, err)) < 0 ||
	    dk_import(de, img.name[0] ? img.name : IMAGE_MINIMAL, err) < 0)
		return -1;
	return dk_describe(de, &img, &env->desc, err);
}

int dk_engine_prepare(struct bb_env *env, struct bb_err *err)
{
	struct dk_env *de = calloc(1, sizeof(*de));

	if (!de)
		return bb_fail(err, ENOMEM, "docker: prepare");
	de->daemon_pid = -1;
	de->daemon_pidfd = -1;
	env->priv = de;
	if (dk_prepare_env(de, env, err) < 0) {
		dk_engine_cleanup(env);
		return -1;
	}
	return 0;
}

/* On every path: the image, the daemon and all it made, our directory. */
void dk_engine_cleanup(struct bb_env *env)
{
	struct dk_env *de = env->priv;
	struct bb_err err = { 0 };

	if (!de)
		return;
	if (!de->private_daemon)
		dk_image_remove(de);
	if (de->private_daemon && de->dir[0])
		dk_daemon_stop(de);
	if (de->dir[0] && oci_rmtree(de->dir, &err) < 0)
		fprintf(stderr, "boxbench: docker: %s\n", err.msg);
	free(de);
	env->priv = NULL;
}

void dk_engine_probe(const struct bb_env_opts *opts, struct bb_probe *out)
{
	char cli[PATH_MAX], dockerd[PATH_MAX], version[128] = "";

	out->available = false;
	if (oci_find_binary("docker", cli) < 0 ||
	    (!(opts && opts->docker_host) && oci_find_binary("dockerd", dockerd) < 0)) {
		snprintf(out->reason, sizeof(out->reason),
		         "docker CLI or dockerd not found in /usr/sbin, /usr/bin (Debian package "
		         "docker.io)");
		return;
	}
	if (!(opts && opts->docker_host))
		oci_binary_version(dockerd, version, sizeof(version));
	if (geteuid() != 0 && !(opts && opts->docker_host)) {
		snprintf(out->reason, sizeof(out->reason),
		         "%s: a private daemon needs root (or give --docker-host)", version);
		return;
	}
	out->available = true;
	snprintf(out->reason, sizeof(out->reason), "%s", version[0] ? version : cli);
}
