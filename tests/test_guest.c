/* The VMM-neutral guest (launchers/guest.c): the kernel command line with the workload's argv
 * encoded on it (and decoded back by bench/cmdline.c, as boxbench-init does), the kernel and
 * initramfs paths, the guest kernel's version read from a bzImage header or an ELF vmlinux. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmdline.h"
#include "guest.h"

#define BASE "console=ttyS0 quiet panic=-1 nokaslr cryptomgr.notests 8250.nr_uarts=1"

static const struct guest_console serial = { .device = "ttyS0", .params = "8250.nr_uarts=1" };

static const struct guest tcg_guest = {
	.kernel = "/b/guest/vmlinux",
	.initrd = "/b/guest/initramfs.cpio",
	.accel = "tcg",
	.console = &serial,
	.tsc_khz = 2445402,
};

/* Encode, put on a full command line, find with cmdline_param, decode: must give back
 * suite + args exactly. */
static void assert_round_trip(const char *suite, char *const *args)
{
	char line[GUEST_CMDLINE_MAX + 1], val[BB_KCMD_SIZE];
	struct bb_err err = { 0 };
	char **argv = NULL;
	int n = 0;

	assert_true(guest_cmdline(&tcg_guest, suite, args, line, sizeof(line), &err) > 0);
	assert_int_equal(cmdline_param(line, BB_KCMD_ARGV, val, sizeof(val)), 1);
	while (args && args[n])
		n++;
	assert_int_equal(cmdline_decode_argv(val, &argv), n + 1);
	assert_string_equal(argv[0], suite);
	for (int i = 0; i < n; i++)
		assert_string_equal(argv[i + 1], args[i]);
	assert_null(argv[n + 1]);
	free(argv);
}

static void test_encode_plain(void **state)
{
	char buf[256];

	(void)state;
	assert_int_equal(guest_encode_argv("startup", NULL, buf, sizeof(buf)), 15);
	assert_string_equal(buf, "bb.argv=startup");
	char *args[] = { "--reps", "5", "--dir", "/tmp/x_y.z~", NULL };
	guest_encode_argv("io", args, buf, sizeof(buf));
	assert_string_equal(buf, "bb.argv=io,--reps,5,--dir,/tmp/x_y.z~");
}

static void test_encode_escapes(void **state)
{
	char *args[] = {
		"a b", "c,d", "\"q\"", "100%", "k=v", "", "\xc3\xa9", "t\tn\n", "'", NULL
	};
	char buf[512];

	(void)state;
	assert_true(guest_encode_argv("s", args, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "bb.argv=s,a%20b,c%2Cd,%22q%22,100%25,k%3Dv,,%C3%A9,t%09n%0A,%27");
	/* Nothing the kernel's parser splits on or interprets is left. */
	const char *v = buf + strlen("bb.argv=");
	assert_null(strpbrk(v, " \t\n\"=\\'"));
}

static void test_encode_too_small(void **state)
{
	char buf[32];

	(void)state;
	errno = 0;
	assert_int_equal(guest_encode_argv("startup", NULL, buf, 15), -1);
	assert_int_equal(errno, E2BIG);
	assert_string_equal(buf, "");
	/* An escape is never cut in half. */
	char *args[] = { ",", NULL };
	assert_int_equal(guest_encode_argv("ab", args, buf, 14), -1);
	assert_int_equal(guest_encode_argv("ab", args, buf, 15), 14);
	assert_string_equal(buf, "bb.argv=ab,%2C");
}

static void test_round_trip(void **state)
{
	char *tricky[] = {
		"a b",         "c,d", "\"", "%", "%25", "=", "", "", "\xc3\xa9\xe2\x82\xac",
		"--x=\"1 2\"", "\\",  NULL
	};
	char all[256];

	(void)state;
	assert_round_trip("startup", NULL);
	assert_round_trip("", NULL);
	assert_round_trip("syscall", tricky);
	for (int i = 1; i < 256; i++)
		all[i - 1] = (char)i;
	all[255] = '\0';
	char *bytes[] = { all, "", NULL };
	assert_round_trip("io", bytes);
}

/* The exact line: the guest's options, the VMM's console, the TSC rate only when the CPU is
 * emulated and its rate known, the disks, the workload last. */
static void test_cmdline_exact(void **state)
{
	struct guest g = tcg_guest;
	struct bb_err err = { 0 };
	char line[GUEST_CMDLINE_MAX + 1];

	(void)state;
	assert_int_equal(guest_cmdline(&g, "startup", NULL, line, sizeof(line), &err),
	                 strlen(BASE " tsc_early_khz=2445402 tsc=reliable bb.argv=startup"));
	assert_string_equal(line, BASE " tsc_early_khz=2445402 tsc=reliable bb.argv=startup");
	g.tsc_khz = 0; /* hardware virtualisation, or an unknown rate: the guest calibrates */
	assert_true(guest_cmdline(&g, "startup", NULL, line, sizeof(line), &err) > 0);
	assert_string_equal(line, BASE " bb.argv=startup");
	g.disk = "/scratch/disk.img";
	assert_true(guest_cmdline(&g, "io", NULL, line, sizeof(line), &err) > 0);
	assert_string_equal(line, BASE " bb.disk=bbscratch bb.argv=io");
	g.root_disk = "/images/debian/disk.ext4";
	assert_true(guest_cmdline(&g, "io", NULL, line, sizeof(line), &err) > 0);
	assert_string_equal(line, BASE " bb.disk=bbscratch bb.root=bbroot bb.argv=io");
	/* the scratch mount's options, mirrored from the host's, right after the disk */
	g.disk_options = "relatime,discard";
	assert_true(guest_cmdline(&g, "io", NULL, line, sizeof(line), &err) > 0);
	assert_string_equal(line, BASE " bb.disk=bbscratch bb.diskopts=relatime,discard "
	                               "bb.root=bbroot bb.argv=io");
	g.disk = NULL; /* no disk: its options go with it */
	assert_true(guest_cmdline(&g, "startup", NULL, line, sizeof(line), &err) > 0);
	assert_null(strstr(line, "bb.diskopts"));
	assert_true(guest_cmdline(&g, "startup", NULL, line, sizeof(line), &err) > 0);
	assert_string_equal(line, BASE " bb.root=bbroot bb.argv=startup");
	/* a container inside the guest (container-in-vm): its options before the workload */
	g.root_disk = NULL;
	g.box = "ns=63,cgroup=1,cpu=1,mem=536870912,pids=256";
	assert_true(guest_cmdline(&g, "startup", NULL, line, sizeof(line), &err) > 0);
	assert_string_equal(line, BASE " bb.box=ns=63,cgroup=1,cpu=1,mem=536870912,pids=256 "
	                               "bb.argv=startup");
}

/* The console is the VMM's: its device and parameters, or none at all. */
static void test_cmdline_console(void **state)
{
	struct guest_console hvc = { .device = "hvc0" };
	struct guest g = tcg_guest;
	struct bb_err err = { 0 };
	char line[GUEST_CMDLINE_MAX + 1];

	(void)state;
	g.console = &hvc;
	g.tsc_khz = 0;
	assert_true(guest_cmdline_base(&g, line, sizeof(line), &err) > 0);
	assert_string_equal(line, "console=hvc0 quiet panic=-1 nokaslr cryptomgr.notests");
	g.console = NULL;
	assert_int_equal(guest_cmdline(&g, "startup", NULL, line, sizeof(line), &err), -1);
	assert_string_equal(err.msg, "kernel command line: the VMM names no serial console");
	g.console = &serial;
	assert_int_equal(guest_cmdline_base(&g, line, 20, &err), -1);
	assert_string_equal(err.msg, "kernel command line: buffer of 20 bytes too small");
}

/* COMMAND_LINE_SIZE: 2047 bytes pass, 2048 are refused with a message saying why. */
static void test_cmdline_limit(void **state)
{
	char line[GUEST_CMDLINE_MAX + 1], base[GUEST_CMDLINE_MAX + 1], arg[GUEST_CMDLINE_MAX + 1];
	struct bb_err err = { 0 };
	char *args[] = { arg, NULL };
	long blen;

	(void)state;
	blen = guest_cmdline_base(&tcg_guest, base, sizeof(base), &err);
	assert_true(blen > 0);
	/* base + " bb.argv=s," + arg */
	size_t room = GUEST_CMDLINE_MAX - (size_t)blen - strlen(" bb.argv=s,");
	memset(arg, 'a', room);
	arg[room] = '\0';
	assert_int_equal(guest_cmdline(&tcg_guest, "s", args, line, sizeof(line), &err),
	                 GUEST_CMDLINE_MAX);
	assert_int_equal(strlen(line), GUEST_CMDLINE_MAX);
	arg[room] = 'a';
	arg[room + 1] = '\0';
	assert_int_equal(guest_cmdline(&tcg_guest, "s", args, line, sizeof(line), &err), -1);
	assert_non_null(strstr(err.msg, "kernel command line of 2048 bytes exceeds the guest's "
	                                "limit of 2047"));
	/* Escapes count three times: 700 commas are 2100 bytes encoded. */
	memset(arg, ',', 700);
	arg[700] = '\0';
	bb_err_clear(&err);
	assert_int_equal(guest_cmdline(&tcg_guest, "s", args, line, sizeof(line), &err), -1);
	assert_non_null(strstr(err.msg, "exceeds the guest's limit"));
}

/* Write len bytes of buf into a new temporary file; returns its path (static storage). */
static const char *write_tmp(const void *buf, size_t len)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/bb-test-guest-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
	return path;
}

static void test_kernel_version_bzimage(void **state)
{
	static unsigned char img[0x1000];
	struct bb_err err = { 0 };
	char ver[128];
	const char *path;

	(void)state;
	memcpy(img + 0x202, "HdrS", 4);
	img[0x20e] = 0x00; /* version string at 0x300 + 0x200 */
	img[0x20f] = 0x03;
	strcpy((char *)img + 0x500, "6.1.0-56-cloud-amd64 (x@y) #1 SMP");
	path = write_tmp(img, sizeof(img));
	assert_int_equal(guest_kernel_version(path, ver, sizeof(ver), &err), 0);
	assert_string_equal(ver, "6.1.0-56-cloud-amd64 (x@y) #1 SMP");
	unlink(path);
	memset(img + 0x202, 0, 4);
	path = write_tmp(img, sizeof(img));
	assert_int_equal(guest_kernel_version(path, ver, sizeof(ver), &err), -1);
	assert_non_null(strstr(err.msg, "neither a bzImage nor an ELF"));
	unlink(path);
	assert_int_equal(guest_kernel_version("/nonexistent/vmlinux", ver, sizeof(ver), &err), -1);
	assert_int_equal(err.errnum, ENOENT);
	assert_non_null(strstr(err.msg, "/nonexistent/vmlinux"));
}

/* The last banner wins (6.1 keeps a first copy without the build number), format strings are
 * skipped, and a banner across the reader's 1 MiB chunk boundary is still found. */
static void test_kernel_version_elf(void **state)
{
	size_t len = (1u << 20) + 4096;
	char *img = calloc(1, len);
	struct bb_err err = { 0 };
	char ver[128];
	const char *path;

	(void)state;
	assert_non_null(img);
	memcpy(img, "\177ELF", 4);
	strcpy(img + 100, "Linux version %s (%s)\n");
	strcpy(img + 200, "Linux version 6.1.0-x (b@h) # SMP\n");
	strcpy(img + (1u << 20) - 20, "Linux version 6.1.0-x (b@h) #1 SMP\n");
	path = write_tmp(img, len);
	assert_int_equal(guest_kernel_version(path, ver, sizeof(ver), &err), 0);
	assert_string_equal(ver, "6.1.0-x (b@h) #1 SMP");
	unlink(path);
	memset(img + 100, 0, len - 100);
	path = write_tmp(img, len);
	assert_int_equal(guest_kernel_version(path, ver, sizeof(ver), &err), -1);
	assert_non_null(strstr(err.msg, "no Linux version banner"));
	unlink(path);
	free(img);
}

/* An empty file at path. */
static void write_tmp_at(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	close(fd);
}

/* Paths default to the build tree's guest/, overrides win, and both must be readable. */
static void test_files_find(void **state)
{
	char dir[] = "/tmp/bb-test-guest-XXXXXX", path[128];
	struct guest_files f;
	struct bb_err err = { 0 };

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(guest_files_find(&f, dir, NULL, NULL, &err), -1);
	assert_int_equal(err.errnum, ENOENT);
	snprintf(path, sizeof(path), "guest kernel %s/guest/vmlinux", dir);
	assert_non_null(strstr(err.msg, path));
	snprintf(path, sizeof(path), "%s/guest", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/guest/vmlinux", dir);
	write_tmp_at(path);
	assert_int_equal(guest_files_find(&f, dir, NULL, NULL, &err), -1);
	snprintf(path, sizeof(path), "guest initramfs %s/guest/initramfs.cpio", dir);
	assert_non_null(strstr(err.msg, path));
	snprintf(path, sizeof(path), "%s/guest/initramfs.cpio", dir);
	write_tmp_at(path);
	assert_int_equal(guest_files_find(&f, dir, NULL, NULL, &err), 0);
	assert_string_equal(f.initrd, path);
	snprintf(path, sizeof(path), "%s/guest/vmlinux", dir);
	assert_string_equal(f.kernel, path);
	assert_string_equal(f.kernel_version, "");
	/* not an ELF: no compressed image of it to count */
	assert_string_equal(f.kernel_image, "");
	/* an ELF vmlinux with its vmlinuz beside it: the image is named (what the footprint
	 * counts); without the vmlinuz, none */
	int fd = open(f.kernel, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "\177ELF", 4), 4);
	close(fd);
	assert_int_equal(guest_files_find(&f, dir, NULL, NULL, &err), 0);
	assert_string_equal(f.kernel_image, "");
	char image[192], kernel[192];
	snprintf(image, sizeof(image), "%s/guest/vmlinuz", dir);
	write_tmp_at(image);
	assert_int_equal(guest_files_find(&f, dir, NULL, NULL, &err), 0);
	assert_string_equal(f.kernel_image, image);
	/* a kernel named on the command line is booted and counted as it is */
	snprintf(kernel, sizeof(kernel), "%s", f.kernel);
	assert_int_equal(guest_files_find(&f, dir, kernel, NULL, &err), 0);
	assert_string_equal(f.kernel_image, "");
	unlink(image);
	assert_int_equal(guest_files_find(&f, dir, "/nonexistent/vmlinux", NULL, &err), -1);
	assert_string_equal(err.msg,
	                    "guest kernel /nonexistent/vmlinux: No such file or directory");
	/* the failed look-up may have overwritten f: remove the files by the names made here */
	snprintf(path, sizeof(path), "%s/guest/initramfs.cpio", dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(unlink(kernel), 0);
	snprintf(path, sizeof(path), "%s/guest", dir);
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

#if defined(__x86_64__) || defined(__i386__)
/* Any x86 TSC of the last twenty years runs between 0.5 and 10 GHz. */
static void test_tsc_khz(void **state)
{
	unsigned long khz = guest_tsc_khz();

	(void)state;
	assert_in_range(khz, 500000, 10000000);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_plain),
		cmocka_unit_test(test_encode_escapes),
		cmocka_unit_test(test_encode_too_small),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_cmdline_exact),
		cmocka_unit_test(test_cmdline_console),
		cmocka_unit_test(test_cmdline_limit),
		cmocka_unit_test(test_files_find),
		cmocka_unit_test(test_kernel_version_bzimage),
		cmocka_unit_test(test_kernel_version_elf),
#if defined(__x86_64__) || defined(__i386__)
		cmocka_unit_test(test_tsc_khz),
#endif
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
