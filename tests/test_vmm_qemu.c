/* The VMM layer (launchers/vmm.c, vmms.c) and its QEMU microvm row (launchers/vmm_qemu.c):
 * the table, the accelerators, the exact argv of one instance, finding the binary and reading
 * its version. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "vmm.h"

#define QEMU "/usr/bin/qemu-system-x86_64"

static const struct guest tcg_guest = {
	.kernel = "/b/guest/vmlinux",
	.initrd = "/b/guest/initramfs.cpio",
	.accel = "tcg",
};

static const struct vmm_ops *qemu(void)
{
	const struct vmm_ops *vmm = vmm_find("qemu", "microvm");

	assert_non_null(vmm);
	return vmm;
}

/* argv equals want (NULL-terminated) element by element. */
static void assert_argv(char **argv, const char *const *want)
{
	size_t i;

	for (i = 0; want[i]; i++) {
		assert_non_null(argv[i]);
		assert_string_equal(argv[i], want[i]);
	}
	assert_null(argv[i]);
}

/* QEMU microvm is the first row, the default; a machine it does not offer is not found. */
static void test_table(void **state)
{
	(void)state;
	assert_ptr_equal(vmms[0], qemu());
	assert_ptr_equal(vmm_find("qemu", NULL), vmms[0]);
	assert_null(vmm_find("qemu", "no-such-machine"));
	assert_null(vmm_find("no-such-vmm", NULL));
	assert_null(vmm_find(NULL, NULL));
	assert_string_equal(qemu()->binary, "qemu-system-x86_64");
	assert_string_equal(qemu()->package, "qemu-system-x86");
	assert_string_equal(qemu()->console.device, "ttyS0");
	assert_string_equal(qemu()->console.params, "8250.nr_uarts=1");
	for (size_t i = 0; vmms[i]; i++)
		assert_true(vmms[i]->name && vmms[i]->machine && vmms[i]->binary &&
		            vmms[i]->package && vmms[i]->accels && vmms[i]->console.device &&
		            vmms[i]->version_arg && vmms[i]->parse_version && vmms[i]->argv);
}

/* KVM runs the host's CPU model; TCG the fastest-booting one and is labelled emulated. */
static void test_accels(void **state)
{
	struct bb_err err = { 0 };
	const struct vmm_accel *a;

	(void)state;
	a = vmm_accel(qemu(), "kvm", &err);
	assert_non_null(a);
	assert_string_equal(a->cpu, "host");
	assert_false(a->emulated);
	a = vmm_accel(qemu(), "tcg", &err);
	assert_non_null(a);
	assert_string_equal(a->cpu, "qemu64");
	assert_true(a->emulated);
	assert_null(vmm_accel(qemu(), "hvf", &err));
	assert_string_equal(err.msg, "unknown accelerator \"hvf\" (expected kvm or tcg)");
	assert_null(vmm_accel(qemu(), NULL, &err));
	assert_string_equal(err.msg, "unknown accelerator \"(null)\" (expected kvm or tcg)");
}

static void test_argv_tcg(void **state)
{
	static const char *const want[] = {
		QEMU, "-M", "microvm", "-accel", "tcg", "-cpu", "qemu64", "-m", "256", "-smp", "1",
		/* no network, no shared host files, no disk unless asked for */
		"-nodefaults", "-no-user-config", "-display", "none", "-serial", "stdio",
		"-no-reboot", "-kernel", "/b/guest/vmlinux", "-initrd", "/b/guest/initramfs.cpio",
		"-append", "console=ttyS0 bb.argv=x", NULL
	};
	struct bb_err err = { 0 };
	char **argv = NULL;

	(void)state;
	assert_int_equal(qemu()->argv(QEMU, &tcg_guest, "console=ttyS0 bb.argv=x", &argv, &err), 0);
	assert_argv(argv, want);
	vmm_argv_free(argv);
}

static void test_argv_kvm_sizes_disk(void **state)
{
	static const char *const want[] = {
		QEMU, "-M", "microvm", "-accel", "kvm", "-cpu", "host", "-m", "512", "-smp", "2",
		"-nodefaults", "-no-user-config", "-display", "none", "-serial", "stdio",
		"-no-reboot", "-kernel", "/b/guest/vmlinux", "-initrd", "/b/guest/initramfs.cpio",
		"-append", "console=ttyS0",
		/* QEMU's option syntax doubles a comma inside a value. */
		"-drive",
		"id=bbscratch,file=/scratch/a,,b.img,format=raw,if=none,cache=none,discard=unmap",
		"-device", "virtio-blk-device,drive=bbscratch,serial=bbscratch", "-global",
		"virtio-mmio.force-legacy=false", NULL
	};
	struct guest g = tcg_guest;
	struct bb_err err = { 0 };
	char **argv = NULL;

	(void)state;
	g.accel = "kvm";
	g.mem_mib = 512;
	g.vcpus = 2;
	g.disk = "/scratch/a,b.img";
	assert_int_equal(qemu()->argv(QEMU, &g, "console=ttyS0", &argv, &err), 0);
	assert_argv(argv, want);
	vmm_argv_free(argv);
}

/* An image's root disk: read-only (one copy serves every instance), found by its serial, put
 * before the scratch disk, which keeps O_DIRECT semantics (cache=none) beside it. */
static void test_argv_root_disk(void **state)
{
	static const char *const want[] = {
		"-drive",
		"id=bbroot,file=/images/debian/disk.ext4,format=raw,if=none,readonly=on",
		"-device",
		"virtio-blk-device,drive=bbroot,serial=bbroot",
		"-drive",
		"id=bbscratch,file=/scratch/d.img,format=raw,if=none,cache=none,discard=unmap",
		"-device",
		"virtio-blk-device,drive=bbscratch,serial=bbscratch",
		"-global",
		"virtio-mmio.force-legacy=false",
		NULL
	};
	struct guest g = tcg_guest;
	struct bb_err err = { 0 };
	char **argv = NULL;
	size_t i = 0;

	(void)state;
	g.root_disk = "/images/debian/disk.ext4";
	g.disk = "/scratch/d.img";
	assert_int_equal(qemu()->argv(QEMU, &g, "console=ttyS0", &argv, &err), 0);
	while (argv[i] && strcmp(argv[i], "-drive") != 0)
		i++;
	assert_int_equal(i, 24); /* right after -append and its value */
	assert_argv(argv + i, want);
	vmm_argv_free(argv);
}

/* Where the host refuses O_DIRECT on the image (vm_disk.h), the disk is host-cached and says
 * so in its drive options. */
static void test_argv_disk_writeback(void **state)
{
	struct guest g = tcg_guest;
	struct bb_err err = { 0 };
	char **argv = NULL;
	bool found = false;

	(void)state;
	g.disk = "/scratch/d.img";
	g.disk_cache = "writeback";
	assert_int_equal(qemu()->argv(QEMU, &g, "console=ttyS0", &argv, &err), 0);
	for (size_t i = 0; argv[i]; i++)
		found |= !strcmp(argv[i], "id=bbscratch,file=/scratch/d.img,format=raw,if=none,"
		                          "cache=writeback,discard=unmap");
	assert_true(found);
	vmm_argv_free(argv);
}

static void test_argv_rejects(void **state)
{
	struct guest g = tcg_guest;
	struct bb_err err = { 0 };
	char **argv = (char **)1;

	(void)state;
	g.accel = "xen";
	assert_int_equal(qemu()->argv(QEMU, &g, "x", &argv, &err), -1);
	assert_null(argv);
	assert_string_equal(err.msg, "unknown accelerator \"xen\" (expected kvm or tcg)");
	g.accel = "tcg";
	g.mem_mib = 8;
	assert_int_equal(qemu()->argv(QEMU, &g, "x", &argv, &err), -1);
	assert_string_equal(err.msg, "guest memory of 8 MiB out of range 16..1048576");
	g.mem_mib = 0;
	g.vcpus = 1000;
	assert_int_equal(qemu()->argv(QEMU, &g, "x", &argv, &err), -1);
	assert_string_equal(err.msg, "1000 vcpus: more than 255");
	g.vcpus = 0;
	g.kernel = NULL;
	assert_int_equal(qemu()->argv(QEMU, &g, "x", &argv, &err), -1);
	assert_string_equal(err.msg, "qemu, kernel, initrd and command line are required");
	g.kernel = tcg_guest.kernel;
	assert_int_equal(qemu()->argv(QEMU, &g, NULL, &argv, &err), -1);
	assert_null(argv);
}

static void test_parse_version(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(qemu()->parse_version("QEMU emulator version 7.2.22 (Debian 1:7.2)\n"
	                                       "Copyright (c) 2003-2022 Fabrice Bellard\n",
	                                       buf, sizeof(buf)),
	                 0);
	assert_string_equal(buf, "7.2.22 (Debian 1:7.2)");
	assert_int_equal(qemu()->parse_version("qemu: unknown option\n", buf, sizeof(buf)), -1);
	assert_int_equal(qemu()->parse_version("QEMU emulator version \n", buf, sizeof(buf)), -1);
}

static char bindir[] = "/tmp/bb-test-vmm-XXXXXX";

/* A stand-in for the VMM's binary in bindir: a shell script with the given body. */
static void fake_binary(const char *body)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/qemu-system-x86_64", bindir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	assert_int_equal(chmod(path, 0700), 0);
}

/* The binary is found through PATH, or the message names the Debian package. */
static void test_locate(void **state)
{
	_cleanup_free_ char *saved = NULL;
	struct bb_err err = { 0 };
	char path[256], want[128];

	(void)state;
	saved = strdup(getenv("PATH") ?: "");
	setenv("PATH", "/nonexistent", 1);
	assert_int_equal(vmm_locate(qemu(), path, sizeof(path), &err), -1);
	assert_string_equal(path, "");
	assert_string_equal(
	    err.msg, "qemu-system-x86_64 not found in PATH (Debian package qemu-system-x86)");
	fake_binary("exit 0");
	snprintf(want, sizeof(want), "%s/qemu-system-x86_64", bindir);
	snprintf(path, sizeof(path), "/nonexistent:%s", bindir);
	setenv("PATH", path, 1);
	assert_int_equal(vmm_locate(qemu(), path, sizeof(path), &err), 0);
	assert_string_equal(path, want);
	setenv("PATH", saved, 1);
}

/* `qemu -version` is run and parsed; a failing or silent binary is an error naming it. */
static void test_version(void **state)
{
	struct bb_err err = { 0 };
	char path[128], ver[64], want[192];

	(void)state;
	snprintf(path, sizeof(path), "%s/qemu-system-x86_64", bindir);
	fake_binary("[ \"$1\" = -version ] || exit 2\n"
	            "echo 'QEMU emulator version 9.9.9 (test)'; echo 'Copyright'");
	assert_int_equal(vmm_version(qemu(), path, ver, sizeof(ver), &err), 0);
	assert_string_equal(ver, "9.9.9 (test)");
	fake_binary("echo 'no banner'");
	assert_int_equal(vmm_version(qemu(), path, ver, sizeof(ver), &err), -1);
	snprintf(want, sizeof(want), "%s -version: exit 0", path);
	assert_string_equal(err.msg, want);
	fake_binary("exit 3");
	assert_int_equal(vmm_version(qemu(), path, ver, sizeof(ver), &err), -1);
	snprintf(want, sizeof(want), "%s -version: exit 3", path);
	assert_string_equal(err.msg, want);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(bindir) ? 0 : -1;
}

static int teardown(void **state)
{
	char path[128];

	(void)state;
	snprintf(path, sizeof(path), "%s/qemu-system-x86_64", bindir);
	unlink(path);
	return rmdir(bindir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),          cmocka_unit_test(test_accels),
		cmocka_unit_test(test_argv_tcg),       cmocka_unit_test(test_argv_kvm_sizes_disk),
		cmocka_unit_test(test_argv_root_disk), cmocka_unit_test(test_argv_rejects),
		cmocka_unit_test(test_parse_version),  cmocka_unit_test(test_locate),
		cmocka_unit_test(test_version),        cmocka_unit_test(test_argv_disk_writeback),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
