#include "footprint.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "measure.h"
#include "proc.h"
#include "protocol.h"

#define FP_TREE_DEPTH 64
#define FP_TEXT_MAX   (64 * 1024)
#define MIB           1048576.0

/* --- disk --- */

void fp_files_init(struct fp_files *s)
{
	memset(s, 0, sizeof(*s));
}

void fp_files_free(struct fp_files *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].path);
	free(s->v);
	fp_files_init(s);
}

static struct fp_file *fp_files_find(const struct fp_files *s, dev_t dev, ino_t ino)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].dev == dev && s->v[i].ino == ino)
			return &s->v[i];
	return NULL;
}

int fp_files_add_stat(struct fp_files *s, const char *path, const struct stat *st, const char *role,
                      bool per_instance, struct bb_err *err)
{
	struct fp_file *f = fp_files_find(s, st->st_dev, st->st_ino);

	if (f) {
		f->per_instance |= per_instance;
		return 0;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		struct fp_file *v = realloc(s->v, cap * sizeof(*v));
		if (!v)
			return bb_fail(err, ENOMEM, "footprint: file list");
		s->v = v;
		s->cap = cap;
	}
	f = &s->v[s->n];
	memset(f, 0, sizeof(*f));
	f->path = strdup(path);
	if (!f->path)
		return bb_fail(err, ENOMEM, "footprint: file list");
	f->dev = st->st_dev;
	f->ino = st->st_ino;
	f->apparent = (long long)st->st_size;
	f->allocated = (long long)st->st_blocks * 512;
	f->per_instance = per_instance;
	snprintf(f->role, sizeof(f->role), "%s", role);
	s->n++;
	return 1;
}

int fp_files_add_path(struct fp_files *s, const char *path, const char *role, bool per_instance,
                      struct bb_err *err)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return bb_fail(err, errno, "footprint: stat %s", path);
	return fp_files_add_stat(s, path, &st, role, per_instance, err);
}

static int fp_tree_dir(struct fp_files *s, int dfd, const char *path, dev_t dev, const char *role,
                       int depth, struct bb_err *err);

/* One entry of a directory: count it, descend into a directory of the same file system. */
static int fp_tree_entry(struct fp_files *s, int dfd, const char *dir, const char *name, dev_t dev,
                         const char *role, int depth, struct bb_err *err)
{
	char path[PATH_MAX];
	struct stat st;
	int added, cfd;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return bb_fail(err, ENAMETOOLONG, "footprint: %s/%s", dir, name);
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return bb_fail(err, errno, "footprint: stat %s", path);
	if (st.st_dev != dev)
		return 0; /* a file system mounted here is not part of the tree */
	if ((added = fp_files_add_stat(s, path, &st, role, false, err)) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode))
		return added;
	cfd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (cfd < 0)
		return bb_fail(err, errno, "footprint: open %s", path);
	int sub = fp_tree_dir(s, cfd, path, dev, role, depth + 1, err);
	return sub < 0 ? -1 : added + sub;
}

/* Takes dfd. Returns the number of inodes added below it. */
static int fp_tree_dir(struct fp_files *s, int dfd, const char *path, dev_t dev, const char *role,
                       int depth, struct bb_err *err)
{
	struct dirent *de;
	DIR *d;
	int total = 0, r = 0;

	if (depth > FP_TREE_DEPTH) {
		close(dfd);
		return bb_fail(err, ELOOP, "footprint: %s: deeper than %d levels", path,
		               FP_TREE_DEPTH);
	}
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return bb_fail(err, errno, "footprint: opendir %s", path);
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		r = fp_tree_entry(s, dirfd(d), path, de->d_name, dev, role, depth, err);
		if (r < 0)
			break;
		total += r;
	}
	closedir(d);
	return r < 0 ? -1 : total;
}

int fp_files_add_tree(struct fp_files *s, const char *root, const char *role, struct bb_err *err)
{
	struct stat st;
	int added, fd, sub;

	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return bb_fail(err, errno, "footprint: open %s", root);
	if (fstat(fd, &st) < 0) {
		close(fd);
		return bb_fail(err, errno, "footprint: stat %s", root);
	}
	if ((added = fp_files_add_stat(s, root, &st, role, false, err)) < 0) {
		close(fd);
		return -1;
	}
	sub = fp_tree_dir(s, fd, root, st.st_dev, role, 0, err);
	return sub < 0 ? -1 : added + sub;
}

void fp_files_total(const struct fp_files *s, struct fp_disk *d)
{
	memset(d, 0, sizeof(*d));
	for (size_t i = 0; i < s->n; i++) {
		const struct fp_file *f = &s->v[i];
		d->apparent += f->apparent;
		d->allocated += f->allocated;
		if (f->per_instance) {
			d->inst_apparent += f->apparent;
			d->inst_allocated += f->allocated;
		} else {
			d->shared_apparent += f->apparent;
			d->shared_allocated += f->allocated;
		}
	}
	d->files = s->n;
}

size_t fp_files_role(const struct fp_files *s, const char *role, long long *apparent,
                     long long *allocated)
{
	size_t n = 0;

	*apparent = *allocated = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (strcmp(s->v[i].role, role))
			continue;
		*apparent += s->v[i].apparent;
		*allocated += s->v[i].allocated;
		n++;
	}
	return n;
}

/* --- /proc readers --- */

/* Read a whole (small, /proc) file; NUL-terminated, cut at len - 1. Returns bytes or -1. */
static ssize_t fp_read_text(const char *path, char *buf, size_t len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t o = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	while (o + 1 < len && (n = read(fd, buf + o, len - 1 - o)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		o += (size_t)n;
	}
	buf[o] = '\0';
	return (ssize_t)o;
}

int fp_maps_parse_line(char *line, struct fp_map *m)
{
	int off = 0;

	memset(m, 0, sizeof(*m));
	if (sscanf(line, "%llx-%llx %4s %*x %*x:%*x %llu%n", &m->start, &m->end, m->perms,
	           &m->inode, &off) != 4 ||
	    strlen(m->perms) != 4 || m->end < m->start)
		return -1;
	const char *p = line + off;
	while (*p == ' ' || *p == '\t')
		p++;
	/* a memfd shows as "/memfd:NAME (deleted)": memory, not a file on disk */
	if (*p != '/' || m->inode == 0 || !strncmp(p, "/memfd:", 7))
		return 0;
	m->path = p;
	return 1;
}

/* stat the mapped file itself (through map_files: right even across mount namespaces). */
static int fp_map_stat(pid_t pid, const struct fp_map *m, struct stat *st)
{
	char mf[96];

	snprintf(mf, sizeof(mf), "/proc/%d/map_files/%llx-%llx", (int)pid, m->start, m->end);
	if (stat(mf, st) == 0)
		return 0;
	return stat(m->path, st);
}

int fp_files_add_maps(struct fp_files *s, pid_t pid, struct bb_err *err)
{
	char path[64], *line = NULL;
	size_t cap = 0;
	struct stat exe, st;
	struct fp_map m;
	int rc = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	bool have_exe = stat(path, &exe) == 0;
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return bb_fail(err, errno, "footprint: open %s", path);
	while (rc == 0 && getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = '\0';
		/* nlink 0: shared memory or a deleted file, which no instance needs on disk */
		if (fp_maps_parse_line(line, &m) != 1 || fp_map_stat(pid, &m, &st) < 0 ||
		    !S_ISREG(st.st_mode) || st.st_nlink == 0)
			continue;
		bool is_exe = have_exe && st.st_dev == exe.st_dev && st.st_ino == exe.st_ino;
		bool writable = m.perms[1] == 'w' && m.perms[3] == 's';
		if (fp_files_add_stat(s, m.path, &st, is_exe ? "binary" : "library", writable,
		                      err) < 0)
			rc = -1;
	}
	free(line);
	fclose(f);
	return rc;
}

/* The open flags of fd N of pid, from fdinfo ("flags:\t0100002"). */
static int fp_fd_flags(pid_t pid, const char *fd, int *flags)
{
	char path[96], text[1024], *p;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%s", (int)pid, fd);
	if (fp_read_text(path, text, sizeof(text)) < 0 || !(p = strstr(text, "flags:")))
		return -1;
	*flags = (int)strtol(p + 6, NULL, 8);
	return 0;
}

int fp_files_add_writable_fds(struct fp_files *s, pid_t pid, struct bb_err *err)
{
	char dir[64], link[PATH_MAX + 96], target[PATH_MAX];
	struct dirent *de;
	struct stat st;
	int flags, rc = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	if (!(d = opendir(dir)))
		return bb_fail(err, errno, "footprint: open %s", dir);
	while (rc == 0 && (de = readdir(d))) {
		snprintf(link, sizeof(link), "%s/%s", dir, de->d_name);
		/* nlink 0: a memfd or a deleted file, which takes no room on disk */
		if (de->d_name[0] == '.' || stat(link, &st) < 0 || !S_ISREG(st.st_mode) ||
		    st.st_nlink == 0 || fp_fd_flags(pid, de->d_name, &flags) < 0 ||
		    (flags & O_ACCMODE) == O_RDONLY)
			continue;
		ssize_t n = readlink(link, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		if (fp_files_add_stat(s, n > 0 ? target : link, &st, "disk image", true, err) < 0)
			rc = -1;
	}
	closedir(d);
	return rc;
}

bool fp_pid_in(pid_t pid, const pid_t *pids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/* --- memory --- */

int fp_smaps_parse(const char *text, struct fp_mem *out, struct bb_err *err)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{ "Rss", offsetof(struct fp_mem, rss) },
		{ "Pss", offsetof(struct fp_mem, pss) },
		{ "Pss_Anon", offsetof(struct fp_mem, pss_anon) },
		{ "Pss_File", offsetof(struct fp_mem, pss_file) },
		{ "Pss_Shmem", offsetof(struct fp_mem, pss_shmem) },
		{ "SwapPss", offsetof(struct fp_mem, swap_pss) },
	};
	bool have_pss = false;

	memset(out, 0, sizeof(*out));
	for (const char *line = text; line && *line;) {
		char key[32];
		long long kib;
		if (sscanf(line, "%31[^: \n]: %lld kB", key, &kib) == 2 && kib >= 0) {
			for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
				if (strcmp(key, keys[i].key))
					continue;
				*(long long *)((char *)out + keys[i].off) = kib * 1024;
				have_pss |= i == 1;
			}
		}
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	if (!have_pss)
		return bb_fail(err, 0, "smaps_rollup: no Pss line");
	out->procs = 1;
	return 0;
}

int fp_smaps_read(pid_t pid, struct fp_mem *out, struct bb_err *err)
{
	char path[64], text[4096];

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)pid);
	if (fp_read_text(path, text, sizeof(text)) < 0)
		return bb_fail(err, errno, "footprint: read %s", path);
	if (fp_smaps_parse(text, out, err) < 0)
		return bb_wrap(err, "footprint: %s", path);
	return 0;
}

static int fp_add_pid(pid_t pid, pid_t *pids, size_t max, size_t *n, struct bb_err *err)
{
	if (pid <= 0 || fp_pid_in(pid, pids, *n))
		return 0;
	if (*n >= max)
		return bb_fail(err, E2BIG, "footprint: more than %zu processes", max);
	pids[(*n)++] = pid;
	return 0;
}

/* Append the children of every thread of pid. */
static int fp_children(pid_t pid, pid_t *pids, size_t max, size_t *n, struct bb_err *err)
{
	char dir[64], path[128];
	_cleanup_free_ char *text = malloc(FP_TEXT_MAX);
	struct dirent *de;
	DIR *d;
	int rc = 0;

	snprintf(dir, sizeof(dir), "/proc/%d/task", (int)pid);
	if (!text)
		return bb_fail(err, ENOMEM, "footprint: children");
	if (!(d = opendir(dir)))
		return 0; /* it has exited: no children to find */
	while (rc == 0 && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/children", dir, de->d_name);
		if (fp_read_text(path, text, FP_TEXT_MAX) < 0)
			continue;
		for (char *p = text, *end; rc == 0 && *p; p = end) {
			long v = strtol(p, &end, 10);
			if (end == p)
				break;
			rc = fp_add_pid((pid_t)v, pids, max, n, err);
		}
	}
	closedir(d);
	return rc;
}

int fp_proc_tree(pid_t root, pid_t *pids, size_t max, size_t *n, struct bb_err *err)
{
	*n = 0;
	if (fp_add_pid(root, pids, max, n, err) < 0)
		return -1;
	for (size_t i = 0; i < *n; i++)
		if (fp_children(pids[i], pids, max, n, err) < 0)
			return -1;
	return 0;
}

int fp_cgroup_pids(const char *dir, pid_t *pids, size_t max, size_t *n, struct bb_err *err)
{
	char path[PATH_MAX + 16];
	_cleanup_free_ char *text = malloc(FP_TEXT_MAX);

	if (!text)
		return bb_fail(err, ENOMEM, "footprint: cgroup.procs");
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	if (fp_read_text(path, text, FP_TEXT_MAX) < 0)
		return bb_fail(err, errno, "footprint: read %s", path);
	for (char *p = text, *end;; p = end) {
		long v = strtol(p, &end, 10);
		if (end == p)
			break;
		if (fp_add_pid((pid_t)v, pids, max, n, err) < 0)
			return -1;
	}
	return 0;
}

int fp_pss_sum(const pid_t *pids, size_t n, struct fp_mem *total, struct bb_err *err)
{
	struct fp_mem m;

	memset(total, 0, sizeof(*total));
	for (size_t i = 0; i < n; i++) {
		struct bb_err e = { 0 };
		/* A process gone since the listing, or a zombie (an empty rollup), holds nothing.
		 */
		if (fp_smaps_read(pids[i], &m, &e) < 0) {
			if (e.errnum == ENOENT || e.errnum == ESRCH || e.errnum == 0)
				continue;
			*err = e;
			return -1;
		}
		total->rss += m.rss;
		total->pss += m.pss;
		total->pss_anon += m.pss_anon;
		total->pss_file += m.pss_file;
		total->pss_shmem += m.pss_shmem;
		total->swap_pss += m.swap_pss;
		total->procs++;
	}
	if (!total->procs)
		return bb_fail(err, ESRCH,
		               "footprint: none of the instance's %zu processes is alive", n);
	return 0;
}

/* The memory cgroup path of a /proc/PID/cgroup text: v1 "memory" first, else v2. */
static int fp_cgroup_path(const char *text, char *out, size_t len, bool *v2)
{
	struct bb_err e = { 0 };

	*v2 = false;
	if (cg_self_path(text, "memory", out, len, &e) == 0)
		return 0;
	*v2 = true;
	return cg_self_path(text, NULL, out, len, &e);
}

int fp_cgroup_of(pid_t pid, char *dir, size_t len, bool *v2, struct bb_err *err)
{
	char path[64], mine[CG_PATH_MAX], theirs[CG_PATH_MAX], mnt[CG_PATH_MAX], root[CG_PATH_MAX];
	_cleanup_free_ char *text = malloc(FP_TEXT_MAX);
	bool my_v2;

	if (!text)
		return bb_fail(err, ENOMEM, "footprint: cgroup");
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	if (fp_read_text(path, text, FP_TEXT_MAX) < 0)
		return bb_fail(err, errno, "footprint: read %s", path);
	/* "/": the root cgroup holds everything (and is what a process that has exited shows) */
	if (fp_cgroup_path(text, theirs, sizeof(theirs), v2) < 0 || !strcmp(theirs, "/"))
		return 0;
	if (fp_read_text("/proc/self/cgroup", text, FP_TEXT_MAX) < 0)
		return bb_fail(err, errno, "footprint: read /proc/self/cgroup");
	if (fp_cgroup_path(text, mine, sizeof(mine), &my_v2) == 0 && my_v2 == *v2 &&
	    !strcmp(mine, theirs))
		return 0; /* the harness's own cgroup: nothing that belongs to the instance */
	if (fp_read_text("/proc/self/mountinfo", text, FP_TEXT_MAX) < 0)
		return bb_fail(err, errno, "footprint: read /proc/self/mountinfo");
	if (cg_find_mount(text, *v2 ? NULL : "memory", mnt, sizeof(mnt), root, sizeof(root), err) <
	    0)
		return -1;
	size_t rl = strcmp(root, "/") ? strlen(root) : 0;
	const char *rel = !strncmp(theirs, root, rl) ? theirs + rl : theirs;
	if (snprintf(dir, len, "%s%s", mnt, rel) >= (int)len)
		return bb_fail(err, ENAMETOOLONG, "footprint: cgroup path");
	return 1;
}

int fp_cgroup_mem(const char *dir, bool v2, long long *bytes, struct bb_err *err)
{
	char path[PATH_MAX + 32], text[64], *end;

	snprintf(path, sizeof(path), "%s/%s", dir, v2 ? "memory.current" : "memory.usage_in_bytes");
	if (fp_read_text(path, text, sizeof(text)) < 0)
		return bb_fail(err, errno, "footprint: read %s", path);
	errno = 0;
	*bytes = strtoll(text, &end, 10);
	if (errno || end == text || *bytes < 0)
		return bb_fail(err, 0, "footprint: %s: not a byte count", path);
	return 0;
}

/* --- density --- */

int fp_density_fit(double budget, double first, double total_k, unsigned k, double *increment,
                   double *fit, struct bb_err *err)
{
	if (k < 2)
		return bb_fail(err, EINVAL, "density: at least 2 instances are needed, not %u", k);
	*increment = (total_k - first) / (double)(k - 1);
	if (!(*increment > 0))
		return bb_fail(err, 0,
		               "density: %u instances took no more than one (%.0f vs %.0f bytes)",
		               k, total_k, first);
	*fit = budget < first ? 0 : 1 + floor((budget - first) / *increment);
	return 0;
}

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

static int fp_metric(struct bb_sample *smp, const char *metric, double value, struct bb_err *err)
{
	return fp_rec(smp, BB_REC_METRIC, metric, value, NULL, err);
}

static int fp_info_num(struct bb_sample *smp, const char *key, double value, struct bb_err *err)
{
	return fp_rec(smp, BB_REC_INFO, key, value, NULL, err);
}

static int fp_textf(struct bb_sample *smp, enum bb_rec_kind kind, const char *key,
                    struct bb_err *err, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int fp_textf(struct bb_sample *smp, enum bb_rec_kind kind, const char *key,
                    struct bb_err *err, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return fp_rec(smp, kind, key, 0, text, err);
}

#define fp_info(smp, key, err, ...)  fp_textf(smp, BB_REC_INFO, key, err, __VA_ARGS__)
#define fp_error(smp, key, err, ...) fp_textf(smp, BB_REC_ERROR, key, err, __VA_ARGS__)

/* A box with a kernel of its own: its guest reports its own view of memory. */
static bool fp_is_vm(const struct bb_env *env)
{
	return env->desc.caps & BB_CAP_OWN_KERNEL;
}

/* The live instance's members, and those of the other live instances (rep 0). */
struct fp_live {
	const struct bb_members *mb;
	const struct bb_members *others;
	size_t nothers;
};

struct fp_inst {
	struct fp_mem mem;
	int has_cg;
	bool v2;
	long long cg_bytes;
	char cgdir[CG_PATH_MAX];
};

/* Is pid still running (not gone, not a zombie waiting to be reaped)? */
static bool fp_alive(pid_t pid)
{
	char path[64], text[512], *rp;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (fp_read_text(path, text, sizeof(text)) < 0 || !(rp = strrchr(text, ')')))
		return false;
	return rp[1] == ' ' && rp[2] != 'Z' && rp[2] != 'X';
}

/* Everything the instance consists of: its process tree and, when it has a cgroup of its own,
 * the cgroup's members and accounting. */
static int fp_inst_measure(pid_t root, struct fp_inst *m, struct bb_err *err)
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
			return fp_metric(smp, "guest_used", r->value / MIB, err);
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
	if (fp_metric(smp, "pss", (double)m->mem.pss / MIB, err) < 0 ||
	    fp_info_num(smp, "rss_mib", (double)m->mem.rss / MIB, err) < 0 ||
	    fp_info_num(smp, "pss_anon_mib", (double)m->mem.pss_anon / MIB, err) < 0 ||
	    fp_info_num(smp, "pss_file_mib", (double)m->mem.pss_file / MIB, err) < 0 ||
	    fp_info_num(smp, "processes", (double)m->mem.procs, err) < 0)
		return -1;
	if (m->has_cg && fp_metric(smp, "cgroup_mem", (double)m->cg_bytes / MIB, err) < 0)
		return -1;
	if (fp_is_vm(env) && fp_guest_view(smp, err) < 0)
		return -1;
	return 1;
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
	if (kernel && fp_files_add_path(s, kernel, "kernel", false, err) < 0)
		return -1;
	if (initrd && fp_files_add_path(s, initrd, "initramfs", false, err) < 0)
		return -1;
	/* an image's root disk is attached read-only: one file serves every instance */
	if (root_disk && fp_files_add_path(s, root_disk, "root disk", false, err) < 0)
		return -1;
	return 0;
}

static const char *const fp_roles[] = { "workload",  "rootfs",      "kernel",         "initramfs",
	                                "root disk", "binary",      "library",        "data",
	                                "engine",    "image store", "instance state", "disk image",
	                                NULL };

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
		fprintf(f, "%s%s (%s, %lld B apparent, %lld B allocated%s)", i ? "; " : "",
		        s->v[i].path, s->v[i].role, s->v[i].apparent, s->v[i].allocated,
		        s->v[i].per_instance ? ", per instance" : "");
	fclose(f);
	fact = json_pack("{s:s, s:s, s:s, s:s, s:i}", "env", env->name, "suite", FP_SUITE, "key",
	                 "disk_files", "value", text ? text : "", "rep", 0);
	free(text);
	if (!fact || json_array_append_new(c->res->facts, fact) < 0)
		return bb_fail(err, ENOMEM, "footprint: file list");
	return 0;
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
		if (fp_info(smp, key, err, "%zu file%s, %.2f MiB apparent, %.2f MiB allocated", n,
		            n == 1 ? "" : "s", (double)ap / MIB, (double)al / MIB) < 0)
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
	if (fp_metric(smp, "disk_apparent", (double)d.apparent / MIB, err) < 0 ||
	    fp_metric(smp, "disk_allocated", (double)d.allocated / MIB, err) < 0 ||
	    fp_disk_roles(smp, s, err) < 0 ||
	    fp_info(smp, "disk_shared", err,
	            "%.2f MiB apparent, %.2f MiB allocated in %zu file%s: read only, one copy "
	            "serves every instance",
	            (double)d.shared_apparent / MIB, (double)d.shared_allocated / MIB, d.files,
	            d.files == 1 ? "" : "s") < 0)
		return -1;
	if (d.inst_apparent || d.inst_allocated
	        ? fp_info(smp, "disk_per_instance", err,
	                  "%.2f MiB apparent, %.2f MiB allocated: written by the instance, one "
	                  "copy each",
	                  (double)d.inst_apparent / MIB, (double)d.inst_allocated / MIB) < 0
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

static int fp_disk(const struct fp_ctx *c, const struct bb_env *env, const struct fp_live *lv,
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

/* Where the environment's files may live: the file systems fanotify watches. */
static size_t fp_marks(const struct bb_env *env, pid_t pid, char *exe, size_t len,
                       const char **marks, size_t max)
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

/* --- rep 0: density --- */

struct fp_extra {
	struct bb_instance inst;
	bool spawned, idle;
	char why[320];
};

/* Read the extra instance's records until it says `idle` (or fails, ends, or times out). */
static void fp_extra_wait(struct fp_extra *x, uint64_t deadline)
{
	_cleanup_free_ struct bb_reader *rd = malloc(sizeof(*rd));
	struct bb_err e = { 0 };
	struct bb_record rec;
	const char *line;
	size_t len;
	uint64_t t;

	if (!rd) {
		snprintf(x->why, sizeof(x->why), "out of memory");
		return;
	}
	reader_init(rd, x->inst.out_fd);
	for (;;) {
		enum bb_read_result r = reader_next(rd, deadline, &line, &len, &t, &e);
		if (r == BB_READ_LONG)
			continue;
		if (r != BB_READ_LINE) {
			snprintf(x->why, sizeof(x->why), "%s",
			         r == BB_READ_EOF       ? "it ended before it was idle"
			         : r == BB_READ_TIMEOUT ? "it was not idle before the timeout"
			                                : e.msg);
			return;
		}
		int p = proto_parse_line(line, len, &rec, &e);
		if (p < 0) {
			snprintf(x->why, sizeof(x->why), "bad record: %.200s", e.msg);
			return;
		}
		if (p == 1 && rec.kind == BB_REC_INFO && !strcmp(rec.metric, FP_TRIGGER)) {
			x->idle = true;
			return;
		}
		if (p == 1 && (rec.kind == BB_REC_END || rec.kind == BB_REC_ERROR)) {
			snprintf(x->why, sizeof(x->why), "%s",
			         rec.kind == BB_REC_END ? "it ended before it was idle" : rec.text);
			return;
		}
	}
}

/* Start them all first, so that they come up at once, then wait for each to be idle. */
static void fp_extras_start(struct bb_env *env, const struct bb_job *job, struct fp_extra *x,
                            size_t n)
{
	uint64_t deadline = bb_now_ns() + (uint64_t)(job->timeout_s * 1e9);

	for (size_t i = 0; i < n; i++) {
		struct bb_err e = { 0 };
		x[i].inst = (struct bb_instance){ .pid = -1, .pidfd = -1, .out_fd = -1 };
		if (env->launcher->spawn(env, job, &x[i].inst, &e) < 0)
			snprintf(x[i].why, sizeof(x[i].why), "spawn: %.300s", e.msg);
		else
			x[i].spawned = true;
	}
	for (size_t i = 0; i < n; i++)
		if (x[i].spawned)
			fp_extra_wait(&x[i], deadline);
}

/* Ask every one to stop, then reap each (reap kills what does not stop in time). */
static void fp_extras_stop(struct bb_env *env, struct fp_extra *x, size_t n, double timeout_s,
                           char *why, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (x[i].spawned)
			kill(x[i].inst.pid, SIGTERM);
	for (size_t i = 0; i < n; i++) {
		struct bb_err e = { 0 };
		if (!x[i].spawned)
			continue;
		if (env->launcher->reap(env, &x[i].inst, timeout_s, &e) != 0 && !why[0])
			snprintf(why, len, "teardown of a density instance: %.300s", e.msg);
		x[i].spawned = false;
	}
}

static int fp_density_error(struct bb_sample *smp, const char *why, struct bb_err *err)
{
	static const char *const metrics[] = { "density_total", "density_increment",
		                               "extrapolated_fit", NULL };

	for (size_t i = 0; metrics[i]; i++)
		if (fp_error(smp, metrics[i], err, "%s", why) < 0)
			return -1;
	return 0;
}

/* Total PSS of every live instance (box and wrappers) and, once, of the shared engine. */
static int fp_density_total(const struct fp_live *lv, double *total, struct bb_err *err)
{
	struct fp_inst m;
	double wrap, engine;

	*total = 0;
	for (size_t i = 0; i <= lv->nothers; i++) {
		const struct bb_members *mb = i ? &lv->others[i - 1] : lv->mb;
		if (fp_inst_measure(mb->box, &m, err) < 0 ||
		    fp_engine_mem(mb, &wrap, &engine, err) < 0)
			return -1;
		*total += (double)m.mem.pss + wrap + (i ? 0 : engine);
	}
	return 0;
}

static int fp_density_report(const struct bb_env *env, unsigned k, double budget, double total,
                             double inc, double fit, struct bb_sample *smp, struct bb_err *err)
{
	if (fp_metric(smp, "density_total", total / MIB, err) < 0 ||
	    fp_metric(smp, "density_increment", inc / MIB, err) < 0 ||
	    fp_metric(smp, "extrapolated_fit", fit, err) < 0 ||
	    fp_info_num(smp, "density_k", k, err) < 0 ||
	    fp_info_num(smp, "density_budget_bytes", budget, err) < 0)
		return -1;
	/* Under 256 characters: the report shows a fact's first 255. */
	return fp_info(smp, "density_note", err,
	               "EXTRAPOLATION from %u at once (%.3g MiB PSS, +%.3g MiB each): 1 + (%.4g "
	               "GiB - one) / increment = %.0f; PSS leaves out page tables and kernel "
	               "memory%s",
	               k, total / MIB, inc / MIB, budget / (MIB * 1024), fit,
	               fp_is_vm(env) ? "; an idle guest holds only the RAM it touched" : "");
}

static int fp_density(const struct fp_ctx *c, const struct bb_env *env, const struct fp_extra *x,
                      const struct fp_live *lv, double first, struct bb_sample *smp,
                      struct bb_err *err)
{
	double budget = c && c->budget > 0 ? (double)c->budget : (double)FP_DEFAULT_BUDGET;
	double total, inc, fit;
	struct bb_err e = { 0 };

	size_t n = lv->nothers;

	for (size_t i = 0; i < n; i++)
		if (!x[i].idle)
			return fp_density_error(smp, x[i].why, err);
	if (first < 0)
		return fp_density_error(smp, "the first instance could not be measured", err);
	if (fp_density_total(lv, &total, &e) < 0 ||
	    fp_density_fit(budget, first, total, (unsigned)n + 1, &inc, &fit, &e) < 0)
		return fp_density_error(smp, e.msg, err);
	return fp_density_report(env, (unsigned)n + 1, budget, total, inc, fit, smp, err);
}

/* The extra instances' members (a failure makes it not idle: no density) and the pids whose
 * opens count: each instance, its box and its wrappers. */
static size_t fp_extras_members(struct bb_env *env, struct fp_extra *x, size_t n,
                                struct bb_members *xm, pid_t *xp)
{
	size_t nxp = 0;

	for (size_t i = 0; i < n; i++) {
		struct bb_err e = { 0 };
		if (!x[i].spawned)
			continue;
		xp[nxp++] = x[i].inst.pid;
		if (x[i].idle && fp_members(env, &x[i].inst, &xm[i], &e) < 0) {
			x[i].idle = false;
			snprintf(x[i].why, sizeof(x[i].why), "members: %.300s", e.msg);
		}
		if (xm[i].box > 0)
			xp[nxp++] = xm[i].box;
		for (size_t j = 0; j < xm[i].nwrap; j++)
			xp[nxp++] = xm[i].wrap[j];
	}
	return nxp;
}

/* Repetition 0: K-1 further instances start (watched for the files they open), then the disk
 * and the density are measured, then they are all torn down. */
static int fp_rep0(const struct fp_ctx *c, struct bb_env *env, const struct bb_job *job,
                   struct bb_instance *inst, const struct bb_members *mb, double first,
                   struct bb_sample *smp, struct bb_err *err)
{
	unsigned k = c && c->density ? c->density : FP_DEFAULT_DENSITY;
	size_t n = (k < 2 ? 2 : k > FP_MAX_DENSITY ? FP_MAX_DENSITY : k) - 1;
	_cleanup_free_ struct fp_extra *x = calloc(n, sizeof(*x));
	_cleanup_free_ struct bb_members *xm = calloc(n, sizeof(*xm));
	_cleanup_free_ pid_t *xp = calloc(n * (2 + BB_MEMBERS_MAX), sizeof(*xp));
	const char *marks[10];
	char exe[PATH_MAX], why[400] = "";
	struct fp_opens w;
	int rc;

	if (!x || !xm || !xp)
		return bb_fail(err, ENOMEM, "footprint: density");
	fp_marks(env, inst->pid, exe, sizeof(exe), marks, 9);
	fp_opens_start(&w, marks);
	fp_extras_start(env, job, x, n);
	size_t nxp = fp_extras_members(env, x, n, xm, xp);
	struct fp_live lv = { .mb = mb, .others = xm, .nothers = n };
	rc = fp_disk(c, env, &lv, &w, xp, nxp, smp, err);
	fp_opens_stop(&w);
	if (rc == 0)
		rc = fp_density(c, env, x, &lv, first, smp, err);
	fp_extras_stop(env, x, n, job->timeout_s < 10 ? job->timeout_s : 10, why, sizeof(why));
	if (rc == 0 && why[0])
		rc = fp_error(smp, "density_total", err, "%s", why);
	return rc;
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
	return fp_rep0(c, env, job, inst, mb, r ? whole : -1, smp, err);
}
