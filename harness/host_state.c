#include "host_state.h"

#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cleanup.h"
#include "format.h"
#include "sysfs.h"

/* Boost is said in different places by different drivers: the policy's own file (amd-pstate,
 * newer kernels), intel_pstate's no_turbo (inverted), the global cpufreq/boost (acpi-cpufreq). */
static void host_boost_read(const char *root, int pu, struct bb_cpufreq *c)
{
	char path[128], v[32];
	int b;

	c->boost = -1;
	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/cpufreq/boost", pu);
	if (sysfs_read(root, path, v, sizeof(v)) == 0 && (b = sysfs_bool(v)) >= 0) {
		c->boost = b;
		snprintf(c->boost_from, sizeof(c->boost_from), "cpu%d/cpufreq/boost=%s", pu, v);
		return;
	}
	if (sysfs_read(root, "/sys/devices/system/cpu/intel_pstate/no_turbo", v, sizeof(v)) == 0 &&
	    (b = sysfs_bool(v)) >= 0) {
		c->boost = !b;
		snprintf(c->boost_from, sizeof(c->boost_from), "intel_pstate/no_turbo=%s", v);
		return;
	}
	if (sysfs_read(root, "/sys/devices/system/cpu/cpufreq/boost", v, sizeof(v)) == 0 &&
	    (b = sysfs_bool(v)) >= 0) {
		c->boost = b;
		snprintf(c->boost_from, sizeof(c->boost_from), "cpufreq/boost=%s", v);
	}
}

void host_cpufreq_read(const char *root, int pu, struct bb_cpufreq *c)
{
	char dir[96], path[160];

	memset(c, 0, sizeof(*c));
	snprintf(dir, sizeof(dir), "/sys/devices/system/cpu/cpu%d/cpufreq", pu);
	c->present = sysfs_exists(root, dir);
	snprintf(path, sizeof(path), "%s/scaling_governor", dir);
	if (!c->present || sysfs_read(root, path, c->governor, sizeof(c->governor)) < 0)
		snprintf(c->governor, sizeof(c->governor), "%s", HOST_NO_CPUFREQ);
	snprintf(path, sizeof(path), "%s/scaling_driver", dir);
	if (!c->present || sysfs_read(root, path, c->driver, sizeof(c->driver)) < 0)
		c->driver[0] = '\0';
	host_boost_read(root, pu, c);
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

void host_irq_read(const char *root, int pu, struct bb_irq *q)
{
	char dir[4096], path[96], list[1024];
	DIR *d;
	struct dirent *e;

	memset(q, 0, sizeof(*q));
	q->pu = pu;
	sysfs_path(root, "/proc/irq", dir, sizeof(dir));
	d = opendir(dir);
	if (!d)
		return;
	q->read = true;
	while ((e = readdir(d))) {
		int has;

		if (!all_digits(e->d_name))
			continue;
		snprintf(path, sizeof(path), "/proc/irq/%.16s/smp_affinity_list", e->d_name);
		/* an empty list is an IRQ delivered nowhere: counted, not on the PU */
		if (sysfs_read(root, path, list, sizeof(list)) < 0 && errno != ENODATA) {
			q->unreadable++;
			continue;
		}
		has = sysfs_cpulist_has(list, pu);
		if (has < 0) {
			q->unreadable++;
			continue;
		}
		q->irqs++;
		q->on_pu += has > 0;
	}
	closedir(d);
}

int host_cpu_ticks(const char *root, int cpu, unsigned long long *busy, unsigned long long *total)
{
	_cleanup_fclose_ FILE *f = sysfs_open(root, "/proc/stat");
	char line[512], name[16];

	snprintf(name, sizeof(name), "cpu%d ", cpu);
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long long v[8] = { 0 };
		int n;

		if (strncmp(line, name, strlen(name)))
			continue;
		/* user nice system idle iowait irq softirq steal */
		n = sscanf(line + strlen(name), "%llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
		           &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
		if (n < 4)
			return -1;
		*total = 0;
		for (int i = 0; i < 8; i++)
			*total += v[i];
		*busy = *total - v[3] - v[4];
		return 0;
	}
	return -1;
}

double host_busy_share(unsigned long long busy0, unsigned long long total0,
                       unsigned long long busy1, unsigned long long total1)
{
	if (total1 <= total0 || busy1 < busy0)
		return -1;
	return (double)(busy1 - busy0) / (double)(total1 - total0);
}

static void host_sleep(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };

	while (nanosleep(&ts, &ts) < 0)
		;
}

/* The busiest sibling over interval_s: two readings of /proc/stat. */
static double host_siblings_busy(const char *root, const struct bb_smt *smt, double interval_s)
{
	unsigned long long b0[TOPOLOGY_MAX_SIBLINGS], t0[TOPOLOGY_MAX_SIBLINGS], b1, t1;
	double worst = -1;
	bool ok[TOPOLOGY_MAX_SIBLINGS];

	if (smt->nsiblings == 0 || interval_s <= 0)
		return -1;
	for (int i = 0; i < smt->nsiblings; i++)
		ok[i] = host_cpu_ticks(root, smt->siblings[i], &b0[i], &t0[i]) == 0;
	host_sleep(interval_s);
	for (int i = 0; i < smt->nsiblings; i++) {
		double share;

		if (!ok[i] || host_cpu_ticks(root, smt->siblings[i], &b1, &t1) < 0)
			continue;
		share = host_busy_share(b0[i], t0[i], b1, t1);
		worst = share > worst ? share : worst;
	}
	return worst;
}

void host_state_probe(const char *root, const struct bb_topology *topo, double busy_interval_s,
                      struct bb_host_state *out)
{
	int pu = topo->pinned_pu;

	memset(out, 0, sizeof(*out));
	host_cpufreq_read(root, pu, &out->cpufreq);
	out->smt.pu = pu;
	out->smt.nsiblings = topo->nsmt_siblings;
	memcpy(out->smt.siblings, topo->smt_siblings, sizeof(out->smt.siblings));
	out->smt.busy = host_siblings_busy(root, &out->smt, busy_interval_s);
	host_irq_read(root, pu, &out->irq);
	host_state_warn(out);
}

static void host_warn(struct bb_host_state *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void host_warn(struct bb_host_state *s, const char *fmt, ...)
{
	va_list ap;

	if (s->nwarnings >= HOST_WARNINGS_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(s->warnings[s->nwarnings++], sizeof(s->warnings[0]), fmt, ap);
	va_end(ap);
}

static void host_warn_smt(struct bb_host_state *s)
{
	char list[96] = "";

	if (s->smt.nsiblings == 0)
		return;
	for (int i = 0; i < s->smt.nsiblings; i++)
		fmt_append(list, sizeof(list), "%s%d", i ? "," : "", s->smt.siblings[i]);
	if (s->smt.busy > HOST_BUSY_WARN)
		host_warn(s,
		          "SMT: PU %d shares its core with PU %s, busy %.0f%% of the time during "
		          "the probe: that load takes the core's execution units and caches from "
		          "the workload",
		          s->smt.pu, list, 100 * s->smt.busy);
	else
		host_warn(s,
		          "SMT: PU %d shares its core with PU %s (online%s): whatever runs there "
		          "competes with the workload for the core; offline it for stable figures",
		          s->smt.pu, list, s->smt.busy >= 0 ? ", idle during the probe" : "");
}

void host_state_warn(struct bb_host_state *s)
{
	const struct bb_cpufreq *c = &s->cpufreq;

	s->nwarnings = 0;
	if (c->present && strcmp(c->governor, "performance") &&
	    strcmp(c->governor, HOST_NO_CPUFREQ))
		host_warn(s,
		          "cpufreq: PU %d's governor is %s, not performance: its clock follows the "
		          "load, so a short sample may run slower than a long one",
		          s->smt.pu, c->governor);
	if (c->boost == 1)
		host_warn(s,
		          "cpufreq: boost is on (%s): the clock depends on temperature and on the "
		          "other cores' load, which drift over a run",
		          c->boost_from);
	host_warn_smt(s);
	if (s->irq.on_pu)
		host_warn(s,
		          "IRQ: %u of %u IRQs may be delivered on the measured PU %d "
		          "(/proc/irq/*/smp_affinity_list): their handlers interrupt the workload",
		          s->irq.on_pu, s->irq.irqs, s->irq.pu);
}

static json_t *host_boost_json(int boost)
{
	return json_string(boost < 0 ? "unknown" : boost ? "on" : "off");
}

void host_state_to_json(const struct bb_host_state *s, json_t *host)
{
	const struct bb_cpufreq *c = &s->cpufreq;
	json_t *sib = json_array(), *warn = json_array();

	for (int i = 0; i < s->smt.nsiblings; i++)
		json_array_append_new(sib, json_integer(s->smt.siblings[i]));
	for (size_t i = 0; i < s->nwarnings; i++)
		json_array_append_new(warn, json_string(s->warnings[i]));
	json_object_set_new(host, "cpufreq",
	                    json_pack("{s:s, s:o, s:o, s:o}", "governor", c->governor, "driver",
	                              c->driver[0] ? json_string(c->driver) : json_null(), "boost",
	                              host_boost_json(c->boost), "boost_from",
	                              c->boost_from[0] ? json_string(c->boost_from) : json_null()));
	json_object_set_new(host, "smt",
	                    json_pack("{s:i, s:o, s:o}", "pu", s->smt.pu, "siblings", sib,
	                              "siblings_busy",
	                              s->smt.busy >= 0 ? json_real(s->smt.busy) : json_null()));
	json_object_set_new(host, "irq",
	                    s->irq.read ? json_pack("{s:i, s:i, s:i, s:i}", "pu", s->irq.pu, "irqs",
	                                            s->irq.irqs, "on_pu", s->irq.on_pu,
	                                            "unreadable", s->irq.unreadable)
	                                : json_null());
	json_object_set_new(host, "warnings", warn);
}
