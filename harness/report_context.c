/* The report's context section: where and how the result was measured (host, topology,
 * kernel, KVM, cgroups, each environment, command, tool, dates, samples, statistics). */
#include "report_context.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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

static void ctx_topology(struct doc *d, const struct bb_result *res)
{
	json_t *t = json_object_get(res->host, "topology"), *c = json_object_get(t, "caches");
	char l1[32], l2[32], l3[32];

	claims_format_value(l1, sizeof(l1), json_number_value(json_object_get(c, "l1d")), "bytes");
	claims_format_value(l2, sizeof(l2), json_number_value(json_object_get(c, "l2")), "bytes");
	claims_format_value(l3, sizeof(l3), json_number_value(json_object_get(c, "l3")), "bytes");
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

static void ctx_container_root(char *text, size_t len, json_t *e)
{
	json_t *root = json_object_get(e, "rootfs");
	const char *img = results_jstr(root, "image");

	report_add_text(text, len, "; cgroup %s; root ",
	                json_is_object(json_object_get(e, "cgroup")) ? "limits" : "none");
	if (!json_is_object(root))
		report_add_text(text, len, "host's");
	else if (img && strcmp(img, "minimal"))
		report_add_text(text, len, "image %s, read-only (%s)", img,
		                results_jstr(root, "image_source") ?: "?");
	else
		report_add_text(text, len, "minimal read-only image");
}

static void ctx_envs(struct doc *d, const struct bb_result *res)
{
	json_t *e;
	const char *key;

	json_object_foreach(res->environments, key, e)
	{
		char text[1024] = "", what[64];
		json_t *ns = json_object_get(e, "namespaces"), *v;
		size_t i;
		if (json_is_false(json_object_get(e, "available"))) {
			snprintf(text, sizeof(text), "unavailable: %s",
			         results_jstr(e, "reason") ?: "?");
		} else {
			if (!json_is_array(ns))
				report_add_text(text, sizeof(text), "%s",
				                results_jstr(e, "kind") ?: "");
			json_array_foreach(ns, i, v)
			    report_add_text(text, sizeof(text), "%s%s", i ? ", " : "namespaces ",
			                    json_string_value(v) ?: "?");
			if (json_is_array(ns) && !json_array_size(ns))
				report_add_text(text, sizeof(text), "no namespaces");
			if (json_object_get(e, "cgroup") && json_object_get(e, "rootfs"))
				ctx_container_root(text, sizeof(text), e);
			if (results_jstr(e, "root_disk"))
				report_add_text(text, sizeof(text),
				                "; root: image %s on an ext4 disk, read-only (%s)",
				                results_jstr(e, "image") ?: "?",
				                results_jstr(e, "image_source") ?: "?");
			if (results_jstr(e, "accel"))
				report_add_text(text, sizeof(text), "; accelerator %s%s",
				                results_jstr(e, "accel"),
				                claims_env_emulated(res, key) ? " (EMULATED)" : "");
			if (results_jstr(e, "machine"))
				report_add_text(text, sizeof(text), "; %s %s, machine %s",
				                results_jstr(e, "vmm") ?: "VMM",
				                results_jstr(e, "vmm_version") ?: "",
				                results_jstr(e, "machine"));
			if (results_jstr(e, "guest_kernel_version"))
				report_add_text(
				    text, sizeof(text), "; guest kernel %s, %d MiB, %d vCPU",
				    results_jstr(e, "guest_kernel_version"),
				    (int)json_integer_value(json_object_get(e, "mem_mib")),
				    (int)json_integer_value(json_object_get(e, "vcpus")));
		}
		snprintf(what, sizeof(what), "environment %s", key);
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
	ctx_row(d, "cgroups", "%s", results_jstr(h, "cgroup") ?: "?");
	ctx_envs(d, res);
	ctx_row(d, "command", "`%s`", results_jstr(cfg, "command") ?: "(not recorded)");
	ctx_row(d, "tool", "boxbench %s, commit %s", results_jstr(res->tool, "version") ?: "?",
	        results_jstr(res->tool, "commit") ?: "?");
	ctx_row(d, "date", "%s to %s (UTC)", res->started_at,
	        res->finished_at[0] ? res->finished_at : "(not finished)");
	ctx_row(d, "samples",
	        "%d measured per environment and suite, %d warm-up discarded; environments "
	        "interleaved round-robin, a fresh instance per sample",
	        (int)json_integer_value(json_object_get(cfg, "reps")),
	        (int)json_integer_value(json_object_get(cfg, "warmup")));
	ctx_row(d, "statistics",
	        "median with a bootstrap 95%% CI (%d resamples, seed %lld); ratios to native "
	        "are ratios of medians with a bootstrap CI; outliers by the MAD rule, kept",
	        BB_BOOTSTRAP_RESAMPLES,
	        (long long)json_integer_value(json_object_get(cfg, "seed")));
	ctx_row(d, "result", "%s%s", res->id, res->complete ? "" : " (INCOMPLETE)");
	doc_table_end(d);
}
