/* The sweep of stale state (launchers/sweep.c): owners are a pid and its start time; state of a
 * harness that is gone (exited, or its pid reused by another process) is removed, state of a
 * live one never. Real directories and, where this runs as root with cgroups, real cgroups. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "sweep.h"

static char tmp[64];

static int setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/bb-test-sweep-XXXXXX");
	return mkdtemp(tmp) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	return system(cmd);
}

static bool exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

/* A harness that is gone: a child that exited and was reaped. Its owner in *o. */
static void dead_owner(struct bb_owner *o)
{
	int p[2];
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	if (pid == 0) {
		const struct bb_owner *me = sweep_self();
		_exit(write(p[1], me, sizeof(*me)) == sizeof(*me) ? 0 : 1);
	}
	assert_int_equal(read(p[0], o, sizeof(*o)), sizeof(*o));
	close(p[0]);
	close(p[1]);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	assert_int_equal(o->pid, pid);
	assert_true(o->start > 0);
}

/* A live process that is not the test: it sleeps until killed. */
static pid_t live_child(struct bb_owner *o)
{
	pid_t pid = fork();

	if (pid == 0) {
		pause();
		_exit(0);
	}
	o->pid = pid;
	for (int i = 0; i < 1000 && sweep_pid_start(pid, &o->start) < 0; i++)
		usleep(1000);
	return pid;
}

static void test_parse_owner(void **state)
{
	struct bb_owner o;
	const char *rest;

	(void)state;
	rest = sweep_parse_owner("123-456-7", &o);
	assert_non_null(rest);
	assert_int_equal(o.pid, 123);
	assert_true(o.start == 456);
	assert_string_equal(rest, "-7");
	/* A name from before start times: `boxbench-<pid>-<seq>`. */
	rest = sweep_parse_owner("123-7", &o);
	assert_non_null(rest);
	assert_int_equal(o.pid, 123);
	assert_true(o.start == 0);
	assert_string_equal(rest, "-7");
	assert_null(sweep_parse_owner("abc-1-2", &o));
	assert_null(sweep_parse_owner("0-1-2", &o));
	assert_null(sweep_parse_owner("99999999999-1-2", &o));
	assert_null(sweep_parse_owner("12x-1", &o));
}

/* The start time is field 22 of /proc/self/stat, read independently here. */
static void test_self(void **state)
{
	char buf[1024], *p;
	FILE *f = fopen("/proc/self/stat", "r");
	unsigned long long start = 0;
	char tag[64];

	(void)state;
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	p = strrchr(buf, ')');
	assert_int_equal(sscanf(p + 2,
	                        "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d "
	                        "%*d %*d %*d %*d %*d %llu",
	                        &start),
	                 1);
	assert_int_equal(sweep_self()->pid, getpid());
	assert_true(sweep_self()->start == start);
	snprintf(tag, sizeof(tag), "%d-%llu", (int)getpid(), start);
	assert_string_equal(sweep_self_tag(), tag);
	assert_true(sweep_owner_alive(sweep_self()));
}

static void test_dead_and_zombie(void **state)
{
	struct bb_owner o, z;
	unsigned long long s;
	pid_t pid;

	(void)state;
	dead_owner(&o);
	assert_false(sweep_owner_alive(&o));
	/* The same pid with another start time is another process: not the owner. */
	z = *sweep_self();
	z.start++;
	assert_false(sweep_owner_alive(&z));
	/* A zombie (exited, not reaped) owns nothing any more. */
	pid = fork();
	if (pid == 0)
		_exit(0);
	for (int i = 0; i < 1000; i++) {
		char st[64], line[512];
		snprintf(st, sizeof(st), "/proc/%d/stat", (int)pid);
		FILE *f = fopen(st, "r");
		bool zombie = f && fgets(line, sizeof(line), f) && strstr(line, ") Z ");
		if (f)
			fclose(f);
		if (zombie)
			break;
		usleep(1000);
	}
	assert_int_equal(sweep_pid_start(pid, &s), -1);
	waitpid(pid, NULL, 0);
}

static const struct bb_sweeper test_sweeper = {
	.kind = "test directory",
	.list = sweep_dir_list,
	.remove = sweep_dir_remove,
	.dir = tmp,
	.prefix = "bbt-",
};

static void make_dir(char *path, size_t len, const struct bb_owner *o)
{
	char file[PATH_MAX + 16];

	snprintf(path, len, "%s/bbt-%d-%llu-XXXXXX", tmp, (int)o->pid, o->start);
	assert_non_null(mkdtemp(path));
	snprintf(file, sizeof(file), "%s/disk.img", path);
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	fputs("data", f);
	fclose(f);
}

/* Exactly the stale directories go: a dead harness's, and one whose pid now belongs to
 * another process; the test's own and a live child's stay. */
static void test_dirs(void **state)
{
	const struct bb_sweeper *const table[] = { &test_sweeper, NULL };
	char dead[PATH_MAX], reused[PATH_MAX], live[PATH_MAX], own[PATH_MAX], other[PATH_MAX];
	struct bb_owner d, l, r = *sweep_self();
	struct sweep_counts c;
	struct bb_err err = { 0 };
	char out[4096] = "";
	pid_t child;

	(void)state;
	dead_owner(&d);
	child = live_child(&l);
	r.start += 1;
	make_dir(dead, sizeof(dead), &d);
	make_dir(reused, sizeof(reused), &r);
	make_dir(live, sizeof(live), &l);
	assert_int_equal(sweep_mkdtemp(tmp, "bbt-", own, sizeof(own), &err), 0);
	snprintf(other, sizeof(other), "%s/bbt-not-an-owner", tmp);
	assert_int_equal(mkdir(other, 0700), 0);

	/* Listing removes nothing. */
	FILE *f = fmemopen(out, sizeof(out), "w");
	assert_int_equal(sweep_run(table, false, f, "test", &c, &err), 0);
	fclose(f);
	assert_int_equal(c.stale, 2);
	assert_int_equal(c.live, 2);
	assert_int_equal(c.removed, 0);
	assert_true(exists(dead) && exists(reused));
	assert_non_null(strstr(out, dead));

	f = fmemopen(out, sizeof(out), "w");
	assert_int_equal(sweep_run(table, true, f, "test", &c, &err), 0);
	fclose(f);
	assert_int_equal(c.removed, 2);
	assert_false(exists(dead));
	assert_false(exists(reused));
	assert_true(exists(live) && exists(own) && exists(other));
	assert_non_null(strstr(out, "swept stale test directory"));
	assert_non_null(strstr(out, reused));
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}

static bool made_cgroup(const struct cg_layout *lo, const char *name)
{
	char dir[CG_PATH_MAX + 64];
	bool any = false;

	for (int c = 0; c < CG_NCTRL; c++) {
		snprintf(dir, sizeof(dir), "%s/%s", lo->parent[c], name);
		any |= exists(dir);
	}
	return any;
}

static void mkdir_cgroup(const struct cg_layout *lo, const char *name)
{
	char dir[CG_PATH_MAX + 64];

	for (int c = 0; c < CG_NCTRL; c++) {
		snprintf(dir, sizeof(dir), "%s/%s", lo->parent[c], name);
		assert_true(mkdir(dir, 0755) == 0 || errno == EEXIST);
	}
}

/* A stale cgroup is removed and what still runs in it is killed; a live harness's stays. */
static void test_cgroups(void **state)
{
	const struct bb_sweeper *const table[] = { &sweeper_cgroup, NULL };
	struct cg_layout lo;
	struct bb_owner d, l;
	struct sweep_counts c;
	struct cgroup cg = { 0 };
	char dead[64], live[64], out[8192];
	int st;

	(void)state;
	if (geteuid() != 0 || cg_layout_init(&lo, NULL) < 0 || cg_layout_prepare(&lo, NULL) < 0)
		skip();
	dead_owner(&d);
	pid_t child = live_child(&l), inmate = live_child(&(struct bb_owner){ 0 });
	snprintf(dead, sizeof(dead), CG_INSTANCE_PREFIX "%d-%llu-1", (int)d.pid, d.start);
	snprintf(live, sizeof(live), CG_INSTANCE_PREFIX "%d-%llu-1", (int)l.pid, l.start);
	mkdir_cgroup(&lo, dead);
	mkdir_cgroup(&lo, live);
	/* A process left in the stale cgroup (its harness died before killing it). */
	cg.mode = lo.mode;
	for (int k = 0; k < CG_NCTRL; k++) {
		snprintf(cg.dir[k], sizeof(cg.dir[k]), "%s/%s", lo.parent[k], dead);
		cg.made[k] = k == 0 || strcmp(cg.dir[k], cg.dir[0]);
	}
	assert_int_equal(cg_attach(&cg, inmate, NULL), 0);

	FILE *f = fmemopen(out, sizeof(out), "w");
	struct bb_err err = { 0 };
	assert_int_equal(sweep_run(table, true, f, "test", &c, &err), 0);
	fclose(f);
	assert_false(made_cgroup(&lo, dead));
	assert_true(made_cgroup(&lo, live));
	assert_non_null(strstr(out, dead));
	assert_int_equal(waitpid(inmate, &st, 0), inmate);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);

	for (int k = 0; k < CG_NCTRL; k++) {
		snprintf(cg.dir[k], sizeof(cg.dir[k]), "%s/%s", lo.parent[k], live);
		cg.made[k] = k == 0 || strcmp(cg.dir[k], cg.dir[0]);
	}
	assert_int_equal(cg_destroy(&cg, NULL), 0);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	cg_layout_cleanup(&lo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_owner),     cmocka_unit_test(test_self),
		cmocka_unit_test(test_dead_and_zombie), cmocka_unit_test(test_dirs),
		cmocka_unit_test(test_cgroups),
	};
	return cmocka_run_group_tests_name("sweep", tests, setup, teardown);
}
