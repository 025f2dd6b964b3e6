/* QEMU's q35 row (launchers/vmm_qemu_q35.c): the exact argv of a firmware-booted instance
 * (firmware, the boot disk, the config disk, the scratch disk, the serial port), and what it
 * refuses. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "cmdline.h"
#include "vmm.h"

#define QEMU "/usr/bin/qemu-system-x86_64"

static const struct guest full_guest = {
	.accel = "tcg",
	.mem_mib = 512,
	.root_disk = "/b/full/disk.img",
	.args_disk = "/tmp/boxbench-args-abc",
};

static const struct vmm_ops *q35(void)
{
	const struct vmm_ops *vmm = vmm_find("qemu", "q35");

	assert_non_null(vmm);
	return vmm;
}

static void assert_argv(char **argv, const char *const *want)
{
	size_t i;

	for (i = 0; want[i]; i++) {
		assert_non_null(argv[i]);
		assert_string_equal(argv[i], want[i]);
	}
	assert_null(argv[i]);
}

static void test_row(void **state)
{
	(void)state;
	assert_string_equal(q35()->machine, "q35");
	assert_string_equal(q35()->firmware, "/usr/share/seabios/bios-256k.bin");
	assert_string_equal(q35()->firmware_package, "seabios");
	/* the microVM stays the default row, booting without firmware */
	assert_string_equal(vmms[0]->machine, "microvm");
	assert_null(vmms[0]->firmware);
}

/* SeaBIOS boots the read-only root disk (boot index 0); the config disk is read-only too and
 * the scratch disk writes through (cache=none); one serial port on stdout, no kernel given. */
static void test_argv_tcg_scratch(void **state)
{
	static const char *const want[] = {
		QEMU,
		"-M",
		"q35",
		"-accel",
		"tcg",
		"-cpu",
		"qemu64",
		"-m",
		"512",
		"-smp",
		"1",
		"-nodefaults",
		"-no-user-config",
		"-display",
		"none",
		"-serial",
		"stdio",
		"-no-reboot",
		"-bios",
		"/usr/share/seabios/bios-256k.bin",
		"-drive",
		"id=bbroot,file=/b/full/disk.img,format=raw,if=none,readonly=on",
		"-device",
		"virtio-blk-pci,bootindex=0,drive=bbroot,serial=bbroot",
		"-drive",
		"id=bbargs,file=/tmp/boxbench-args-abc,format=raw,if=none,readonly=on",
		"-device",
		"virtio-blk-pci,drive=bbargs,serial=bbargs",
		"-drive",
		"id=bbscratch,file=/s/d.img,format=raw,if=none,cache=none,discard=unmap",
		"-device",
		"virtio-blk-pci,drive=bbscratch,serial=bbscratch",
		NULL
	};
	struct guest g = full_guest;
	struct bb_err err = { 0 };
	char **argv = NULL;

	(void)state;
	g.disk = "/s/d.img";
	/* the command line is the config disk's content, never an -append */
	assert_int_equal(q35()->argv(QEMU, &g, "bb.argv=startup", &argv, &err), 0);
	assert_argv(argv, want);
	vmm_argv_free(argv);
}

static void test_argv_rejects(void **state)
{
	struct guest g = full_guest;
	struct bb_err err = { 0 };
	char **argv = (char **)1;

	(void)state;
	g.args_disk = NULL;
	assert_int_equal(q35()->argv(QEMU, &g, "x", &argv, &err), -1);
	assert_null(argv);
	assert_string_equal(err.msg, "q35 boots a root disk and needs the config disk");
	g = full_guest;
	g.root_disk = NULL;
	assert_int_equal(q35()->argv(QEMU, &g, "x", &argv, &err), -1);
	g = full_guest;
	g.mem_mib = 8;
	assert_int_equal(q35()->argv(QEMU, &g, "x", &argv, &err), -1);
	assert_string_equal(err.msg, "guest memory of 8 MiB out of range 16..1048576");
	g = full_guest;
	g.accel = "hvf";
	assert_int_equal(q35()->argv(QEMU, &g, "x", &argv, &err), -1);
	assert_string_equal(err.msg, "unknown accelerator \"hvf\" (expected kvm or tcg)");
	assert_null(argv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_row),
		cmocka_unit_test(test_argv_tcg_scratch),
		cmocka_unit_test(test_argv_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
