/* Per-instance cgroups: mode detection, path building and limit formatting from fixture
 * inputs (no live cgroupfs needed); one live round trip when run as root where cgroups work. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"

/* A hybrid host like the development machines: v1 controllers, cgroup2 with only hugetlb. */
static const char mountinfo_hybrid[] =
    "24 30 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
    "25 24 0:23 / /sys/fs/cgroup rw,relatime shared:8 - tmpfs tmpfs rw,mode=755\n"
    "26 25 0:24 / /sys/fs/cgroup/cpu rw,relatime shared:9 - cgroup cgroup rw,cpu\n"
    "27 25 0:25 / /sys/fs/cgroup/cpuacct rw,relatime shared:10 - cgroup cgroup rw,cpuacct\n"
    "28 25 0:26 / /sys/fs/cgroup/cpuset rw,relatime shared:11 - cgroup cgroup rw,cpuset\n"
    "29 25 0:27 / /sys/fs/cgroup/memory rw,relatime shared:12 - cgroup cgroup rw,memory\n"
    "31 25 0:29 / /sys/fs/cgroup/pids rw,relatime shared:14 - cgroup cgroup rw,pids\n"
    "32 25 0:30 / /sys/fs/cgroup/systemd rw,relatime shared:15 - cgroup cgroup "
    "rw,name=systemd\n"
    "33 25 0:31 / /sys/fs/cgroup/unified rw,relatime shared:16 - cgroup2 cgroup2 rw\n";

static const char proc_cgroup_hybrid[] = "9:name=systemd:/\n"
                                         "8:pids:/\n"
                                         "4:memory:/process_api/12c8\n"
                                         "3:cpuset:/\n"
                                         "2:cpuacct:/\n"
                                         "1:cpu:/\n"
                                         "0::/\n";

/* Comounted cpu,cpuacct (Debian/Ubuntu with systemd before v2), optional fields, a space. */
static const char mountinfo_comount[] =
    "40 25 0:35 / /sys/fs/cgroup/cpu,cpuacct rw shared:20 master:3 - cgroup cgroup "
    "rw,cpu,cpuacct\n"
    "41 25 0:36 / /sys/fs/cgroup/my\\040memory rw shared:21 - cgroup cgroup rw,memory\n"
    "42 25 0:37 / /sys/fs/cgroup/pids rw shared:22 - cgroup none rw,pids\n";

static const char proc_cgroup_comount[] = "5:pids:/user.slice\n"
                                          "4:memory:/user.slice/session-1.scope\n"
                                          "3:cpu,cpuacct:/user.slice\n"
                                          "0::/user.slice/session-1.scope\n";

static const char mountinfo_v2[] =
    "30 24 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 "
    "rw,nsdelegate,memory_recursiveprot\n";

static void test_mode_detect(void **state)
{
	bool hybrid = true;

	(void)state;
	assert_int_equal(
	    cg_mode_detect(CGROUP2_SUPER_MAGIC, "cpuset cpu io memory pids\n", &hybrid),
	    CG_MODE_V2);
	assert_false(hybrid);
	/* the development machines: cgroup2 beside v1, holding only hugetlb */
	assert_int_equal(cg_mode_detect(TMPFS_MAGIC, "hugetlb\n", &hybrid), CG_MODE_V1);
	assert_true(hybrid);
	assert_int_equal(cg_mode_detect(TMPFS_MAGIC, "cpu memory\n", &hybrid), CG_MODE_V1);
	assert_true(hybrid);
	assert_int_equal(cg_mode_detect(TMPFS_MAGIC, "cpu io memory pids\n", &hybrid), CG_MODE_V2);
	assert_true(hybrid);
	assert_int_equal(cg_mode_detect(TMPFS_MAGIC, NULL, &hybrid), CG_MODE_V1);
	assert_false(hybrid);
	assert_int_equal(cg_mode_detect(0xEF53 /* ext4 */, NULL, &hybrid), CG_MODE_NONE);
	assert_string_equal(cg_mode_name(CG_MODE_V1), "v1");
	assert_string_equal(cg_mode_name(CG_MODE_V2), "v2");
	assert_string_equal(cg_mode_name(CG_MODE_NONE), "none");
}

static void test_list_has(void **state)
{
	(void)state;
	assert_true(cg_list_has("cpuset cpu io", "cpu"));
	assert_false(cg_list_has("cpuset cpuacct", "cpu"));
	assert_true(cg_list_has("rw,cpu,cpuacct", "cpuacct"));
	assert_true(cg_list_has("memory\n", "memory"));
	assert_false(cg_list_has("", "pids"));
	assert_false(cg_list_has(NULL, "pids"));
}

static void test_self_path(void **state)
{
	char p[CG_PATH_MAX];
	struct bb_err err = { 0 };

	(void)state;
	assert_int_equal(cg_self_path(proc_cgroup_hybrid, "memory", p, sizeof(p), &err), 0);
	assert_string_equal(p, "/process_api/12c8");
	assert_int_equal(cg_self_path(proc_cgroup_hybrid, "cpu", p, sizeof(p), &err), 0);
	assert_string_equal(p, "/");
	assert_int_equal(cg_self_path(proc_cgroup_hybrid, NULL, p, sizeof(p), &err), 0);
	assert_string_equal(p, "/");
	assert_int_equal(cg_self_path(proc_cgroup_comount, "cpuacct", p, sizeof(p), &err), 0);
	assert_string_equal(p, "/user.slice");
	assert_int_equal(cg_self_path(proc_cgroup_comount, NULL, p, sizeof(p), &err), 0);
	assert_string_equal(p, "/user.slice/session-1.scope");
	assert_int_equal(cg_self_path(proc_cgroup_hybrid, "blkio", p, sizeof(p), &err), -1);
	assert_non_null(strstr(err.msg, "blkio"));
	assert_int_equal(cg_self_path(proc_cgroup_hybrid, "memory", p, 8, &err), -1);
}

static void test_find_mount(void **state)
{
	char mnt[CG_PATH_MAX], root[CG_PATH_MAX];
	struct bb_err err = { 0 };

	(void)state;
	assert_int_equal(
	    cg_find_mount(mountinfo_hybrid, "cpu", mnt, sizeof(mnt), root, sizeof(root), &err), 0);
	assert_string_equal(mnt, "/sys/fs/cgroup/cpu"); /* not cpuacct, not cpuset */
	assert_string_equal(root, "/");
	assert_int_equal(
	    cg_find_mount(mountinfo_hybrid, NULL, mnt, sizeof(mnt), root, sizeof(root), &err), 0);
	assert_string_equal(mnt, "/sys/fs/cgroup/unified");
	assert_int_equal(
	    cg_find_mount(mountinfo_comount, "cpu", mnt, sizeof(mnt), root, sizeof(root), &err), 0);
	assert_string_equal(mnt, "/sys/fs/cgroup/cpu,cpuacct");
	assert_int_equal(
	    cg_find_mount(mountinfo_comount, "memory", mnt, sizeof(mnt), root, sizeof(root), &err),
	    0);
	assert_string_equal(mnt, "/sys/fs/cgroup/my memory");
	/* "systemd" is a named hierarchy, not a controller */
	assert_int_equal(
	    cg_find_mount(mountinfo_hybrid, "systemd", mnt, sizeof(mnt), root, sizeof(root), &err),
	    -1);
	assert_int_equal(
	    cg_find_mount(mountinfo_comount, NULL, mnt, sizeof(mnt), root, sizeof(root), &err), -1);
	assert_non_null(strstr(err.msg, "cgroup2"));
}

static void test_layout_v1_hybrid(void **state)
{
	struct cg_layout lo;
	struct bb_err err = { 0 };
	char missing[64];

	(void)state;
	memset(&lo, 0, sizeof(lo));
	assert_int_equal(cg_layout_build(&lo, CG_MODE_V1, mountinfo_hybrid, proc_cgroup_hybrid,
	                                 missing, sizeof(missing), &err),
	                 0);
	assert_string_equal(missing, "");
	/* nested under the caller's own cgroup in each hierarchy */
	assert_string_equal(lo.parent[CG_CPU], "/sys/fs/cgroup/cpu/boxbench");
	assert_string_equal(lo.parent[CG_MEMORY],
	                    "/sys/fs/cgroup/memory/process_api/12c8/boxbench");
	assert_string_equal(lo.parent[CG_PIDS], "/sys/fs/cgroup/pids/boxbench");
}

static void test_layout_v1_comount(void **state)
{
	struct cg_layout lo;
	struct bb_err err = { 0 };
	char missing[64];

	(void)state;
	assert_int_equal(cg_layout_build(&lo, CG_MODE_V1, mountinfo_comount, proc_cgroup_comount,
	                                 missing, sizeof(missing), &err),
	                 0);
	assert_string_equal(lo.parent[CG_CPU], "/sys/fs/cgroup/cpu,cpuacct/user.slice/boxbench");
	assert_string_equal(lo.parent[CG_MEMORY],
	                    "/sys/fs/cgroup/my memory/user.slice/session-1.scope/boxbench");
	assert_string_equal(lo.parent[CG_PIDS], "/sys/fs/cgroup/pids/user.slice/boxbench");
}

static void test_layout_v1_missing(void **state)
{
	struct cg_layout lo;
	struct bb_err err = { 0 };
	char missing[64];
	/* the hybrid fixture without its memory and pids lines */
	const char mi[] = "26 25 0:24 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n";

	(void)state;
	assert_int_equal(cg_layout_build(&lo, CG_MODE_V1, mi, proc_cgroup_hybrid, missing,
	                                 sizeof(missing), &err),
	                 -1);
	assert_string_equal(missing, "memory,pids");
	assert_non_null(strstr(err.msg, "missing: memory,pids"));
}

static void test_layout_v2(void **state)
{
	struct cg_layout lo;
	struct bb_err err = { 0 };
	char missing[64];

	(void)state;
	assert_int_equal(cg_layout_build(&lo, CG_MODE_V2, mountinfo_v2, "0::/user.slice/x.scope\n",
	                                 missing, sizeof(missing), &err),
	                 0);
	assert_string_equal(lo.unified, "/sys/fs/cgroup");
	for (int c = 0; c < CG_NCTRL; c++)
		assert_string_equal(lo.parent[c], "/sys/fs/cgroup/boxbench");
	/* hybrid with a complete unified hierarchy */
	assert_int_equal(cg_layout_build(&lo, CG_MODE_V2, mountinfo_hybrid, proc_cgroup_hybrid,
	                                 missing, sizeof(missing), &err),
	                 0);
	assert_string_equal(lo.parent[CG_MEMORY], "/sys/fs/cgroup/unified/boxbench");
	assert_int_equal(
	    cg_layout_build(&lo, CG_MODE_NONE, mountinfo_v2, "", missing, sizeof(missing), &err),
	    -1);
}

/* A view from inside a cgroup namespace: the mount's root is the caller's cgroup. */
static void test_layout_cgroupns_view(void **state)
{
	struct cg_layout lo;
	struct bb_err err = { 0 };
	char missing[64];
	const char mi[] = "50 40 0:27 /box /sys/fs/cgroup/memory ro - cgroup cgroup rw,memory\n"
	                  "51 40 0:24 /box /sys/fs/cgroup/cpu ro - cgroup cgroup rw,cpu\n"
	                  "52 40 0:29 /box /sys/fs/cgroup/pids ro - cgroup cgroup rw,pids\n";
	const char pc[] = "8:pids:/box/sub\n4:memory:/box\n1:cpu:/elsewhere\n";

	(void)state;
	assert_int_equal(cg_layout_build(&lo, CG_MODE_V1, mi, pc, missing, sizeof(missing), &err),
	                 0);
	assert_string_equal(lo.parent[CG_PIDS], "/sys/fs/cgroup/pids/sub/boxbench");
	assert_string_equal(lo.parent[CG_MEMORY], "/sys/fs/cgroup/memory/boxbench");
	assert_string_equal(lo.parent[CG_CPU], "/sys/fs/cgroup/cpu/boxbench");
}

static const struct cg_write *find_write(const struct cg_write *w, size_t n, const char *file)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(w[i].file, file) == 0)
			return &w[i];
	return NULL;
}

static void test_limits_v2(void **state)
{
	struct cg_limits lim = { .cpu_quota = 0.5, .mem_limit = 256ll << 20, .pids_limit = 64 };
	struct cg_write w[CG_MAX_WRITES];
	size_t n = cg_limit_writes(CG_MODE_V2, &lim, w);

	(void)state;
	assert_int_equal(n, 3);
	assert_string_equal(find_write(w, n, "cpu.max")->value, "50000 100000");
	assert_int_equal(find_write(w, n, "cpu.max")->ctrl, CG_CPU);
	assert_string_equal(find_write(w, n, "memory.max")->value, "268435456");
	assert_int_equal(find_write(w, n, "memory.max")->ctrl, CG_MEMORY);
	assert_string_equal(find_write(w, n, "pids.max")->value, "64");
	assert_int_equal(find_write(w, n, "pids.max")->ctrl, CG_PIDS);
	lim.cpu_quota = 1.5;
	n = cg_limit_writes(CG_MODE_V2, &lim, w);
	assert_string_equal(find_write(w, n, "cpu.max")->value, "150000 100000");
}

static void test_limits_v1(void **state)
{
	struct cg_limits lim = { .cpu_quota = 0.5, .mem_limit = 256ll << 20, .pids_limit = 64 };
	struct cg_write w[CG_MAX_WRITES];
	size_t n = cg_limit_writes(CG_MODE_V1, &lim, w);

	(void)state;
	assert_int_equal(n, 3);
	/* a new v1 cgroup's period is the kernel's 100 ms default: only the quota is written */
	assert_string_equal(find_write(w, n, "cpu.cfs_quota_us")->value, "50000");
	assert_int_equal(find_write(w, n, "cpu.cfs_quota_us")->ctrl, CG_CPU);
	assert_null(find_write(w, n, "cpu.cfs_period_us"));
	assert_string_equal(find_write(w, n, "memory.limit_in_bytes")->value, "268435456");
	assert_string_equal(find_write(w, n, "pids.max")->value, "64");
	assert_null(find_write(w, n, "cpu.max"));
}

static void test_limits_unlimited_and_clamped(void **state)
{
	struct cg_limits none = { 0 };
	struct cg_limits tiny = { .cpu_quota = 0.001 };
	struct cg_write w[CG_MAX_WRITES];

	(void)state;
	assert_int_equal(cg_limit_writes(CG_MODE_V1, &none, w), 0);
	assert_int_equal(cg_limit_writes(CG_MODE_V2, &none, w), 0);
	/* v1 rejects quotas under 1 ms */
	assert_int_equal(cg_limit_writes(CG_MODE_V1, &tiny, w), 1);
	assert_string_equal(w[0].value, "1000");
	assert_int_equal(cg_limit_writes(CG_MODE_V2, &tiny, w), 1);
	assert_string_equal(w[0].value, "1000 100000");
}

/* Live: create with limits, read them back, hold a process, destroy: nothing left. */
static void test_live_round_trip(void **state)
{
	struct cg_layout lo;
	struct cg_limits lim = { .cpu_quota = 0.5, .mem_limit = 64ll << 20, .pids_limit = 16 };
	struct cgroup cg;
	struct bb_err err = { 0 };
	char buf[128];
	struct stat st;
	pid_t pid;

	(void)state;
	if (geteuid() != 0 || cg_layout_init(&lo, &err) < 0 || cg_layout_prepare(&lo, &err) < 0)
		skip();
	assert_int_equal(cg_create(&lo, &lim, &cg, &err), 0);
	assert_int_equal(stat(cg.dir[CG_MEMORY], &st), 0);
	assert_int_equal(cg_read(&cg, CG_PIDS, "pids.max", buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, "16");
	assert_int_equal(cg_read(&cg, CG_CPU,
	                         cg.mode == CG_MODE_V2 ? "cpu.max" : "cpu.cfs_quota_us", buf,
	                         sizeof(buf), &err),
	                 0);
	assert_string_equal(buf, cg.mode == CG_MODE_V2 ? "50000 100000" : "50000");
	if (cg.mode == CG_MODE_V1) {
		/* the quota is meant against a 100 ms period, which v1 was not told */
		assert_int_equal(cg_read(&cg, CG_CPU, "cpu.cfs_period_us", buf, sizeof(buf), &err),
		                 0);
		assert_string_equal(buf, "100000");
	}
	pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	assert_int_equal(cg_attach(&cg, pid, &err), 0);
	assert_int_equal(cg_read(&cg, CG_PIDS, "cgroup.procs", buf, sizeof(buf), &err), 0);
	assert_int_equal(atoi(buf), pid);
	/* destroy kills what is still inside rather than leave the directory behind */
	assert_int_equal(cg_destroy(&cg, &err), 0);
	waitpid(pid, NULL, 0);
	for (int c = 0; c < CG_NCTRL; c++)
		assert_int_equal(stat(cg.dir[c], &st), -1);
	cg_layout_cleanup(&lo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mode_detect),
		cmocka_unit_test(test_list_has),
		cmocka_unit_test(test_self_path),
		cmocka_unit_test(test_find_mount),
		cmocka_unit_test(test_layout_v1_hybrid),
		cmocka_unit_test(test_layout_v1_comount),
		cmocka_unit_test(test_layout_v1_missing),
		cmocka_unit_test(test_layout_v2),
		cmocka_unit_test(test_layout_cgroupns_view),
		cmocka_unit_test(test_limits_v2),
		cmocka_unit_test(test_limits_v1),
		cmocka_unit_test(test_limits_unlimited_and_clamped),
		cmocka_unit_test(test_live_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
