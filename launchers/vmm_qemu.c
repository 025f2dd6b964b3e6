/* QEMU's microvm machine: a minimal x86 machine (no PCI, no firmware, virtio-mmio devices),
 * the fastest QEMU machine to boot a Linux guest directly. */
#include "vmm.h"
#include "vmm_qemu.h"
#include "cmdline.h"
#include "cleanup.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QEMU_MAX_MEM_MIB (1024u * 1024u)
#define QEMU_MAX_VCPUS   255

extern const struct vmm_ops vmm_qemu_microvm;

/* QEMU's option parser splits -drive values on ',' and takes ",," as a literal comma. */
static char *qemu_opt_escape(const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(2 * n + 1), *o = out;

	if (!out)
		return NULL;
	for (; *s; s++) {
		*o++ = *s;
		if (*s == ',')
			*o++ = ',';
	}
	*o = '\0';
	return out;
}

void qemu_argv_disk(struct vmm_argv *a, const char *disk, const char *serial, const char *cache,
                    const char *device)
{
	_cleanup_free_ char *file = qemu_opt_escape(disk);

	if (!file) {
		a->failed = true;
		return;
	}
	/* The scratch disk: cache=none (vm_disk.h), so the guest's O_DIRECT reaches the host file
	 * with O_DIRECT too and the host page cache does not flatter the VM's I/O figures; the
	 * guest's discards free the image's blocks as a deleted file frees the host's. The root
	 * disk: read-only and cached by the host, one copy of its pages shared by every
	 * instance, as a container's root is. */
	vmm_argv_add(a, "-drive");
	if (cache)
		vmm_argv_add(a, "id=%s,file=%s,format=raw,if=none,cache=%s,discard=unmap", serial,
		             file, cache);
	else
		vmm_argv_add(a, "id=%s,file=%s,format=raw,if=none,readonly=on", serial, file);
	vmm_argv_add(a, "-device");
	vmm_argv_add(a, "%s,drive=%s,serial=%s", device, serial, serial);
}

int qemu_argv_machine(struct vmm_argv *a, const struct vmm_ops *vmm, const char *path,
                      const struct guest *g, struct bb_err *err)
{
	const struct vmm_accel *accel = vmm_accel(vmm, g->accel, err);
	unsigned mem = g->mem_mib ? g->mem_mib : GUEST_DEFAULT_MEM_MIB;
	unsigned vcpus = g->vcpus ? g->vcpus : GUEST_DEFAULT_VCPUS;

	if (!accel)
		return -1;
	/* Refused here with a reason, rather than by QEMU with its own message at every start. */
	if (mem < 16 || mem > QEMU_MAX_MEM_MIB)
		return bb_fail(err, 0, "guest memory of %u MiB out of range 16..%u", mem,
		               QEMU_MAX_MEM_MIB);
	if (vcpus > QEMU_MAX_VCPUS)
		return bb_fail(err, 0, "%u vcpus: more than %d", vcpus, QEMU_MAX_VCPUS);
	if (!path)
		return bb_fail(err, 0, "the path of qemu is required");
	vmm_argv_add(a, "%s", path);
	vmm_argv_add(a, "-M");
	vmm_argv_add(a, "%s", vmm->machine);
	vmm_argv_add(a, "-accel");
	vmm_argv_add(a, "%s", accel->name);
	vmm_argv_add(a, "-cpu");
	vmm_argv_add(a, "%s", accel->cpu);
	vmm_argv_add(a, "-m");
	vmm_argv_add(a, "%u", mem);
	vmm_argv_add(a, "-smp");
	vmm_argv_add(a, "%u", vcpus);
	/* No default devices, no config files, no display, no network, no shared host files:
	 * one serial port (the records) on QEMU's stdout. -no-reboot: a guest's reboot (panic=-1)
	 * ends QEMU. */
	vmm_argv_add(a, "-nodefaults");
	vmm_argv_add(a, "-no-user-config");
	vmm_argv_add(a, "-display");
	vmm_argv_add(a, "none");
	vmm_argv_add(a, "-serial");
	vmm_argv_add(a, "stdio");
	vmm_argv_add(a, "-no-reboot");
	return 0;
}

static void qemu_argv_boot(struct vmm_argv *a, const struct guest *g, const char *cmdline)
{
	vmm_argv_add(a, "-kernel");
	vmm_argv_add(a, "%s", g->kernel);
	vmm_argv_add(a, "-initrd");
	vmm_argv_add(a, "%s", g->initrd);
	vmm_argv_add(a, "-append");
	vmm_argv_add(a, "%s", cmdline);
	if (g->root_disk)
		qemu_argv_disk(a, g->root_disk, BB_DISK_ROOT, NULL, "virtio-blk-device");
	if (g->disk)
		qemu_argv_disk(a, g->disk, BB_DISK_SCRATCH, guest_disk_cache(g),
		               "virtio-blk-device");
	/* Modern virtio-mmio (not microvm's legacy default): the same virtio-blk driver paths a
	 * PCI guest would use. */
	if (g->disk || g->root_disk) {
		vmm_argv_add(a, "-global");
		vmm_argv_add(a, "virtio-mmio.force-legacy=false");
	}
}

static int qemu_microvm_argv(const char *path, const struct guest *g, const char *cmdline,
                             char ***argv, struct bb_err *err)
{
	struct vmm_argv a = { 0 };

	*argv = NULL;
	if (!path || !g->kernel || !g->initrd || !cmdline)
		return bb_fail(err, 0, "qemu, kernel, initrd and command line are required");
	/* microvm keeps its default ACPI and RTC: the cloud kernel has no MPPARSE and finds the
	 * CPUs and the virtio-mmio devices through microvm's ACPI tables (rtc=off hangs it). */
	if (qemu_argv_machine(&a, &vmm_qemu_microvm, path, g, err) < 0) {
		vmm_argv_free(a.v);
		return -1;
	}
	qemu_argv_boot(&a, g, cmdline);
	return vmm_argv_finish(&a, argv, err);
}

/* "QEMU emulator version 7.2.22 (Debian ...)" -> "7.2.22 (Debian ...)": the first line of
 * `qemu -version` without the prefix. */
int qemu_parse_version(const char *text, char *buf, size_t len)
{
	static const char banner[] = "QEMU emulator version ";
	const char *s = strstr(text, banner), *e;

	if (!s || !len)
		return -1;
	s += strlen(banner);
	e = s + strcspn(s, "\r\n");
	if (e == s)
		return -1;
	snprintf(buf, len, "%.*s", (int)(e - s), s);
	return 0;
}

const struct vmm_accel qemu_accels[] = {
	{ .name = "kvm", .cpu = "host", .emulated = false },
	{ .name = "tcg", .cpu = "qemu64", .emulated = true },
	{ .name = NULL },
};

/* -cpu qemu64 under TCG: the fastest TCG boot measured here (see vm.c). microvm has one UART,
 * and 8250.nr_uarts=1 spares the kernel probing for more. */
const struct vmm_ops vmm_qemu_microvm = {
	.name = "qemu",
	.machine = "microvm",
	.binary = "qemu-system-x86_64",
	.package = "qemu-system-x86",
	.accels = qemu_accels,
	.console = { .device = "ttyS0", .params = "8250.nr_uarts=1" },
	.version_arg = "-version",
	.parse_version = qemu_parse_version,
	.argv = qemu_microvm_argv,
};
