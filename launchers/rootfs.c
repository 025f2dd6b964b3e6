#include "rootfs.h"

#include "cleanup.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const struct rootfs_entry rootfs_manifest[] = {
	{ .path = "/", .type = ROOTFS_DIR, .mode = 0755 },
	{ .path = "/bin", .type = ROOTFS_DIR, .mode = 0755 },
	{ .path = ROOTFS_LOAD_PATH, .type = ROOTFS_LOAD, .mode = 0755 },
	{ .path = "/dev", .type = ROOTFS_DIR, .mode = 0755 },
	{ .path = "/etc", .type = ROOTFS_DIR, .mode = 0755 },
	{ .path = "/etc/hostname",
	  .type = ROOTFS_FILE,
	  .mode = 0644,
	  .content = ROOTFS_HOSTNAME "\n" },
	{ .path = "/proc", .type = ROOTFS_DIR, .mode = 0555 },
	{ .path = "/scratch", .type = ROOTFS_DIR, .mode = 0755 },
	{ .path = "/sys", .type = ROOTFS_DIR, .mode = 0555 },
	{ .path = "/sys/fs", .type = ROOTFS_DIR, .mode = 0555 },
	{ .path = "/sys/fs/cgroup", .type = ROOTFS_DIR, .mode = 0555 },
	{ .path = "/sys/fs/cgroup/cpu", .type = ROOTFS_DIR, .mode = 0555 },
	{ .path = "/sys/fs/cgroup/memory", .type = ROOTFS_DIR, .mode = 0555 },
	{ .path = "/sys/fs/cgroup/pids", .type = ROOTFS_DIR, .mode = 0555 },
	{ .path = "/tmp", .type = ROOTFS_DIR, .mode = 01777 },
	{ .path = NULL },
};

static int rootfs_join(char *out, size_t len, const char *root, const char *path,
                       struct bb_err *err)
{
	int n = snprintf(out, len, "%s%s", root, strcmp(path, "/") == 0 ? "" : path);

	if (n < 0 || (size_t)n >= len)
		return bb_fail(err, ENAMETOOLONG, "rootfs: path %s%s", root, path);
	return 0;
}

static int rootfs_make_dir(const char *path, mode_t mode, struct bb_err *err)
{
	struct stat st;

	if (mkdir(path, mode) < 0 && errno != EEXIST)
		return bb_fail(err, errno, "rootfs: mkdir %s", path);
	if (lstat(path, &st) < 0)
		return bb_fail(err, errno, "rootfs: stat %s", path);
	if (!S_ISDIR(st.st_mode))
		return bb_fail(err, 0, "rootfs: %s exists and is not a directory", path);
	/* mkdir(2) applies the umask; the manifest's modes (1777 for /tmp) must hold exactly. */
	if ((st.st_mode & 07777) != mode && chmod(path, mode) < 0)
		return bb_fail(err, errno, "rootfs: chmod %s", path);
	return 0;
}

static int rootfs_write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static bool rootfs_file_current(const char *path, const char *content, mode_t mode)
{
	char buf[256];
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t len = strlen(content);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (st.st_mode & 07777) != mode)
		return false;
	if ((size_t)st.st_size != len || len > sizeof(buf))
		return false;
	return read(fd, buf, sizeof(buf)) == (ssize_t)len && memcmp(buf, content, len) == 0;
}

/* Write to a temporary name and rename over: a concurrent run never sees half a file. */
static int rootfs_make_file(const char *path, const char *content, mode_t mode, struct bb_err *err)
{
	char tmp[PATH_MAX + 32];
	_cleanup_close_ int fd = -1;

	if (rootfs_file_current(path, content, mode))
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp-%d", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return bb_fail(err, errno, "rootfs: create %s", tmp);
	if (fchmod(fd, mode) < 0 || rootfs_write_all(fd, content, strlen(content)) < 0 ||
	    rename(tmp, path) < 0) {
		bb_fail(err, errno, "rootfs: write %s", path);
		unlink(tmp);
		return -1;
	}
	return 0;
}

bool rootfs_load_current(const char *root, const char *load_path)
{
	char path[PATH_MAX];
	struct stat a, b;

	if (rootfs_join(path, sizeof(path), root, ROOTFS_LOAD_PATH, NULL) < 0)
		return false;
	if (stat(load_path, &a) < 0 || lstat(path, &b) < 0 || !S_ISREG(b.st_mode))
		return false;
	if (a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		return true;
	/* A copy (the build tree spans devices) carries the original's size and mtime. */
	return a.st_size == b.st_size && a.st_mtim.tv_sec == b.st_mtim.tv_sec &&
	       a.st_mtim.tv_nsec == b.st_mtim.tv_nsec;
}

static int rootfs_copy(const char *from, const char *to, struct bb_err *err)
{
	_cleanup_close_ int in = open(from, O_RDONLY | O_CLOEXEC);
	_cleanup_close_ int out = -1;
	struct stat st;
	char buf[65536];
	ssize_t n;

	if (in < 0 || fstat(in, &st) < 0)
		return bb_fail(err, errno, "rootfs: open %s", from);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (out < 0)
		return bb_fail(err, errno, "rootfs: create %s", to);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (rootfs_write_all(out, buf, (size_t)n) < 0)
			return bb_fail(err, errno, "rootfs: write %s", to);
	if (n < 0)
		return bb_fail(err, errno, "rootfs: read %s", from);
	struct timespec times[2] = { st.st_atim, st.st_mtim };
	if (fchmod(out, 0755) < 0 || futimens(out, times) < 0)
		return bb_fail(err, errno, "rootfs: set mode/time of %s", to);
	return 0;
}

/* A hard link costs nothing and keeps the exact bytes; copy only across devices. */
static int rootfs_make_load(const char *path, const char *load_path, const char *root,
                            struct bb_err *err)
{
	char tmp[PATH_MAX + 32];

	if (rootfs_load_current(root, load_path))
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp-%d", path, (int)getpid());
	unlink(tmp);
	if (link(load_path, tmp) < 0) {
		if (errno != EXDEV && errno != EPERM)
			return bb_fail(err, errno, "rootfs: link %s to %s", load_path, tmp);
		if (rootfs_copy(load_path, tmp, err) < 0) {
			unlink(tmp);
			return -1;
		}
	}
	if (rename(tmp, path) < 0) {
		bb_fail(err, errno, "rootfs: rename %s", tmp);
		unlink(tmp);
		return -1;
	}
	return 0;
}

int rootfs_build(const char *root, const char *load_path, struct bb_err *err)
{
	char path[PATH_MAX];
	int r = 0;

	for (const struct rootfs_entry *e = rootfs_manifest; e->path && r == 0; e++) {
		if (rootfs_join(path, sizeof(path), root, e->path, err) < 0)
			return -1;
		switch (e->type) {
		case ROOTFS_DIR:
			r = rootfs_make_dir(path, e->mode, err);
			break;
		case ROOTFS_FILE:
			r = rootfs_make_file(path, e->content, e->mode, err);
			break;
		case ROOTFS_LOAD:
			r = rootfs_make_load(path, load_path, root, err);
			break;
		}
	}
	return r;
}

static int rootfs_verify_entry(const struct rootfs_entry *e, const char *path, const char *root,
                               const char *load_path, struct bb_err *err)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return bb_fail(err, errno, "rootfs: %s", path);
	switch (e->type) {
	case ROOTFS_DIR:
		if (!S_ISDIR(st.st_mode) || (st.st_mode & 07777) != e->mode)
			return bb_fail(err, 0, "rootfs: %s: expected a directory with mode %04o",
			               path, (unsigned)e->mode);
		return 0;
	case ROOTFS_FILE:
		if (!rootfs_file_current(path, e->content, e->mode))
			return bb_fail(err, 0, "rootfs: %s: wrong type, mode or content", path);
		return 0;
	case ROOTFS_LOAD:
		if (!S_ISREG(st.st_mode) || !(st.st_mode & S_IXUSR))
			return bb_fail(err, 0, "rootfs: %s: not an executable file", path);
		if (!rootfs_load_current(root, load_path))
			return bb_fail(err, 0, "rootfs: %s: differs from %s", path, load_path);
		return 0;
	}
	return 0;
}

int rootfs_verify(const char *root, const char *load_path, struct bb_err *err)
{
	char path[PATH_MAX];

	for (const struct rootfs_entry *e = rootfs_manifest; e->path; e++) {
		if (rootfs_join(path, sizeof(path), root, e->path, err) < 0 ||
		    rootfs_verify_entry(e, path, root, load_path, err) < 0)
			return -1;
	}
	return 0;
}

int rootfs_size(const char *root, long long *bytes, int *entries, struct bb_err *err)
{
	char path[PATH_MAX];
	struct stat st;

	*bytes = 0;
	*entries = 0;
	for (const struct rootfs_entry *e = rootfs_manifest; e->path; e++) {
		if (rootfs_join(path, sizeof(path), root, e->path, err) < 0)
			return -1;
		if (lstat(path, &st) < 0)
			return bb_fail(err, errno, "rootfs: stat %s", path);
		if (S_ISREG(st.st_mode))
			*bytes += st.st_size;
		(*entries)++;
	}
	return 0;
}

int rootfs_check_static(const char *path, struct bb_err *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf64_Ehdr eh;
	Elf64_Phdr ph;

	if (fd < 0)
		return bb_fail(err, errno, "rootfs: open %s", path);
	if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(ph))
		return bb_fail(err, 0, "rootfs: %s is not a 64-bit ELF executable", path);
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		off_t off = (off_t)eh.e_phoff + (off_t)i * (off_t)sizeof(ph);
		if (pread(fd, &ph, sizeof(ph), off) != (ssize_t)sizeof(ph))
			return bb_fail(err, 0, "rootfs: %s: truncated program headers", path);
		if (ph.p_type == PT_INTERP)
			return bb_fail(err, 0,
			               "rootfs: %s is dynamically linked; the container root holds "
			               "no loader or libraries, build it static",
			               path);
	}
	return 0;
}
