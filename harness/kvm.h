/* KVM capability probe for `boxbench doctor`: /dev/kvm existing says nothing about speed (a
 * software KVM without VT-x/AMD-V in the CPU runs guests ~500x slower than native), so the probe
 * runs a tiny 64-bit guest loop through the raw KVM API, times the same loop on the host, and
 * classifies the ratio. The VM launcher uses `-accel kvm` only for BB_KVM_HARDWARE. */
#ifndef BB_KVM_H
#define BB_KVM_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

enum bb_kvm_kind { BB_KVM_ABSENT, BB_KVM_EMULATED, BB_KVM_HARDWARE };

/* How the host's KVM maps guest memory: the CPU's nested page tables (Intel EPT, AMD NPT), or
 * shadow page tables the hypervisor keeps in software (claim C8). */
enum bb_kvm_paging { BB_PAGING_UNKNOWN, BB_PAGING_EPT, BB_PAGING_NPT, BB_PAGING_SHADOW };

struct bb_kvm_probe {
	enum bb_kvm_kind kind;
	bool present;                                      /* /dev/kvm exists */
	double guest_ns_per_iter, host_ns_per_iter, ratio; /* 0 when not measured */
	unsigned long iterations;                          /* loop iterations per timed guest run */
	char reason[256]; /* why absent, or a one-line summary of the measurement */
	enum bb_kvm_paging paging;
	char paging_evidence[256]; /* what kvm_paging_detect read */
};

/* Never fails for an absent or broken KVM: that is a result (kind ABSENT + reason). Returns -1
 * only for harness-side failures (e.g. out of memory, fork/pipe failure). The guest runs in a
 * forked child under a watchdog, so a KVM that never returns from KVM_RUN cannot hang the
 * caller: the probe takes well under a second here and at most ~10 s anywhere. */
int kvm_probe(struct bb_kvm_probe *out, struct bb_err *err);

/* Pure. ratio = guest time / host time per loop iteration: < 2 is hardware, >= 2 (including
 * +inf) is emulated; 0, negative or NaN means "not measured" and gives BB_KVM_ABSENT. */
enum bb_kvm_kind kvm_classify(double ratio);

/* "absent", "emulated", "hardware"; "unknown" for a value outside the enum. */
const char *kvm_kind_name(enum bb_kvm_kind k);

/* Which paging the host's KVM uses, from what the kernel says under `root` ("/" on the host; a
 * fake tree in tests): a software KVM module (kvm_pvm: no VT-x/AMD-V, so shadow paging) wins;
 * then kvm_intel's `ept` or kvm_amd's `npt` parameter (/sys/module/NAME/parameters), whose
 * value is what the module runs with; then, when the module is loaded but its parameter cannot
 * be read, the CPU's ept/npt flags (/proc/cpuinfo). No KVM vendor module loaded: unknown,
 * since nothing runs guests yet. Never fails; `evidence` (a sentence) says what was read. */
enum bb_kvm_paging kvm_paging_detect(const char *root, char *evidence, size_t len);
/* "ept", "npt", "shadow", "unknown". */
const char *kvm_paging_name(enum bb_kvm_paging p);

#endif
