/* The VM launcher's pure parts: QEMU's argv, the guest kernel command line with the workload's
 * argv encoded on it, the decoder boxbench-init uses (bench/cmdline.c), and the guest kernel's
 * version read from a bzImage header or an ELF vmlinux. */
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
#include <unistd.h>

#include "cmdline.h"
#include "qemu.h"

static const struct qemu_guest tcg_guest = {
	.qemu = "/usr/bin/qemu-system-x86_64",
	.kernel = "/b/guest/vmlinux",
	.initrd = "/b/guest/initramfs.cpio",
	.accel = "tcg",
	.tsc_khz = 2445402,
};

/* Index of s in argv, -1 when absent. */
static int argv_find(char **argv, const char *s)
{
	for (int i = 0; argv[i]; i++)
		if (strcmp(argv[i], s) == 0)
			return i;
	return -1;
}

/* The value following option opt in argv. */
static const char *argv_opt(char **argv, const char *opt)
{
	int i = argv_find(argv, opt);

	return i >= 0 && argv[i + 1] ? argv[i + 1] : NULL;
}

/* Encode, put on a full command line, find with cmdline_param, decode: must give back
 * suite + args exactly. */
static void assert_round_trip(const char *suite, char *const *args)
{
	char line[QEMU_CMDLINE_MAX + 1], val[BB_KCMD_SIZE];
	struct bb_err err = { 0 };
	char **argv = NULL;
	int n = 0;

	assert_true(qemu_cmdline(&tcg_guest, suite, args, line, sizeof(line), &err) > 0);
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
	assert_int_equal(qemu_encode_argv("startup", NULL, buf, sizeof(buf)), 15);
	assert_string_equal(buf, "bb.argv=startup");
	char *args[] = { "--reps", "5", "--dir", "/tmp/x_y.z~", NULL };
	qemu_encode_argv("io", args, buf, sizeof(buf));
	assert_string_equal(buf, "bb.argv=io,--reps,5,--dir,/tmp/x_y.z~");
}

static void test_encode_escapes(void **state)
{
	char *args[] = {
		"a b", "c,d", "\"q\"", "100%", "k=v", "", "\xc3\xa9", "t\tn\n", "'", NULL
	};
	char buf[512];

	(void)state;
	assert_true(qemu_encode_argv("s", args, buf, sizeof(buf)) > 0);
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
	assert_int_equal(qemu_encode_argv("startup", NULL, buf, 15), -1);
	assert_int_equal(errno, E2BIG);
	assert_string_equal(buf, "");
	/* An escape is never cut in half. */
	char *args[] = { ",", NULL };
	assert_int_equal(qemu_encode_argv("ab", args, buf, 14), -1);
	assert_int_equal(qemu_encode_argv("ab", args, buf, 15), 14);
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

static void test_decode_shapes(void **state)
{
	char **argv;

	(void)state;
	assert_int_equal(cmdline_decode_argv("", &argv), 1);
	assert_string_equal(argv[0], "");
	assert_null(argv[1]);
	free(argv);
	assert_int_equal(cmdline_decode_argv("a,", &argv), 2);
	assert_string_equal(argv[0], "a");
	assert_string_equal(argv[1], "");
	free(argv);
	assert_int_equal(cmdline_decode_argv(",,%2c", &argv), 3);
	assert_string_equal(argv[0], "");
	assert_string_equal(argv[1], "");
	assert_string_equal(argv[2], ",");
	free(argv);
}

static void test_decode_rejects(void **state)
{
	const char *bad[] = { "%", "%4", "a,%G1", "%4g", "x%00y", "%0" };
	char **argv = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		assert_int_equal(cmdline_decode_argv(bad[i], &argv), -1);
		assert_int_equal(errno, EINVAL);
	}
}

static void test_param_lookup(void **state)
{
	char val[32];

	(void)state;
	assert_int_equal(cmdline_param("quiet bb.argv=a,b", "bb.argv", val, sizeof(val)), 1);
	assert_string_equal(val, "a,b");
	/* The last one wins, as for the kernel's own parameters. */
	assert_int_equal(cmdline_param("bb.argv=x  bb.argv=y\n", "bb.argv", val, sizeof(val)), 1);
	assert_string_equal(val, "y");
	/* A longer name, a name without '=', and text inside another parameter's quotes. */
	assert_int_equal(cmdline_param("xbb.argv=1 bb.argv bb.argvv=2", "bb.argv", val, 32), 0);
	assert_int_equal(cmdline_param("foo=\"a bb.argv=x\" q", "bb.argv", val, sizeof(val)), 0);
	assert_int_equal(cmdline_param("\"bb.argv=z w\"", "bb.argv", val, sizeof(val)), 1);
	assert_string_equal(val, "z w");
	assert_int_equal(cmdline_param("bb.disk=vda", "bb.disk", val, sizeof(val)), 1);
	assert_string_equal(val, "vda");
	assert_int_equal(cmdline_param("", "bb.disk", val, sizeof(val)), 0);
	assert_int_equal(cmdline_param("bb.argv=0123456789", "bb.argv", val, 10), -1);
}

static void test_cmdline_accel(void **state)
{
	struct qemu_guest g = tcg_guest;
	struct bb_err err = { 0 };
	char line[QEMU_CMDLINE_MAX + 1];

	(void)state;
	assert_true(qemu_cmdline(&g, "startup", NULL, line, sizeof(line), &err) > 0);
	assert_non_null(strstr(line, "console=ttyS0 "));
	assert_non_null(strstr(line, " quiet "));
	assert_non_null(strstr(line, " panic=-1 "));
	assert_non_null(strstr(line, " tsc_early_khz=2445402 tsc=reliable "));
	assert_null(strstr(line, "bb.disk"));
	assert_non_null(strstr(line, " bb.argv=startup"));
	g.accel = "kvm";
	assert_true(qemu_cmdline(&g, "startup", NULL, line, sizeof(line), &err) > 0);
	assert_null(strstr(line, "tsc"));
	g.accel = "tcg";
	g.tsc_khz = 0; /* unknown rate: let the guest calibrate */
	assert_true(qemu_cmdline(&g, "startup", NULL, line, sizeof(line), &err) > 0);
	assert_null(strstr(line, "tsc_early_khz"));
	g.disk = "/scratch/disk.img";
	assert_true(qemu_cmdline(&g, "io", NULL, line, sizeof(line), &err) > 0);
	assert_non_null(strstr(line, " bb.disk=bbscratch bb.argv=io"));
	assert_null(strstr(line, "bb.root"));
	g.root_disk = "/images/debian/disk.ext4";
	assert_true(qemu_cmdline(&g, "io", NULL, line, sizeof(line), &err) > 0);
	assert_non_null(strstr(line, " bb.disk=bbscratch bb.root=bbroot bb.argv=io"));
	g.disk = NULL;
	assert_true(qemu_cmdline(&g, "startup", NULL, line, sizeof(line), &err) > 0);
	assert_non_null(strstr(line, "8250.nr_uarts=1 bb.root=bbroot bb.argv=startup"));
	g.root_disk = NULL;
	g.disk = "/scratch/disk.img";
	g.accel = "hvf";
	assert_int_equal(qemu_cmdline(&g, "io", NULL, line, sizeof(line), &err), -1);
	assert_string_equal(err.msg, "unknown accelerator \"hvf\" (expected kvm or tcg)");
}

/* COMMAND_LINE_SIZE: 2047 bytes pass, 2048 are refused with a message saying why. */
static void test_cmdline_limit(void **state)
{
	char line[QEMU_CMDLINE_MAX + 1], base[QEMU_CMDLINE_MAX + 1], arg[QEMU_CMDLINE_MAX + 1];
	struct bb_err err = { 0 };
	char *args[] = { arg, NULL };
	long blen;

	(void)state;
	blen = qemu_cmdline_base(&tcg_guest, base, sizeof(base), &err);
	assert_true(blen > 0);
	/* base + " bb.argv=s," + arg */
	size_t room = QEMU_CMDLINE_MAX - (size_t)blen - strlen(" bb.argv=s,");
	memset(arg, 'a', room);
	arg[room] = '\0';
	assert_int_equal(qemu_cmdline(&tcg_guest, "s", args, line, sizeof(line), &err),
	                 QEMU_CMDLINE_MAX);
	assert_int_equal(strlen(line), QEMU_CMDLINE_MAX);
	arg[room] = 'a';
	arg[room + 1] = '\0';
	assert_int_equal(qemu_cmdline(&tcg_guest, "s", args, line, sizeof(line), &err), -1);
	assert_non_null(strstr(err.msg, "kernel command line of 2048 bytes exceeds the guest's "
	                                "limit of 2047"));
	/* Escapes count three times: 700 commas are 2100 bytes encoded. */
	memset(arg, ',', 700);
	arg[700] = '\0';
	bb_err_clear(&err);
	assert_int_equal(qemu_cmdline(&tcg_guest, "s", args, line, sizeof(line), &err), -1);
	assert_non_null(strstr(err.msg, "exceeds the guest's limit"));
}

static void test_argv_tcg(void **state)
{
	struct bb_err err = { 0 };
	char **argv = NULL;

	(void)state;
	assert_int_equal(qemu_argv_build(&tcg_guest, "console=ttyS0 bb.argv=x", &argv, &err), 0);
	assert_string_equal(argv[0], "/usr/bin/qemu-system-x86_64");
	assert_string_equal(argv_opt(argv, "-M"), "microvm");
	assert_string_equal(argv_opt(argv, "-accel"), "tcg");
	assert_string_equal(argv_opt(argv, "-cpu"), QEMU_TCG_CPU);
	assert_string_equal(argv_opt(argv, "-m"), "256");
	assert_string_equal(argv_opt(argv, "-smp"), "1");
	assert_string_equal(argv_opt(argv, "-kernel"), "/b/guest/vmlinux");
	assert_string_equal(argv_opt(argv, "-initrd"), "/b/guest/initramfs.cpio");
	assert_string_equal(argv_opt(argv, "-append"), "console=ttyS0 bb.argv=x");
	assert_string_equal(argv_opt(argv, "-serial"), "stdio");
	assert_string_equal(argv_opt(argv, "-display"), "none");
	assert_true(argv_find(argv, "-nodefaults") > 0);
	assert_true(argv_find(argv, "-no-user-config") > 0);
	assert_true(argv_find(argv, "-no-reboot") > 0);
	/* No network, no shared host files, no disk unless asked for. */
	const char *never[] = {
		"-netdev", "-nic", "-net", "-virtfs", "-fsdev", "-drive", "-device"
	};
	for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++)
		assert_int_equal(argv_find(argv, never[i]), -1);
	qemu_argv_free(argv);
}

static void test_argv_kvm_sizes_disk(void **state)
{
	struct qemu_guest g = tcg_guest;
	struct bb_err err = { 0 };
	char **argv = NULL;

	(void)state;
	g.accel = "kvm";
	g.mem_mib = 512;
	g.vcpus = 2;
	g.disk = "/scratch/a,b.img";
	assert_int_equal(qemu_argv_build(&g, "console=ttyS0", &argv, &err), 0);
	assert_string_equal(argv_opt(argv, "-accel"), "kvm");
	assert_string_equal(argv_opt(argv, "-cpu"), "host");
	assert_string_equal(argv_opt(argv, "-m"), "512");
	assert_string_equal(argv_opt(argv, "-smp"), "2");
	/* QEMU's option syntax doubles a comma inside a value. */
	assert_string_equal(argv_opt(argv, "-drive"),
	                    "id=bbscratch,file=/scratch/a,,b.img,format=raw,if=none,cache=none");
	assert_string_equal(argv_opt(argv, "-device"),
	                    "virtio-blk-device,drive=bbscratch,serial=bbscratch");
	assert_string_equal(argv_opt(argv, "-global"), "virtio-mmio.force-legacy=false");
	qemu_argv_free(argv);
}

/* An image's root disk: read-only (one copy serves every instance), found by its serial, and
 * the scratch disk keeps O_DIRECT semantics beside it. */
static void test_argv_root_disk(void **state)
{
	struct qemu_guest g = tcg_guest;
	struct bb_err err = { 0 };
	char **argv = NULL;
	int drives = 0, globals = 0;

	(void)state;
	g.root_disk = "/images/debian/disk.ext4";
	assert_int_equal(qemu_argv_build(&g, "console=ttyS0", &argv, &err), 0);
	assert_string_equal(argv_opt(argv, "-drive"),
	                    "id=bbroot,file=/images/debian/disk.ext4,format=raw,if=none,"
	                    "readonly=on");
	assert_string_equal(argv_opt(argv, "-device"),
	                    "virtio-blk-device,drive=bbroot,serial=bbroot");
	qemu_argv_free(argv);
	g.disk = "/scratch/d.img";
	assert_int_equal(qemu_argv_build(&g, "console=ttyS0", &argv, &err), 0);
	for (size_t i = 0; argv[i]; i++) {
		drives += !strcmp(argv[i], "-drive");
		globals += !strcmp(argv[i], "-global");
		if (!strcmp(argv[i], "-drive") && strstr(argv[i + 1], "id=bbscratch"))
			assert_non_null(strstr(argv[i + 1], "cache=none"));
	}
	assert_int_equal(drives, 2);
	assert_int_equal(globals, 1);
	qemu_argv_free(argv);
}

static void test_argv_rejects(void **state)
{
	struct qemu_guest g = tcg_guest;
	struct bb_err err = { 0 };
	char **argv = (char **)1;

	(void)state;
	g.accel = "xen";
	assert_int_equal(qemu_argv_build(&g, "x", &argv, &err), -1);
	assert_null(argv);
	assert_non_null(strstr(err.msg, "xen"));
	g.accel = "tcg";
	g.mem_mib = 8;
	assert_int_equal(qemu_argv_build(&g, "x", &argv, &err), -1);
	assert_non_null(strstr(err.msg, "8 MiB"));
	g.mem_mib = 0;
	g.vcpus = 1000;
	assert_int_equal(qemu_argv_build(&g, "x", &argv, &err), -1);
	g.vcpus = 0;
	g.kernel = NULL;
	assert_int_equal(qemu_argv_build(&g, "x", &argv, &err), -1);
}

/* Write len bytes of buf into a new temporary file; returns its path (static storage). */
static const char *write_tmp(const void *buf, size_t len)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/bb-test-qemu-XXXXXX");
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
	assert_int_equal(qemu_kernel_version(path, ver, sizeof(ver), &err), 0);
	assert_string_equal(ver, "6.1.0-56-cloud-amd64 (x@y) #1 SMP");
	unlink(path);
	memset(img + 0x202, 0, 4);
	path = write_tmp(img, sizeof(img));
	assert_int_equal(qemu_kernel_version(path, ver, sizeof(ver), &err), -1);
	assert_non_null(strstr(err.msg, "neither a bzImage nor an ELF"));
	unlink(path);
	assert_int_equal(qemu_kernel_version("/nonexistent/vmlinux", ver, sizeof(ver), &err), -1);
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
	assert_int_equal(qemu_kernel_version(path, ver, sizeof(ver), &err), 0);
	assert_string_equal(ver, "6.1.0-x (b@h) #1 SMP");
	unlink(path);
	memset(img + 100, 0, len - 100);
	path = write_tmp(img, len);
	assert_int_equal(qemu_kernel_version(path, ver, sizeof(ver), &err), -1);
	assert_non_null(strstr(err.msg, "no Linux version banner"));
	unlink(path);
	free(img);
}

static void test_parse_version(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(qemu_parse_version("QEMU emulator version 7.2.22 (Debian 1:7.2)\n"
	                                    "Copyright (c) 2003-2022 Fabrice Bellard\n",
	                                    buf, sizeof(buf)),
	                 0);
	assert_string_equal(buf, "7.2.22 (Debian 1:7.2)");
	assert_int_equal(qemu_parse_version("qemu: unknown option\n", buf, sizeof(buf)), -1);
	assert_int_equal(qemu_parse_version("QEMU emulator version \n", buf, sizeof(buf)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_plain),
		cmocka_unit_test(test_encode_escapes),
		cmocka_unit_test(test_encode_too_small),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_decode_shapes),
		cmocka_unit_test(test_decode_rejects),
		cmocka_unit_test(test_param_lookup),
		cmocka_unit_test(test_cmdline_accel),
		cmocka_unit_test(test_cmdline_limit),
		cmocka_unit_test(test_argv_tcg),
		cmocka_unit_test(test_argv_kvm_sizes_disk),
		cmocka_unit_test(test_argv_root_disk),
		cmocka_unit_test(test_argv_rejects),
		cmocka_unit_test(test_kernel_version_bzimage),
		cmocka_unit_test(test_kernel_version_elf),
		cmocka_unit_test(test_parse_version),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
