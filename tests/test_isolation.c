/* The isolation matrix and the limits table from fixture facts (made-up values, clearly test
 * data), the comparison rules (hidden values, tolerant boot time and process count, missing
 * environments), the parsers of the workload's collectors on fixture texts, and the collectors
 * and the host's own record on this machine. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "isolation.h"
#include "result_builder.h"
#include "../bench/isolation.h"

static struct bb_result res;

static void env(const char *name, const char *desc)
{
	rb_env(&res, name, desc);
}

static void box(const char *name)
{
	rb_made_up_box(&res, name);
}

static int setup(void **state)
{
	(void)state;
	results_init(&res);
	snprintf(res.id, sizeof(res.id), "test-isolation-made-up");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	results_free(&res);
	return 0;
}

static void fact_rep(const char *e, const char *suite, const char *key, json_t *value, int rep)
{
	box(e);
	json_array_append_new(res.facts, json_pack("{s:s, s:s, s:s, s:o, s:i}", "env", e, "suite",
	                                           suite, "key", key, "value", value, "rep", rep));
}

static void fact(const char *e, const char *suite, const char *key, json_t *value)
{
	fact_rep(e, suite, key, value, 0);
}

static void iso(const char *key, json_t *host, json_t *native, json_t *ct, json_t *vm)
{
	if (host)
		fact("host", "isolation", key, host);
	if (native)
		fact("native", "isolation", key, native);
	if (ct)
		fact("container", "isolation", key, ct);
	if (vm)
		fact("vm", "isolation", key, vm);
}

/* Comparison rules */

static void test_compare_strings_and_verdicts(void **state)
{
	json_t *a = json_string("b0"), *b = json_string("b1"), *same = json_string("Same as host");
	json_t *diff = json_string("different"), *num = json_real(3);

	(void)state;
	assert_int_equal(isolation_compare("boot_id", a, a), ISO_SAME);
	assert_int_equal(isolation_compare("boot_id", a, b), ISO_DIFFERENT);
	assert_int_equal(isolation_compare("boot_id", same, b), ISO_SAME);
	assert_int_equal(isolation_compare("boot_id", diff, b), ISO_DIFFERENT);
	assert_int_equal(isolation_compare("boot_id", NULL, a), ISO_NONE);
	assert_int_equal(isolation_compare("boot_id", a, NULL), ISO_NONE);
	/* a number is never the same as a string, whatever it prints as */
	json_t *three = json_string("3");
	assert_int_equal(isolation_compare("x", num, three), ISO_DIFFERENT);
	json_decref(three);
	json_decref(a);
	json_decref(b);
	json_decref(same);
	json_decref(diff);
	json_decref(num);
}

static void test_compare_hidden(void **state)
{
	static const char *const hidden[] = { "hidden",
		                              "denied: klogctl: Operation not permitted",
		                              "unreadable: /sys/x: No such file or directory",
		                              "UNAVAILABLE",
		                              "",
		                              "-" };
	json_t *host = json_string("readable"), *nul = json_null();

	(void)state;
	for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++) {
		json_t *v = json_string(hidden[i]);
		assert_int_equal(isolation_compare("kernel_log", v, host), ISO_HIDDEN);
		/* the host hiding it from itself: nothing to compare with */
		assert_int_equal(isolation_compare("kernel_log", host, v), ISO_NONE);
		json_decref(v);
	}
	assert_int_equal(isolation_compare("kernel_log", nul, host), ISO_HIDDEN);
	/* "hidden" must be the whole word, not a prefix of another */
	json_t *v = json_string("hiddenness");
	assert_int_equal(isolation_compare("kernel_log", v, host), ISO_DIFFERENT);
	json_decref(v);
	json_decref(host);
	json_decref(nul);
}

static void test_compare_tolerances(void **state)
{
	json_t *host_boot = json_real(1795842459.64), *host_procs = json_real(150);
	json_t *near_boot = json_real(1795842459.64 + ISO_BOOT_TIME_TOL_S - 0.5);
	json_t *far_boot = json_real(1795842459.64 + 60);
	json_t *p_near = json_real(140), *p_far = json_real(100), *p_one = json_real(1);

	(void)state;
	/* boot time: a few seconds apart is the same boot; a minute (a guest's boot) is not,
	 * although it is far below 1% of an epoch time */
	assert_int_equal(isolation_compare("boot_time", near_boot, host_boot), ISO_SAME);
	assert_int_equal(isolation_compare("boot_time", far_boot, host_boot), ISO_DIFFERENT);
	assert_int_equal(isolation_compare("process_count", p_near, host_procs), ISO_SAME);
	assert_int_equal(isolation_compare("process_count", p_far, host_procs), ISO_DIFFERENT);
	assert_int_equal(isolation_compare("process_count", p_one, host_procs), ISO_DIFFERENT);
	/* other numbers: 1% */
	assert_int_equal(isolation_compare("mem_total", p_near, host_procs), ISO_DIFFERENT);
	json_t *m1 = json_real(1000), *m2 = json_real(1009);
	assert_int_equal(isolation_compare("mem_total", m2, m1), ISO_SAME);
	json_decref(m1);
	json_decref(m2);
	json_decref(host_boot);
	json_decref(host_procs);
	json_decref(near_boot);
	json_decref(far_boot);
	json_decref(p_near);
	json_decref(p_far);
	json_decref(p_one);
}

/* Matrix cells from a result */

static void test_cells_against_host(void **state)
{
	(void)state;
	iso("boot_id", json_string("b0"), json_string("b0"), json_string("b0"), json_string("g1"));
	iso("kernel_log", json_string("readable (oldest record fnv1a 1)"),
	    json_string("readable (oldest record fnv1a 1)"),
	    json_string("denied: klogctl: Operation not permitted"),
	    json_string("readable (oldest record fnv1a 2)"));
	iso("host_pid", json_string("visible"), json_string("visible"),
	    json_string("hidden: no process 4242 here"), json_string("hidden: no process 4242"));
	iso("boot_time", json_real(1000000), json_real(1000001), json_real(1000002),
	    json_real(1003000));
	assert_int_equal(isolation_cell(&res, "native", "boot_id"), ISO_SAME);
	assert_int_equal(isolation_cell(&res, "container", "boot_id"), ISO_SAME);
	assert_int_equal(isolation_cell(&res, "vm", "boot_id"), ISO_DIFFERENT);
	assert_int_equal(isolation_cell(&res, "container", "kernel_log"), ISO_HIDDEN);
	assert_int_equal(isolation_cell(&res, "vm", "kernel_log"), ISO_DIFFERENT);
	assert_int_equal(isolation_cell(&res, "container", "host_pid"), ISO_HIDDEN);
	assert_int_equal(isolation_cell(&res, "native", "host_pid"), ISO_SAME);
	assert_int_equal(isolation_cell(&res, "container", "boot_time"), ISO_SAME);
	assert_int_equal(isolation_cell(&res, "vm", "boot_time"), ISO_DIFFERENT);
	/* an environment that did not run, a fact nobody reported */
	assert_int_equal(isolation_cell(&res, "nested", "boot_id"), ISO_NONE);
	assert_int_equal(isolation_cell(&res, "vm", "hostname"), ISO_NONE);
}

static void test_cells_without_host(void **state)
{
	(void)state;
	/* older results: native is the reference, and native is the host's own view */
	iso("boot_id", NULL, json_string("b0"), json_string("b0"), json_string("g1"));
	iso("kernel_log", NULL, json_string("denied"), json_string("denied"), NULL);
	iso("hostname", NULL, NULL, json_string("boxbench"), NULL);
	assert_int_equal(isolation_cell(&res, "native", "boot_id"), ISO_SAME);
	assert_int_equal(isolation_cell(&res, "container", "boot_id"), ISO_SAME);
	assert_int_equal(isolation_cell(&res, "vm", "boot_id"), ISO_DIFFERENT);
	assert_int_equal(isolation_cell(&res, "native", "kernel_log"), ISO_HIDDEN);
	assert_int_equal(isolation_cell(&res, "container", "kernel_log"), ISO_HIDDEN);
	/* no reference at all */
	assert_int_equal(isolation_cell(&res, "container", "hostname"), ISO_NONE);
}

/* Without host facts, native is the reference; verdict words and numbers within 1% count. */
static void test_cells_native_reference(void **state)
{
	(void)state;
	env("vm", "{\"class\": \"vm\", \"accel\": \"kvm\"}");
	iso("boot_id", NULL, json_string("b0"), json_string("b0"), json_string("g1"));
	iso("uptime_s", NULL, json_real(10000), json_real(10040), json_real(2));
	iso("kmsg", NULL, json_string("readable"), json_string("denied"), json_null());
	iso("pids", NULL, json_integer(150), json_string("different"), json_string("same as host"));
	assert_int_equal(isolation_cell(&res, "native", "boot_id"), ISO_SAME);
	assert_int_equal(isolation_cell(&res, "container", "boot_id"), ISO_SAME);
	assert_int_equal(isolation_cell(&res, "vm", "boot_id"), ISO_DIFFERENT);
	assert_int_equal(isolation_cell(&res, "container", "uptime_s"), ISO_SAME);
	assert_int_equal(isolation_cell(&res, "vm", "uptime_s"), ISO_DIFFERENT);
	assert_int_equal(isolation_cell(&res, "container", "kmsg"), ISO_HIDDEN);
	assert_int_equal(isolation_cell(&res, "vm", "kmsg"), ISO_HIDDEN);
	assert_int_equal(isolation_cell(&res, "container", "pids"), ISO_DIFFERENT);
	assert_int_equal(isolation_cell(&res, "vm", "pids"), ISO_SAME);
	assert_int_equal(isolation_cell(&res, "vm", "nonexistent"), ISO_NONE);
	assert_string_equal(iso_cell_name(ISO_SAME), "same as host");
}

static void test_cells_first_rep(void **state)
{
	(void)state;
	fact_rep("host", "isolation", "hostname", json_string("h"), 0);
	fact_rep("container", "isolation", "hostname", json_string("h"), 3);
	fact_rep("container", "isolation", "hostname", json_string("boxbench"), 1);
	assert_int_equal(isolation_cell(&res, "container", "hostname"), ISO_DIFFERENT);
	assert_string_equal(
	    json_string_value(isolation_fact(&res, "isolation", "container", "hostname")),
	    "boxbench");
}

static void test_keys_and_envs(void **state)
{
	const char *keys[16], *envs[8];
	size_t nk, ne;

	(void)state;
	/* reported in another order than the workload's, plus a guest init record and an extra
	 * fact the host also has */
	fact("vm", "isolation", "guest_boottime_at_init_ns", json_real(1.5e9));
	iso("hostname", json_string("h"), NULL, NULL, json_string("(none)"));
	iso("extra", json_string("e"), NULL, json_string("e"), NULL);
	iso("kernel_release", json_string("6.1"), json_string("6.1"), NULL, json_string("6.2"));
	fact("vm", "limits", "cpus_seen", json_real(1));
	nk = isolation_keys(&res, keys, 16);
	assert_int_equal(nk, 3);
	assert_string_equal(keys[0], "kernel_release");
	assert_string_equal(keys[1], "hostname");
	assert_string_equal(keys[2], "extra");
	ne = isolation_envs(&res, envs, 8);
	assert_int_equal(ne, 3); /* host is the reference, not a column */
	assert_string_equal(envs[0], "vm");
	assert_string_equal(envs[1], "container");
	assert_string_equal(envs[2], "native");
}

static void test_format(void **state)
{
	char buf[64];
	json_t *t = json_real(86400), *b = json_real(25276063744.0), *s = json_string("tsc");

	(void)state;
	isolation_format("boot_time", t, buf, sizeof(buf));
	assert_string_equal(buf, "1970-01-02T00:00:00Z");
	isolation_format("mem_total", b, buf, sizeof(buf));
	assert_string_equal(buf, "23.5 GiB");
	isolation_format("clocksource", s, buf, sizeof(buf));
	assert_string_equal(buf, "tsc");
	isolation_format("clocksource", NULL, buf, sizeof(buf));
	assert_string_equal(buf, "(null)");
	json_decref(t);
	json_decref(b);
	json_decref(s);
}

/* Limits table */

static void add_sample(const char *metric, const char *e, const char *unit, double v)
{
	box(e);
	struct bb_series *s = results_series(&res, "limits", metric, e, true);
	struct bb_err err = { 0 };

	snprintf(s->unit, sizeof(s->unit), "%s", unit);
	assert_int_equal(series_add_sample(s, v, &err), 0);
}

static void test_limits_rows(void **state)
{
	struct limits_row rows[16];
	struct bb_err err = { 0 };
	size_t n;

	(void)state;
	env("native", "{\"kind\": \"process\"}");
	env("container", "{\"kind\": \"namespaces\", \"cgroup\": {\"mode\": \"v1\", "
	                 "\"cpu_quota\": 0.5, \"mem_limit\": 268435456, \"pids_limit\": 0}}");
	env("vm", "{\"kind\": \"vm\", \"accel\": \"tcg\", \"mem_mib\": 256, \"vcpus\": 1}");
	fact("native", "limits", "cpu_quota_seen", json_string("no limit set"));
	fact("native", "limits", "cpu_enforced", json_string("no limit set"));
	fact("container", "limits", "cpu_quota_seen", json_real(0.5));
	fact("container", "limits", "cpu_enforced", json_string("yes"));
	fact("container", "limits", "cpu_detail", json_string("2 threads obtained 0.5 CPUs"));
	fact("container", "limits", "mem_limit_seen", json_real(268435456));
	fact("container", "limits", "mem_enforced", json_string("yes"));
	fact("container", "limits", "pids_limit_seen", json_string("no limit set"));
	fact("vm", "limits", "cpus_seen", json_real(1));
	fact("vm", "limits", "mem_total_seen", json_real(230.0 * 1048576));
	fact("vm", "limits", "mem_limit_seen",
	     json_string("hidden: no memory cgroup mounted here"));
	add_sample("cpu_share", "container", "CPU-s/s", 0.51);
	add_sample("mem_reached", "container", "MiB", 256);
	assert_int_equal(results_summarize(&res, 1, &err), 0);
	n = limits_rows(&res, rows, 16);
	assert_int_equal(n, 9);
	assert_string_equal(rows[0].env, "native");
	assert_string_equal(rows[0].set, "none");
	assert_string_equal(rows[0].seen, "no limit set");
	assert_string_equal(rows[0].measured, "-");
	assert_string_equal(rows[1].enforced, "-"); /* native memory: nothing reported */
	assert_string_equal(rows[3].env, "container");
	assert_string_equal(rows[3].limit, "cpu");
	assert_string_equal(rows[3].set, "0.5 CPUs");
	assert_string_equal(rows[3].seen, "0.5 CPUs");
	assert_string_equal(rows[3].measured, "0.51 CPUs obtained");
	assert_string_equal(rows[3].enforced, "yes");
	assert_string_equal(rows[3].detail, "2 threads obtained 0.5 CPUs");
	assert_string_equal(rows[4].set, "256 MiB");
	assert_string_equal(rows[4].seen, "256 MiB");
	assert_string_equal(rows[4].measured, "256 MiB touched");
	assert_string_equal(rows[5].set, "none"); /* pids_limit 0: unlimited */
	assert_string_equal(rows[6].env, "vm");
	assert_string_equal(rows[6].set, "1 vCPUs");
	assert_string_equal(rows[6].seen, "1 CPUs online");
	assert_string_equal(rows[7].set, "256 MiB");
	assert_string_equal(rows[7].seen, "MemTotal 230 MiB");
}

static void test_limits_rows_none(void **state)
{
	struct limits_row rows[4];

	(void)state;
	iso("boot_id", json_string("b0"), json_string("b0"), NULL, NULL);
	assert_int_equal(limits_rows(&res, rows, 4), 0);
}

static void test_show_tables(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	env("container", "{\"kind\": \"namespaces\", \"cgroup\": {\"mem_limit\": 1048576}}");
	iso("boot_id", json_string("b0"), NULL, json_string("b0"), NULL);
	iso("clocksource", json_string("tsc"), NULL,
	    json_string("unreadable: /sys/x: No such file or directory"), NULL);
	fact("container", "limits", "mem_enforced", json_string("yes"));
	fact("container", "limits", "mem_detail", json_string("killed by signal 9"));
	isolation_show(&res, f);
	limits_show(&res, f);
	fclose(f);
	assert_non_null(strstr(text, "[isolation]"));
	assert_non_null(strstr(text, "host's value"));
	assert_non_null(strstr(text, "same as host"));
	/* why the box hides it, from its own value */
	assert_non_null(strstr(text, "  container clocksource: unreadable: /sys/x"));
	assert_non_null(strstr(text, "[limits]"));
	assert_non_null(strstr(text, "container    memory  1 MiB"));
	assert_non_null(strstr(text, "  container memory: killed by signal 9"));
	free(text);
}

static void test_show_nothing(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	fact("native", "syscall", "note", json_string("x"));
	isolation_show(&res, f);
	limits_show(&res, f);
	fclose(f);
	assert_int_equal(len, 0);
	free(text);
}

/* Parsers of the workload's collectors */

static void test_parse_meminfo_and_cpus(void **state)
{
	static const char meminfo[] = "MemTotal:       24683656 kB\nMemFree: 1 kB\n";
	static const char stat[] = "cpu  1 2 3\ncpu0 1 2 3\ncpu2 4 5 6\ncpu3 7 8 9\nintr 1\n";
	char out[64];
	long long b;

	(void)state;
	assert_int_equal(iso_meminfo_bytes(meminfo, "MemTotal", &b), 0);
	assert_true(b == 24683656ll * 1024);
	assert_int_equal(iso_meminfo_bytes("VmRSS:\t    1234 kB\n", "VmRSS", &b), 0);
	assert_true(b == 1234ll * 1024);
	assert_int_equal(iso_meminfo_bytes(meminfo, "Mem", &b), -1);
	assert_int_equal(iso_stat_cpu_list(stat, out, sizeof(out)), 0);
	assert_string_equal(out, "0,2-3");
	assert_int_equal(iso_stat_cpu_list("cpu  1 2\n", out, sizeof(out)), -1);
}

static void test_parse_net_and_modules(void **state)
{
	static const char netdev[] = "Inter-|   Receive |  Transmit\n face |bytes packets|bytes\n"
	                             "    lo:    3319      30\n  eth0: 1 2\n  ifb0: 0 0\n";
	static const char netdev_long[] = "Inter-|\n face |\n  interface_cc: 0\n"
	                                  "  interface_aa: 0\n  interface_bb: 0\n";
	static const char mods_a[] = "virtio_blk 20480 0 - Live 0x0\nvirtio 16384 1 virtio_blk, "
	                             "Live 0x0\n";
	static const char mods_b[] = "virtio 16384 1 virtio_blk, Live 0x0\nvirtio_blk 20480 0 - "
	                             "Live 0x0\n";
	char a[128], b[128];

	(void)state;
	assert_int_equal(iso_net_dev_names(netdev, a, sizeof(a)), 0);
	assert_string_equal(a, "eth0,ifb0,lo");
	/* too many to list: a count and a hash instead of a cut list */
	assert_int_equal(iso_net_dev_names(netdev_long, a, 29), 0);
	assert_int_equal(strncmp(a, "3 interfaces, fnv1a ", 20), 0);
	assert_int_equal(strlen(a), 28);
	assert_int_equal(iso_modules_summary(mods_a, a, sizeof(a)), 0);
	assert_int_equal(iso_modules_summary(mods_b, b, sizeof(b)), 0);
	assert_string_equal(a, b); /* load order does not matter */
	assert_int_equal(strncmp(a, "2 modules, fnv1a ", 17), 0);
	assert_int_equal(iso_modules_summary("", a, sizeof(a)), 0);
	assert_string_equal(a, "0 modules");
}

static void test_parse_mounts(void **state)
{
	static const char m1[] = "22 1 0:21 / / rw - ext4 /dev/vda rw\n"
	                         "23 22 0:5 / /proc rw,nosuid - proc proc rw\n";
	/* the same mounts with other ids and in another order */
	static const char m2[] = "90 80 0:5 / /proc rw,nosuid - proc proc rw\n"
	                         "80 1 0:21 / / rw shared:1 - ext4 /dev/vda rw\n";
	static const char m3[] = "23 22 0:5 / /proc rw,nosuid - proc proc rw\n";
	char a[64], b[64], c[64];

	(void)state;
	assert_int_equal(iso_mounts_summary(m1, a, sizeof(a)), 0);
	assert_int_equal(iso_mounts_summary(m2, b, sizeof(b)), 0);
	assert_int_equal(iso_mounts_summary(m3, c, sizeof(c)), 0);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_int_equal(strncmp(a, "2 mounts, fnv1a ", 16), 0);
	assert_int_equal(iso_mounts_summary("garbage\n", a, sizeof(a)), -1);
}

static void test_parse_cpuinfo_and_stat(void **state)
{
	static const char cpuinfo[] = "processor\t: 0\nvendor_id\t: AuthenticAMD\n"
	                              "model name\t: AMD EPYC 7B13\nflags\t: fpu\n";
	static const char stat[] = "4242 (a (b) c) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 6 0 0 "
	                           "20 0 1 0 987654 1000 200\n";
	unsigned long long start;
	char out[64];

	(void)state;
	assert_int_equal(iso_cpuinfo_model(cpuinfo, out, sizeof(out)), 0);
	assert_string_equal(out, "AMD EPYC 7B13");
	assert_int_equal(iso_cpuinfo_model("processor : 0\n", out, sizeof(out)), -1);
	/* a comm holding spaces and parentheses */
	assert_int_equal(iso_stat_start(stat, out, sizeof(out), &start), 0);
	assert_string_equal(out, "a (b) c");
	assert_true(start == 987654ull);
	assert_int_equal(iso_stat_start("4242 (x) S 1 2\n", out, sizeof(out), &start), -1);
}

static void test_parse_cgroup_dirs(void **state)
{
	static const char mounts[] =
	    "32 31 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n"
	    "35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
	    "41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n";
	static const char native[] = "4:memory:/process_api/abc\n1:cpu:/\n0::/\n";
	/* a container's cgroup namespace: its instance cgroups bound over /sys/fs/cgroup/<ctrl> */
	static const char ct_mounts[] =
	    "50 40 0:29 / /sys/fs/cgroup/cpu ro - cgroup cgroup rw,cpu,cpuacct\n"
	    "51 40 0:29 /.. /sys/fs/cgroup/old rw - cgroup cgroup rw,cpu,cpuacct\n";
	static const char ct[] = "2:cpu,cpuacct:/\n";
	/* the cgroup namespace off: full paths, the bind mount's root is the instance */
	static const char nons_mounts[] =
	    "50 40 0:29 /boxbench/boxbench-7-1 /sys/fs/cgroup/cpu ro - "
	    "cgroup cgroup rw,cpu\n";
	static const char nons[] = "1:cpu:/boxbench/boxbench-7-1\n";
	static const char v2_mounts[] = "30 1 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n";
	static const char v2[] = "0::/user.slice/a.scope\n";
	char dir[256], path[256];
	int v;

	(void)state;
	assert_int_equal(iso_cgroup_dir(native, mounts, "memory", dir, sizeof(dir), &v), 0);
	assert_string_equal(dir, "/sys/fs/cgroup/memory/process_api/abc");
	assert_int_equal(v, 1);
	assert_int_equal(iso_cgroup_dir(native, mounts, "cpu", dir, sizeof(dir), &v), 0);
	assert_string_equal(dir, "/sys/fs/cgroup/cpu");
	/* no v1 pids hierarchy: the unified one holds the process */
	assert_int_equal(iso_cgroup_dir(native, mounts, "pids", dir, sizeof(dir), &v), 0);
	assert_string_equal(dir, "/sys/fs/cgroup/unified");
	assert_int_equal(v, 2);
	assert_int_equal(iso_cgroup_dir(ct, ct_mounts, "cpu", dir, sizeof(dir), &v), 0);
	assert_string_equal(dir, "/sys/fs/cgroup/cpu");
	assert_int_equal(iso_cgroup_path(ct, "cpu", path, sizeof(path)), 0);
	assert_string_equal(path, "/");
	assert_int_equal(iso_cgroup_dir(nons, nons_mounts, "cpu", dir, sizeof(dir), &v), 0);
	assert_string_equal(dir, "/sys/fs/cgroup/cpu");
	assert_int_equal(iso_cgroup_dir(v2, v2_mounts, "memory", dir, sizeof(dir), &v), 0);
	assert_string_equal(dir, "/sys/fs/cgroup/user.slice/a.scope");
	assert_int_equal(v, 2);
	/* a guest without cgroup mounts */
	assert_int_equal(iso_cgroup_dir(v2, "22 1 0:21 / / rw - ext4 /dev/vda rw\n", "cpu", dir,
	                                sizeof(dir), &v),
	                 -1);
}

/* The memory check's window (MiB units here): a stop near what the box had left is the limit's
 * doing; well below it, something else's (not a test of the limit); above it, no limit. */
static void test_mem_outcome(void **state)
{
	(void)state;
	/* 512 limit, 12 used: stopped at 496 = enforced */
	assert_int_equal(iso_mem_outcome(512, 12, 496, 4, 0.10, false), ISO_MEM_ENFORCED);
	/* killed at 40 of a 512 limit: not the limit (the old rule said "enforced") */
	assert_int_equal(iso_mem_outcome(512, 12, 40, 4, 0.10, false), ISO_MEM_BELOW);
	/* the usage before the test moves the floor: 300 used, stopped at 200 = enforced */
	assert_int_equal(iso_mem_outcome(512, 300, 200, 4, 0.10, false), ISO_MEM_ENFORCED);
	assert_int_equal(iso_mem_outcome(512, -1, 200, 4, 0.10, false), ISO_MEM_BELOW);
	/* twice the limit touched: not enforced */
	assert_int_equal(iso_mem_outcome(512, 12, 1024, 4, 0.10, false), ISO_MEM_BEYOND);
	assert_int_equal(iso_mem_outcome(512, 12, 512 * 1.1 + 4, 4, 0.10, false), ISO_MEM_ENFORCED);
	/* a guest: its RAM is no limit a check could find broken */
	assert_int_equal(iso_mem_outcome(480, 100, 370, 4, 0.10, true), ISO_MEM_MACHINE);
}

static void test_parse_limits(void **state)
{
	long long v;
	double c;

	(void)state;
	assert_int_equal(iso_parse_limit("max\n", &v), 0);
	assert_true(v == -1);
	assert_int_equal(iso_parse_limit("-1\n", &v), 0);
	assert_true(v == -1);
	assert_int_equal(iso_parse_limit("9223372036854771712\n", &v), 0);
	assert_true(v == -1);
	assert_int_equal(iso_parse_limit("268435456\n", &v), 0);
	assert_true(v == 268435456);
	assert_int_equal(iso_parse_limit("nope", &v), -1);
	assert_int_equal(iso_parse_cpu_max("50000 100000\n", &c), 0);
	assert_true(c == 0.5);
	assert_int_equal(iso_parse_cpu_max("max 100000\n", &c), 0);
	assert_true(c == -1);
	assert_int_equal(iso_parse_cpu_max("50000\n", &c), -1);
}

static void test_value_hidden(void **state)
{
	(void)state;
	assert_true(iso_value_hidden(NULL));
	assert_true(iso_value_hidden(""));
	assert_true(iso_value_hidden("denied"));
	assert_true(iso_value_hidden("unreadable: /proc/x: No such file or directory"));
	assert_false(iso_value_hidden("visible"));
	assert_false(iso_value_hidden("none: no /proc/modules"));
	assert_false(iso_value_hidden("deniedly"));
}

/* On this machine */

static const struct iso_fact *find_fact(const struct iso_fact *f, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(f[i].key, key))
			return &f[i];
	return NULL;
}

static void test_collect_live(void **state)
{
	struct iso_fact f[ISO_MAX_FACTS];
	struct iso_opts o = { .host_pid = getpid() };
	char *boot_id = iso_slurp("/proc/sys/kernel/random/boot_id", 4096);
	size_t n;

	(void)state;
	assert_non_null(boot_id);
	boot_id[strcspn(boot_id, "\n")] = '\0';
	assert_int_equal(iso_self_start(&o.host_start), 0);
	n = iso_collect(&o, f, ISO_MAX_FACTS);
	for (size_t i = 0; iso_keys[i]; i++)
		assert_non_null(find_fact(f, n, iso_keys[i]));
	assert_string_equal(find_fact(f, n, "boot_id")->text, boot_id);
	assert_string_equal(find_fact(f, n, "host_pid")->text, "visible");
	assert_true(find_fact(f, n, "process_count")->numeric);
	assert_true(find_fact(f, n, "process_count")->num >= 1);
	assert_true(find_fact(f, n, "mem_total")->num > 0);
	/* the same pid with another start time is another process */
	o.host_start++;
	n = iso_collect(&o, f, ISO_MAX_FACTS);
	assert_int_equal(strncmp(find_fact(f, n, "host_pid")->text, "hidden: pid ", 12), 0);
	/* not asked: left out */
	o.host_pid = 0;
	n = iso_collect(&o, f, ISO_MAX_FACTS);
	assert_null(find_fact(f, n, "host_pid"));
	free(boot_id);
}

static void test_record_host(void **state)
{
	const char *startup[] = { "startup" }, *both[] = { "startup", "isolation" };
	struct bb_err err = { 0 };
	size_t before;

	(void)state;
	assert_int_equal(isolation_record_host(&res, startup, 1, &err), 0);
	assert_int_equal(json_array_size(res.facts), 0);
	assert_int_equal(isolation_record_host(&res, both, 2, &err), 0);
	before = json_array_size(res.facts);
	assert_true(before >= 14);
	assert_string_equal(
	    json_string_value(isolation_fact(&res, "isolation", "host", "host_pid")), "visible");
	/* once per result */
	assert_int_equal(isolation_record_host(&res, both, 2, &err), 0);
	assert_int_equal(json_array_size(res.facts), before);
	/* the host is the same as itself, fact by fact */
	assert_int_equal(isolation_cell(&res, "host", "boot_id"), ISO_SAME);
	assert_int_equal(isolation_cell(&res, "host", "process_count"), ISO_SAME);
}

static void test_suite_args(void **state)
{
	char *argv[8] = { 0 };
	char pid[24];

	(void)state;
	assert_int_equal(isolation_suite_args(argv, 3), 0);
	assert_int_equal(isolation_suite_args(argv, 8), 4);
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	assert_string_equal(argv[0], "--host-pid");
	assert_string_equal(argv[1], pid);
	assert_string_equal(argv[2], "--host-start");
	assert_true(strtoull(argv[3], NULL, 10) > 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_compare_strings_and_verdicts),
		T(test_compare_hidden),
		T(test_compare_tolerances),
		T(test_cells_against_host),
		T(test_cells_without_host),
		T(test_cells_native_reference),
		T(test_cells_first_rep),
		T(test_keys_and_envs),
		T(test_format),
		T(test_limits_rows),
		T(test_limits_rows_none),
		T(test_show_tables),
		T(test_show_nothing),
		T(test_parse_meminfo_and_cpus),
		T(test_parse_net_and_modules),
		T(test_parse_mounts),
		T(test_parse_cpuinfo_and_stat),
		T(test_parse_cgroup_dirs),
		T(test_parse_limits),
		T(test_mem_outcome),
		T(test_value_hidden),
		T(test_collect_live),
		T(test_record_host),
		T(test_suite_args),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
