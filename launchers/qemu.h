/* Pure helpers of the VM launcher: the QEMU command line, the guest kernel command line (with
 * the workload's argv encoded as bench/cmdline.h documents), and the guest kernel's version read
 * from its bzImage header. No process is started here, so all of it is unit-tested. */
#ifndef BB_QEMU_H
#define BB_QEMU_H

#include <stddef.h>

#include "err.h"

#define QEMU_BINARY          "qemu-system-x86_64"
#define QEMU_MACHINE         "microvm"
#define QEMU_TCG_CPU         "qemu64" /* the fastest TCG boot measured here: see vm.c */
#define QEMU_DEFAULT_MEM_MIB 256
#define QEMU_DEFAULT_VCPUS   1
#define QEMU_MAX_MEM_MIB     (1024u * 1024u)
#define QEMU_MAX_VCPUS       255
/* Longest kernel command line the guest keeps: x86 COMMAND_LINE_SIZE minus its NUL. */
#define QEMU_CMDLINE_MAX 2047

struct qemu_guest {
	const char *qemu;      /* path of qemu-system-x86_64 */
	const char *kernel;    /* bzImage */
	const char *initrd;    /* initramfs (newc cpio, optionally compressed) */
	const char *accel;     /* "kvm" or "tcg" */
	unsigned mem_mib;      /* 0 = QEMU_DEFAULT_MEM_MIB */
	unsigned vcpus;        /* 0 = QEMU_DEFAULT_VCPUS */
	const char *disk;      /* raw scratch image, /dev/bbscratch in the guest, NULL = none */
	const char *root_disk; /* an image's ext4 root, attached read-only; NULL = none */
	unsigned long tsc_khz; /* TCG: the host TSC rate handed to the guest, 0 = not known */
};

/* "bb.argv=..." for boxbench-load SUITE ARGS... (args NULL-terminated, may be NULL) into buf.
 * Returns its length, or -1 with errno E2BIG when buf is too small. */
long qemu_encode_argv(const char *suite, char *const *args, char *buf, size_t len);

/* The guest kernel's command line without the workload part: console, quiet, power-off and
 * timer options for g->accel. Returns its length, or -1 (E2BIG, or EINVAL for an unknown
 * accelerator) with err set. */
long qemu_cmdline_base(const struct qemu_guest *g, char *buf, size_t len, struct bb_err *err);

/* The full kernel command line: base, bb.disk when g->disk, bb.root when g->root_disk, then
 * bb.argv. Fails with E2BIG
 * ("kernel command line of N bytes exceeds the guest's 2047") rather than let the kernel cut
 * the workload's arguments. buf should hold QEMU_CMDLINE_MAX + 1 bytes. */
long qemu_cmdline(const struct qemu_guest *g, const char *suite, char *const *args, char *buf,
                  size_t len, struct bb_err *err);

/* QEMU's argv (argv[0] = g->qemu, NULL-terminated), every string owned by the array; free
 * with qemu_argv_free(). */
int qemu_argv_build(const struct qemu_guest *g, const char *cmdline, char ***argv,
                    struct bb_err *err);
void qemu_argv_free(char **argv);

/* The guest kernel's version: the string a bzImage carries in its setup header, or the banner
 * of an ELF vmlinux without "Linux version " ("6.1.0-56-cloud-amd64 (debian-
 * kernel@...) #1 SMP ... Debian 6.1.192-2 (...)"), as file(1) shows it. */
int qemu_kernel_version(const char *path, char *buf, size_t len, struct bb_err *err);

/* "QEMU emulator version 7.2.22 (Debian ...)" -> "7.2.22 (Debian ...)": the first line of
 * `qemu -version` without the prefix. Returns -1 when text is not such a banner. */
int qemu_parse_version(const char *text, char *buf, size_t len);

#endif
