/* The footprint's live step (footprint.h): records, the live instance's memory every sample,
 * and in repetition 0 the disk of the environment; the density is footprint_density.c's. */
#include "footprint_live.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "measure.h"

/* --- the live step --- */

int fp_rec(struct bb_sample *smp, enum bb_rec_kind kind, const char *metric, double value,
           const char *text, struct bb_err *err)
{
	const struct bb_metric_def *d = measure_metric_find(FP_SUITE, metric);
	struct bb_record r;

	memset(&r, 0, sizeof(r));
	r.kind = kind;
	snprintf(r.suite, sizeof(r.suite), "%s", FP_SUITE);
	snprintf(r.metric, sizeof(r.metric), "%s", metric);
	if (d && kind != BB_REC_INFO)
		snprintf(r.unit, sizeof(r.unit), "%s", d->unit);
	r.value = value;
	r.iters = 1;
	if (text) {
		r.is_text = true;
		snprintf(r.text, sizeof(r.text), "%s", text);
	}
	return sample_add(smp, &r, err);
}

int fp_metric(struct bb_sample *smp, const char *metric, double value, struct bb_err *err)
{
	return fp_rec(smp, BB_REC_METRIC, metric, value, NULL, err);
}

int fp_info_num(struct bb_sample *smp, const char *key, double value, struct bb_err *err)
{
	return fp_rec(smp, BB_REC_INFO, key, value, NULL, err);
}

int fp_textf(struct bb_sample *smp, enum bb_rec_kind kind, const char *key, struct bb_err *err,
             const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return fp_rec(smp, kind, key, 0, text, err);
}

bool fp_is_vm(const struct bb_env *env)
{
	return env->desc.caps & BB_CAP_OWN_KERNEL;
}

bool fp_alive(pid_t pid)
{
	char path[64], text[512], *rp;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (fp_read_text(path, text, sizeof(text)) < 0 || !(rp = strrchr(text, ')')))
		return false;
	return rp[1] == ' ' && rp[2] != 'Z' && rp[2] != 'X';
}

int fp_inst_measure(pid_t root, struct fp_inst *m, struct bb_err *err)
{
	_cleanup_free_ pid_t *pids = malloc(FP_MAX_PIDS * sizeof(*pids));
	size_t n = 0;

	memset(m, 0, sizeof(*m));
	if (!pids)
		return bb_fail(err, ENOMEM, "footprint: pids");
	if (!fp_alive(root))
		return bb_fail(err, 0,
		               "footprint: the instance (pid %d) ended before it was measured",
		               (int)root);
	if (fp_proc_tree(root, pids, FP_MAX_PIDS, &n, err) < 0)
		return -1;
	m->has_cg = fp_cgroup_of(root, m->cgdir, sizeof(m->cgdir), &m->v2, err);
	if (m->has_cg < 0)
		return -1;
	if (m->has_cg && (fp_cgroup_pids(m->cgdir, pids, FP_MAX_PIDS, &n, err) < 0 ||
	                  fp_cgroup_mem(m->cgdir, m->v2, &m->cg_bytes, err) < 0))
		return -1;
	return fp_pss_sum(pids, n, &m->mem, err);
}

/* The guest's own view, which its workload reported before `idle`. */
static int fp_guest_view(struct bb_sample *smp, struct bb_err *err)
{
	for (size_t i = 0; i < smp->nrecs; i++) {
		const struct bb_record *r = &smp->recs[i];
		if (r->kind == BB_REC_INFO && !r->is_text && !strcmp(r->metric, "view_mem_used"))
			return fp_metric(smp, "guest_used", r->value / FP_MIB, err);
	}
	return fp_error(smp, "guest_used", err, "the guest reported no view of its memory");
}

/* Memory of the live instance, every sample. Returns 1 when measured, 0 when the failure was
 * recorded as an error, -1 on a harness failure. The file-backed part of PSS is split with
 * every process on the host that maps the same pages (another QEMU, any user of libc), so it is
 * reported on its own beside the anonymous part. */
static int fp_sample_mem(struct bb_env *env, const struct bb_members *mb, struct bb_sample *smp,
                         struct fp_inst *m, double *whole, struct bb_err *err)
{
	struct bb_err e = { 0 };
	double wrap, engine;

	if (fp_inst_measure(mb->box, m, &e) < 0 || fp_engine_mem(mb, &wrap, &engine, &e) < 0)
		return fp_error(smp, "pss", err, "%s", e.msg) < 0 ? -1 : 0;
	*whole = (double)m->mem.pss + wrap + engine;
	if (fp_engine_record(mb, wrap, engine, smp, err) < 0)
		return -1;
	if (fp_metric(smp, "pss", (double)m->mem.pss / FP_MIB, err) < 0 ||
	    fp_info_num(smp, "rss_mib", (double)m->mem.rss / FP_MIB, err) < 0 ||
	    fp_info_num(smp, "pss_anon_mib", (double)m->mem.pss_anon / FP_MIB, err) < 0 ||
	    fp_info_num(smp, "pss_file_mib", (double)m->mem.pss_file / FP_MIB, err) < 0 ||
	    fp_info_num(smp, "processes", (double)m->mem.procs, err) < 0)
		return -1;
	if (m->has_cg && fp_metric(smp, "cgroup_mem", (double)m->cg_bytes / FP_MIB, err) < 0)
		return -1;
	if (fp_is_vm(env) && fp_guest_view(smp, err) < 0)
		return -1;
	return 1;
}

int fp_fact(const struct fp_ctx *c, const struct bb_env *env, const char *key, json_t *value,
            struct bb_err *err)
{
	json_t *fact;

	if (!value)
		return bb_fail(err, ENOMEM, "footprint: %s", key);
	if (!c || !c->res) {
		json_decref(value);
		return 0;
	}
	fact = json_pack("{s:s, s:s, s:s, s:o, s:i}", "env", env->name, "suite", FP_SUITE, "key",
	                 key, "value", value, "rep", 0);
	if (!fact || json_array_append_new(c->res->facts, fact) < 0)
		return bb_fail(err, ENOMEM, "footprint: %s", key);
	return 0;
}

/* Rep 0: the box's file mappings split between the host's C runtime and its own files (a VMM's
 * libraries): the first is shared with every dynamically linked process on the host. */
static int fp_libs_report(const struct bb_members *mb, struct bb_sample *smp, struct bb_err *err)
{
	_cleanup_free_ pid_t *pids = malloc(FP_MAX_PIDS * sizeof(*pids));
	struct bb_err e = { 0 };
	struct fp_libs l;
	size_t n = 0;

	if (!pids)
		return bb_fail(err, ENOMEM, "footprint: pids");
	if (fp_proc_tree(mb->box, pids, FP_MAX_PIDS, &n, &e) < 0 ||
	    fp_libs_sum(pids, n, &l, &e) < 0)
		return fp_info(smp, "pss_host_runtime", err, "unreadable: %s", e.msg);
	if (fp_info_num(smp, "pss_host_runtime_mib", (double)l.runtime / FP_MIB, err) < 0 ||
	    fp_info_num(smp, "pss_files_own_mib", (double)l.other / FP_MIB, err) < 0)
		return -1;
	return fp_info(smp, "pss_host_runtime", err,
	               "%.2f MiB of pss is the box's share of the host's C runtime (libc, ld.so, "
	               "libm: shared with every dynamically linked process), %.2f MiB the other "
	               "files it maps (its binary and libraries; a VMM also the guest's kernel and "
	               "initramfs)",
	               (double)l.runtime / FP_MIB, (double)l.other / FP_MIB);
}

/* --- rep 0: disk --- */

/* What the launcher says the environment is made of. */
static int fp_described(struct fp_files *s, const struct bb_env *env, struct bb_err *err)
{
	const struct bb_envdesc *d = &env->desc;
	/* an engine with an image store runs the box from there (engine.store, counted with the
	 * engine), not from the tree the image was imported from */
	bool store = d->engine.store[0];
	/* a box inside a guest has its root in the guest's image (counted as the initramfs or
	 * the root disk): its path is not a host path */
	bool in_guest = d->nested_in[0];
	const char *root =
	    d->rootfs.on && d->rootfs.path[0] && !store && !in_guest ? d->rootfs.path : NULL;
	const char *load = d->workload[0] && !store ? d->workload : NULL;
	const char *kernel = d->guest_kernel[0] ? d->guest_kernel : NULL;
	const char *initrd = d->initramfs[0] ? d->initramfs : NULL;
	const char *root_disk = d->root_disk[0] ? d->root_disk : NULL;

	/* A container with a root of its own needs that tree, not the host's copy of the
	 * workload (the tree holds a hard link to it: the same inode, counted once anyway). */
	if (root && fp_files_add_tree(s, root, "rootfs", err) < 0)
		return -1;
	if (!root && load && fp_files_add_path(s, load, "workload", false, err) < 0)
		return -1;
	/* a kernel booted uncompressed only to speed up emulation: its compressed image counts,
	 * what a real VM boots; the booted one is listed apart */
	if (d->guest_kernel_image[0] &&
	    fp_files_add_path(s, d->guest_kernel_image, "kernel", false, err) < 0)
		return -1;
	if (kernel &&
	    fp_files_add_path(s, kernel, d->guest_kernel_image[0] ? "booted kernel" : "kernel",
	                      false, err) < 0)
		return -1;
	if (initrd && fp_files_add_path(s, initrd, "initramfs", false, err) < 0)
		return -1;
	/* an image's root disk is attached read-only: one file serves every instance */
	if (root_disk && fp_files_add_path(s, root_disk, "root disk", false, err) < 0)
		return -1;
	return 0;
}

/* clang-format off */
static const char *const fp_roles[] = {
	"workload", "rootfs", "kernel", "initramfs", "root disk", "binary", "library", "data",
	"engine", "image store", "instance state", "disk image",
	/* apart: listed, not counted (fp_role_apart) */
	"host library", "engine daemon", "booted kernel", NULL
};
/* clang-format on */

/* The whole list, one fact (too long for a record): "path (role, apparent B, allocated B)". */
static int fp_files_fact(const struct fp_ctx *c, const struct bb_env *env, const struct fp_files *s,
                         struct bb_err *err)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	json_t *fact;

	if (!c || !c->res)
		return 0;
	if (!(f = open_memstream(&text, &len)))
		return bb_fail(err, errno, "footprint: file list");
	for (size_t i = 0; i < s->n; i++)
		fprintf(f, "%s%s (%s, %lld B apparent, %lld B allocated%s%s)", i ? "; " : "",
		        s->v[i].path, s->v[i].role, s->v[i].apparent, s->v[i].allocated,
		        s->v[i].per_instance ? ", per instance" : "",
		        s->v[i].apart ? ", not counted" : "");
	fclose(f);
	fact = json_string(text ? text : "");
	free(text);
	return fp_fact(c, env, "disk_files", fact, err);
}

static int fp_disk_roles(struct bb_sample *smp, const struct fp_files *s, struct bb_err *err)
{
	long long ap, al;
	char key[40];

	for (size_t i = 0; fp_roles[i]; i++) {
		size_t n = fp_files_role(s, fp_roles[i], &ap, &al);
		if (!n)
			continue;
		snprintf(key, sizeof(key), "disk_%s", fp_roles[i]);
		for (char *p = key; *p; p++)
			*p = *p == ' ' ? '_' : *p;
		if (fp_info(smp, key, err, "%zu file%s, %.2f MiB apparent, %.2f MiB allocated%s", n,
		            n == 1 ? "" : "s", (double)ap / FP_MIB, (double)al / FP_MIB,
		            fp_role_apart(fp_roles[i]) ? ": listed apart, not counted" : "") < 0)
			return -1;
	}
	return 0;
}

static int fp_disk_report(const struct fp_ctx *c, const struct bb_env *env,
                          const struct fp_files *s, const struct fp_opens *w, struct bb_sample *smp,
                          struct bb_err *err)
{
	struct fp_disk d;

	fp_files_total(s, &d);
	if (fp_metric(smp, "disk_apparent", (double)d.apparent / FP_MIB, err) < 0 ||
	    fp_metric(smp, "disk_allocated", (double)d.allocated / FP_MIB, err) < 0 ||
	    fp_disk_roles(smp, s, err) < 0 ||
	    fp_info(smp, "disk_shared", err,
	            "%.2f MiB apparent, %.2f MiB allocated in %zu file%s: read only, one copy "
	            "serves every instance",
	            (double)d.shared_apparent / FP_MIB, (double)d.shared_allocated / FP_MIB,
	            d.files, d.files == 1 ? "" : "s") < 0)
		return -1;
	if (d.inst_apparent || d.inst_allocated
	        ? fp_info(smp, "disk_per_instance", err,
	                  "%.2f MiB apparent, %.2f MiB allocated: written by the instance, one "
	                  "copy each",
	                  (double)d.inst_apparent / FP_MIB, (double)d.inst_allocated / FP_MIB) < 0
	        : fp_info(smp, "disk_per_instance", err,
	                  "none: the instance writes to no file on disk") < 0)
		return -1;
	if (w->fd >= 0 ? fp_info(smp, "disk_opened_at_start", err, "%s",
	                         w->overflow ? "watched with fanotify, but events were lost: files "
	                                       "read and closed at start may be missing"
	                                     : "watched with fanotify: files read and closed "
	                                       "while it started are counted") < 0
	               : fp_info(smp, "disk_opened_at_start", err,
	                         "not watched (%s): files read and closed while it started are "
	                         "missing",
	                         w->why) < 0)
		return -1;
	if (d.apart_files &&
	    fp_info(smp, "disk_apart", err,
	            "%.2f MiB apparent in %zu file%s listed, not counted: the host's C runtime "
	            "(every dynamically linked process maps it), an engine's shared daemons, a "
	            "kernel booted uncompressed only to speed up emulation",
	            (double)d.apart_apparent / FP_MIB, d.apart_files,
	            d.apart_files == 1 ? "" : "s") < 0)
		return -1;
	return fp_files_fact(c, env, s, err);
}

/* Disk of the environment: described files, what the live instance maps and writes, what the
 * further instances opened while they started. Failures become error records. */
static int fp_disk_collect(const struct bb_env *env, const struct fp_live *lv, struct fp_opens *w,
                           const pid_t *xp, size_t nxp, struct fp_files *s, struct bb_err *err)
{
	pid_t pid = lv->mb->box;

	if (!fp_alive(pid))
		return bb_fail(err, 0,
		               "footprint: the instance (pid %d) ended before its files "
		               "were read",
		               (int)pid);
	/* what a box of an image store maps is in its image (seen through an overlay: other
	 * inodes), counted with the store */
	if (fp_described(s, env, err) < 0 ||
	    (!env->desc.engine.store[0] && fp_files_add_maps(s, pid, err) < 0) ||
	    fp_files_add_writable_fds(s, pid, err) < 0 ||
	    fp_engine_disk(&env->desc, lv->mb, lv->others, lv->nothers, s, err) < 0)
		return -1;
	return fp_opens_collect(w, xp, nxp, s, err);
}

int fp_disk(const struct fp_ctx *c, const struct bb_env *env, const struct fp_live *lv,
            struct fp_opens *w, const pid_t *xp, size_t nxp, struct bb_sample *smp,
            struct bb_err *err)
{
	struct fp_files s;
	struct bb_err e = { 0 };
	int rc;

	fp_files_init(&s);
	if (fp_disk_collect(env, lv, w, xp, nxp, &s, &e) < 0)
		rc = fp_error(smp, "disk_apparent", err, "%s", e.msg) < 0 ||
		             fp_error(smp, "disk_allocated", err, "%s", e.msg) < 0
		         ? -1
		         : 0;
	else
		rc = fp_disk_report(c, env, &s, w, smp, err);
	fp_files_free(&s);
	return rc;
}

size_t fp_marks(const struct bb_env *env, pid_t pid, char *exe, size_t len, const char **marks,
                size_t max)
{
	const struct bb_envdesc *d = &env->desc;
	const char *const files[] = { d->guest_kernel, d->initramfs, d->root_disk, d->workload };
	char link[64];
	size_t n = 0;
	ssize_t r;

	marks[n++] = "/";
	marks[n++] = "/usr";
	if (env->opts && env->opts->build_dir)
		marks[n++] = env->opts->build_dir;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]) && n < max; i++)
		if (files[i][0])
			marks[n++] = files[i];
	snprintf(link, sizeof(link), "/proc/%d/exe", (int)pid);
	r = readlink(link, exe, len - 1);
	if (r > 0 && n < max) {
		exe[r] = '\0';
		marks[n++] = exe;
	}
	marks[n] = NULL;
	return n;
}

int footprint_live(const struct bb_live *live, struct bb_env *env, const struct bb_job *job,
                   struct bb_instance *inst, struct bb_sample *smp, struct bb_err *err)
{
	const struct fp_ctx *c = live->ctx;
	_cleanup_free_ struct bb_members *mb = malloc(sizeof(*mb));
	struct bb_err e = { 0 };
	struct fp_inst m;
	double whole = -1;
	int r;

	if (!mb)
		return bb_fail(err, ENOMEM, "footprint: members");
	if (fp_members(env, inst, mb, &e) < 0)
		return fp_error(smp, "pss", err, "%s", e.msg);
	if ((r = fp_sample_mem(env, mb, smp, &m, &whole, err)) < 0 || live->rep != 0)
		return r < 0 ? -1 : 0;
	if (r && fp_libs_report(mb, smp, err) < 0)
		return -1;
	return fp_rep0(c, env, job, inst, mb, r ? whole : -1, smp, err);
}
