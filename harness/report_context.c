/* The report's context section: where and how the result was measured (host, topology,
 * kernel, KVM, cgroups, each environment, command, tool, dates, samples, statistics). */
#include "report_context.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "format.h"
#include "ns.h"
#include "stats.h"

static void ctx_row(struct doc *d, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void ctx_row(struct doc *d, const char *what, const char *fmt, ...)
{
	char text[2048];
	const char *cells[2] = { what, text };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	doc_row(d, "", cells, 2);
}

/* How many samples: a fixed count, or each suite's precision target within a budget. */
static void ctx_samples(struct doc *d, json_t *cfg)
{
	json_t *smp = json_object_get(cfg, "sampling"), *reps = json_object_get(cfg, "reps");
	int warm = (int)json_integer_value(json_object_get(cfg, "warmup"));

	if (json_is_integer(reps) || !json_is_object(smp)) {
		ctx_row(d, "samples",
		        "%d measured per environment and suite, %d warm-up discarded; a fresh "
		        "instance per sample",
		        (int)json_integer_value(reps), warm);
		return;
	}
	ctx_row(d, "samples",
	        "per environment and suite, until the 95%% CI of every median it yields is "
	        "within its target (startup +-2%%, others +-3%% unless --precision) or %.3g s of "
	        "samples, after at least %d (5 where one takes %.2g s or more); %d warm-up per "
	        "environment discarded; a fresh instance per sample, the order shuffled within "
	        "each of %d rounds",
	        json_number_value(json_object_get(smp, "budget_s")),
	        (int)json_integer_value(json_object_get(smp, "min_reps_cheap")),
	        json_number_value(json_object_get(smp, "cheap_s")), warm,
	        (int)json_integer_value(json_object_get(smp, "rounds")));
}

static void ctx_topology(struct doc *d, const struct bb_result *res)
{
	json_t *t = json_object_get(res->host, "topology"), *c = json_object_get(t, "caches");
	char l1[32], l2[32], l3[32];

	fmt_value(l1, sizeof(l1), json_number_value(json_object_get(c, "l1d")), "bytes");
	fmt_value(l2, sizeof(l2), json_number_value(json_object_get(c, "l2")), "bytes");
	fmt_value(l3, sizeof(l3), json_number_value(json_object_get(c, "l3")), "bytes");
	ctx_row(d, "topology (hwloc)",
	        "%d package(s), %d cores, %d PUs, %d NUMA node(s); L1d %s, L2 %s, L3 %s; workload "
	        "pinned to PU %d, harness on PU %d",
	        (int)json_integer_value(json_object_get(t, "packages")),
	        (int)json_integer_value(json_object_get(t, "cores")),
	        (int)json_integer_value(json_object_get(t, "pus")),
	        (int)json_integer_value(json_object_get(t, "numa_nodes")), l1, l2, l3,
	        (int)json_integer_value(json_object_get(t, "pinned_pu")),
	        (int)json_integer_value(json_object_get(t, "harness_pu")));
}

/* "0, 2" from a JSON array of integers (anything else in it is skipped). */
static void ctx_int_list(char *buf, size_t len, json_t *arr)
{
	json_t *v;
	size_t i;

	buf[0] = '\0';
	json_array_foreach(arr, i, v)
	{
		if (json_is_integer(v))
			fmt_append(buf, len, "%s%lld", buf[0] ? ", " : "",
			           (long long)json_integer_value(v));
	}
}

/* Governor and boost, SMT siblings, IRQs of the measured PU, and every warning the run gave
 * about them (host.warnings): what makes figures unstable, said beside them. */
static void ctx_host_state(struct doc *d, const struct bb_result *res)
{
	json_t *h = res->host, *f = json_object_get(h, "cpufreq"), *smt = json_object_get(h, "smt"),
	       *irq = json_object_get(h, "irq"), *w;
	char sib[128];
	size_t i;

	if (!f && !smt && !irq) {
		ctx_row(d, "host state", "not recorded (a result from before boxbench read it)");
		return;
	}
	ctx_int_list(sib, sizeof(sib), json_object_get(smt, "siblings"));
	ctx_row(d, "host state",
	        "cpufreq governor %s, boost %s; SMT siblings of PU %lld: %s; IRQs that may be "
	        "delivered on it: %lld of %lld",
	        results_jstr(f, "governor") ?: "?", results_jstr(f, "boost") ?: "?",
	        (long long)json_integer_value(json_object_get(smt, "pu")), sib[0] ? sib : "none",
	        (long long)json_integer_value(json_object_get(irq, "on_pu")),
	        (long long)json_integer_value(json_object_get(irq, "irqs")));
	json_array_foreach(json_object_get(h, "warnings"), i, w)
	{
		if (json_is_string(w))
			ctx_row(d, "WARNING", "%s", json_string_value(w));
	}
}

static void ctx_container_root(char *text, size_t len, const struct bb_envdesc *e)
{
	fmt_append(text, len, "; cgroup %s; root ", e->cgroup.on ? "limits" : "none");
	if (!e->rootfs.on)
		fmt_append(text, len, "host's");
	else if (e->image[0] && strcmp(e->image, "minimal"))
		fmt_append(text, len, "image %s, read-only (%s)", e->image,
		           e->image_source[0] ? e->image_source : "?");
	else
		fmt_append(text, len, "minimal read-only image");
}

static void ctx_namespaces(char *text, size_t len, const struct bb_envdesc *e)
{
	bool any = false;

	if (!e->has_namespaces) {
		fmt_append(text, len, "%s", e->kind);
		return;
	}
	for (const struct ns_kind *k = ns_kinds; k->name; k++)
		if (e->namespaces & k->bit) {
			fmt_append(text, len, "%s%s", any ? ", " : "namespaces ", k->name);
			any = true;
		}
	if (!any)
		fmt_append(text, len, "no namespaces");
	ctx_container_root(text, len, e);
}

static void ctx_guest(char *text, size_t len, const struct bb_envdesc *e)
{
	if (e->root_disk[0])
		fmt_append(text, len, "; root: image %s on an ext4 disk, read-only (%s)",
		           e->image[0] ? e->image : "?",
		           e->image_source[0] ? e->image_source : "?");
	if (e->accel[0])
		fmt_append(text, len, "; accelerator %s%s", e->accel,
		           e->emulated ? " (EMULATED)" : "");
	if (e->machine[0])
		fmt_append(text, len, "; %s %s, machine %s", e->vmm[0] ? e->vmm : "VMM",
		           e->vmm_version, e->machine);
	if (e->guest_kernel_version[0])
		fmt_append(text, len, "; guest kernel %s, %u MiB, %u vCPU", e->guest_kernel_version,
		           e->mem_mib, e->vcpus);
}

static void ctx_envs(struct doc *d, const struct bb_result *res)
{
	for (size_t i = 0; i < res->nenvs; i++) {
		const struct bb_envdesc *e = &res->envs[i];
		char text[1024] = "", what[64];
		if (!e->available) {
			snprintf(text, sizeof(text), "unavailable: %s",
			         e->reason[0] ? e->reason : "?");
		} else {
			ctx_namespaces(text, sizeof(text), e);
			ctx_guest(text, sizeof(text), e);
		}
		snprintf(what, sizeof(what), "environment %s", e->name);
		ctx_row(d, what, "%s", text[0] ? text : "-");
	}
}

void report_context(struct doc *d, const struct report *r)
{
	static const char *const heads[] = { "", "" };
	const struct bb_result *res = r->res;
	json_t *h = res->host, *kvm = json_object_get(h, "kvm"), *cfg = res->config;
	const char *hv = results_jstr(h, "hypervisor");

	doc_heading(d, 2, "context", "Where and how this was measured");
	doc_table(d, "context", heads, NULL, 2);
	ctx_row(d, "host", "%s", results_jstr(h, "hostname") ?: "?");
	ctx_row(d, "CPU", "%s", results_jstr(h, "cpu_model") ?: "?");
	ctx_topology(d, res);
	ctx_row(d, "kernel", "%s %s", results_jstr(h, "kernel") ?: "?",
	        results_jstr(h, "kernel_version") ?: "");
	if (hv)
		ctx_row(d, "host virtualisation",
		        "the host is itself a VM (CPUID hypervisor signature %s): \"native\" here "
		        "means a process in that guest",
		        hv);
	else
		ctx_row(d, "host virtualisation", "bare metal (no CPUID hypervisor signature)");
	ctx_row(d, "KVM", "%s: %s", results_jstr(kvm, "kind") ?: "not probed",
	        results_jstr(kvm, "reason") ?: "no probe recorded");
	ctx_row(d, "KVM paging", "%s: %s", results_jstr(kvm, "paging") ?: "not recorded",
	        results_jstr(kvm, "paging_evidence") ?: "a result from before boxbench read it");
	ctx_host_state(d, res);
	ctx_row(d, "cgroups", "%s", results_jstr(h, "cgroup") ?: "?");
	ctx_envs(d, res);
	ctx_row(d, "command", "`%s`", results_jstr(cfg, "command") ?: "(not recorded)");
	ctx_row(d, "tool", "boxbench %s, commit %s", results_jstr(res->tool, "version") ?: "?",
	        results_jstr(res->tool, "commit") ?: "?");
	ctx_row(d, "date", "%s to %s (UTC)", res->started_at,
	        res->finished_at[0] ? res->finished_at : "(not finished)");
	ctx_samples(d, cfg);
	ctx_row(d, "statistics",
	        "each sample is one instance's figure (a median of tries for the overhead "
	        "suites); the median with a bootstrap 95%% CI across instances (%d resamples, "
	        "seed %lld), none below %d instances (it would cover far less than 95%%); ratios "
	        "to native are ratios of medians with a bootstrap CI; outliers by the MAD rule, "
	        "kept; a trend over the run (Spearman of value against sample order, Bonferroni "
	        "over the series tested) is flagged",
	        BB_BOOTSTRAP_RESAMPLES, (long long)json_integer_value(json_object_get(cfg, "seed")),
	        BB_CI_MIN_N);
	ctx_row(d, "result", "%s%s", res->id, res->complete ? "" : " (INCOMPLETE)");
	doc_table_end(d);
}
