/* The OCI bundle writer: config.json key by key (process, root, namespaces, limits, mounts),
 * what is left out when a part is off, the file written into a bundle; and the private
 * dockerd's command line (never the host's network). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "docker.h"
#include "oci.h"

static char *const args[] = { "/bin/boxbench-load", "startup", NULL };

static struct oci_spec full_spec(void)
{
	return (
	    struct oci_spec){ .root = "/b/rootfs",
		              .args = args,
		              .ns = BB_NS_ALL,
		              .cgroup_path = "boxbench-runc-1/boxbench-1-1",
		              .lim = { .cpu_quota = 0.5, .mem_limit = 1 << 29, .pids_limit = 64 },
		              .scratch = "/var/tmp/s" };
}

static const char *str_at(json_t *o, const char *path)
{
	json_t *v = o;
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *k = strtok_r(buf, ".", &save); k && v; k = strtok_r(NULL, ".", &save))
		v = json_is_array(v) ? json_array_get(v, (size_t)atoi(k)) : json_object_get(v, k);
	return json_string_value(v);
}

/* o.a.b, which must be an integer */
static json_int_t int_at(json_t *o, const char *a, const char *b)
{
	json_t *v = json_object_get(json_object_get(o, a), b);

	assert_true(json_is_integer(v));
	return json_integer_value(v);
}

static void test_process_and_root(void **state)
{
	struct oci_spec s = full_spec();
	json_t *c = oci_config(&s), *p = json_object_get(c, "process");

	(void)state;
	assert_string_equal(str_at(c, "ociVersion"), "1.0.2");
	assert_string_equal(str_at(c, "process.args.0"), "/bin/boxbench-load");
	assert_string_equal(str_at(c, "process.args.1"), "startup");
	assert_int_equal(json_array_size(json_object_get(p, "args")), 2);
	assert_int_equal(json_array_size(json_object_get(p, "env")), 0);
	assert_true(json_is_true(json_object_get(p, "noNewPrivileges")));
	assert_true(json_is_false(json_object_get(p, "terminal")));
	assert_int_equal(int_at(p, "user", "uid"), 0);
	/* every capability set present and empty */
	const char *sets[] = { "bounding", "effective", "inheritable", "permitted", "ambient" };
	for (size_t i = 0; i < 5; i++) {
		json_t *a = json_object_get(json_object_get(p, "capabilities"), sets[i]);
		assert_true(json_is_array(a));
		assert_int_equal(json_array_size(a), 0);
	}
	assert_string_equal(str_at(c, "root.path"), "/b/rootfs");
	assert_true(json_is_true(json_object_get(json_object_get(c, "root"), "readonly")));
	assert_string_equal(str_at(c, "hostname"), "boxbench");
	json_decref(c);
}

static void test_namespaces(void **state)
{
	struct oci_spec s = full_spec();
	const char *want[] = { "mount", "pid", "uts", "ipc", "network", "cgroup" };
	json_t *c = oci_config(&s),
	       *ns = json_object_get(json_object_get(c, "linux"), "namespaces");

	(void)state;
	assert_int_equal(json_array_size(ns), 6);
	for (size_t i = 0; i < 6; i++)
		assert_string_equal(
		    json_string_value(json_object_get(json_array_get(ns, i), "type")), want[i]);
	json_decref(c);
	/* without net and uts: no network namespace, no hostname */
	s.ns = BB_NS_MNT | BB_NS_PID;
	c = oci_config(&s);
	ns = json_object_get(json_object_get(c, "linux"), "namespaces");
	assert_int_equal(json_array_size(ns), 2);
	assert_null(json_object_get(c, "hostname"));
	json_decref(c);
}

static void test_limits(void **state)
{
	struct oci_spec s = full_spec();
	json_t *c = oci_config(&s), *l = json_object_get(c, "linux");
	json_t *r = json_object_get(l, "resources");

	(void)state;
	assert_string_equal(str_at(l, "cgroupsPath"), "boxbench-runc-1/boxbench-1-1");
	assert_int_equal(int_at(r, "cpu", "quota"), 50000);
	assert_int_equal(int_at(r, "cpu", "period"), 100000);
	assert_null(json_object_get(json_object_get(r, "cpu"), "cpus")); /* pinned by affinity */
	assert_int_equal(int_at(r, "memory", "limit"), 1 << 29);
	assert_int_equal(int_at(r, "pids", "limit"), 64);
	assert_true(json_is_false(
	    json_object_get(json_array_get(json_object_get(r, "devices"), 0), "allow")));
	assert_int_equal(json_array_size(json_object_get(l, "readonlyPaths")), 4);
	assert_string_equal(str_at(l, "readonlyPaths.0"), "/proc/sys");
	json_decref(c);
	/* no cgroup: no path, no limit, no cgroup mount */
	s.cgroup_path = NULL;
	c = oci_config(&s);
	l = json_object_get(c, "linux");
	r = json_object_get(l, "resources");
	assert_null(json_object_get(l, "cgroupsPath"));
	assert_null(json_object_get(r, "memory"));
	assert_null(json_object_get(r, "pids"));
	assert_int_equal(json_object_size(json_object_get(r, "cpu")), 0);
	json_decref(c);
}

static void test_mounts(void **state)
{
	struct oci_spec s = full_spec();
	json_t *c = oci_config(&s), *m = json_object_get(c, "mounts");
	const char *dst[] = { "/proc", "/dev", "/tmp", "/sys/fs/cgroup", "/scratch" };
	const char *type[] = { "proc", "tmpfs", "tmpfs", "cgroup", "bind" };

	(void)state;
	assert_int_equal(json_array_size(m), 5);
	for (size_t i = 0; i < 5; i++) {
		json_t *e = json_array_get(m, i);
		assert_string_equal(json_string_value(json_object_get(e, "destination")), dst[i]);
		assert_string_equal(json_string_value(json_object_get(e, "type")), type[i]);
	}
	assert_string_equal(str_at(m, "4.source"), "/var/tmp/s");
	assert_string_equal(str_at(m, "4.options.0"), "rbind");
	assert_string_equal(str_at(m, "3.options.3"), "ro");
	json_decref(c);
	s.scratch = NULL;
	s.cgroup_path = NULL;
	c = oci_config(&s);
	assert_int_equal(json_array_size(json_object_get(c, "mounts")), 3);
	json_decref(c);
}

static void test_bundle_write(void **state)
{
	struct oci_spec s = full_spec();
	char dir[] = "/tmp/bb-test-oci-XXXXXX", path[128];
	struct bb_err err = { 0 };
	json_error_t jerr;
	json_t *back, *want = oci_config(&s);

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(oci_bundle_write(dir, &s, &err), 0);
	snprintf(path, sizeof(path), "%s/config.json", dir);
	back = json_load_file(path, 0, &jerr);
	assert_non_null(back);
	assert_true(json_equal(back, want));
	unlink(path);
	assert_int_equal(rmdir(dir), 0); /* nothing else left in the bundle */
	/* a bundle directory that does not exist: an error naming the file */
	assert_int_equal(oci_bundle_write("/nonexistent-bb-dir", &s, &err), -1);
	assert_non_null(strstr(err.msg, "/nonexistent-bb-dir"));
	json_decref(back);
	json_decref(want);
}

static void test_dockerd_argv(void **state)
{
	char *argv[32], buf[4096];
	size_t n = dk_daemon_argv("/usr/sbin/dockerd", "/var/tmp/d", "boxbench-docker-7", argv, buf,
	                          sizeof(buf));
	const char *want[] = { "--data-root=/var/tmp/d/data",
		               "--exec-root=/var/tmp/d/exec",
		               "--pidfile=/var/tmp/d/docker.pid",
		               "--host=unix:///var/tmp/d/docker.sock",
		               "--config-file=/var/tmp/d/daemon.json",
		               "--cgroup-parent=boxbench-docker-7",
		               "--bridge=none",
		               "--iptables=false",
		               "--ip6tables=false",
		               "--ip-forward=false",
		               "--ip-masq=false" };

	(void)state;
	assert_true(n > 10);
	assert_null(argv[n]);
	assert_string_equal(argv[0], "/usr/sbin/dockerd");
	for (size_t w = 0; w < sizeof(want) / sizeof(want[0]); w++) {
		bool found = false;
		for (size_t i = 1; i < n; i++)
			found |= !strcmp(argv[i], want[w]);
		if (!found)
			fail_msg("dockerd argv lacks %s", want[w]);
	}
	/* too small a buffer: refused, not cut */
	assert_int_equal(dk_daemon_argv("/d", "/var/tmp/d", "p", argv, buf, 16), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_process_and_root), cmocka_unit_test(test_namespaces),
		cmocka_unit_test(test_limits),           cmocka_unit_test(test_mounts),
		cmocka_unit_test(test_bundle_write),     cmocka_unit_test(test_dockerd_argv),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
