/* A VM's scratch storage for the io suite (issue 14: the same operation in every box): an ext4
 * file system in a preallocated raw image kept in the run's scratch directory, so that the
 * guest writes a fresh file in a file system as native and containers do, on blocks that end
 * on the same host file system. Made once per VM box and run (fallocate, then mkfs.ext4 from
 * e2fsprogs), attached as a virtio-blk disk and mounted at /scratch by the guest's init with
 * the host scratch file system's options (bench/mountinfo.h); removed by the box's cleanup on
 * every path, and with the scratch directory by a later run's sweep when the harness was
 * killed. The VMM opens it with cache=none (O_DIRECT on the host: the host's page cache
 * serves nothing) where the host file system accepts O_DIRECT; elsewhere (tmpfs before 6.6)
 * with cache=writeback, and the description says so. */
#ifndef BB_VM_DISK_H
#define BB_VM_DISK_H

#include <limits.h>
#include <stdbool.h>

#include "envdesc.h"
#include "err.h"

#define VM_DISK_FILE    "boxbench-%s-disk.img" /* the environment's name: one per VM box */
#define VM_DISK_MIN_MIB 64                     /* ext4's metadata and journal fit with room */

struct vm_disk {
	char path[PATH_MAX]; /* "" = none */
	bool direct;         /* the host accepts O_DIRECT on it: the VMM's cache=none */
	struct bb_envdesc_storage desc;
};

/* Bytes of an image whose ext4 holds a data_mib file: the data, a quarter more for the
 * metadata, the journal and the free space ext4 wants, at least VM_DISK_MIN_MIB more. */
unsigned long long vm_disk_bytes(unsigned data_mib);

/* The host directory's storage as the io suite uses it natively: its file system, device
 * and mount options. */
int vm_disk_describe_dir(const char *dir, struct bb_envdesc_storage *s, struct bb_err *err);

/* Make dir/boxbench-NAME-disk.img for data_mib of data; nothing is left on failure. */
int vm_disk_create(const char *dir, const char *name, unsigned data_mib, struct vm_disk *d,
                   struct bb_err *err);

/* Remove the image (idempotent). */
void vm_disk_remove(struct vm_disk *d);

#endif
