/* The VM's guest as every VMM boots it, whatever the VMM: Debian's cloud kernel and boxbench's
 * initramfs from the build tree (scripts/guest.mk), booted directly with a kernel command line
 * that carries the workload's argv (encoded as bench/cmdline.h documents), and the guest
 * kernel's version read from the image. The VMM's own part of the command line (its serial
 * console) comes from struct vmm_ops (vmm.h). No process is started here: all of it is
 * unit-tested. */
#ifndef BB_GUEST_H
#define BB_GUEST_H

#include <limits.h>
#include <stddef.h>

#include "err.h"

/* The uncompressed ELF kernel, booted through its PVH entry: it skips the firmware's bzImage
 * loader and the decompressor, about 0.3-0.5 s of a TCG boot here (guest.mk makes both). */
#define GUEST_KERNEL_FILE "guest/vmlinux"
#define GUEST_INITRD_FILE "guest/initramfs.cpio"
/* The same kernel as Debian ships it (a bzImage): what a VM with a boot loader loads, and what
 * the footprint counts when the ELF above is booted (only to speed up an emulated boot). */
#define GUEST_KERNEL_IMAGE_FILE "guest/vmlinuz"
#define GUEST_DEFAULT_MEM_MIB   256
#define GUEST_DEFAULT_VCPUS     1
/* Longest kernel command line the guest keeps: x86 COMMAND_LINE_SIZE minus its NUL. */
#define GUEST_CMDLINE_MAX 2047

/* The serial port the records travel on, as the VMM's machine offers it to the kernel. */
struct guest_console {
	const char *device; /* the kernel's name for it: "ttyS0" */
	const char *params; /* kernel parameters the machine's console wants, NULL = none */
};

/* One guest, VMM-neutral: what a VMM's argv op and the kernel command line are built from. */
struct guest {
	const char *kernel; /* vmlinux (PVH) or bzImage */
	const char *initrd; /* initramfs (newc cpio, optionally compressed) */
	const char *accel;  /* one of the VMM's accelerators (vmm.h) */
	unsigned mem_mib;   /* 0 = GUEST_DEFAULT_MEM_MIB */
	unsigned vcpus;     /* 0 = GUEST_DEFAULT_VCPUS */
	/* the scratch disk: an ext4 image (vm_disk.h) the guest's init mounts at /scratch with
	 * disk_options ("" or NULL = ext4's defaults), opened by the VMM with disk_cache (NULL =
	 * "none"); NULL = none */
	const char *disk;
	const char *disk_options;
	const char *disk_cache;
	const char *root_disk; /* an image's ext4 root, attached read-only; NULL = none */
	/* a firmware-booted guest's command line as a raw file (vmm.h), read-only; NULL = none */
	const char *args_disk;
	/* run the workload in a container inside the guest (bb.box=BOX, bench/box.c's options);
	 * NULL = the workload is init's child, as in `vm` */
	const char *box;
	const struct guest_console *console; /* the VMM's */
	/* An emulated CPU's TSC rate in kHz (the host's, under TCG), handed to the kernel; 0 = the
	 * kernel calibrates, as it does under hardware virtualisation. */
	unsigned long tsc_khz;
};

/* The scratch disk's cache mode for the VMM: g->disk_cache, "none" when unset. */
const char *guest_disk_cache(const struct guest *g);

/* The kernel and initramfs a run boots, and the kernel's version. */
struct guest_files {
	char kernel[PATH_MAX];
	/* the compressed image of the same kernel when the booted one is an uncompressed ELF
	 * from the build tree (GUEST_KERNEL_IMAGE_FILE); "" otherwise */
	char kernel_image[PATH_MAX];
	char initrd[PATH_MAX];
	char kernel_version[256];
};

/* The kernel and initramfs: the overrides when set, else GUEST_*_FILE in build_dir (NULL =
 * "build"); both must be readable. kernel_image: see struct guest_files. kernel_version is
 * left empty. */
int guest_files_find(struct guest_files *f, const char *build_dir, const char *kernel,
                     const char *initrd, struct bb_err *err);

/* "bb.argv=..." for boxbench-load SUITE ARGS... (args NULL-terminated, may be NULL) into buf.
 * Returns its length, or -1 with errno E2BIG when buf is too small. */
long guest_encode_argv(const char *suite, char *const *args, char *buf, size_t len);

/* The kernel command line without the workload part: console, quiet, power-off and timer
 * options. Returns its length, or -1 with err set. */
long guest_cmdline_base(const struct guest *g, char *buf, size_t len, struct bb_err *err);

/* The full kernel command line: base, bb.disk (and bb.diskopts) when g->disk, bb.root when
 * g->root_disk, bb.box when g->box, then bb.argv. Fails with "kernel command line of N bytes
 * exceeds the guest's limit of 2047" rather than let the kernel cut the workload's arguments. buf
 * should hold GUEST_CMDLINE_MAX + 1 bytes. */
long guest_cmdline(const struct guest *g, const char *suite, char *const *args, char *buf,
                   size_t len, struct bb_err *err);

/* The guest kernel's version: the string a bzImage carries in its setup header, or the banner
 * of an ELF vmlinux without "Linux version " ("6.1.0-56-cloud-amd64 (debian-
 * kernel@...) #1 SMP ... Debian 6.1.192-2 (...)"), as file(1) shows it. */
int guest_kernel_version(const char *path, char *buf, size_t len, struct bb_err *err);

/* The host's TSC rate in kHz (about 60 ms of measuring), 0 where there is no TSC. */
unsigned long guest_tsc_khz(void);

#endif
