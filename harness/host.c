#include "host.h"

#include <cpuid.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/magic.h>

#include "cleanup.h"

static void host_cpu_model(char *dst, size_t len)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/cpuinfo", "re");
	char line[512];

	snprintf(dst, len, "unknown");
	while (f && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');
		if (strncmp(line, "model name", 10) != 0 || !colon)
			continue;
		colon += strspn(colon + 1, " \t") + 1;
		colon[strcspn(colon, "\n")] = '\0';
		snprintf(dst, len, "%s", colon);
		return;
	}
}

/* CPUID.1:ECX[31] says "running under a hypervisor"; leaf 0x40000000 names it in
 * EBX:ECX:EDX ("KVMKVMKVM", "Microsoft Hv", "VMwareVMware", ...). */
static void host_hypervisor(char *dst, size_t len)
{
	unsigned a, b, c, d;
	char sig[13];

	dst[0] = '\0';
	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 31)))
		return;
	__cpuid(0x40000000, a, b, c, d);
	memcpy(sig, &b, 4);
	memcpy(sig + 4, &c, 4);
	memcpy(sig + 8, &d, 4);
	sig[12] = '\0';
	for (char *p = sig; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			*p = '?';
	snprintf(dst, len, "%s", sig[0] ? sig : "unknown");
}

const char *host_cgroup_mode(void)
{
	struct statfs st;

	if (statfs("/sys/fs/cgroup", &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC)
		return "v2";
	if (statfs("/sys/fs/cgroup/unified", &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC)
		return "hybrid";
	return "v1";
}

int host_probe(int requested_pu, struct bb_host *h, struct bb_err *err)
{
	struct utsname u;

	memset(h, 0, sizeof(*h));
	if (uname(&u) < 0)
		return bb_fail(err, 0, "host: uname failed");
	snprintf(h->kernel, sizeof(h->kernel), "%s", u.release);
	snprintf(h->kernel_version, sizeof(h->kernel_version), "%s", u.version);
	if (gethostname(h->hostname, sizeof(h->hostname) - 1) < 0)
		snprintf(h->hostname, sizeof(h->hostname), "%s", u.nodename);
	host_cpu_model(h->cpu_model, sizeof(h->cpu_model));
	host_hypervisor(h->hypervisor, sizeof(h->hypervisor));
	snprintf(h->cgroup, sizeof(h->cgroup), "%s", host_cgroup_mode());
	h->kvm.kind = BB_KVM_ABSENT;
	snprintf(h->kvm.reason, sizeof(h->kvm.reason), "not probed");
	/* Reading files only, unlike the speed probe: recorded even when no guest is run. */
	h->kvm.paging =
	    kvm_paging_detect("/", h->kvm.paging_evidence, sizeof(h->kvm.paging_evidence));
	if (topology_probe(requested_pu, &h->topo, err) < 0)
		return bb_wrap(err, "host");
	host_state_probe("/", &h->topo, HOST_BUSY_INTERVAL, &h->state);
	return 0;
}

json_t *host_to_json(const struct bb_host *h)
{
	json_t *kvm =
	    json_pack("{s:b, s:s, s:f, s:f, s:f, s:s, s:s, s:s}", "present", h->kvm.present, "kind",
	              kvm_kind_name(h->kvm.kind), "guest_speed_ratio", h->kvm.ratio,
	              "guest_ns_per_iter", h->kvm.guest_ns_per_iter, "host_ns_per_iter",
	              h->kvm.host_ns_per_iter, "reason", h->kvm.reason, "paging",
	              kvm_paging_name(h->kvm.paging), "paging_evidence", h->kvm.paging_evidence);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:s}", "hostname", h->hostname,
	                      "kernel", h->kernel, "kernel_version", h->kernel_version, "cpu_model",
	                      h->cpu_model, "topology", topology_to_json(&h->topo), "hypervisor",
	                      h->hypervisor[0] ? json_string(h->hypervisor) : json_null(), "kvm",
	                      kvm, "cgroup", h->cgroup);
	if (o)
		host_state_to_json(&h->state, o);
	return o;
}
