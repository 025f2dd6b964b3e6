/* `boxbench report` on a merged result (boxbench merge): one page over every host.
 *
 * DIR/index.html and DIR/report.md hold a Hosts table (each host's status, the reason when it
 * has no result, its kernel, CPU, hypervisor, KVM kind and VM accelerators), the claims settled
 * per host side by side with a sentence where hosts disagree, and one chart per suite with the
 * hosts as groups (scripts/hosts.gp: each (environment, metric) a row, each host's median and
 * 95% CI in it). Every host with a result gets its own full report in DIR/hosts/NAME/ (the
 * single-host report of its view), linked from the index. When no host has a result the page
 * says ALL n HOSTS FAILED. */
#ifndef BB_REPORT_HOSTS_H
#define BB_REPORT_HOSTS_H

#include <stddef.h>

#include "claims.h"
#include "report.h"
#include "results_hosts.h"

int report_hosts_write(const struct bb_hostset *set, const struct report_opts *o,
                       struct report_outcome *out, struct bb_err *err);

/* Claim `id` across hosts: "C2 holds on every host" or "C2 holds on a, does not hold on b".
 * verdicts[i] is the verdict on names[i], the n hosts with a result of the merge's total. */
void report_hosts_agreement(const char *id, const enum claim_verdict *verdicts,
                            const char *const *names, size_t n, size_t total, char *buf,
                            size_t len);

#endif
