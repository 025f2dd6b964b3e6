/* Reading the kernel's state files (/sys, /proc) under a root directory: "/" on a real host, a
 * temporary tree in the unit tests, so that every probe built on these can be tested against
 * a host it does not run on (a kvm_intel with ept=N, a CPU with SMT, IRQs pinned away). */
#ifndef BB_SYSFS_H
#define BB_SYSFS_H

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>

/* root + "/" + path into dst ("/" or NULL root: path as given). */
void sysfs_path(const char *root, const char *path, char *dst, size_t len);
/* The first line of root/path, without its newline or trailing blanks: 0, or -1 (errno set)
 * when it cannot be read or is empty. */
int sysfs_read(const char *root, const char *path, char *buf, size_t len);
/* Does root/path exist (a file or a directory)? */
bool sysfs_exists(const char *root, const char *path);
/* fopen of root/path for reading (NULL, errno set, on failure). */
FILE *sysfs_open(const char *root, const char *path);
/* Is cpu in a kernel CPU list ("0-3,8,10-11")? -1 when the list is malformed. */
int sysfs_cpulist_has(const char *list, int cpu);
/* A kernel boolean parameter: 1 for "Y"/"y"/"1", 0 for "N"/"n"/"0", -1 otherwise. */
int sysfs_bool(const char *value);

#endif
