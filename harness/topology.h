/* Host topology from hwloc, and the processing unit every environment is pinned to. */
#ifndef BB_TOPOLOGY_H
#define BB_TOPOLOGY_H

#include <jansson.h>

#include "err.h"

#define TOPOLOGY_MAX_SIBLINGS 8

struct bb_topology {
	int packages, cores, pus, numa_nodes;
	unsigned long long l1d_bytes, l2_bytes, l3_bytes, llc_bytes;
	int l1d_sharing, l2_sharing, l3_sharing; /* PUs sharing one such cache, 0 = none */
	int pinned_pu;                           /* OS index of the PU the workloads run on */
	int harness_pu; /* OS index of the PU the harness runs on (-1: same, single PU) */
	/* The pinned PU's SMT siblings: the other PUs of its core that hwloc sees (online). */
	int smt_siblings[TOPOLOGY_MAX_SIBLINGS];
	int nsmt_siblings;
};

/* requested_pu: an OS index chosen by the user, or -1 to let boxbench choose: the last PU of
 * the last core (away from PU 0, where housekeeping and interrupts tend to land), with the
 * harness on a PU of another core so it does not steal the workload's cycles. hwloc's own
 * environment applies (HWLOC_SYNTHETIC="core:2 pu:2", HWLOC_XMLFILE, HWLOC_FSROOT): how the
 * tests give it a machine with SMT. */
int topology_probe(int requested_pu, struct bb_topology *t, struct bb_err *err);
json_t *topology_to_json(const struct bb_topology *t);

#endif
