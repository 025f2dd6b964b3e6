/* The disk of an environment (footprint.h, "disk"): files counted once by inode, trees walked
 * like du -x, the files a process maps or holds open for writing, and what is listed apart. */
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
	f->apart = fp_role_apart(role);
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

bool fp_role_apart(const char *role)
{
	static const char *const apart[] = { "host library", "engine daemon", "booted kernel",
		                             NULL };

	for (size_t i = 0; apart[i]; i++)
		if (!strcmp(role, apart[i]))
			return true;
	return false;
}

bool fp_host_runtime_lib(const char *path)
{
	/* glibc's own libraries (the ld.so, libc6 package): what the loader maps into every
	 * dynamically linked program, whichever box starts it */
	static const char *const runtime[] = { "ld-linux",       "libc.so.",    "libm.so.",
		                               "libpthread.so.", "libdl.so.",   "librt.so.",
		                               "libresolv.so.",  "libutil.so.", NULL };
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	for (size_t i = 0; runtime[i]; i++)
		if (!strncmp(base, runtime[i], strlen(runtime[i])))
			return true;
	return false;
}

void fp_files_total(const struct fp_files *s, struct fp_disk *d)
{
	memset(d, 0, sizeof(*d));
	for (size_t i = 0; i < s->n; i++) {
		const struct fp_file *f = &s->v[i];
		if (f->apart) {
			d->apart_apparent += f->apparent;
			d->apart_allocated += f->allocated;
			d->apart_files++;
			continue;
		}
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
	d->files = s->n - d->apart_files;
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

ssize_t fp_read_text(const char *path, char *buf, size_t len)
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
		const char *role = is_exe                        ? "binary"
		                   : fp_host_runtime_lib(m.path) ? "host library"
		                                                 : "library";
		if (fp_files_add_stat(s, m.path, &st, role, writable, err) < 0)
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
