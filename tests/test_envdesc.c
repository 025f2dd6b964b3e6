/* The typed description of an environment: what is written is read back the same, launcher
 * details ride along without overriding typed fields, older results get their class from the
 * mechanism they name, and a wrong type is an error naming the key. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "envdesc.h"
#include "launcher.h"

static void fill_container(struct bb_envdesc *d)
{
	envdesc_init(d, "container-nonet");
	d->class = BB_CLASS_CONTAINER;
	d->caps = BB_CAP_IMAGE | BB_CAP_DECOMPOSE;
	d->available = true;
	snprintf(d->kind, sizeof(d->kind), "namespaces");
	snprintf(d->variant_of, sizeof(d->variant_of), "container");
	snprintf(d->removed, sizeof(d->removed), "net");
	snprintf(d->image, sizeof(d->image), "minimal");
	d->pu = 1;
	d->has_namespaces = true;
	d->namespaces = BB_NS_MNT | BB_NS_PID;
	d->cgroup = (struct bb_envdesc_cgroup){ .on = true,
		                                .mode = "v1",
		                                .cpu_quota = 0.5,
		                                .cpu_period_us = 100000,
		                                .mem_limit = 1 << 29,
		                                .pids_limit = 64 };
	d->rootfs.on = true;
	snprintf(d->rootfs.path, sizeof(d->rootfs.path), "/r");
	d->rootfs.bytes = 4096;
	d->rootfs.entries = 3;
	d->extra = json_pack("{s:s, s:{s:s, s:s}}", "seccomp", "none", "rootfs", "dev", "tmpfs",
	                     "path", "/not-the-typed-one");
}

static void test_round_trip(void **state)
{
	struct bb_envdesc d, back;
	struct bb_err err = { 0 };
	json_t *j;

	(void)state;
	fill_container(&d);
	j = envdesc_to_json(&d);
	assert_string_equal(json_string_value(json_object_get(j, "class")), "container");
	assert_int_equal(json_array_size(json_object_get(j, "caps")), 2);
	/* extra rides along, merged into the typed objects, never over a typed key */
	assert_string_equal(json_string_value(json_object_get(j, "seccomp")), "none");
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "rootfs"), "dev")),
	                    "tmpfs");
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(j, "rootfs"), "path")), "/r");
	assert_int_equal(envdesc_from_json("container-nonet", j, &back, &err), 0);
	assert_int_equal(back.class, BB_CLASS_CONTAINER);
	assert_int_equal(back.caps, BB_CAP_IMAGE | BB_CAP_DECOMPOSE);
	assert_true(envdesc_is_variant(&back));
	assert_string_equal(back.variant_of, "container");
	assert_string_equal(back.removed, "net");
	assert_string_equal(back.image, "minimal");
	assert_int_equal(back.namespaces, BB_NS_MNT | BB_NS_PID);
	assert_true(back.cgroup.on);
	assert_true(back.cgroup.cpu_quota == 0.5);
	assert_true(back.cgroup.mem_limit == 1 << 29);
	assert_int_equal(back.cgroup.pids_limit, 64);
	assert_string_equal(back.rootfs.path, "/r");
	assert_true(back.rootfs.bytes == 4096);
	assert_int_equal(back.pu, 1);
	envdesc_free(&back);
	envdesc_free(&d);
	json_decref(j);
}

/* An engine around the box (docker): its runtime, store and the daemon's start, typed. */
static void test_engine_round_trip(void **state)
{
	struct bb_envdesc d, back;
	struct bb_err err = { 0 };
	json_t *j;

	(void)state;
	fill_container(&d);
	snprintf(d.engine.name, sizeof(d.engine.name), "docker");
	snprintf(d.engine.version, sizeof(d.engine.version), "20.10.24");
	snprintf(d.engine.runtime, sizeof(d.engine.runtime), "/usr/sbin/runc");
	snprintf(d.engine.store, sizeof(d.engine.store), "/var/tmp/d/data");
	d.engine.daemon_start_s = 0.75;
	j = envdesc_to_json(&d);
	assert_int_equal(envdesc_from_json("docker", j, &back, &err), 0);
	assert_string_equal(back.engine.name, "docker");
	assert_string_equal(back.engine.version, "20.10.24");
	assert_string_equal(back.engine.runtime, "/usr/sbin/runc");
	assert_string_equal(back.engine.store, "/var/tmp/d/data");
	assert_true(back.engine.daemon_start_s == 0.75);
	envdesc_free(&back);
	json_decref(j);
	/* no runtime: no engine object; a wrong type names the key */
	d.engine.runtime[0] = '\0';
	j = envdesc_to_json(&d);
	assert_null(json_object_get(j, "engine"));
	json_object_set_new(j, "engine", json_pack("{s:i}", "daemon", 3));
	assert_int_equal(envdesc_from_json("docker", j, &back, &err), -1);
	assert_non_null(strstr(err.msg, "engine.daemon"));
	envdesc_free(&d);
	json_decref(j);
}

/* The io suite's storage: a guest's disk image with the host file system under it, typed,
 * and its one-line name; absent when the box wrote nowhere. */
static void test_storage_round_trip(void **state)
{
	struct bb_envdesc d, back;
	struct bb_err err = { 0 };
	char line[256];
	json_t *j;

	(void)state;
	fill_container(&d);
	d.storage = (struct bb_envdesc_storage){ .on = true, .bytes = 150994944 };
	snprintf(d.storage.path, sizeof(d.storage.path), "/var/tmp/s/boxbench-vm-disk.img");
	snprintf(d.storage.host_fs, sizeof(d.storage.host_fs), "ext4");
	snprintf(d.storage.host_device, sizeof(d.storage.host_device), "/dev/vda");
	snprintf(d.storage.host_options, sizeof(d.storage.host_options), "rw,relatime,discard");
	snprintf(d.storage.device, sizeof(d.storage.device), "virtio-blk");
	snprintf(d.storage.format, sizeof(d.storage.format), "raw");
	snprintf(d.storage.guest_fs, sizeof(d.storage.guest_fs), "ext4");
	snprintf(d.storage.guest_options, sizeof(d.storage.guest_options), "relatime,discard");
	snprintf(d.storage.cache, sizeof(d.storage.cache), "none");
	j = envdesc_to_json(&d);
	assert_int_equal(envdesc_from_json("vm", j, &back, &err), 0);
	assert_true(back.storage.on);
	assert_string_equal(back.storage.path, d.storage.path);
	assert_string_equal(back.storage.host_device, "/dev/vda");
	assert_string_equal(back.storage.host_options, "rw,relatime,discard");
	assert_string_equal(back.storage.guest_options, "relatime,discard");
	assert_string_equal(back.storage.cache, "none");
	assert_int_equal(back.storage.bytes, 150994944);
	envdesc_storage_line(&back.storage, line, sizeof(line));
	assert_string_equal(line, "virtio-blk ext4 image on ext4, cache=none, mounted "
	                          "relatime,discard");
	envdesc_free(&back);
	/* a host directory: named by its file system and device */
	d.storage.device[0] = '\0';
	envdesc_storage_line(&d.storage, line, sizeof(line));
	assert_string_equal(line, "ext4 directory (/dev/vda)");
	json_decref(j);
	/* none: no object and an empty line; a wrong type names the key */
	d.storage.on = false;
	j = envdesc_to_json(&d);
	assert_null(json_object_get(j, "storage"));
	envdesc_storage_line(&d.storage, line, sizeof(line));
	assert_string_equal(line, "");
	json_object_set_new(j, "storage", json_pack("{s:{s:i}}", "host", "fs", 3));
	assert_int_equal(envdesc_from_json("vm", j, &back, &err), -1);
	assert_non_null(strstr(err.msg, "storage.host.fs"));
	envdesc_free(&d);
	json_decref(j);
}

/* A container inside a guest: both halves are described, and the VM it runs in is named. */
static void test_nested_round_trip(void **state)
{
	struct bb_envdesc d, back;
	struct bb_err err = { 0 };
	json_t *j;

	(void)state;
	fill_container(&d);
	d.class = BB_CLASS_NESTED;
	snprintf(d.nested_in, sizeof(d.nested_in), "vm");
	snprintf(d.vmm, sizeof(d.vmm), "qemu-system-x86_64");
	snprintf(d.boot, sizeof(d.boot), ENVDESC_BOOT_DIRECT);
	d.emulated = true;
	j = envdesc_to_json(&d);
	assert_string_equal(json_string_value(json_object_get(j, "class")), "nested");
	assert_string_equal(json_string_value(json_object_get(j, "nested_in")), "vm");
	assert_int_equal(envdesc_from_json("container-in-vm", j, &back, &err), 0);
	assert_int_equal(back.class, BB_CLASS_NESTED);
	assert_string_equal(back.nested_in, "vm");
	assert_true(back.emulated);
	assert_true(back.cgroup.on);
	envdesc_free(&back);
	/* not nested: no key; a wrong type names it */
	d.nested_in[0] = '\0';
	json_decref(j);
	j = envdesc_to_json(&d);
	assert_null(json_object_get(j, "nested_in"));
	json_object_set_new(j, "nested_in", json_integer(1));
	assert_int_equal(envdesc_from_json("x", j, &back, &err), -1);
	assert_non_null(strstr(err.msg, "nested_in"));
	envdesc_free(&d);
	json_decref(j);
}

static void test_vm_and_unavailable(void **state)
{
	struct bb_envdesc d, back;
	struct bb_err err = { 0 };
	json_t *j;

	(void)state;
	envdesc_init(&d, "vm");
	d.class = BB_CLASS_VM;
	d.available = true;
	snprintf(d.vmm, sizeof(d.vmm), "qemu-system-x86_64");
	snprintf(d.machine, sizeof(d.machine), "microvm");
	snprintf(d.boot, sizeof(d.boot), ENVDESC_BOOT_FIRMWARE);
	snprintf(d.accel, sizeof(d.accel), "tcg");
	d.emulated = true;
	d.vcpus = 1;
	d.mem_mib = 512;
	j = envdesc_to_json(&d);
	assert_null(json_object_get(j, "cgroup")); /* not a namespace box: no such key */
	assert_int_equal(envdesc_from_json("vm", j, &back, &err), 0);
	assert_int_equal(back.class, BB_CLASS_VM);
	assert_true(back.emulated);
	assert_string_equal(back.machine, "microvm");
	assert_string_equal(back.boot, ENVDESC_BOOT_FIRMWARE);
	assert_int_equal(back.mem_mib, 512);
	envdesc_free(&back);
	/* a boot that is neither direct nor firmware is refused, naming the key */
	json_object_set_new(j, "boot", json_string("pxe"));
	assert_int_equal(envdesc_from_json("vm", j, &back, &err), -1);
	assert_non_null(strstr(err.msg, "environments.vm.boot"));
	envdesc_free(&back);
	json_decref(j);
	d.available = false;
	snprintf(d.reason, sizeof(d.reason), "no qemu");
	j = envdesc_to_json(&d);
	assert_int_equal(json_object_size(j), 4); /* class, caps, available, reason */
	assert_int_equal(envdesc_from_json("vm", j, &back, &err), 0);
	assert_false(back.available);
	assert_string_equal(back.reason, "no qemu");
	envdesc_free(&back);
	json_decref(j);
}

/* Results written before the class was declared name the mechanism instead. */
static void test_older_results(void **state)
{
	static const struct {
		const char *json;
		enum bb_class class;
	} cases[] = {
		{ "{\"kind\": \"process\"}", BB_CLASS_NATIVE },
		{ "{\"kind\": \"namespaces\", \"namespaces\": [\"net\"]}", BB_CLASS_CONTAINER },
		{ "{\"kind\": \"vm\", \"accel\": \"tcg\"}", BB_CLASS_VM },
		{ "{\"nested\": true}", BB_CLASS_NESTED },
		{ "{}", BB_CLASS_UNKNOWN },
	};
	struct bb_err err = { 0 };
	struct bb_envdesc d;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *j = json_loads(cases[i].json, 0, NULL);
		assert_int_equal(envdesc_from_json("x", j, &d, &err), 0);
		assert_int_equal(d.class, cases[i].class);
		assert_true(d.available);
		envdesc_free(&d);
		json_decref(j);
	}
	/* tcg is an emulator whether or not the writer said so */
	json_t *j = json_loads("{\"kind\": \"vm\", \"accel\": \"tcg\"}", 0, NULL);
	assert_int_equal(envdesc_from_json("vm", j, &d, &err), 0);
	assert_true(d.emulated);
	envdesc_free(&d);
	json_decref(j);
}

static void test_wrong_types(void **state)
{
	static const struct {
		const char *json, *msg;
	} cases[] = {
		{ "[]", "environments.e: expected an object" },
		{ "{\"class\": 3}", "environments.e.class: expected a string" },
		{ "{\"available\": \"yes\"}", "environments.e.available: expected true or false" },
		{ "{\"cgroup\": 1}", "environments.e.cgroup: expected an object or null" },
		{ "{\"cgroup\": {\"cpu_quota\": \"x\"}}",
		  "environments.e.cgroup.cpu_quota: expected a number" },
		{ "{\"namespaces\": \"net\"}", "environments.e.namespaces: expected an array" },
		{ "{\"vcpus\": -1}", "environments.e.vcpus: expected a number in range" },
		{ "{\"accel\": \"a-name-far-too-long-for-an-accelerator\"}",
		  "environments.e.accel: expected a shorter string" },
	};
	struct bb_err err = { 0 };
	struct bb_envdesc d;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *j = json_loads(cases[i].json, JSON_DECODE_ANY, NULL);
		assert_int_equal(envdesc_from_json("e", j, &d, &err), -1);
		if (!strstr(err.msg, cases[i].msg))
			fail_msg("%s: '%s' lacks '%s'", cases[i].json, err.msg, cases[i].msg);
		envdesc_free(&d);
		json_decref(j);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_engine_round_trip),
		cmocka_unit_test(test_nested_round_trip),
		cmocka_unit_test(test_vm_and_unavailable),
		cmocka_unit_test(test_older_results),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_storage_round_trip),
	};
	return cmocka_run_group_tests_name("envdesc", tests, NULL, NULL);
}
