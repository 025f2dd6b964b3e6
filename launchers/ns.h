/* Namespace kinds of the container environment: the `--container-ns` list ("mnt,pid,uts,ipc,
 * net,cgroup", "all", "none") and its mapping to clone(2) flags. */
#ifndef BB_NS_H
#define BB_NS_H

#include <stddef.h>

#include "err.h"
#include "launcher.h"

struct ns_kind {
	const char *name; /* as written in the list and in results: "mnt", "pid", ... */
	unsigned bit;     /* enum bb_ns */
	int clone_flag;   /* CLONE_NEW* */
};

/* In a fixed order (the order of ns_format()), terminated by a NULL name. */
extern const struct ns_kind ns_kinds[];

/* Parse a comma-separated list into an enum bb_ns mask. Spaces around words are allowed;
 * "all" and "none" stand alone; NULL and "" mean none. Unknown, empty and repeated words are
 * errors naming the word. *mask is written only on success. */
int ns_parse_list(const char *list, unsigned *mask, struct bb_err *err);

/* "mnt,pid,uts,ipc,net,cgroup" (the canonical order) or "none"; ns_parse_list() reads it
 * back to the same mask. Truncates to fit len; returns buf. */
const char *ns_format(unsigned mask, char *buf, size_t len);

/* The CLONE_NEW* flags of a mask. */
int ns_clone_flags(unsigned mask);

#endif
