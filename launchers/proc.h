/* Process plumbing shared by the launchers: start a program pinned to a processing unit with
 * PR_SET_PDEATHSIG, wait for it with a deadline, kill and reap. */
#ifndef BB_PROC_H
#define BB_PROC_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

/* Set by the harness's SIGINT/SIGTERM handler; waits give up early when it is set. */
extern volatile sig_atomic_t bb_interrupted;

uint64_t bb_now_ns(void); /* CLOCK_MONOTONIC */

struct bb_exec {
	const char *path;
	char *const *argv;
	char *const *envp; /* NULL = an empty environment */
	int stdin_fd;      /* -1 = /dev/null */
	int stdout_fd;     /* -1 = /dev/null */
	int stderr_fd;     /* -1 = /dev/null */
	int pu;            /* pin to this OS processing unit index, -1 = inherit */
	bool new_pgrp;     /* put the child in its own process group (so its children die too) */
	const char *cwd;   /* its working directory, NULL = inherit the harness's */
};

/* Start ex->path. The child dies with the harness (PR_SET_PDEATHSIG=SIGKILL) and starts
 * with default signal dispositions and an empty signal mask. vfork-style, so the cost of a
 * start does not grow with the harness's memory. *pidfd is -1 when pidfds are unsupported. */
int proc_spawn(const struct bb_exec *ex, pid_t *pid, int *pidfd, struct bb_err *err);

/* What proc_wait returns besides -1 (an error). */
enum proc_wait_result {
	PROC_EXITED = 0,      /* *status is set */
	PROC_TIMEOUT = 1,     /* timeout_s passed; the process still runs */
	PROC_INTERRUPTED = 2, /* bb_interrupted was set; the process still runs */
};

/* Wait until pid exits or timeout_s passes (or bb_interrupted): enum proc_wait_result, or -1
 * on error. */
int proc_wait(pid_t pid, int pidfd, double timeout_s, int *status, struct bb_err *err);

/* Run argv to completion (a helper command: a version query, `runc delete`), its stdout and
 * stderr together into text (NUL-terminated, cut to len). Returns 0 when it exited by itself
 * within timeout_s (*status set; an interrupt does not cut it short: teardown helpers must
 * finish), 1 when it had to be killed, -1 when it could not start. */
int proc_run(char *const *argv, char *const *envp, double timeout_s, char *text, size_t len,
             int *status, struct bb_err *err);

/* SIGKILL pid (its process group too when pgrp) and reap it. */
void proc_kill_reap(pid_t pid, int pidfd, bool pgrp, int *status);

/* Describe a wait status: "exit 3", "killed by signal 9". */
const char *proc_status_str(int status, char *buf, size_t len);

/* Pin the calling thread (0) or pid to one OS processing unit. */
int proc_pin(pid_t pid, int pu, struct bb_err *err);

#endif
