/* The gnuplot runner with fake `gnuplot` scripts on PATH: success with the arguments passed
 * through, a failure whose message names gnuplot and the template line, a hang that is killed
 * (with its children) and reaped within the timeout, a missing program; and the template
 * look-up through $BOXBENCH_GNUPLOT_DIR. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gnuplot.h"
#include "proc.h"

static char dir[64];

static int setup(void **state)
{
	char path[256];

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/bb-test-gnuplot-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s:%s", dir,
	         getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	return setenv("PATH", path, 1);
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

/* DIR/gnuplot, a shell script with body. */
static void fake_gnuplot(const char *body)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/gnuplot", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, 0755), 0);
}

static void test_ok_passes_args(void **state)
{
	char *args[] = { "-c", "t.gp", "two words", NULL }, body[256], path[128], got[128] = "";
	struct bb_err err = { 0 };
	FILE *f;

	(void)state;
	snprintf(body, sizeof(body), "printf '%%s|' \"$@\" > %s/args", dir);
	fake_gnuplot(body);
	assert_int_equal(gnuplot_run("gnuplot", args, 5, &err), 0);
	snprintf(path, sizeof(path), "%s/args", dir);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(got, sizeof(got), f));
	fclose(f);
	assert_string_equal(got, "-c|t.gp|two words|");
}

static void test_exit_1_is_an_error(void **state)
{
	char *args[] = { "-c", "t.gp", NULL };
	struct bb_err err = { 0 };

	(void)state;
	fake_gnuplot("echo 'plot x' >&2\necho '\"/some/where/t.gp\" line 3: undefined variable: y' "
	             ">&2\nexit 1");
	assert_int_equal(gnuplot_run("gnuplot", args, 5, &err), GNUPLOT_FAILED);
	assert_string_equal(err.msg, "gnuplot failed: t.gp line 3: undefined variable: y");
	fake_gnuplot("exit 1");
	assert_int_equal(gnuplot_run("gnuplot", args, 5, &err), GNUPLOT_FAILED);
	assert_string_equal(err.msg, "gnuplot failed: no message");
}

/* A state of pid from /proc, 0 when it is gone. */
static char proc_state(pid_t pid)
{
	char path[64], buf[256], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	p = p ? strrchr(buf, ')') : NULL;
	return p && p[1] ? p[2] : 0;
}

static void test_hang_is_killed_and_reaped(void **state)
{
	char *args[] = { "-c", "t.gp", NULL }, body[256], path[128];
	struct bb_err err = { 0 };
	uint64_t t0 = bb_now_ns();
	int child = 0;
	FILE *f;

	(void)state;
	snprintf(body, sizeof(body), "sleep 100 &\necho $! > %s/child\nwait", dir);
	fake_gnuplot(body);
	assert_int_equal(gnuplot_run("gnuplot", args, 0.5, &err), GNUPLOT_FAILED);
	assert_true(bb_now_ns() - t0 < 5000000000ull);
	assert_string_equal(err.msg, "gnuplot took over 0.5 s and was killed");
	/* reaped: no child of ours is left, not even a zombie */
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
	/* and its own child went with its process group */
	snprintf(path, sizeof(path), "%s/child", dir);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%d", &child), 1);
	fclose(f);
	for (int i = 0; i < 200 && proc_state(child) && proc_state(child) != 'Z'; i++)
		usleep(10000);
	assert_true(proc_state(child) == 0 || proc_state(child) == 'Z');
}

static void test_missing(void **state)
{
	char *args[] = { NULL };
	struct bb_err err = { 0 };

	(void)state;
	assert_int_equal(gnuplot_run("/nonexistent/gnuplot", args, 5, &err), GNUPLOT_MISSING);
	assert_string_equal(err.msg, "/nonexistent/gnuplot not found (install gnuplot-nox)");
	assert_int_equal(gnuplot_run("bb-no-such-gnuplot", args, 5, &err), GNUPLOT_MISSING);
}

static void test_template_lookup(void **state)
{
	char path[256], want[256];
	struct bb_err err = { 0 };
	FILE *f;

	(void)state;
	assert_int_equal(setenv("BOXBENCH_GNUPLOT_DIR", dir, 1), 0);
	assert_string_equal(gnuplot_templates_dir("x.gp"), dir);
	assert_int_equal(gnuplot_template("x.gp", path, sizeof(path), &err), -1);
	assert_non_null(strstr(err.msg, "x.gp not found"));
	snprintf(want, sizeof(want), "%s/x.gp", dir);
	f = fopen(want, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(gnuplot_template("x.gp", path, sizeof(path), &err), 0);
	assert_string_equal(path, want);
	unsetenv("BOXBENCH_GNUPLOT_DIR");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ok_passes_args),
		cmocka_unit_test(test_exit_1_is_an_error),
		cmocka_unit_test(test_hang_is_killed_and_reaped),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_template_lookup),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
