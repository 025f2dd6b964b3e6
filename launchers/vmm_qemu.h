/* What QEMU's machine rows (vmm_qemu.c: microvm, vmm_qemu_q35.c: q35) build alike. */
#ifndef BB_VMM_QEMU_H
#define BB_VMM_QEMU_H

#include <stdbool.h>
#include <stddef.h>

#include "vmm.h"

/* kvm with -cpu host; tcg with -cpu qemu64, the fastest TCG boot measured here (vm.c). */
extern const struct vmm_accel qemu_accels[];

/* argv[0] = path, the machine of vmm, g's accelerator, CPU model, memory and vCPUs (checked
 * against QEMU's limits), and the devices every row has: none but the serial port on stdout,
 * -no-reboot. */
int qemu_argv_machine(struct vmm_argv *a, const struct vmm_ops *vmm, const char *path,
                      const struct guest *g, struct bb_err *err);

/* One virtio-blk disk (device: "virtio-blk-device" on virtio-mmio, "virtio-blk-pci") with the
 * serial the guest finds it by (bench/cmdline.h); cache NULL: read-only and host-cached, else
 * read-write with that cache mode ("none": O_DIRECT on the host) and the guest's discards
 * passed on to the image (discard=unmap). */
void qemu_argv_disk(struct vmm_argv *a, const char *disk, const char *serial, const char *cache,
                    const char *device);

/* "QEMU emulator version 7.2.22 (Debian ...)" -> "7.2.22 (Debian ...)". */
int qemu_parse_version(const char *text, char *buf, size_t len);

#endif
