/* proc_wait tells a timeout from an interrupt (SIGINT during a VM's prepare must exit 130, not
 * "unavailable"): a real child that sleeps. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/wait.h>

#include "proc.h"

static void spawn_sleep(pid_t *pid, int *pidfd)
{
	char *argv[] = { "sleep", "30", NULL };
	struct bb_exec ex = {
		.path = "/bin/sleep",
		.argv = argv,
		.stdin_fd = -1,
		.stdout_fd = -1,
		.stderr_fd = -1,
		.pu = -1,
	};
	struct bb_err e = { 0 };

	assert_int_equal(proc_spawn(&ex, pid, pidfd, &e), 0);
}

static void test_timeout_and_interrupt_differ(void **state)
{
	struct bb_err e = { 0 };
	int pidfd, status;
	pid_t pid;

	(void)state;
	spawn_sleep(&pid, &pidfd);
	assert_int_equal(proc_wait(pid, pidfd, 0.05, &status, &e), PROC_TIMEOUT);
	bb_interrupted = 1;
	assert_int_equal(proc_wait(pid, pidfd, 10, &status, &e), PROC_INTERRUPTED);
	bb_interrupted = 0;
	proc_kill_reap(pid, pidfd, false, &status);
	assert_true(WIFSIGNALED(status));
	if (pidfd >= 0)
		close(pidfd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timeout_and_interrupt_differ),
	};
	return cmocka_run_group_tests_name("proc", tests, NULL, NULL);
}
