/* The Docker engine under the docker launcher (docker.c): boxbench's private dockerd (start,
 * readiness, stop, everything it leaves removed) or a user's daemon, the image imported from the
 * box's root, and the CLI. */
#ifndef BB_DOCKER_H
#define BB_DOCKER_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "cgroup.h"
#include "err.h"
#include "launcher.h"

#define DK_HELPER_S 30.0 /* a CLI command: rm -f, import, version */
#define DK_START_S  60.0 /* the daemon's start */
#define DK_STOP_S   20.0 /* its stop, before SIGKILL */

/* Host paths dockerd 20.10 creates whatever --data-root and --exec-root say. */
#define DK_HOST_PATHS 5

struct dk_env {
	char cli[PATH_MAX];       /* Debian's docker CLI (/usr/bin/docker) */
	char dockerd[PATH_MAX];   /* private daemon only */
	char dir[PATH_MAX];       /* private state: data, exec, socket, pid file, CLI config */
	char host[PATH_MAX + 16]; /* -H URI */
	char cli_env[PATH_MAX + 32];
	const char *envp[3];
	bool private_daemon;
	pid_t daemon_pid;
	int daemon_pidfd;
	double daemon_start_s;
	bool host_made[DK_HOST_PATHS]; /* host paths absent before the daemon started */
	char cg_parent[64];
	char image[96]; /* the imported image's reference */
	bool image_made;
	char root[PATH_MAX];
	char load[PATH_MAX];
	char scratch[PATH_MAX];
	unsigned ns;
	bool use_cg;
	struct cg_layout cg;
	struct cg_limits lim;
	int pu;
	unsigned seq;
	/* argument buffers of a `docker run` (built per sample, live until spawn returns) */
	char a_cpus[32], a_mem[48], a_pids[48], a_cpuset[32], a_scratch[PATH_MAX * 2 + 8];
};

int dk_cli(const struct dk_env *de, const char *const *args, double timeout_s, char *text,
           size_t len, int *status, struct bb_err *err);
int dk_cli_ok(const struct dk_env *de, const char *const *args, double timeout_s, char *text,
              size_t len, struct bb_err *err);

void dk_engine_probe(const struct bb_env_opts *opts, struct bb_probe *out);
int dk_engine_prepare(struct bb_env *env, struct bb_err *err);
void dk_engine_cleanup(struct bb_env *env);

/* The daemon's command line (pure: tested): argv must hold 32 entries; buf holds the strings. */
size_t dk_daemon_argv(const char *dockerd, const char *dir, const char *cg_parent, char **argv,
                      char *buf, size_t len);

#endif
