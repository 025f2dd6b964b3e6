/* The VMMs below the VM launcher (crun's cgroup-manager ops pattern): each is one file ending in
 * a designated-initializer `struct vmm_ops`, one row of `vmms[]` (vmms.c) per machine type it
 * offers. A VMM turns a VMM-neutral guest (guest.h) into the argv of one instance.
 *
 * The contract every VMM keeps, so that the launcher stays the same for all of them:
 * - a row without firmware: direct kernel boot of guest->kernel with guest->initrd and the
 *   given command line;
 * - a row with firmware: the firmware boots guest->root_disk (its boot loader, kernel and
 *   command line are the disk's), and the launcher's command line travels as the raw content
 *   of guest->args_disk (BB_DISK_ARGS);
 * - the guest's serial console (ops->console, the records) is the VMM's stdout, nothing else
 *   is written there;
 * - a guest that reboots or powers off makes the VMM exit (panic=-1 turns a panic into a
 *   reboot);
 * - the launcher pins the VMM's process as a whole: its vCPU threads inherit the affinity;
 * - disks are virtio-blk with the serials of bench/cmdline.h, the root disk read-only. */
#ifndef BB_VMM_H
#define BB_VMM_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "guest.h"

struct vmm_accel {
	const char *name; /* as results name it: "kvm", "tcg" */
	const char *cpu;  /* the guest CPU model under it, for results: "host", "qemu64" */
	bool emulated;    /* the guest's instructions are translated: figures are labelled */
};

struct vmm_ops {
	const char *name;               /* "qemu" */
	const char *machine;            /* the machine type of this row: "microvm" */
	const char *binary;             /* looked up in PATH: "qemu-system-x86_64" */
	const char *package;            /* the Debian package that has it, for the error message */
	const struct vmm_accel *accels; /* ended by { NULL } */
	const struct guest_console console; /* how the guest kernel reaches the serial port */
	/* The firmware image the machine boots from its disk (a file of a Debian package), NULL
	 * for a row that boots the kernel directly. */
	const char *firmware;
	const char *firmware_package;
	/* `binary version_arg` prints a banner that parse_version turns into "7.2.22 (...)";
	 * parse_version returns -1 when text is no such banner. */
	const char *version_arg;
	int (*parse_version)(const char *text, char *buf, size_t len);
	/* The argv of one instance (argv[0] = path, NULL-terminated, every string owned by the
	 * array: free with vmm_argv_free()). Fails for an accelerator the row does not offer
	 * and for sizes out of its range. */
	int (*argv)(const char *path, const struct guest *g, const char *cmdline, char ***argv,
	            struct bb_err *err);
};

/* The first row is the default VMM. */
extern const struct vmm_ops *const vmms[];

/* The row of name and machine (NULL = its first machine), NULL when there is none. */
const struct vmm_ops *vmm_find(const char *name, const char *machine);

/* vmm's accelerator called name, or NULL with "unknown accelerator "x" (expected kvm or tcg)". */
const struct vmm_accel *vmm_accel(const struct vmm_ops *vmm, const char *name, struct bb_err *err);

/* The path of vmm->binary in $PATH, or "NAME not found in PATH (Debian package P)". */
int vmm_locate(const struct vmm_ops *vmm, char *out, size_t len, struct bb_err *err);

/* Run `path version_arg` (bounded by a timeout) and parse its banner into buf. */
int vmm_version(const struct vmm_ops *vmm, const char *path, char *buf, size_t len,
                struct bb_err *err);

/* An argv under construction: the first failed allocation sets failed, later adds do nothing,
 * so a builder checks once at the end. */
struct vmm_argv {
	char **v;
	size_t n, cap;
	bool failed;
};

void vmm_argv_add(struct vmm_argv *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hand a.v to *argv, or free it and fail with ENOMEM. */
int vmm_argv_finish(struct vmm_argv *a, char ***argv, struct bb_err *err);
void vmm_argv_free(char **argv);

#endif
