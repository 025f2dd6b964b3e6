/* Which mount holds a path (bench/mountinfo.c), and the options a guest's scratch ext4 takes
 * from the host's: mirrored from a whitelist, turned into mount(2) flags and data, anything
 * else refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/mount.h>

#include "mountinfo.h"

static const char text[] =
    "22 1 252:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw,discard,errors=remount-ro\n"
    "23 22 0:21 / /var/tmp rw,nosuid,nodev shared:2 - tmpfs tmpfs rw,size=1024k\n"
    "24 22 252:2 / /var/tmp/with\\040space rw,noatime - xfs /dev/vdb rw,attr2\n"
    "25 22 0:22 / /proc rw,nosuid - proc proc rw\n"
    "26 23 252:3 / /var/tmp rw,noatime - ext4 /dev/vdc rw,data=ordered\n";

static void test_find(void **state)
{
	struct bb_mount m;

	(void)state;
	assert_int_equal(mountinfo_find(text, "/home/x", &m), 1);
	assert_string_equal(m.target, "/");
	assert_string_equal(m.fstype, "ext4");
	assert_string_equal(m.source, "/dev/vda1");
	assert_string_equal(m.options, "rw,relatime,rw,discard,errors=remount-ro");
	/* stacked on /var/tmp: the last line wins */
	assert_int_equal(mountinfo_find(text, "/var/tmp/run", &m), 1);
	assert_string_equal(m.source, "/dev/vdc");
	/* an escaped space in the mount point; a prefix only at a path boundary */
	assert_int_equal(mountinfo_find(text, "/var/tmp/with space/a", &m), 1);
	assert_string_equal(m.fstype, "xfs");
	assert_int_equal(mountinfo_find(text, "/procfoo", &m), 1);
	assert_string_equal(m.target, "/");
	assert_int_equal(mountinfo_find("", "/x", &m), 0);
	assert_int_equal(mountinfo_find("1 2 3:4 / / rw\n", "/x", &m), -1); /* no separator */
}

static void test_of_self(void **state)
{
	struct bb_mount m;
	struct bb_err err = { 0 };

	(void)state;
	assert_int_equal(mountinfo_of("/proc/self", &m, &err), 0);
	assert_string_equal(m.fstype, "proc");
	assert_int_equal(mountinfo_of("/no/such/path", &m, &err), -1);
	assert_non_null(strstr(err.msg, "/no/such/path"));
}

static void test_guest_options(void **state)
{
	char out[256];

	(void)state;
	mount_guest_options(
	    "ext4", "rw,relatime,rw,discard,resv_strict,resuid=65534,data=ordered,commit=30", out,
	    sizeof(out));
	assert_string_equal(out, "relatime,discard,data=ordered,commit=30");
	/* an xfs host: its atime policy and discard, not ext4's journal options */
	mount_guest_options("xfs", "rw,noatime,rw,attr2,discard,data=ordered", out, sizeof(out));
	assert_string_equal(out, "noatime,discard");
	mount_guest_options("tmpfs", "rw,nosuid,nodev,rw,size=1024k", out, sizeof(out));
	assert_string_equal(out, "");
	mount_guest_options("ext4", "rw,noatime,noatime", out, sizeof(out));
	assert_string_equal(out, "noatime");
}

static void test_split(void **state)
{
	unsigned long flags;
	char data[128];

	(void)state;
	assert_int_equal(
	    mount_split_options("noatime,discard,lazytime,commit=5", &flags, data, sizeof(data)),
	    0);
	assert_int_equal(flags, MS_NOATIME | MS_LAZYTIME);
	assert_string_equal(data, "discard,commit=5");
	assert_int_equal(mount_split_options("", &flags, data, sizeof(data)), 0);
	assert_int_equal(flags, 0);
	assert_string_equal(data, "");
	assert_int_equal(mount_split_options("exec", &flags, data, sizeof(data)), -1);
	assert_int_equal(mount_split_options("data=bogus", &flags, data, sizeof(data)), -1);
	assert_int_equal(mount_split_options("commit=5s", &flags, data, sizeof(data)), -1);
	assert_int_equal(mount_split_options("data=", &flags, data, sizeof(data)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_of_self),
		cmocka_unit_test(test_guest_options),
		cmocka_unit_test(test_split),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
