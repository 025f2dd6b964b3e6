/* native: the workload as a plain process, the baseline every box is compared with. */
#include "launcher.h"
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define NATIVE_MAX_ARGS 64

static void native_probe(const struct bb_env_opts *opts, struct bb_probe *out)
{
	if (opts && opts->load_path && access(opts->load_path, X_OK) < 0) {
		out->available = false;
		snprintf(out->reason, sizeof(out->reason), "workload %s: %s", opts->load_path,
		         strerror(errno));
		return;
	}
	out->available = true;
	snprintf(out->reason, sizeof(out->reason), "fork/exec of the static workload");
}

static int native_prepare(struct bb_env *env, struct bb_err *err)
{
	if (access(env->opts->load_path, X_OK) < 0)
		return bb_fail(err, errno, "workload %s", env->opts->load_path);
	snprintf(env->desc.kind, sizeof(env->desc.kind), "process");
	snprintf(env->desc.workload, sizeof(env->desc.workload), "%s", env->opts->load_path);
	env->desc.pu = env->opts->pu;
	return 0;
}

/* argv = { load_path, suite, args..., NULL } */
static int native_argv(const char *path, const char *scratch, const struct bb_job *job, char **argv,
                       size_t max, struct bb_err *err)
{
	size_t n = 0;

	argv[n++] = (char *)path;
	argv[n++] = (char *)job->suite;
	for (size_t i = 0; job->args && job->args[i]; i++) {
		if (n + 3 >= max)
			return bb_fail(err, E2BIG, "too many workload arguments");
		argv[n++] = job->args[i];
	}
	if (job->storage && scratch) {
		argv[n++] = "--dir";
		argv[n++] = (char *)scratch;
	}
	argv[n] = NULL;
	return 0;
}

static int native_spawn(struct bb_env *env, const struct bb_job *job, struct bb_instance *inst,
                        struct bb_err *err)
{
	char *argv[NATIVE_MAX_ARGS];
	int pipefd[2];
	int rc;

	if (native_argv(env->opts->load_path, env->opts->scratch_dir, job, argv, NATIVE_MAX_ARGS,
	                err) < 0)
		return -1;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return bb_fail(err, errno, "pipe");
	struct bb_exec ex = {
		.path = env->opts->load_path,
		.argv = argv,
		.stdin_fd = -1,
		.stdout_fd = pipefd[1],
		.stderr_fd = -1,
		.pu = env->opts->pu,
		.new_pgrp = true,
	};
	rc = proc_spawn(&ex, &inst->pid, &inst->pidfd, err);
	close(pipefd[1]);
	if (rc < 0) {
		close(pipefd[0]);
		return bb_wrap(err, "native: spawn");
	}
	inst->out_fd = pipefd[0];
	return 0;
}

static int native_reap(struct bb_env *env, struct bb_instance *inst, double timeout_s,
                       struct bb_err *err)
{
	int rc = 0;

	(void)env;
	int w = proc_wait(inst->pid, inst->pidfd, timeout_s, &inst->status, err);
	if (w != 0) {
		proc_kill_reap(inst->pid, inst->pidfd, true, &inst->status);
		inst->timed_out = w == PROC_TIMEOUT;
		rc = w == PROC_TIMEOUT ? bb_fail(err, 0, "native: killed after %.1f s", timeout_s)
		     : w == PROC_INTERRUPTED ? bb_fail(err, 0, "native: interrupted, killed")
		                             : -1;
	} else {
		/* The workload may have left children in its group (a suite that forks): they die
		 * with the instance. */
		kill(-inst->pid, SIGKILL);
	}
	if (inst->pidfd >= 0)
		close(inst->pidfd);
	if (inst->out_fd >= 0)
		close(inst->out_fd);
	inst->pidfd = inst->out_fd = -1;
	return rc;
}

static void native_cleanup(struct bb_env *env)
{
	(void)env;
}

const struct launcher launcher_native = {
	.name = "native",
	.summary = "a plain process on the host",
	.settles = "every ratio (the reference)",
	.class = BB_CLASS_NATIVE,
	.probe = native_probe,
	.prepare = native_prepare,
	.spawn = native_spawn,
	.reap = native_reap,
	.cleanup = native_cleanup,
};
