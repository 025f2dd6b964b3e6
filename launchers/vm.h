/* The VM launchers' shared part (vm.c): one guest under one row of the VMM table, found,
 * described, started and torn down the same way whatever boots it. A VM launcher is a
 * flavour: the machine it uses and how it finds its guest (vm: a kernel and initramfs from
 * the build tree, booted directly; vm_full.c: a full-OS disk booted by firmware). */
#ifndef BB_VM_H
#define BB_VM_H

#include <limits.h>
#include <stdbool.h>

#include "guest.h"
#include "image.h"
#include "launcher.h"
#include "sweep.h"
#include "vm_disk.h"
#include "vmm.h"

struct vm_env;

struct vm_flavour {
	const char *machine; /* the row of vmms[] (VMM "qemu") */
	/* Find the guest's files (v->files: kernel, initramfs or v->root_disk, kernel version)
	 * or say why they are missing and how to make them. */
	int (*find)(const struct bb_env_opts *opts, struct vm_env *v, struct bb_err *err);
	/* Its own per-sample timeout (env->timeout_s), 0 = the run's. */
	double (*timeout)(const struct bb_env_opts *opts);
	/* A box inside the guest (guest.h's box: bb.box's value) from the options, written into
	 * buf; NULL = none. */
	void (*box)(const struct bb_env_opts *opts, char *buf, size_t len);
};

struct vm_env {
	const struct vm_flavour *fl;
	const struct vmm_ops *vmm;
	const struct vmm_accel *accel;
	char binary[PATH_MAX];    /* the VMM's */
	char version[256];        /* the VMM's */
	struct vm_disk disk;      /* the io suite's ext4 image, path "" = none */
	char args[PATH_MAX];      /* the config disk of a firmware-booted guest, "" = none */
	char args_dir[PATH_MAX];  /* its directory, named for its owner (sweep.h) */
	char root_disk[PATH_MAX]; /* a full-OS guest's disk, "" = none (or the image's) */
	char box[256];            /* the guest's box (vm_flavour.box), "" = none */
	struct guest_files files;
	const char *kvm_kind; /* the probe's verdict, NULL when --vm-accel chose */
	double kvm_ratio;
	struct bb_image img; /* the root disk's image, img.name "" = the initramfs alone */
	struct guest guest;
};

/* The microVM's guest files (vm's flavour): the build tree's kernel and initramfs, and the
 * --image root disk. */
int vm_find_direct(const struct bb_env_opts *opts, struct vm_env *v, struct bb_err *err);
void vm_probe_with(const struct vm_flavour *fl, const struct bb_env_opts *opts,
                   struct bb_probe *out);
int vm_prepare_with(const struct vm_flavour *fl, struct bb_env *env, struct bb_err *err);
int vm_spawn(struct bb_env *env, const struct bb_job *job, struct bb_instance *inst,
             struct bb_err *err);
int vm_reap(struct bb_env *env, struct bb_instance *inst, double timeout_s, struct bb_err *err);
void vm_cleanup(struct bb_env *env);

/* Where firmware-booted guests' config disks live (a directory each, named for its owner). */
#define VM_ARGS_DIR    "/tmp"
#define VM_ARGS_PREFIX "boxbench-args-"
extern const struct bb_sweeper sweeper_vm_args;

#endif
