/* The host's state that makes timings unstable, recorded with every result: the frequency
 * governor and boost of the measured processor, its SMT siblings and how busy they are, and how
 * many IRQs may be delivered on it. Each is read under a root directory (harness/sysfs.h), so
 * the tests give it hosts it does not run on; what makes results unstable becomes a warning
 * (host.warnings, a stderr line at `run`, the report's context section). */
#ifndef BB_HOST_STATE_H
#define BB_HOST_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "topology.h"

#define HOST_NO_CPUFREQ    "unknown (no cpufreq)"
#define HOST_WARNINGS_MAX  8
#define HOST_BUSY_WARN     0.05 /* a sibling busier than this during the probe is "busy" */
#define HOST_BUSY_INTERVAL 0.2  /* seconds between the two /proc/stat readings */

struct bb_cpufreq {
	bool present;        /* /sys/devices/system/cpu/cpuN/cpufreq exists */
	char governor[64];   /* scaling_governor, or HOST_NO_CPUFREQ */
	char driver[64];     /* scaling_driver, "" when unknown */
	int boost;           /* 1 on, 0 off, -1 unknown */
	char boost_from[96]; /* the file and value it was read from */
};

struct bb_smt {
	int pu;
	int siblings[TOPOLOGY_MAX_SIBLINGS]; /* online SMT siblings of pu (hwloc) */
	int nsiblings;
	double busy; /* the busiest sibling's share of time not idle during the probe; -1 unknown */
};

struct bb_irq {
	int pu;
	unsigned irqs;       /* IRQs with an affinity list */
	unsigned on_pu;      /* of them, those whose list includes pu */
	unsigned unreadable; /* IRQ directories whose list could not be read */
	bool read;           /* /proc/irq could be listed */
};

struct bb_host_state {
	struct bb_cpufreq cpufreq;
	struct bb_smt smt;
	struct bb_irq irq;
	char warnings[HOST_WARNINGS_MAX][320];
	size_t nwarnings;
};

/* Read all of it for the measured processor (topo->pinned_pu, its siblings from topo) under
 * root ("/" on the host); busy_interval_s > 0 samples the siblings' load over that long, 0
 * leaves it unknown. Never fails: what cannot be read is recorded as unknown. */
void host_state_probe(const char *root, const struct bb_topology *topo, double busy_interval_s,
                      struct bb_host_state *out);

/* The parts, for tests. */
void host_cpufreq_read(const char *root, int pu, struct bb_cpufreq *out);
void host_irq_read(const char *root, int pu, struct bb_irq *out);
/* A CPU's ticks from root/proc/stat: busy (all but idle and iowait) and total; -1 if absent. */
int host_cpu_ticks(const char *root, int cpu, unsigned long long *busy, unsigned long long *total);
/* The busy share between two readings, -1 when no time passed (or the counters went back). */
double host_busy_share(unsigned long long busy0, unsigned long long total0,
                       unsigned long long busy1, unsigned long long total1);
/* Fill out->warnings from the rest (run by host_state_probe). */
void host_state_warn(struct bb_host_state *s);

/* The result's host.cpufreq, host.smt, host.irq and host.warnings, set into host. */
void host_state_to_json(const struct bb_host_state *s, json_t *host);

#endif
