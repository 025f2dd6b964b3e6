#include "cgroup.h"

#include "cleanup.h"
#include "proc.h"
#include "sweep.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#define CG_ROOT           "/sys/fs/cgroup"
#define CG_UNIFIED_HYBRID CG_ROOT "/unified"
#define CG_FILE_MAX       65536
/* v1 refuses cfs quotas under 1 ms. */
#define CG_V1_MIN_QUOTA_US 1000L

const char *const cg_ctrl_names[CG_NCTRL] = {
	[CG_CPU] = "cpu",
	[CG_MEMORY] = "memory",
	[CG_PIDS] = "pids",
};

const char *cg_mode_name(enum cg_mode mode)
{
	switch (mode) {
	case CG_MODE_V1:
		return "v1";
	case CG_MODE_V2:
		return "v2";
	default:
		return "none";
	}
}

bool cg_list_has(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, " ,\n\t");
		if (len == n && strncmp(p, word, n) == 0)
			return true;
		p += len;
		p += strspn(p, " ,\n\t");
	}
	return false;
}

static bool cg_has_all(const char *list)
{
	for (int c = 0; c < CG_NCTRL; c++)
		if (!cg_list_has(list, cg_ctrl_names[c]))
			return false;
	return true;
}

enum cg_mode cg_mode_detect(unsigned long root_magic, const char *unified_controllers, bool *hybrid)
{
	*hybrid = false;
	if (root_magic == CGROUP2_SUPER_MAGIC)
		return CG_MODE_V2;
	if (root_magic != TMPFS_MAGIC)
		return CG_MODE_NONE;
	/* Legacy layout: a tmpfs of v1 mounts, maybe with cgroup2 beside them (hybrid). */
	*hybrid = unified_controllers != NULL;
	if (unified_controllers && cg_has_all(unified_controllers))
		return CG_MODE_V2;
	return CG_MODE_V1;
}

/* Copy the line's n-th space-separated field (0-based) into out, undoing mountinfo's octal
 * escapes (\040 for a space). */
static int mi_field(const char *line, int n, char *out, size_t len)
{
	const char *p = line;
	size_t o = 0;

	for (int i = 0; i < n; i++) {
		p += strcspn(p, " \n");
		if (*p != ' ')
			return -1;
		p++;
	}
	while (*p && *p != ' ' && *p != '\n' && o + 1 < len) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] && p[3]) {
			out[o++] = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
			p += 4;
		} else {
			out[o++] = *p++;
		}
	}
	out[o] = '\0';
	return (*p && *p != ' ' && *p != '\n') ? -1 : 0;
}

/* Index of the field after the " - " separator of a mountinfo line, or -1. */
static int mi_fstype_field(const char *line)
{
	const char *sep = strstr(line, " - ");
	const char *eol = strchr(line, '\n');
	int n = 0;

	if (!sep || (eol && sep > eol))
		return -1;
	for (const char *p = line; p <= sep; p++)
		n += *p == ' ';
	return n + 1;
}

static bool mi_line_matches(const char *line, const char *ctrl)
{
	char fstype[32], opts[512];
	int f = mi_fstype_field(line);

	if (f < 0 || mi_field(line, f, fstype, sizeof(fstype)) < 0)
		return false;
	if (!ctrl)
		return strcmp(fstype, "cgroup2") == 0;
	if (strcmp(fstype, "cgroup") != 0 || mi_field(line, f + 2, opts, sizeof(opts)) < 0)
		return false;
	return cg_list_has(opts, ctrl);
}

int cg_find_mount(const char *mountinfo, const char *ctrl, char *mnt, size_t mntlen, char *root,
                  size_t rootlen, struct bb_err *err)
{
	bool found = false;

	for (const char *line = mountinfo; line && *line;) {
		const char *next = strchr(line, '\n');
		if (mi_line_matches(line, ctrl) && mi_field(line, 3, root, rootlen) == 0 &&
		    mi_field(line, 4, mnt, mntlen) == 0) {
			found = true;
			/* A hierarchy can be mounted twice (bind mounts); its full view wins. */
			if (strcmp(root, "/") == 0)
				return 0;
		}
		line = next ? next + 1 : NULL;
	}
	if (found) {
		/* A non-root view (a cgroup namespace): keep the last match. */
		return 0;
	}
	return bb_fail(err, 0, "cgroup: no %s%s mount in /proc/self/mountinfo",
	               ctrl ? "v1 hierarchy with controller " : "cgroup2", ctrl ? ctrl : "");
}

int cg_self_path(const char *proc_cgroup, const char *ctrl, char *out, size_t len,
                 struct bb_err *err)
{
	for (const char *line = proc_cgroup; line && *line;) {
		const char *next = strchr(line, '\n');
		const char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		size_t end = next ? (size_t)(next - line) : strlen(line);
		if (c2 && (size_t)(c2 - line) < end) {
			char ctrls[256];
			size_t n = (size_t)(c2 - c1 - 1), plen = end - (size_t)(c2 + 1 - line);
			bool want = false;
			if (n < sizeof(ctrls)) {
				memcpy(ctrls, c1 + 1, n);
				ctrls[n] = '\0';
				want = ctrl ? cg_list_has(ctrls, ctrl)
				            : (n == 0 && c1 - line == 1 && line[0] == '0');
			}
			if (want) {
				if (plen + 1 > len)
					return bb_fail(err, ENAMETOOLONG,
					               "cgroup: own cgroup path");
				memcpy(out, c2 + 1, plen);
				out[plen] = '\0';
				return 0;
			}
		}
		line = next ? next + 1 : NULL;
	}
	return bb_fail(err, 0, "cgroup: no %s entry in /proc/self/cgroup",
	               ctrl ? ctrl : "v2 (0::)");
}

/* mnt + (self relative to the mount's root) + "/" + leaf. */
static int cg_join(char *out, size_t len, const char *mnt, const char *mroot, const char *self,
                   const char *leaf, struct bb_err *err)
{
	size_t rl = strlen(mroot);
	const char *rel = self;
	int n;

	if (strcmp(mroot, "/") != 0) {
		/* Outside the mounted view (a cgroup namespace boundary): use the view's root. */
		rel = (strncmp(self, mroot, rl) == 0 && (self[rl] == '/' || !self[rl])) ? self + rl
		                                                                        : "";
	}
	while (*rel == '/')
		rel++;
	n = snprintf(out, len, "%s%s%s/%s", mnt, *rel ? "/" : "", rel, leaf);
	if (n < 0 || (size_t)n >= len)
		return bb_fail(err, ENAMETOOLONG, "cgroup: path under %s", mnt);
	return 0;
}

static void cg_add_missing(char *missing, size_t mlen, const char *ctrl)
{
	size_t o = strlen(missing);

	snprintf(missing + o, mlen - o, "%s%s", o ? "," : "", ctrl);
}

static int cg_layout_v1(struct cg_layout *lo, const char *mountinfo, const char *proc_cgroup,
                        char *missing, size_t mlen, struct bb_err *err)
{
	char mnt[CG_PATH_MAX], mroot[CG_PATH_MAX], self[CG_PATH_MAX];

	for (int c = 0; c < CG_NCTRL; c++) {
		const char *name = cg_ctrl_names[c];
		if (cg_find_mount(mountinfo, name, mnt, sizeof(mnt), mroot, sizeof(mroot), NULL) <
		        0 ||
		    cg_self_path(proc_cgroup, name, self, sizeof(self), NULL) < 0) {
			cg_add_missing(missing, mlen, name);
			continue;
		}
		if (cg_join(lo->parent[c], sizeof(lo->parent[c]), mnt, mroot, self, CG_PARENT,
		            err) < 0)
			return -1;
	}
	if (*missing)
		return bb_fail(err, 0, "cgroup: v1 controllers missing: %s", missing);
	return 0;
}

int cg_layout_build(struct cg_layout *lo, enum cg_mode mode, const char *mountinfo,
                    const char *proc_cgroup, char *missing, size_t mlen, struct bb_err *err)
{
	char mroot[CG_PATH_MAX];

	lo->mode = mode;
	if (mlen)
		missing[0] = '\0';
	if (mode == CG_MODE_V1)
		return cg_layout_v1(lo, mountinfo, proc_cgroup, missing, mlen, err);
	if (mode != CG_MODE_V2)
		return bb_fail(err, 0, "cgroup: no cgroup file system mounted at " CG_ROOT);
	if (cg_find_mount(mountinfo, NULL, lo->unified, sizeof(lo->unified), mroot, sizeof(mroot),
	                  err) < 0)
		return -1;
	for (int c = 0; c < CG_NCTRL; c++)
		if (cg_join(lo->parent[c], sizeof(lo->parent[c]), lo->unified, "/", "/", CG_PARENT,
		            err) < 0)
			return -1;
	return 0;
}

static void cg_fmt_max(char *buf, size_t len, long long v, const char *unlimited)
{
	if (v > 0)
		snprintf(buf, len, "%lld", v);
	else
		snprintf(buf, len, "%s", unlimited);
}

size_t cg_limit_writes(enum cg_mode mode, const struct cg_limits *lim,
                       struct cg_write w[CG_MAX_WRITES])
{
	size_t n = 0;
	bool v2 = mode == CG_MODE_V2;

	if (lim->cpu_quota > 0) {
		long long q = llround(lim->cpu_quota * (double)CG_CPU_PERIOD_US);
		if (q < CG_V1_MIN_QUOTA_US)
			q = CG_V1_MIN_QUOTA_US;
		if (v2) {
			w[n] = (struct cg_write){ .ctrl = CG_CPU, .file = "cpu.max" };
			snprintf(w[n++].value, sizeof(w->value), "%lld %ld", q, CG_CPU_PERIOD_US);
		} else {
			/* A new v1 cgroup starts with the kernel's 100 ms period, which is ours:
			 * one write fewer on the start path. */
			w[n] = (struct cg_write){ .ctrl = CG_CPU, .file = "cpu.cfs_quota_us" };
			snprintf(w[n++].value, sizeof(w->value), "%lld", q);
		}
	}
	if (lim->mem_limit > 0) {
		w[n] = (struct cg_write){ .ctrl = CG_MEMORY,
			                  .file = v2 ? "memory.max" : "memory.limit_in_bytes" };
		cg_fmt_max(w[n++].value, sizeof(w->value), lim->mem_limit, "max");
	}
	if (lim->pids_limit > 0) {
		w[n] = (struct cg_write){ .ctrl = CG_PIDS, .file = "pids.max" };
		cg_fmt_max(w[n++].value, sizeof(w->value), lim->pids_limit, "max");
	}
	return n;
}

/* --- live parts --- */

static int cg_write_file(const char *dir, const char *file, const char *value, struct bb_err *err)
{
	char path[CG_PATH_MAX + 64];
	_cleanup_close_ int fd = -1;
	size_t len = strlen(value);

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return bb_fail(err, errno, "cgroup: open %s", path);
	if (write(fd, value, len) != (ssize_t)len)
		return bb_fail(err, errno ? errno : EIO, "cgroup: write %s to %s", value, path);
	return 0;
}

/* Read a whole (small) file; returns its length or -1 with errno set. */
static ssize_t cg_slurp(const char *path, char *buf, size_t len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t o = 0;

	if (fd < 0)
		return -1;
	while (o + 1 < len) {
		ssize_t n = read(fd, buf + o, len - 1 - o);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		o += (size_t)n;
	}
	buf[o] = '\0';
	return (ssize_t)o;
}

/* The unified hierarchy's controllers: the root's when it is cgroup2, else the hybrid
 * mount's; NULL when there is no cgroup2 mount. */
static const char *cg_unified_controllers(unsigned long root_magic, char *buf, size_t len)
{
	struct statfs sf;

	if (root_magic == CGROUP2_SUPER_MAGIC)
		return cg_slurp(CG_ROOT "/cgroup.controllers", buf, len) >= 0 ? buf : NULL;
	if (statfs(CG_UNIFIED_HYBRID, &sf) < 0 || (unsigned long)sf.f_type != CGROUP2_SUPER_MAGIC)
		return NULL;
	return cg_slurp(CG_UNIFIED_HYBRID "/cgroup.controllers", buf, len) >= 0 ? buf : NULL;
}

/* Detect the mode and compute the layout; `missing` names absent controllers. */
static int cg_layout_detect(struct cg_layout *lo, char *missing, size_t mlen, struct bb_err *err)
{
	_cleanup_free_ char *mi = malloc(CG_FILE_MAX), *pc = malloc(CG_FILE_MAX);
	char ctrls[512];
	const char *unified;
	struct statfs sf;

	memset(lo, 0, sizeof(*lo));
	missing[0] = '\0';
	if (!mi || !pc)
		return bb_fail(err, ENOMEM, "cgroup: layout");
	if (statfs(CG_ROOT, &sf) < 0)
		return bb_fail(err, errno, "cgroup: statfs " CG_ROOT);
	unified = cg_unified_controllers((unsigned long)sf.f_type, ctrls, sizeof(ctrls));
	lo->mode = cg_mode_detect((unsigned long)sf.f_type, unified, &lo->hybrid);
	if (lo->mode == CG_MODE_V2 && !cg_has_all(unified ? unified : "")) {
		for (int c = 0; c < CG_NCTRL; c++)
			if (!cg_list_has(unified ? unified : "", cg_ctrl_names[c]))
				cg_add_missing(missing, mlen, cg_ctrl_names[c]);
		return bb_fail(err, 0, "cgroup: v2 controllers missing: %s", missing);
	}
	if (cg_slurp("/proc/self/mountinfo", mi, CG_FILE_MAX) < 0)
		return bb_fail(err, errno, "cgroup: read /proc/self/mountinfo");
	if (cg_slurp("/proc/self/cgroup", pc, CG_FILE_MAX) < 0)
		return bb_fail(err, errno, "cgroup: read /proc/self/cgroup");
	return cg_layout_build(lo, lo->mode, mi, pc, missing, mlen, err);
}

int cg_layout_init(struct cg_layout *lo, struct bb_err *err)
{
	char missing[64];

	return cg_layout_detect(lo, missing, sizeof(missing), err);
}

static bool cg_seen(const char (*dirs)[CG_PATH_MAX], int upto, const char *dir)
{
	for (int i = 0; i < upto; i++)
		if (strcmp(dirs[i], dir) == 0)
			return true;
	return false;
}

/* v2 hands a controller to a child only when every ancestor lists it in subtree_control. */
static int cg_v2_enable(const char *dir, struct bb_err *err)
{
	return cg_write_file(dir, "cgroup.subtree_control", "+cpu +memory +pids", err);
}

int cg_layout_prepare(const struct cg_layout *lo, struct bb_err *err)
{
	if (lo->mode == CG_MODE_V2 && cg_v2_enable(lo->unified, err) < 0)
		return -1;
	for (int c = 0; c < CG_NCTRL; c++) {
		if (cg_seen(lo->parent, c, lo->parent[c]))
			continue;
		if (mkdir(lo->parent[c], 0755) < 0 && errno != EEXIST)
			return bb_fail(err, errno, "cgroup: mkdir %s", lo->parent[c]);
		if (lo->mode == CG_MODE_V2 && cg_v2_enable(lo->parent[c], err) < 0)
			return -1;
	}
	return 0;
}

void cg_layout_cleanup(const struct cg_layout *lo)
{
	for (int c = 0; c < CG_NCTRL; c++)
		if (lo->parent[c][0] && !cg_seen(lo->parent, c, lo->parent[c]))
			rmdir(lo->parent[c]); /* ENOTEMPTY: another run still uses it */
}

/* Could we create a cgroup next to (or in) each parent? */
static bool cg_parents_writable(const struct cg_layout *lo)
{
	char dir[CG_PATH_MAX];

	for (int c = 0; c < CG_NCTRL; c++) {
		/* The parent may not exist yet: then the directory that would hold it counts. */
		snprintf(dir, sizeof(dir), "%s", lo->parent[c]);
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		if (access(lo->parent[c], W_OK) < 0 && access(dir, W_OK) < 0)
			return false;
	}
	return true;
}

void cg_probe(struct cg_probe *p)
{
	struct cg_layout lo;
	struct bb_err err = { 0 };
	int r;

	memset(p, 0, sizeof(*p));
	r = cg_layout_detect(&lo, p->missing, sizeof(p->missing), &err);
	p->mode = lo.mode;
	p->hybrid = lo.hybrid;
	p->writable = r == 0 && cg_parents_writable(&lo);
	if (r < 0)
		snprintf(p->reason, sizeof(p->reason), "%.255s", err.msg);
	else if (!p->writable)
		snprintf(p->reason, sizeof(p->reason), "cgroup %s: no write access to %.200s",
		         cg_mode_name(p->mode), lo.parent[0]);
	else if (p->mode == CG_MODE_V1 && p->hybrid)
		snprintf(
		    p->reason, sizeof(p->reason),
		    "cgroup v1 (hybrid host: the unified hierarchy lacks cpu, memory or pids)");
	else
		snprintf(p->reason, sizeof(p->reason), "cgroup %s%s", cg_mode_name(p->mode),
		         p->hybrid ? " (unified hierarchy of a hybrid host)" : "");
}

int cg_create(const struct cg_layout *lo, const struct cg_limits *lim, struct cgroup *cg,
              struct bb_err *err)
{
	static unsigned seq;
	struct cg_write w[CG_MAX_WRITES];
	size_t nw;

	memset(cg, 0, sizeof(*cg));
	cg->mode = lo->mode;
	snprintf(cg->name, sizeof(cg->name), CG_INSTANCE_PREFIX "%s-%u", sweep_self_tag(),
	         __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED));
	for (int c = 0; c < CG_NCTRL; c++) {
		int n = snprintf(cg->dir[c], sizeof(cg->dir[c]), "%s/%s", lo->parent[c], cg->name);
		if (n < 0 || (size_t)n >= sizeof(cg->dir[c]))
			return bb_fail(err, ENAMETOOLONG, "cgroup: path under %s", lo->parent[c]);
		if (cg_seen(cg->dir, c, cg->dir[c]))
			continue;
		/* The parent vanishes if a concurrent run's cleanup found it empty. */
		if (mkdir(cg->dir[c], 0755) < 0 &&
		    (errno != ENOENT || cg_layout_prepare(lo, err) < 0 ||
		     mkdir(cg->dir[c], 0755) < 0)) {
			bb_fail(err, errno, "cgroup: mkdir %s", cg->dir[c]);
			goto fail;
		}
		cg->made[c] = true;
	}
	nw = cg_limit_writes(cg->mode, lim, w);
	for (size_t i = 0; i < nw; i++)
		if (cg_write_file(cg->dir[w[i].ctrl], w[i].file, w[i].value, err) < 0)
			goto fail;
	return 0;
fail:
	cg_destroy(cg, NULL);
	return -1;
}

int cg_attach(const struct cgroup *cg, pid_t pid, struct bb_err *err)
{
	char buf[24];

	const char *file = pid == 0 && cg->mode == CG_MODE_V1 ? "tasks" : "cgroup.procs";

	snprintf(buf, sizeof(buf), "%d", (int)pid);
	for (int c = 0; c < CG_NCTRL; c++)
		if (cg->made[c] && cg_write_file(cg->dir[c], file, buf, err) < 0)
			return -1;
	return 0;
}

int cg_read(const struct cgroup *cg, enum cg_ctrl ctrl, const char *file, char *buf, size_t len,
            struct bb_err *err)
{
	char path[CG_PATH_MAX + 64];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", cg->dir[ctrl], file);
	n = cg_slurp(path, buf, len);
	if (n < 0)
		return bb_fail(err, errno, "cgroup: read %s", path);
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return 0;
}

/* SIGKILL every pid listed in dir/cgroup.procs; returns how many were listed. */
static int cg_kill_listed(const char *dir)
{
	char path[CG_PATH_MAX + 32];
	_cleanup_free_ char *buf = malloc(CG_FILE_MAX);
	int n = 0;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	if (!buf || cg_slurp(path, buf, CG_FILE_MAX) < 0)
		return -1;
	for (char *p = buf, *end; *p; p = end) {
		long pid = strtol(p, &end, 10);
		if (end == p)
			break;
		if (pid > 0 && kill((pid_t)pid, SIGKILL) == 0)
			n++;
	}
	return n;
}

static void cg_sleep_us(long us)
{
	struct timespec ts = { .tv_sec = us / 1000000, .tv_nsec = (us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

int cg_kill(const struct cgroup *cg, struct bb_err *err)
{
	uint64_t deadline = bb_now_ns() + 2000000000ull;
	int total = 0;

	for (int c = 0; c < CG_NCTRL; c++) {
		if (!cg->made[c])
			continue;
		/* Loop: a process may fork between our read and its kill. */
		for (int n; (n = cg_kill_listed(cg->dir[c])) != 0;) {
			if (n < 0)
				return bb_fail(err, errno, "cgroup: list %s/cgroup.procs",
				               cg->dir[c]);
			total += n;
			if (bb_now_ns() > deadline)
				return bb_fail(err, EBUSY,
				               "cgroup: processes in %s survive SIGKILL",
				               cg->dir[c]);
			cg_sleep_us(200);
		}
	}
	return total;
}

/* v1 answers EBUSY for a moment after the last task exits (the css is released
 * asynchronously), and a killed task leaves only once it is fully gone: retry with backoff,
 * and kill whatever is still inside if it lasts. */
static int cg_rmdir_retry(const struct cgroup *cg, const char *dir, struct bb_err *err)
{
	uint64_t start = bb_now_ns();
	long wait_us = 50;
	bool killed = false;

	while (rmdir(dir) < 0) {
		uint64_t waited = bb_now_ns() - start;
		if (errno == ENOENT)
			return 0;
		if (errno != EBUSY && errno != EINTR)
			return bb_fail(err, errno, "cgroup: rmdir %s", dir);
		if (waited > 3000000000ull)
			return bb_fail(err, EBUSY, "cgroup: rmdir %s (still busy after 3 s)", dir);
		if (!killed && waited > 100000000ull) {
			cg_kill(cg, NULL);
			killed = true;
		}
		cg_sleep_us(wait_us);
		if (wait_us < 10000)
			wait_us *= 2;
	}
	return 0;
}

int cg_destroy(struct cgroup *cg, struct bb_err *err)
{
	int ret = 0;

	for (int c = 0; c < CG_NCTRL; c++) {
		if (!cg->made[c])
			continue;
		if (cg_rmdir_retry(cg, cg->dir[c], ret < 0 ? NULL : err) < 0) {
			ret = -1;
			continue;
		}
		cg->made[c] = false;
	}
	return ret;
}

/* Stale instance cgroups (sweep.h): `boxbench-<owner>-<seq>` under the `boxbench` parents,
 * one item per name whichever hierarchies hold it. */
#define CG_SWEEP_MAX 4096

static bool cg_name_listed(char (*names)[CG_NAME_MAX], size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

static size_t cg_sweep_names(const struct cg_layout *lo, char (*names)[CG_NAME_MAX], size_t max)
{
	size_t n = 0, plen = strlen(CG_INSTANCE_PREFIX);

	for (int c = 0; c < CG_NCTRL; c++) {
		DIR *d = cg_seen(lo->parent, c, lo->parent[c]) ? NULL : opendir(lo->parent[c]);
		struct dirent *e;
		while (d && (e = readdir(d)) && n < max)
			if (!strncmp(e->d_name, CG_INSTANCE_PREFIX, plen) &&
			    strlen(e->d_name) < CG_NAME_MAX && !cg_name_listed(names, n, e->d_name))
				snprintf(names[n++], CG_NAME_MAX, "%s", e->d_name);
		if (d)
			closedir(d);
	}
	return n;
}

static void cg_sweep_list(const struct bb_sweeper *sw, sweep_visit visit, void *ctx)
{
	_cleanup_free_ char(*names)[CG_NAME_MAX] = calloc(CG_SWEEP_MAX, CG_NAME_MAX);
	struct cg_layout lo;
	struct bb_owner o;
	size_t n;

	(void)sw;
	if (!names || cg_layout_init(&lo, NULL) < 0)
		return;
	n = cg_sweep_names(&lo, names, CG_SWEEP_MAX);
	for (size_t i = 0; i < n; i++)
		if (sweep_parse_owner(names[i] + strlen(CG_INSTANCE_PREFIX), &o))
			visit(ctx, names[i], &o);
}

/* What still runs in a stale cgroup is killed, then every hierarchy's directory removed. */
static int cg_sweep_remove(const struct bb_sweeper *sw, const char *name, struct bb_err *err)
{
	struct cg_layout lo;
	struct cgroup cg = { 0 };
	struct stat st;

	(void)sw;
	if (cg_layout_init(&lo, err) < 0)
		return -1;
	cg.mode = lo.mode;
	snprintf(cg.name, sizeof(cg.name), "%s", name);
	for (int c = 0; c < CG_NCTRL; c++) {
		snprintf(cg.dir[c], sizeof(cg.dir[c]), "%s/%s", lo.parent[c], name);
		cg.made[c] = !cg_seen(cg.dir, c, cg.dir[c]) && stat(cg.dir[c], &st) == 0;
	}
	if (cg_kill(&cg, err) < 0 || cg_destroy(&cg, err) < 0)
		return -1;
	return 0;
}

const struct bb_sweeper sweeper_cgroup = {
	.kind = "cgroup",
	.list = cg_sweep_list,
	.remove = cg_sweep_remove,
};
