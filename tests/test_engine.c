/* What the container engines share: a stale engine directory is swept whole, even with a
 * file system still mounted inside (a daemon killed with its harness leaves its overlays), and
 * the engines' own state directories are named for their owner. Needs root for the mount. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "sweep.h"

static char tmp[64];

static int setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "/var/tmp/bb-test-engine-XXXXXX");
	return mkdtemp(tmp) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd) == 0 ? 0 : -1;
}

static bool mounted_under(const char *dir)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	bool found = false;

	while (f && fgets(line, sizeof(line), f))
		found |= strstr(line, dir) != NULL;
	if (f)
		fclose(f);
	return found;
}

static void test_stale_dir_with_a_mount(void **state)
{
	const struct bb_sweeper sw = {
		.kind = "test engine directory",
		.list = sweep_dir_list,
		.remove = engine_sweep_remove,
		.dir = tmp,
		.prefix = "bbe-",
	};
	const struct bb_sweeper *const table[] = { &sw, NULL };
	char stale[PATH_MAX], merged[PATH_MAX + 16], own[PATH_MAX];
	struct sweep_counts c;
	struct bb_err err = { 0 };
	FILE *out = fopen("/dev/null", "w");

	(void)state;
	if (geteuid() != 0)
		skip();
	/* pid 4000000 is beyond any pid_max: an owner that is gone */
	snprintf(stale, sizeof(stale), "%s/bbe-4000000-123-abc", tmp);
	snprintf(merged, sizeof(merged), "%s/merged", stale);
	assert_int_equal(mkdir(stale, 0700), 0);
	assert_int_equal(mkdir(merged, 0700), 0);
	assert_int_equal(mount("bbtest", merged, "tmpfs", 0, "size=1m"), 0);
	assert_true(mounted_under(stale));
	assert_int_equal(sweep_mkdtemp(tmp, "bbe-", own, sizeof(own), &err), 0);
	assert_int_equal(sweep_run(table, true, out, "test", &c, &err), 0);
	fclose(out);
	assert_int_equal(c.removed, 1);
	assert_int_equal(access(stale, F_OK), -1);
	assert_false(mounted_under(stale));
	assert_int_equal(access(own, F_OK), 0); /* ours: the owner runs */
}

/* The rows in the sweepers' table look where the engines put their state. */
static void test_engine_sweepers(void **state)
{
	(void)state;
	assert_string_equal(sweeper_docker.dir, "/var/tmp");
	assert_string_equal(sweeper_docker.prefix, ENGINE_DOCKER_PREFIX);
	assert_string_equal(sweeper_podman.prefix, ENGINE_PODMAN_PREFIX);
	assert_string_equal(sweeper_runc.dir, "/run");
	assert_string_equal(sweeper_crun.prefix, "boxbench-crun-");
	assert_ptr_equal(sweeper_docker.remove, engine_sweep_remove);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_stale_dir_with_a_mount, setup, teardown),
		cmocka_unit_test(test_engine_sweepers),
	};
	return cmocka_run_group_tests_name("engine", tests, NULL, NULL);
}
