/* Output files: checked before the work that produces them, written to a temporary file beside
 * the target and put in place at the end (rename, or link when nothing may be replaced), so a
 * reader never sees half a file and a failed write leaves the old one.
 *
 * Only a regular file is ever replaced (with force): never a directory, device node, FIFO,
 * socket or symbolic link (`-o /dev/null --force` as root would otherwise replace the system's
 * /dev/null with a file). */
#ifndef BB_OUTFILE_H
#define BB_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "err.h"

/* Can path take a new file? Not empty; when it exists, a regular file and force set; its
 * directory exists and takes a new file (a temporary one is made and removed). */
int outfile_check(const char *path, bool force, struct bb_err *err);

/* A new temporary file beside path (`.<base>.tmp-XXXXXX`, mode 0644), its name in tmp. */
FILE *outfile_open(const char *path, char *tmp, size_t len, struct bb_err *err);

/* Flush, fsync and close f, then put tmp in place of path: over a regular file (force) or only
 * where nothing is (no force). tmp is gone afterwards, on every path. */
int outfile_commit(FILE *f, const char *tmp, const char *path, bool force, struct bb_err *err);

/* Close f and remove tmp (a write that is given up). */
void outfile_abort(FILE *f, const char *tmp);

#endif
