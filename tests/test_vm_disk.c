/* The VM's scratch disk (launchers/vm_disk.c): a preallocated ext4 image of the right size in
 * the given directory, described with the host file system under it and the cache mode, and
 * nothing left behind on removal or on failure. Makes real images (mkfs.ext4, e2fsprogs) in a
 * directory of its own under /var/tmp. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vm_disk.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/var/tmp/test-vm-disk.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return rmdir(dir); /* fails when a test left a file behind */
}

static size_t entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* ext4's super block magic: offset 1024 + 0x38, 0xEF53 little-endian */
static void assert_ext4(const char *path)
{
	unsigned char m[2];
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, m, 2, 1024 + 0x38), 2);
	close(fd);
	assert_int_equal(m[0], 0x53);
	assert_int_equal(m[1], 0xef);
}

static void test_sizes(void **state)
{
	(void)state;
	assert_int_equal(vm_disk_bytes(0), (unsigned long long)VM_DISK_MIN_MIB << 20);
	assert_int_equal(vm_disk_bytes(128), (128ull + 32 + VM_DISK_MIN_MIB) << 20);
	assert_true(vm_disk_bytes(65536) > 65536ull << 20);
}

static void test_create_remove(void **state)
{
	struct vm_disk d;
	struct bb_err err = { 0 };
	struct stat st;
	char want[128];

	(void)state;
	assert_int_equal(vm_disk_create(dir, "vm", 16, &d, &err), 0);
	snprintf(want, sizeof(want), "%s/boxbench-vm-disk.img", dir);
	assert_string_equal(d.path, want);
	assert_int_equal(stat(d.path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal((unsigned long long)st.st_size, vm_disk_bytes(16));
	/* preallocated: mkfs did not punch the blocks back out (-E nodiscard) */
	assert_true((unsigned long long)st.st_blocks * 512 >= vm_disk_bytes(16));
	assert_ext4(d.path);
	assert_true(d.desc.on);
	assert_string_equal(d.desc.path, d.path);
	assert_string_equal(d.desc.device, "virtio-blk");
	assert_string_equal(d.desc.format, "raw");
	assert_string_equal(d.desc.guest_fs, "ext4");
	assert_true(d.desc.host_fs[0] && d.desc.host_device[0] && d.desc.host_options[0]);
	assert_int_equal(d.desc.bytes, (long long)vm_disk_bytes(16));
	/* the cache mode follows what the host accepts, and says why when it is not none */
	assert_string_equal(d.desc.cache, d.direct ? "none" : "writeback");
	assert_int_equal(d.desc.cache_note[0] != '\0', !d.direct);
	vm_disk_remove(&d);
	assert_int_equal(d.path[0], '\0');
	assert_int_equal(entries(), 0);
	vm_disk_remove(&d); /* idempotent */
}

/* A name taken, a directory missing: an error, and what was there is left as it was. */
static void test_failures(void **state)
{
	struct vm_disk d;
	struct bb_err err = { 0 };
	char path[128], missing[128];
	struct stat st;
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "%s/boxbench-vm-disk.img", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(vm_disk_create(dir, "vm", 16, &d, &err), -1);
	assert_non_null(strstr(err.msg, "boxbench-vm-disk.img"));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 0); /* someone else's file: not touched, not removed */
	assert_int_equal(d.path[0], '\0');
	vm_disk_remove(&d);
	assert_int_equal(unlink(path), 0);
	snprintf(missing, sizeof(missing), "%s/nowhere", dir);
	assert_int_equal(vm_disk_create(missing, "vm", 16, &d, &err), -1);
	assert_non_null(strstr(err.msg, "nowhere"));
	assert_int_equal(entries(), 0);
}

static void test_describe_dir(void **state)
{
	struct bb_envdesc_storage s;
	struct bb_err err = { 0 };

	(void)state;
	assert_int_equal(vm_disk_describe_dir(dir, &s, &err), 0);
	assert_true(s.on);
	assert_string_equal(s.path, dir);
	assert_true(s.host_fs[0] != '\0');
	assert_int_equal(s.device[0], '\0'); /* a directory, not a guest's disk */
	assert_int_equal(s.bytes, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_create_remove),
		cmocka_unit_test(test_failures),
		cmocka_unit_test(test_describe_dir),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
