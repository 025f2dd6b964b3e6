#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

volatile sig_atomic_t bb_interrupted;

#define CHILD_STACK (64 * 1024)

uint64_t bb_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int proc_pin(pid_t pid, int pu, struct bb_err *err)
{
	cpu_set_t set;

	if (pu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(pu, &set);
	if (sched_setaffinity(pid, sizeof(set), &set) < 0)
		return bb_fail(err, errno, "pin to processing unit %d", pu);
	return 0;
}

struct spawn_ctx {
	const struct bb_exec *ex;
	pid_t parent;
	int devnull;
	volatile int child_errno; /* shared with the parent: CLONE_VM */
	const char *failed_step;
};

static int child_fd(int fd, int devnull)
{
	return fd >= 0 ? fd : devnull;
}

/* Runs in the vfork-style child: it shares the parent's memory, so it may only use
 * async-signal-safe calls and write nothing but ctx->child_errno/failed_step. */
static int spawn_child(void *arg)
{
	struct spawn_ctx *ctx = arg;
	const struct bb_exec *ex = ctx->ex;
	char *empty_env[] = { NULL };
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL);
	ctx->failed_step = "prctl(PR_SET_PDEATHSIG)";
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != ctx->parent)
		goto fail;
	ctx->failed_step = "setpgid";
	if (ex->new_pgrp && setpgid(0, 0) < 0)
		goto fail;
	ctx->failed_step = "pin";
	if (ex->pu >= 0 && proc_pin(0, ex->pu, NULL) < 0)
		goto fail;
	ctx->failed_step = "chdir";
	if (ex->cwd && chdir(ex->cwd) < 0)
		goto fail;
	ctx->failed_step = "dup2";
	if (dup2(child_fd(ex->stdin_fd, ctx->devnull), 0) < 0 ||
	    dup2(child_fd(ex->stdout_fd, ctx->devnull), 1) < 0 ||
	    dup2(child_fd(ex->stderr_fd, ctx->devnull), 2) < 0)
		goto fail;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	ctx->failed_step = "exec";
	execve(ex->path, ex->argv, ex->envp ? ex->envp : empty_env);
fail:
	ctx->child_errno = errno ? errno : EINVAL;
	_exit(127);
}

int proc_spawn(const struct bb_exec *ex, pid_t *pid, int *pidfd, struct bb_err *err)
{
	struct spawn_ctx ctx = { .ex = ex, .parent = getpid(), .devnull = -1 };
	sigset_t all, old;
	char *stack;
	pid_t child;
	int status;

	*pid = -1;
	*pidfd = -1;
	ctx.devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (ctx.devnull < 0)
		return bb_fail(err, errno, "open /dev/null");
	stack = mmap(NULL, CHILD_STACK, PROT_READ | PROT_WRITE,
	             MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED) {
		close(ctx.devnull);
		return bb_fail(err, errno, "mmap child stack");
	}
	/* Block signals so no handler of ours runs on the child's borrowed stack (posix_spawn's
	 * approach); the child resets dispositions and unblocks before exec. */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	child = clone(spawn_child, stack + CHILD_STACK, CLONE_VM | CLONE_VFORK | SIGCHLD, &ctx);
	sigprocmask(SIG_SETMASK, &old, NULL);
	munmap(stack, CHILD_STACK);
	close(ctx.devnull);
	if (child < 0)
		return bb_fail(err, errno, "clone");
	if (ctx.child_errno) {
		waitpid(child, &status, 0);
		return bb_fail(err, ctx.child_errno, "%s %s", ctx.failed_step, ex->path);
	}
	*pid = child;
	*pidfd = (int)syscall(SYS_pidfd_open, child, 0);
	return 0;
}

/* Wait with a deadline: poll on the pidfd (no SIGCHLD games, no busy loop); without
 * pidfds fall back to a short sleep loop. */
static int wait_readable(int pidfd, pid_t pid, int timeout_ms, int *status)
{
	if (pidfd >= 0) {
		struct pollfd p = { .fd = pidfd, .events = POLLIN };
		return poll(&p, 1, timeout_ms);
	}
	pid_t r = waitpid(pid, status, WNOHANG);
	if (r == pid)
		return 2;
	if (r < 0)
		return -1;
	struct timespec ts = { 0, 1000000 };
	nanosleep(&ts, NULL);
	return 0;
}

int proc_wait(pid_t pid, int pidfd, double timeout_s, int *status, struct bb_err *err)
{
	uint64_t deadline = bb_now_ns() + (uint64_t)(timeout_s * 1e9);

	for (;;) {
		uint64_t now = bb_now_ns();
		if (bb_interrupted)
			return PROC_INTERRUPTED;
		if (now >= deadline)
			return PROC_TIMEOUT;
		int ms = (int)((deadline - now + 999999) / 1000000);
		int r = wait_readable(pidfd, pid, ms, status);
		if (r == 2)
			return 0;
		if (r < 0 && errno != EINTR)
			return bb_fail(err, errno, "wait for pid %d", (int)pid);
		if (r > 0)
			break;
	}
	while (waitpid(pid, status, 0) < 0) {
		if (errno != EINTR)
			return bb_fail(err, errno, "waitpid %d", (int)pid);
	}
	return 0;
}

void proc_kill_reap(pid_t pid, int pidfd, bool pgrp, int *status)
{
	int st;

	if (pid <= 0)
		return;
	if (pgrp)
		kill(-pid, SIGKILL);
	if (pidfd >= 0)
		syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
	else
		kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (status)
		*status = st;
}

const char *proc_status_str(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exit %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(status),
		         strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "wait status 0x%x", (unsigned)status);
	return buf;
}

int proc_run(char *const *argv, char *const *envp, double timeout_s, char *text, size_t len,
             int *status, struct bb_err *err)
{
	int out = memfd_create("boxbench-run", MFD_CLOEXEC), pidfd, w;
	struct bb_exec ex = { .path = argv[0],
		              .argv = argv,
		              .envp = envp,
		              .stdin_fd = -1,
		              .stdout_fd = out,
		              .stderr_fd = out,
		              .pu = -1,
		              .new_pgrp = true };
	ssize_t n = 0;
	pid_t pid;

	if (len)
		text[0] = '\0';
	if (out < 0)
		return bb_fail(err, errno, "memfd");
	if (proc_spawn(&ex, &pid, &pidfd, err) < 0) {
		close(out);
		return bb_wrap(err, "%s", argv[0]);
	}
	/* A helper is bounded by its timeout, not by an interrupt: the teardown that follows a
	 * SIGINT needs its `runc delete` and its daemon stop to finish. */
	sig_atomic_t was = bb_interrupted;
	bb_interrupted = 0;
	w = proc_wait(pid, pidfd, timeout_s, status, err);
	bb_interrupted |= was;
	if (w != 0)
		proc_kill_reap(pid, pidfd, true, status);
	if (pidfd >= 0)
		close(pidfd);
	if (len && (n = pread(out, text, len - 1, 0)) < 0)
		n = 0;
	if (len)
		text[n] = '\0';
	close(out);
	return w < 0 ? -1 : w;
}
