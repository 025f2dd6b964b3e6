/* Facts about the host: what a result must say about where it was measured. */
#ifndef BB_HOST_H
#define BB_HOST_H

#include <stddef.h>
#include <jansson.h>

#include "err.h"
#include "host_state.h"
#include "kvm.h"
#include "topology.h"

struct bb_host {
	char hostname[256];
	char kernel[256]; /* release */
	char kernel_version[256];
	char cpu_model[256];
	char hypervisor[16]; /* CPUID 0x40000000 signature, "" on bare metal */
	char cgroup[8];      /* "v1", "v2", "hybrid" */
	struct bb_topology topo;
	struct bb_kvm_probe kvm;
	struct bb_host_state state; /* governor, boost, SMT, IRQs of the pinned PU */
};

/* Everything but the KVM probe (which runs a guest: callers decide when); the host state
 * samples the SMT siblings' load for HOST_BUSY_INTERVAL when there are any. */
int host_probe(int requested_pu, struct bb_host *h, struct bb_err *err);
/* Classify the cgroup setup from what is mounted at /sys/fs/cgroup. */
const char *host_cgroup_mode(void);
json_t *host_to_json(const struct bb_host *h);

#endif
