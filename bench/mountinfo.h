/* Which mount holds a path, read from /proc/self/mountinfo, and the mount options a guest's
 * scratch file system takes from the host's (issue 14: the io suite compares the same
 * operation in every box, so the VM's ext4 is mounted the way the host's scratch file system
 * is). Used by the workload (the storage it wrote to, as the box sees it), by the VM launcher
 * (the host file system under its disk image) and by the guest's init (the mount itself). */
#ifndef BB_MOUNTINFO_H
#define BB_MOUNTINFO_H

#include <stddef.h>

#include "err.h"

struct bb_mount {
	char source[256];  /* "/dev/vda1", "overlay" */
	char target[1024]; /* the mount point */
	char fstype[32];   /* "ext4" */
	char options[512]; /* the mount's options, then the super block's: "rw,relatime,rw,discard"
	                    */
};

/* The mount holding `path` (an absolute path without symlinks) in mountinfo `text`: the
 * longest mount point that is a prefix of it, the last such line when mounts are stacked.
 * Returns 1 when found, 0 when no line matches, -1 on a malformed line that would match. */
int mountinfo_find(const char *text, const char *path, struct bb_mount *m);

/* The mount holding `path` in this process's view (/proc/self/mountinfo, path resolved). */
int mountinfo_of(const char *path, struct bb_mount *m, struct bb_err *err);

/* The options a guest's ext4 scratch mount mirrors from the host's `options` (fstype: the
 * host's): the access-time policy, lazytime and discard always; data=, commit= and barrier
 * choices only when the host's file system is ext4 too. Comma-separated, "" when none. */
void mount_guest_options(const char *fstype, const char *options, char *out, size_t len);

/* mount(2)'s flags and data for an option string of mount_guest_options()'s: MS_NOATIME and
 * the like become flags, the rest (discard, data=...) the data string. Returns -1 (errno
 * EINVAL) on an option outside that set, which the guest refuses rather than guess. */
int mount_split_options(const char *options, unsigned long *flags, char *data, size_t len);

#endif
