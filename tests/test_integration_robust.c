/* Integration (issue 17): what a killed run left is swept by the next run and by
 * `doctor --clean`, never what a live one owns; the output is checked before anything is
 * measured and a result that cannot be written is kept elsewhere; errors the workload reports
 * fail their sample; internal suites are refused; an interrupt before the first sample exits
 * 130; a failed warm-up leaves a trace; every command refuses a result file that does not hold
 * together. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "helpers.h"
#include "results.h"
#include "sweep.h"

static char dir[64];
static char bin[256];

static int setup(void **state)
{
	(void)state;
	return integration_setup("robust", dir, sizeof(dir), bin, sizeof(bin));
}

static int teardown(void **state)
{
	(void)state;
	return remove_tree(dir);
}

static bool exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

/* A scratch directory (with a disk image in it) named for a harness that is gone: a child
 * that exited and was reaped. */
static void stale_scratch(char *path, size_t len)
{
	char img[PATH_MAX + 32];
	int p[2];
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	if (pid == 0) {
		struct bb_err e = { 0 };
		char made[PATH_MAX] = "";
		sweep_mkdtemp(SWEEP_SCRATCH_DIR, SWEEP_SCRATCH_PREFIX, made, sizeof(made), &e);
		_exit(write(p[1], made, sizeof(made)) == sizeof(made) ? 0 : 1);
	}
	char made[PATH_MAX];
	assert_int_equal(read(p[0], made, sizeof(made)), sizeof(made));
	close(p[0]);
	close(p[1]);
	waitpid(pid, NULL, 0);
	assert_true(made[0] != '\0');
	snprintf(path, len, "%s", made);
	snprintf(img, sizeof(img), "%s/boxbench-vm-disk.img", path);
	FILE *f = fopen(img, "w");
	assert_non_null(f);
	fputs("disk", f);
	fclose(f);
}

/* doctor lists what a killed run left without removing it; doctor --clean and run remove it;
 * the state of a live harness (this test's own) is never touched. */
static void test_sweep_stale_state(void **state)
{
	struct cmd_out *r = malloc(sizeof(*r));
	char stale[PATH_MAX], live[PATH_MAX], out[128];
	struct bb_err e = { 0 };

	(void)state;
	stale_scratch(stale, sizeof(stale));
	assert_int_equal(
	    sweep_mkdtemp(SWEEP_SCRATCH_DIR, SWEEP_SCRATCH_PREFIX, live, sizeof(live), &e), 0);
	char *doctor[] = { bin, "doctor", NULL, NULL };
	assert_int_equal(run_cmd(doctor, r), 0);
	assert_int_equal(r->code, 0);
	assert_non_null(strstr(r->err, stale));
	assert_null(strstr(r->err, live));
	assert_true(exists(stale));
	doctor[2] = "--clean";
	assert_int_equal(run_cmd(doctor, r), 0);
	assert_int_equal(r->code, 0);
	assert_non_null(strstr(r->err, "swept stale scratch directory"));
	assert_false(exists(stale));
	assert_true(exists(live));

	/* The next run sweeps too, and says so. */
	stale_scratch(stale, sizeof(stale));
	snprintf(out, sizeof(out), "%s/swept.json", dir);
	char *run[] = { bin,        "run", "--envs", "native", "--reps", "1",
		        "--warmup", "0",   "-o",     out,      NULL };
	assert_int_equal(run_cmd(run, r), 0);
	assert_int_equal(r->code, 0);
	assert_non_null(strstr(r->err, "swept stale scratch directory"));
	assert_false(exists(stale));
	assert_true(exists(live));
	rmdir(live);
	free(r);
}

/* A bad -o is refused in one line with exit 2 before any sample is taken. */
static void expect_bad_output(const char *out, bool force, const char *needle)
{
	struct cmd_out *r = malloc(sizeof(*r));
	char *argv[] = { bin,
		         "run",
		         "--envs",
		         "native",
		         "--reps",
		         "1",
		         "--warmup",
		         "0",
		         "-o",
		         (char *)out,
		         force ? "--force" : NULL,
		         NULL };

	assert_int_equal(run_cmd(argv, r), 0);
	if (r->code != 2 || count_lines(r->err) != 1 || !strstr(r->err, needle))
		fail_msg("-o '%s': exit %d, want 2 and one line with '%s': %s", out, r->code,
		         needle, r->err);
	free(r);
}

static void test_output_checked_first(void **state)
{
	char link_[128], node[128];
	struct stat st;

	(void)state;
	expect_bad_output("", false, "empty output file name");
	expect_bad_output("/nonexistent/x.json", false, "No such file");
	expect_bad_output(dir, true, "is a directory");
	expect_bad_output("/proc", true, "is a directory");
	expect_bad_output("/proc/x.json", true, "/proc");
	snprintf(link_, sizeof(link_), "%s/dangling.json", dir);
	assert_int_equal(symlink("/nonexistent/r.json", link_), 0);
	expect_bad_output(link_, true, "symbolic link");
	expect_bad_output(link_, false, "symbolic link");
	/* A device node is never replaced, even with --force (as root, -o /dev/null --force
	 * would replace the system's /dev/null). */
	snprintf(node, sizeof(node), "%s/null", dir);
	if (mknod(node, S_IFCHR | 0666, makedev(1, 3)) == 0) {
		expect_bad_output(node, true, "not a regular file");
		assert_int_equal(lstat(node, &st), 0);
		assert_true(S_ISCHR(st.st_mode));
		unlink(node);
	}
	unlink(link_);
}

/* A full disk after the run: the samples are kept in a fallback file named in the error, the
 * table is printed, and the exit code says "could not write" (4), not "bad input". */
static void test_full_disk_keeps_samples(void **state)
{
	struct cmd_out *r = malloc(sizeof(*r));
	char full[128], out[160], keep[128], kept[PATH_MAX];
	struct bb_result res;
	struct bb_err e = { 0 };

	(void)state;
	snprintf(full, sizeof(full), "%s/full", dir);
	snprintf(keep, sizeof(keep), "%s/keep", dir);
	assert_int_equal(mkdir(full, 0755), 0);
	assert_int_equal(mkdir(keep, 0755), 0);
	if (mount("tmpfs", full, "tmpfs", 0, "size=64k") < 0)
		skip(); /* not root here */
	/* Fill it: new (empty) files can still be made, no byte can be written. */
	snprintf(out, sizeof(out), "%s/filler", full);
	FILE *fill = fopen(out, "w");
	assert_non_null(fill);
	for (int i = 0; i < 100000 && fputs("0123456789abcdef0123456789abcdef", fill) >= 0 &&
	                fflush(fill) == 0;
	     i++)
		;
	fclose(fill);
	snprintf(out, sizeof(out), "%s/r.json", full);
	setenv("TMPDIR", keep, 1);
	char *argv[] = { bin,        "run", "--envs", "native", "--reps", "2",
		         "--warmup", "0",   "-o",     out,      NULL };
	assert_int_equal(run_cmd(argv, r), 0);
	unsetenv("TMPDIR");
	umount(full);
	if (r->code != 4)
		fail_msg("exit %d (want 4): %s", r->code, r->err);
	assert_non_null(strstr(r->out, "ready"));
	const char *at = strstr(r->err, "the result is kept in ");
	assert_non_null(at);
	snprintf(kept, sizeof(kept), "%s", at + strlen("the result is kept in "));
	kept[strcspn(kept, "\n")] = '\0';
	assert_int_equal(results_read(kept, &res, &e), 0);
	assert_int_equal(results_series(&res, "startup", "ready", "native", false)->n, 2);
	results_free(&res);
	unlink(kept);
	free(r);
}

/* Errors the workload reports (io on tmpfs: "memory, not storage") fail their samples. */
static void test_workload_errors_fail_samples(void **state)
{
	struct cmd_out *r = malloc(sizeof(*r));
	char out[128];

	(void)state;
	snprintf(out, sizeof(out), "%s/shm.json", dir);
	char *argv[] = { bin,        "run",    "--envs", "native",   "--suites", "io",
		         "--quick",  "--reps", "1",      "--warmup", "0",        "--scratch",
		         "/dev/shm", "-o",     out,      NULL };
	assert_int_equal(run_cmd(argv, r), 0);
	if (r->code != 1 || !strstr(r->err, "failed"))
		fail_msg("exit %d (want 1, samples failed): %s", r->code, r->err);
	free(r);
}

/* The internal suites are the tests' own: refused by run in one line. */
static void test_internal_suite_refused(void **state)
{
	struct cmd_out *r = malloc(sizeof(*r));
	char *argv[] = { bin, "run", "--envs", "native", "--suites", "selftest", NULL };

	(void)state;
	unsetenv("BOXBENCH_INTERNAL_SUITES");
	assert_int_equal(run_cmd(argv, r), 0);
	setenv("BOXBENCH_INTERNAL_SUITES", "1", 1);
	assert_int_equal(r->code, 2);
	assert_int_equal(count_lines(r->err), 1);
	assert_non_null(strstr(r->err, "unknown suite 'selftest'"));
	free(r);
}

/* SIGINT while the run sets up (before any sample): exit 130, nothing written. */
static void test_interrupt_during_setup(void **state)
{
	char out[128];
	int st;

	(void)state;
	snprintf(out, sizeof(out), "%s/setup-int.json", dir);
	for (int delay_ms = 30; delay_ms <= 120; delay_ms += 45) {
		pid_t pid = fork();
		if (pid == 0) {
			/* As a terminal's Ctrl-C finds it: a non-interactive shell (CI) starts
			 * background jobs with SIGINT ignored, and an ignored SIGINT before the run
			 * installs its handler would be lost. */
			signal(SIGINT, SIG_DFL);
			int devnull = open("/dev/null", O_WRONLY);
			dup2(devnull, 1);
			dup2(devnull, 2);
			execl(bin, bin, "run", "--envs", "native", "--reps", "3", "-o", out,
			      (char *)NULL);
			_exit(127);
		}
		struct timespec ts = { 0, delay_ms * 1000 * 1000 };
		nanosleep(&ts, NULL);
		kill(pid, SIGINT);
		waitpid(pid, &st, 0);
		/* Before the handler is installed SIGINT ends it by the signal: also not 3. */
		if (WIFEXITED(st) && WEXITSTATUS(st) != 130)
			fail_msg("SIGINT after %d ms: exit %d (want 130)", delay_ms,
			         WEXITSTATUS(st));
		unlink(out);
	}
	assert_int_equal(leftover_children(), 0);
}

/* A failed warm-up sample is not measured but leaves a fact in the result. */
static void test_warmup_failure_traced(void **state)
{
	struct cmd_out *r = malloc(sizeof(*r));
	struct bb_result res;
	struct bb_err e = { 0 };
	char out[128];

	(void)state;
	snprintf(out, sizeof(out), "%s/warm.json", dir);
	char *argv[] = { bin,
		         "run",
		         "--envs",
		         "native",
		         "--suites",
		         "selftest",
		         "--reps",
		         "1",
		         "--warmup",
		         "1",
		         "--timeout",
		         "1",
		         "-o",
		         out,
		         "--load-arg=--mode",
		         "--load-arg=die",
		         NULL };
	assert_int_equal(run_cmd(argv, r), 0);
	assert_int_equal(r->code, 1);
	assert_int_equal(results_read(out, &res, &e), 0);
	size_t i, found = 0;
	json_t *f;
	json_array_foreach(res.facts, i, f)
	{
		found += !strcmp(json_string_value(json_object_get(f, "key")), "warmup_failed") &&
		         json_integer_value(json_object_get(f, "rep")) == -1 &&
		         strstr(json_string_value(json_object_get(f, "value")), "no end record");
	}
	assert_int_equal(found, 1);
	results_free(&res);
	free(r);
}

/* The crash fixtures: every command refuses each in one line with exit 2 (never a crash). */
static void test_commands_refuse_bad_files(void **state)
{
	const char *good = "tests/fixtures/fake-small.json", *base = "tests/fixtures/rejected";
	struct cmd_out *r = malloc(sizeof(*r));
	char bad[PATH_MAX], rdir[160];
	DIR *d = opendir(base);
	struct dirent *de;
	size_t files = 0;

	(void)state;
	snprintf(rdir, sizeof(rdir), "%s/report", dir);
	assert_non_null(d);
	while ((de = readdir(d))) {
		if (!strstr(de->d_name, ".json"))
			continue;
		snprintf(bad, sizeof(bad), "%s/%s", base, de->d_name);
		char *cmds[][8] = {
			{ bin, "show", bad, NULL },
			{ bin, "report", bad, "-o", rdir, NULL },
			{ bin, "compare", (char *)good, bad, NULL },
			{ bin, "export", bad, "--format", "csv", NULL },
			{ bin, "history", bad, (char *)good, "-o", rdir, NULL },
		};
		for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
			assert_int_equal(run_cmd(cmds[i], r), 0);
			if (r->code != 2 || count_lines(r->err) != 1)
				fail_msg("%s %s: exit %d (want 2, one line): %s", cmds[i][1], bad,
				         r->code, r->err);
		}
		files++;
	}
	closedir(d);
	assert_true(files >= 1);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sweep_stale_state),
		cmocka_unit_test(test_output_checked_first),
		cmocka_unit_test(test_full_disk_keeps_samples),
		cmocka_unit_test(test_workload_errors_fail_samples),
		cmocka_unit_test(test_internal_suite_refused),
		cmocka_unit_test(test_interrupt_during_setup),
		cmocka_unit_test(test_warmup_failure_traced),
		cmocka_unit_test(test_commands_refuse_bad_files),
	};
	return cmocka_run_group_tests_name("integration_robust", tests, setup, teardown);
}
