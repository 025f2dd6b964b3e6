/* What an environment is: one typed description per box, filled by its launcher's prepare()
 * (or, for a box that cannot run here, by `run` with the probe's reason), written to the
 * result's `environments` object by one writer and read back by one reader. The harness
 * (claims, footprint, isolation, report, compare) reads these fields, never free-form keys and
 * never the box's name.
 *
 * JSON mapping (results `environments.NAME`), every key optional on reading:
 *   class        "native" | "container" | "vm" | "nested"   (older results: from `kind`)
 *   caps         ["image", "decompose", "guest_clock", "daemon", "limits", "own_kernel"]
 *   kind         the mechanism: "process", "namespaces", "vm"
 *   available, reason
 *   variant_of, removed   a decomposition variant: the full box and what it leaves out
 *   nested_in    a box inside a box: the environment whose guest it runs in ("vm")
 *   image, workload, pu
 *   namespaces   ["mnt", "pid", ...]
 *   cgroup       {mode, hybrid, cpu_quota, cpu_period_us, mem_limit, pids_limit} | null
 *   rootfs       {path, image, image_source, bytes, entries} | null
 *   vmm, vmm_version, machine, accel, boot, emulated, guest_kernel, guest_kernel_version,
 *   initramfs, root_disk, mem_mib, vcpus
 *   engine       {name, version, runtime, runtime_version, store, daemon_start_s, daemon} | absent
 *   storage      {path, host {fs, device, options}, device, format, guest_fs, guest_options,
 *                cache, cache_note, bytes} | absent: what the io suite wrote to
 *   image and image_source sit in `rootfs` when the box switches to a root tree, else at the
 *   top (a guest's image is its root disk)
 * Launcher-specific details that no rule reads (a VM's kernel command line, how a container's
 * /dev is made) travel in `extra` and are merged into the same object when written. */
#ifndef BB_ENVDESC_H
#define BB_ENVDESC_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "err.h"

#define ENVDESC_NAME 32
#define ENVDESC_PATH 1024

enum bb_class {
	BB_CLASS_UNKNOWN, /* an older or foreign result that does not say */
	BB_CLASS_NATIVE,  /* a plain process on the host */
	BB_CLASS_CONTAINER,
	BB_CLASS_VM,
	BB_CLASS_NESTED, /* a box inside a box (a container inside a VM) */
};

/* What a box can do or needs; the harness decides by these, never by a name. */
enum bb_cap {
	BB_CAP_IMAGE = 1 << 0,     /* runs on a root image: one box per --image */
	BB_CAP_DECOMPOSE = 1 << 1, /* its parts can be left out one at a time (C10) */
	BB_CAP_GUEST_CLOCK =
	    1 << 2,                 /* a guest kernel with its own clock (guest_boottime_at_init) */
	BB_CAP_DAEMON = 1 << 3,     /* needs a daemon that outlives the instances */
	BB_CAP_LIMITS = 1 << 4,     /* enforces CPU, memory and pids limits */
	BB_CAP_OWN_KERNEL = 1 << 5, /* runs its own kernel: the host kernel's state is not shared */
};

struct bb_envdesc_cgroup {
	bool on; /* the box has a cgroup of its own */
	char mode[8];
	bool hybrid;
	double cpu_quota; /* CPUs worth of time */
	long cpu_period_us;
	long long mem_limit; /* bytes */
	long pids_limit;
};

struct bb_envdesc_rootfs {
	bool on; /* the box switches to a root of its own */
	char path[ENVDESC_PATH];
	long long bytes; /* of the minimal tree; -1 = not measured (an image's tree) */
	int entries;
};

/* The storage the io suite writes to (issue 14: the same operation in every box): the host
 * directory (native, containers: bound), or a guest's disk image kept in it (VMs). */
struct bb_envdesc_storage {
	bool on;
	char path[ENVDESC_PATH]; /* the host directory, or the disk image in it */
	/* the host file system under path: "ext4", "/dev/vda1", "rw,relatime,..." */
	char host_fs[32], host_device[256], host_options[512];
	/* a guest's disk; "" otherwise */
	char device[32];         /* "virtio-blk" */
	char format[16];         /* "raw" */
	char guest_fs[32];       /* "ext4" */
	char guest_options[256]; /* its mount options in the guest, mirrored from the host's */
	char cache[16];          /* the VMM's cache mode: "none" (O_DIRECT on the host) */
	char cache_note[256];    /* why it is not "none" */
	long long bytes;         /* the image's size; 0 for a directory */
};

/* A container engine or OCI runtime around the box (runc, crun, podman, docker). */
struct bb_envdesc_engine {
	char name[32];              /* "docker", "podman"; "" = a runtime driven directly */
	char version[256];          /* the engine's own, "" = none */
	char runtime[ENVDESC_PATH]; /* the OCI runtime binary */
	char runtime_version[256];
	char store[ENVDESC_PATH];  /* image store (layers, metadata) apart from the root */
	double daemon_start_s;     /* a daemon boxbench started: its start, once; 0 = none */
	char daemon[ENVDESC_PATH]; /* "dockerd (private: ...)" or the user's daemon URI */
};

struct bb_envdesc {
	char name[ENVDESC_NAME];
	enum bb_class class;
	unsigned caps; /* enum bb_cap */
	bool available;
	char reason[512];
	char kind[16];
	char variant_of[ENVDESC_NAME]; /* "" unless a decomposition variant */
	char removed[96];              /* what the variant leaves out: "net", "mnt+rootfs" */
	/* A nested box: the environment it runs inside (container-in-vm: "vm", whose guest,
	 * kernel and initramfs it boots), so that a rule can take the container's cost inside
	 * that guest against the same guest without it; "" for every other box. */
	char nested_in[ENVDESC_NAME];
	char image[ENVDESC_NAME];        /* root image, "" when the box has none */
	char image_source[ENVDESC_PATH]; /* where an image other than minimal came from */
	char workload[ENVDESC_PATH]; /* the workload binary the box runs, "" = inside an image */
	int pu;
	bool has_namespaces;
	unsigned namespaces; /* enum bb_ns */
	struct bb_envdesc_cgroup cgroup;
	struct bb_envdesc_rootfs rootfs;
	/* a guest */
	char vmm[64], vmm_version[256], machine[64], accel[16];
	bool emulated; /* figures come from an emulator (TCG): never read them as hardware cost */
	char guest_kernel[ENVDESC_PATH], guest_kernel_version[512];
	/* the compressed image of the same kernel (a bzImage) when guest_kernel is an ELF booted
	 * only to speed up an emulated boot: what a real VM loads, and what its disk counts */
	char guest_kernel_image[ENVDESC_PATH];
	char initramfs[ENVDESC_PATH], root_disk[ENVDESC_PATH];
	/* How the guest's kernel starts: ENVDESC_BOOT_DIRECT (the VMM loads it: a microVM) or
	 * ENVDESC_BOOT_FIRMWARE (firmware and a boot loader from the disk: a VM as people boot
	 * it); "" for no guest. What tells a microVM from a full-OS VM, never the names. */
	char boot[16];
	unsigned mem_mib, vcpus;
	struct bb_envdesc_engine engine; /* engine.runtime[0] == '\0': none */
	struct bb_envdesc_storage storage;
	json_t *extra; /* owned: launcher-specific details, an object or NULL */
};

#define ENVDESC_BOOT_DIRECT   "direct"
#define ENVDESC_BOOT_FIRMWARE "firmware"

void envdesc_init(struct bb_envdesc *d, const char *name);
void envdesc_free(struct bb_envdesc *d);
/* Deep copy (extra is shared by reference count). */
void envdesc_copy(struct bb_envdesc *dst, const struct bb_envdesc *src);

json_t *envdesc_to_json(const struct bb_envdesc *d);
/* Read one `environments` entry; a wrong type is an error naming the key. */
int envdesc_from_json(const char *name, json_t *obj, struct bb_envdesc *d, struct bb_err *err);

const char *envdesc_class_name(enum bb_class c);
/* "virtio-blk ext4 image on ext4, cache=none" or "ext4 directory (/dev/vda1)": one line
 * naming the storage; "" when the box has none recorded. */
void envdesc_storage_line(const struct bb_envdesc_storage *s, char *buf, size_t len);
bool envdesc_is_variant(const struct bb_envdesc *d);

#endif
