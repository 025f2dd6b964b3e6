/* QEMU's q35 machine as people boot a VM: the standard PC (PCIe, ACPI, an emulated chipset),
 * SeaBIOS as firmware, which reads the boot loader from the root disk (virtio-blk-pci), which
 * loads the disk's kernel and initramfs with the disk's own command line. The launcher's
 * command line (the workload's argv) rides on a second, read-only disk (BB_DISK_ARGS). */
#include "vmm.h"
#include "vmm_qemu.h"
#include "cmdline.h"

#include <stdbool.h>
#include <stdio.h>

extern const struct vmm_ops vmm_qemu_q35;

static int qemu_q35_argv(const char *path, const struct guest *g, const char *cmdline, char ***argv,
                         struct bb_err *err)
{
	struct vmm_argv a = { 0 };

	(void)cmdline; /* the disk's boot loader has its own; the launcher's is on args_disk */
	*argv = NULL;
	if (!g->root_disk || !g->args_disk)
		return bb_fail(err, 0, "q35 boots a root disk and needs the config disk");
	if (qemu_argv_machine(&a, &vmm_qemu_q35, path, g, err) < 0) {
		vmm_argv_free(a.v);
		return -1;
	}
	vmm_argv_add(&a, "-bios");
	vmm_argv_add(&a, "%s", vmm_qemu_q35.firmware);
	/* The root disk is the only boot device; the others have no boot index. */
	qemu_argv_disk(&a, g->root_disk, BB_DISK_ROOT, NULL, "virtio-blk-pci,bootindex=0");
	qemu_argv_disk(&a, g->args_disk, BB_DISK_ARGS, NULL, "virtio-blk-pci");
	if (g->disk)
		qemu_argv_disk(&a, g->disk, BB_DISK_SCRATCH, guest_disk_cache(g), "virtio-blk-pci");
	return vmm_argv_finish(&a, argv, err);
}

const struct vmm_ops vmm_qemu_q35 = {
	.name = "qemu",
	.machine = "q35",
	.binary = "qemu-system-x86_64",
	.package = "qemu-system-x86",
	.accels = qemu_accels,
	/* the disk's boot loader configures the console (scripts/mkimage-full.sh) */
	.console = { .device = "ttyS0", .params = NULL },
	.firmware = "/usr/share/seabios/bios-256k.bin",
	.firmware_package = "seabios",
	.version_arg = "-version",
	.parse_version = qemu_parse_version,
	.argv = qemu_q35_argv,
};
