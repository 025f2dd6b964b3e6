/* The OCI bundle writer: config.json for the box `container` makes by hand (oci.h). */
#include "oci.h"

#include "ns.h"
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The runtime-spec name of each namespace kind, in ns_kinds order. */
static const struct {
	unsigned bit;
	const char *type;
} oci_ns_types[] = {
	{ BB_NS_MNT, "mount" }, { BB_NS_PID, "pid" },     { BB_NS_UTS, "uts" },
	{ BB_NS_IPC, "ipc" },   { BB_NS_NET, "network" }, { BB_NS_CGROUP, "cgroup" },
};

static json_t *oci_namespaces(unsigned ns)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < sizeof(oci_ns_types) / sizeof(oci_ns_types[0]); i++)
		if (ns & oci_ns_types[i].bit)
			json_array_append_new(a, json_pack("{s:s}", "type", oci_ns_types[i].type));
	return a;
}

static json_t *oci_strings(const char *const *v)
{
	json_t *a = json_array();

	for (size_t i = 0; a && v && v[i]; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/* uid 0 without capabilities: every set empty, as `container` drops them all. */
static json_t *oci_process(const struct oci_spec *s)
{
	return json_pack("{s:b, s:{s:i, s:i}, s:o, s:[], s:s, s:{s:[], s:[], s:[], s:[], s:[]}, "
	                 "s:b}",
	                 "terminal", 0, "user", "uid", 0, "gid", 0, "args",
	                 oci_strings((const char *const *)s->args), "env", "cwd", "/",
	                 "capabilities", "bounding", "effective", "inheritable", "permitted",
	                 "ambient", "noNewPrivileges", 1);
}

static json_t *oci_mount(const char *dst, const char *type, const char *src,
                         const char *const *options)
{
	return json_pack("{s:s, s:s, s:s, s:o}", "destination", dst, "type", type, "source", src,
	                 "options", oci_strings(options));
}

/* The mounts of `container` (ct_child_root): /dev is a tmpfs the runtime fills with its
 * default device nodes; the cgroup mount shows the instance's own cgroup, read-only. */
static json_t *oci_mounts(const struct oci_spec *s)
{
	static const char *const proc_o[] = { "nosuid", "noexec", "nodev", NULL };
	static const char *const dev_o[] = { "nosuid", "noexec", "mode=755", "size=64k", NULL };
	static const char *const tmp_o[] = { "nosuid", "nodev", "mode=1777", NULL };
	static const char *const cg_o[] = { "nosuid", "noexec", "nodev", "ro", NULL };
	static const char *const scratch_o[] = { "rbind", "rw", NULL };
	json_t *a = json_array();

	if (!a)
		return NULL;
	json_array_append_new(a, oci_mount("/proc", "proc", "proc", proc_o));
	json_array_append_new(a, oci_mount("/dev", "tmpfs", "tmpfs", dev_o));
	json_array_append_new(a, oci_mount("/tmp", "tmpfs", "tmpfs", tmp_o));
	if (s->cgroup_path)
		json_array_append_new(a, oci_mount("/sys/fs/cgroup", "cgroup", "cgroup", cg_o));
	if (s->scratch)
		json_array_append_new(a, oci_mount("/scratch", "bind", s->scratch, scratch_o));
	return a;
}

/* cgroup limits as `container` writes them (cgroup.c cg_limit_writes): unlimited is left out.
 * No cpuset: the workload is pinned by affinity, as in `container` (a cpuset of one CPU would
 * keep the limits suite from testing a quota of one CPU). */
static json_t *oci_resources(const struct oci_spec *s)
{
	json_t *r = json_object(), *cpu = json_object();

	if (!r || !cpu) {
		json_decref(r);
		json_decref(cpu);
		return NULL;
	}
	if (s->cgroup_path && s->lim.cpu_quota > 0) {
		json_object_set_new(
		    cpu, "quota", json_integer((json_int_t)(s->lim.cpu_quota * CG_CPU_PERIOD_US)));
		json_object_set_new(cpu, "period", json_integer(CG_CPU_PERIOD_US));
	}
	json_object_set_new(r, "cpu", cpu);
	if (s->cgroup_path && s->lim.mem_limit > 0)
		json_object_set_new(r, "memory",
		                    json_pack("{s:I}", "limit", (json_int_t)s->lim.mem_limit));
	if (s->cgroup_path && s->lim.pids_limit > 0)
		json_object_set_new(r, "pids",
		                    json_pack("{s:I}", "limit", (json_int_t)s->lim.pids_limit));
	/* no device but the nodes the runtime makes in /dev */
	json_object_set_new(r, "devices", json_pack("[{s:b, s:s}]", "allow", 0, "access", "rwm"));
	return r;
}

static json_t *oci_linux(const struct oci_spec *s)
{
	static const char *const ro[] = { "/proc/sys", "/proc/sysrq-trigger", "/proc/irq",
		                          "/proc/bus", NULL };
	json_t *l = json_pack("{s:o, s:o, s:o}", "namespaces", oci_namespaces(s->ns), "resources",
	                      oci_resources(s), "readonlyPaths", oci_strings(ro));

	if (l && s->cgroup_path)
		json_object_set_new(l, "cgroupsPath", json_string(s->cgroup_path));
	return l;
}

json_t *oci_config(const struct oci_spec *s)
{
	json_t *c = json_pack("{s:s, s:o, s:{s:s, s:b}, s:o, s:o}", "ociVersion", OCI_VERSION,
	                      "process", oci_process(s), "root", "path", s->root, "readonly", 1,
	                      "mounts", oci_mounts(s), "linux", oci_linux(s));

	if (c && (s->ns & BB_NS_UTS))
		json_object_set_new(c, "hostname", json_string(ROOTFS_HOSTNAME));
	return c;
}

int oci_bundle_write(const char *dir, const struct oci_spec *s, struct bb_err *err)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	json_t *c = oci_config(s);
	int rc;

	if (!c)
		return bb_fail(err, ENOMEM, "oci: config.json");
	snprintf(path, sizeof(path), "%s/config.json", dir);
	snprintf(tmp, sizeof(tmp), "%s/.config.json.tmp", dir);
	rc = json_dump_file(c, tmp, JSON_COMPACT);
	json_decref(c);
	if (rc < 0) {
		int e = errno ? errno : EIO;
		unlink(tmp);
		return bb_fail(err, e, "oci: write %s", tmp);
	}
	if (rename(tmp, path) < 0) {
		int e = errno;
		unlink(tmp);
		return bb_fail(err, e, "oci: rename to %s", path);
	}
	return 0;
}
