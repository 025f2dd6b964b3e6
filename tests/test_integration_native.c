/* Integration: `boxbench run` runs the real workload natively. A valid result with every
 * sample, nothing left running, a failed sample reported in the result file, and a partial
 * result on SIGINT. (The launcher contract on every box: test_integration_launchers.c.) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include "helpers.h"
#include "results.h"

static char dir[64];
static char bin[256];

static int setup(void **state)
{
	(void)state;
	return integration_setup("native", dir, sizeof(dir), bin, sizeof(bin));
}

static int teardown(void **state)
{
	(void)state;
	return remove_tree(dir);
}

static void test_startup_run(void **state)
{
	char out[128];
	struct cmd_out *r = malloc(sizeof(*r));
	struct bb_result res;
	struct bb_err e = { 0 };

	(void)state;
	snprintf(out, sizeof(out), "%s/startup.json", dir);
	char *argv[] = { bin, "run",      "--envs", "native", "--suites", "startup", "--reps",
		         "5", "--warmup", "1",      "-o",     out,        NULL };
	assert_int_equal(run_cmd(argv, r), 0);
	if (r->code != 0)
		fail_msg("exit %d: %s", r->code, r->err);
	assert_int_equal(results_read(out, &res, &e), 0);
	assert_true(res.complete);
	const char *metrics[] = { "ready", "exit" };
	for (size_t i = 0; i < 2; i++) {
		struct bb_series *s = results_series(&res, "startup", metrics[i], "native", false);
		assert_non_null(s);
		assert_int_equal(s->n, 5);
		assert_int_equal(s->nerr, 0);
		assert_string_equal(s->unit, "ms");
		assert_true(s->has_summary);
		assert_true(s->summary.median > 0);
		assert_true(s->summary.ci_lo <= s->summary.median);
		assert_true(s->summary.median <= s->summary.ci_hi);
	}
	/* exit comes after ready in every sample: the median cannot be smaller */
	assert_true(results_series(&res, "startup", "exit", "native", false)->summary.median >=
	            results_series(&res, "startup", "ready", "native", false)->summary.median);
	json_t *pu = json_object_get(json_object_get(res.host, "topology"), "pinned_pu");
	assert_true(json_is_integer(pu));
	assert_int_equal(json_integer_value(json_object_get(res.config, "reps")), 5);
	results_free(&res);
	assert_int_equal(leftover_children(), 0);
	/* No overwrite without --force: exit 2 before anything runs. */
	assert_int_equal(run_cmd(argv, r), 0);
	assert_int_equal(r->code, 2);
	assert_non_null(strstr(r->err, "--force"));
	free(r);
}

/* Sampling to a precision: at least 10 cheap samples, a target, a stop reason and the order
 * recorded; a fixed --reps 3 shows no interval; --reps with --precision is refused. */
static void test_precision_run(void **state)
{
	char out[128];
	struct cmd_out *r = malloc(sizeof(*r));
	struct bb_result res;
	struct bb_err e = { 0 };

	(void)state;
	snprintf(out, sizeof(out), "%s/precision.json", dir);
	char *argv[] = { bin,        "run",         "--envs", "native",     "--suites",
		         "startup",  "--precision", "20",     "--budget-s", "3",
		         "--warmup", "0",           "-o",     out,          NULL };
	assert_int_equal(run_cmd(argv, r), 0);
	if (r->code != 0)
		fail_msg("exit %d: %s", r->code, r->err);
	assert_int_equal(results_read(out, &res, &e), 0);
	struct bb_series *s = results_series(&res, "startup", "ready", "native", false);
	assert_non_null(s);
	assert_true(s->n >= 10);
	assert_int_equal(s->nseq, s->n);
	for (size_t i = 1; i < s->n; i++)
		assert_true(s->seq[i] > s->seq[i - 1]);
	assert_float_equal(s->target, 0.20, 1e-12);
	assert_true(!strcmp(s->stop, "precision") || !strcmp(s->stop, "budget"));
	assert_true(s->summary.has_ci);
	assert_int_equal(series_met(s), !strcmp(s->stop, "precision"));
	assert_true(json_is_null(json_object_get(res.config, "reps")));
	/* series come in the run's order, whatever order the shuffled samples came in */
	assert_int_equal(res.nseries, 2);
	assert_string_equal(res.series[0].metric, "ready");
	assert_string_equal(res.series[1].metric, "exit");
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(res.config, "sampling"), "mode")),
	    "precision");
	results_free(&res);

	char *fixed[] = { bin, "run",      "--envs", "native", "--suites", "startup", "--reps",
		          "3", "--warmup", "0",      "-o",     out,        "--force", NULL };
	assert_int_equal(run_cmd(fixed, r), 0);
	assert_int_equal(r->code, 0);
	assert_non_null(strstr(r->out, "(no CI: n < 5)"));
	assert_int_equal(results_read(out, &res, &e), 0);
	s = results_series(&res, "startup", "ready", "native", false);
	assert_int_equal(s->n, 3);
	assert_false(s->summary.has_ci);
	assert_string_equal(s->stop, "reps");
	results_free(&res);

	char *both[] = { bin, "run", "--reps", "3", "--precision", "2", NULL };
	assert_int_equal(run_cmd(both, r), 0);
	assert_int_equal(r->code, 2);
	assert_non_null(strstr(r->err, "--reps fixes the count"));
	free(r);
}

/* Run the selftest suite in a mode; expect exit 1 and the reason in the sample's error. */
static void expect_sample_error(const char *mode, const char *reason)
{
	char out[128], modearg[64];
	struct cmd_out *r = malloc(sizeof(*r));
	struct bb_result res;
	struct bb_err e = { 0 };

	snprintf(out, sizeof(out), "%s/%s.json", dir, mode);
	snprintf(modearg, sizeof(modearg), "--load-arg=%s", mode);
	char *argv[] = { bin,         "run",    "--envs", "native",   "--suites",
		         "selftest",  "--reps", "1",      "--warmup", "0",
		         "--timeout", "1",      "-o",     out,        "--load-arg=--mode",
		         modearg,     NULL };
	time_t t0 = time(NULL);
	assert_int_equal(run_cmd(argv, r), 0);
	if (r->code != 1)
		fail_msg("mode %s: exit %d (want 1): %s", mode, r->code, r->err);
	assert_true(time(NULL) - t0 < 10);
	assert_int_equal(results_read(out, &res, &e), 0);
	size_t found = 0;
	for (size_t i = 0; i < res.nseries; i++)
		for (size_t j = 0; j < res.series[i].nerr; j++)
			found += strstr(res.series[i].errors[j].reason, reason) != NULL;
	if (!found)
		fail_msg("mode %s: no error containing '%s'", mode, reason);
	results_free(&res);
	assert_int_equal(leftover_children(), 0);
	free(r);
}

/* Every misbehaviour on every box is test_integration_launchers.c's; here, the way `run`
 * reports one: exit 1, the reason in the result file, --timeout reaching the job. */
static void test_sample_errors_reach_results(void **state)
{
	(void)state;
	expect_sample_error("hang", "timed out");
	expect_sample_error("die", "no end record (instance killed by signal 9");
}

/* Wait (at most 60 s) until the run's stderr reports its warm-up sample: from then on it
 * measures. A fixed delay does not do under load, where setup alone can outlast it. */
static bool wait_warmed_up(int fd)
{
	char buf[4096];
	size_t len = 0;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	for (int waited = 0; waited < 600 && len < sizeof(buf) - 1; waited++) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		ssize_t n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			return false;
		len += (size_t)n;
		buf[len] = '\0';
		if (strstr(buf, "warm-up"))
			return true;
	}
	return false;
}

/* SIGINT in the middle of a run: the partial result is written, marked incomplete, exit
 * 130, and the workload that was running is gone. */
static void test_interrupt_keeps_results(void **state)
{
	char out[128];
	struct bb_result res;
	struct bb_err e = { 0 };
	int st, errp[2];

	(void)state;
	snprintf(out, sizeof(out), "%s/interrupted.json", dir);
	assert_int_equal(pipe(errp), 0);
	pid_t pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);
		/* As a terminal's Ctrl-C finds it: a non-interactive shell (CI) starts background
		 * jobs with SIGINT ignored. */
		signal(SIGINT, SIG_DFL);
		dup2(errp[1], 2);
		dup2(devnull, 1);
		close(errp[0]);
		/* Far more samples than the wait holds (the order within a round is shuffled, so a
		 * hanging suite beside startup could run first and leave nothing to keep). */
		execl(bin, bin, "run", "--envs", "native", "--suites", "startup", "--reps",
		      "100000", "--warmup", "1", "--timeout", "30", "-o", out, (char *)NULL);
		_exit(127);
	}
	close(errp[1]);
	bool warmed = wait_warmed_up(errp[0]);
	/* Measured samples follow the warm-up at once (a native start takes milliseconds). */
	struct timespec ts = { 0, 300 * 1000 * 1000 };
	nanosleep(&ts, NULL);
	kill(pid, SIGINT);
	waitpid(pid, &st, 0);
	close(errp[0]);
	assert_true(warmed);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 130);
	assert_int_equal(results_read(out, &res, &e), 0);
	assert_false(res.complete);
	/* The samples that finished before the interrupt are kept. */
	struct bb_series *s = results_series(&res, "startup", "ready", "native", false);
	assert_non_null(s);
	assert_true(s->n >= 1);
	results_free(&res);
	assert_int_equal(leftover_children(), 0);
}

/* The host state and the KVM paging are recorded with every result, each unstable state a
 * warning on stderr too; --vm-accel kvm is judged after the KVM probe (it once said "absent
 * (not probed)" whatever the host had). */
static void test_host_state_recorded(void **state)
{
	char out[128];
	struct cmd_out *r = malloc(sizeof(*r));
	struct bb_result res;
	struct bb_err e = { 0 };
	json_t *warn, *w;
	size_t i;

	(void)state;
	snprintf(out, sizeof(out), "%s/host.json", dir);
	char *argv[] = { bin,          "run",    "--envs", "native",   "--suites",
		         "startup",    "--reps", "1",      "--warmup", "0",
		         "--vm-accel", "kvm",    "-o",     out,        NULL };
	assert_int_equal(run_cmd(argv, r), 0);
	if (r->code != 0)
		fail_msg("exit %d: %s", r->code, r->err);
	assert_null(strstr(r->err, "not probed"));
	assert_int_equal(results_read(out, &res, &e), 0);
	assert_non_null(results_jstr(json_object_get(res.host, "kvm"), "paging"));
	assert_non_null(results_jstr(json_object_get(res.host, "kvm"), "paging_evidence"));
	assert_non_null(results_jstr(json_object_get(res.host, "cpufreq"), "governor"));
	assert_true(json_is_object(json_object_get(res.host, "smt")));
	warn = json_object_get(res.host, "warnings");
	assert_true(json_is_array(warn));
	json_array_foreach(warn, i, w)
	{
		char line[512];
		snprintf(line, sizeof(line), "warning: host: %s\n", json_string_value(w));
		assert_non_null(strstr(r->err, line));
	}
	results_free(&res);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_startup_run),
		cmocka_unit_test(test_host_state_recorded),
		cmocka_unit_test(test_precision_run),
		cmocka_unit_test(test_sample_errors_reach_results),
		cmocka_unit_test(test_interrupt_keeps_results),
	};
	return cmocka_run_group_tests_name("integration_native", tests, setup, teardown);
}
