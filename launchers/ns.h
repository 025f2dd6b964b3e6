/* Namespace kinds of the container environment: the `--container-ns` list ("mnt,pid,uts,ipc,
 * net,cgroup", "all", "none") and its mapping to clone(2) flags. */
#ifndef BB_NS_H
#define BB_NS_H

#include <stddef.h>

#include "err.h"

/* Container namespace kinds, switchable one by one for the startup decomposition. */
enum bb_ns {
	BB_NS_MNT = 1 << 0,
	BB_NS_PID = 1 << 1,
	BB_NS_UTS = 1 << 2,
	BB_NS_IPC = 1 << 3,
	BB_NS_NET = 1 << 4,
	BB_NS_CGROUP = 1 << 5,
	BB_NS_ALL = (1 << 6) - 1,
};

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
