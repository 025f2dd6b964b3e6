/* The guest side of the VM launcher's kernel command line protocol (the encoder is in
 * launchers/guest.c). boxbench-init reads /proc/cmdline and finds:
 *
 *   bb.argv=ENC[,ENC...]   the workload's argv without the program path: the suite first, then
 *                          its arguments. Each element is percent-encoded (every byte outside
 *                          [A-Za-z0-9-._~/:+@] becomes %XX, upper-case hex), elements are
 *                          separated by commas. There is always at least one element (the
 *                          suite), so `bb.argv=` is one empty argument, `bb.argv=a,` is "a" "".
 *   bb.disk=SERIAL         the io suite's scratch disk is attached (virtio-blk) with this
 *                          serial: an ext4 file system (launchers/vm_disk.h). Load the virtio
 *                          modules, find the disk by its serial, make /dev/SERIAL a link to it
 *                          and mount it read-write at /scratch (BB_GUEST_SCRATCH) before
 *                          starting the workload; unmount it before power-off.
 *   bb.diskopts=OPTS       the scratch mount's options, mirrored from the host's scratch file
 *                          system (bench/mountinfo.h: "relatime,discard"); absent = defaults.
 *   bb.root=SERIAL         an ext4 root disk (an image: launchers/image.h) is attached with
 *                          this serial: mount it read-only and switch to it, so the workload
 *                          runs from the image's tree. Disks are found by serial because the
 *                          order in which virtio-mmio devices become vda, vdb is not the order
 *                          of QEMU's command line.
 *   bb.box=OPTS            run the workload in boxbench's namespace container inside the guest
 *                          (container-in-vm): init mounts cgroup2, makes its root a mount
 *                          pivot_root can leave, and runs /bin/boxbench-box OPTS ARGV...
 *                          (bench/box.c documents OPTS).
 *
 * Why this encoding: the kernel splits its command line on white space, treats '"' as a
 * quoting toggle with no escape, and passes parameters without a '.' to init's argv/envp. A
 * dotted name keeps the value out of init's environment, and percent-encoding leaves only
 * bytes the parser never interprets. The whole line must fit COMMAND_LINE_SIZE (2048 on x86,
 * including the NUL): the encoder refuses longer lines instead of letting the kernel truncate
 * them silently. */
#ifndef BB_CMDLINE_H
#define BB_CMDLINE_H

#include <stddef.h>

#define BB_KCMD_ARGV     "bb.argv"
#define BB_KCMD_DISK     "bb.disk"
#define BB_KCMD_DISKOPTS "bb.diskopts"
#define BB_KCMD_ROOT     "bb.root"
#define BB_KCMD_BOX      "bb.box"
/* virtio-blk serials (at most 20 bytes): the guest finds each disk by its serial */
#define BB_DISK_SCRATCH "bbscratch"
#define BB_DISK_ROOT    "bbroot"
/* where the guest mounts the scratch disk; the workload gets --dir BB_GUEST_SCRATCH */
#define BB_GUEST_SCRATCH "/scratch"
/* vm-full's config disk: the command line above as raw text (NUL- or newline-terminated),
 * for a guest booted by firmware and a boot loader, whose kernel command line is the disk's
 * own (boxbench-init --unit reads it). */
#define BB_DISK_ARGS "bbargs"
#define BB_KCMD_SIZE 2048 /* x86 COMMAND_LINE_SIZE, including the NUL */

/* Value of the last `name=value` parameter of a kernel command line, split the way the kernel
 * does (white space separates, '"' toggles quoting and is dropped). Returns 1 when found (val
 * holds the value), 0 when absent, -1 when the value does not fit in vallen. */
int cmdline_param(const char *cmdline, const char *name, char *val, size_t vallen);

/* Decode a bb.argv value into a NULL-terminated argv of at least one element, allocated as one
 * block: free(*argv) releases it. Returns argc, or -1 with errno EINVAL (bad %XX, or %00,
 * which no argument can hold) or ENOMEM. */
int cmdline_decode_argv(const char *val, char ***argv);

#endif
