/* KVM paging probe (kvm.h): which page tables translate a guest's memory on this host. */
#include "kvm.h"

#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "format.h"
#include "sysfs.h"

/* KVM modules that run guests without hardware virtualisation, hence with shadow page tables
 * (PVM: the guest kernel runs deprivileged in the host's user space, as on the development
 * machines). */
static const char *const kvm_shadow_modules[] = { "kvm_pvm", NULL };

struct cpu_flags {
	bool read, vmx, svm, ept, npt;
};

static bool flag_in(const char *line, const char *flag)
{
	size_t n = strlen(flag);

	for (const char *p = strstr(line, flag); p; p = strstr(p + 1, flag))
		if ((p == line || p[-1] == ' ' || p[-1] == '\t' || p[-1] == ':') &&
		    (p[n] == ' ' || p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

/* The first processor's "flags" and "vmx flags" lines (the kernel lists EPT among the vmx
 * flags since 5.9, among the flags before). */
static struct cpu_flags cpu_flags_read(const char *root)
{
	_cleanup_fclose_ FILE *f = sysfs_open(root, "/proc/cpuinfo");
	struct cpu_flags c = { 0 };
	char line[8192];

	while (f && fgets(line, sizeof(line), f)) {
		bool flags = !strncmp(line, "flags", 5), vflags = !strncmp(line, "vmx flags", 9);

		if (line[0] == '\n' && c.read)
			break; /* the end of the first processor */
		if (!flags && !vflags)
			continue;
		c.read = true;
		c.vmx |= flags && flag_in(line, "vmx");
		c.svm |= flags && flag_in(line, "svm");
		c.ept |= flag_in(line, "ept");
		c.npt |= flags && flag_in(line, "npt");
	}
	return c;
}

static void cpu_flags_say(const struct cpu_flags *c, char *buf, size_t len)
{
	if (!c->read) {
		fmt_append(buf, len, "; /proc/cpuinfo has no flags");
		return;
	}
	if (!c->vmx && !c->svm) {
		fmt_append(buf, len, "; CPU flags: no vmx or svm (no hardware virtualisation)");
		return;
	}
	fmt_append(buf, len, "; CPU flags: %s%s%s", c->vmx ? "vmx" : "svm",
	           c->ept   ? ", ept"
	           : c->npt ? ", npt"
	                    : "",
	           c->vmx && !c->ept   ? ", no ept"
	           : c->svm && !c->npt ? ", no npt"
	                               : "");
}

/* kvm_intel or kvm_amd with its parameter: the value the module runs with (it clears it at
 * load when the CPU lacks the feature). Returns UNKNOWN when the module is not loaded. */
static enum bb_kvm_paging vendor_paging(const char *root, const char *module, const char *param,
                                        bool cpu_has, enum bb_kvm_paging hw, char *ev, size_t len)
{
	char dir[128], path[192], v[32];
	int on;

	snprintf(dir, sizeof(dir), "/sys/module/%s", module);
	if (!sysfs_exists(root, dir))
		return BB_PAGING_UNKNOWN;
	snprintf(path, sizeof(path), "%s/parameters/%s", dir, param);
	on = sysfs_read(root, path, v, sizeof(v)) == 0 ? sysfs_bool(v) : -1;
	if (on >= 0) {
		snprintf(ev, len, "%s loaded, %s=%s", module, param, v);
		return on ? hw : BB_PAGING_SHADOW;
	}
	snprintf(ev, len, "%s loaded, %s unreadable: from the CPU flag %s", module, path, param);
	return cpu_has ? hw : BB_PAGING_SHADOW;
}

enum bb_kvm_paging kvm_paging_detect(const char *root, char *evidence, size_t len)
{
	struct cpu_flags c = cpu_flags_read(root);
	enum bb_kvm_paging p = BB_PAGING_UNKNOWN;
	char path[128];

	evidence[0] = '\0';
	for (size_t i = 0; kvm_shadow_modules[i]; i++) {
		snprintf(path, sizeof(path), "/sys/module/%s", kvm_shadow_modules[i]);
		if (!sysfs_exists(root, path))
			continue;
		snprintf(evidence, len,
		         "%s loaded: a KVM without hardware virtualisation keeps "
		         "shadow page tables",
		         kvm_shadow_modules[i]);
		p = BB_PAGING_SHADOW;
		break;
	}
	if (p == BB_PAGING_UNKNOWN)
		p = vendor_paging(root, "kvm_intel", "ept", c.ept, BB_PAGING_EPT, evidence, len);
	if (p == BB_PAGING_UNKNOWN && !evidence[0])
		p = vendor_paging(root, "kvm_amd", "npt", c.npt, BB_PAGING_NPT, evidence, len);
	if (!evidence[0])
		snprintf(
		    evidence, len, "%s",
		    sysfs_exists(root, "/sys/module/kvm")
		        ? "kvm loaded without kvm_intel, kvm_amd or a known software KVM module"
		        : "no KVM module loaded (/sys/module/kvm absent)");
	cpu_flags_say(&c, evidence, len);
	return p;
}

const char *kvm_paging_name(enum bb_kvm_paging p)
{
	switch (p) {
	case BB_PAGING_EPT:
		return "ept";
	case BB_PAGING_NPT:
		return "npt";
	case BB_PAGING_SHADOW:
		return "shadow";
	case BB_PAGING_UNKNOWN:
		break;
	}
	return "unknown";
}
