/* `boxbench merge`: gathering single-host results (or merged ones, flattened) into one set of
 * hosts, and the hosts that gave none (--missing). */
#ifndef BB_MERGE_H
#define BB_MERGE_H

#include "err.h"
#include "results_hosts.h"

/* An input argument: "NAME=FILE" (NAME a valid host name) or "FILE" (*name set to ""). A
 * file whose name has '=' before any '/' is given as ./FILE. */
int merge_parse_input(const char *arg, char name[BB_HOST_NAME_MAX], const char **path,
                      struct bb_err *err);

/* Add the hosts of result file path to set: a single-host result as one host named name (or,
 * name empty, its host.hostname); a merged one as all its hosts (name renames it only when it
 * holds one host). A name already in set is an error. */
int merge_add_file(struct bb_hostset *set, const char *name, const char *path, struct bb_err *err);

/* "NAME=STATUS:REASON" (STATUS unreachable, failed or timeout; REASON may be empty): add a host
 * without a result. */
int merge_add_missing(struct bb_hostset *set, const char *spec, struct bb_err *err);

#endif
