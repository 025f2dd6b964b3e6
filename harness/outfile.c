#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* An existing path that may not be replaced: why, or NULL when it may be (or is absent). */
static const char *outfile_refusal(const char *path, bool force, struct bb_err *err, int *rc)
{
	struct stat st;

	*rc = 0;
	if (lstat(path, &st) < 0) {
		if (errno != ENOENT)
			*rc = bb_fail(err, errno, "%s", path);
		return NULL;
	}
	if (S_ISDIR(st.st_mode))
		return "is a directory";
	if (S_ISLNK(st.st_mode))
		return "is a symbolic link (give the file it points to)";
	if (!S_ISREG(st.st_mode))
		return "is not a regular file (a device, FIFO or socket is never replaced)";
	if (!force)
		return "exists (use --force to replace it)";
	return NULL;
}

static void outfile_dir(const char *path, char *dir, size_t len)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	snprintf(dir, len, "%s", dirname(buf));
}

FILE *outfile_open(const char *path, char *tmp, size_t len, struct bb_err *err)
{
	char dir[PATH_MAX], base[PATH_MAX];
	FILE *f;
	int fd, n;

	outfile_dir(path, dir, sizeof(dir));
	snprintf(base, sizeof(base), "%s", path);
	n = snprintf(tmp, len, "%s/.%s.tmp-XXXXXX", dir, basename(base));
	if (n < 0 || (size_t)n >= len) {
		bb_fail(err, ENAMETOOLONG, "%s", path);
		return NULL;
	}
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		bb_fail(err, errno, "%s: cannot create a file in %s", path, dir);
		return NULL;
	}
	fchmod(fd, 0644);
	if (!(f = fdopen(fd, "w"))) {
		bb_fail(err, errno, "%s", path);
		close(fd);
		unlink(tmp);
	}
	return f;
}

int outfile_check(const char *path, bool force, struct bb_err *err)
{
	char tmp[PATH_MAX];
	const char *why;
	FILE *f;
	int rc;

	if (!path || !*path)
		return bb_fail(err, 0, "empty output file name");
	if ((why = outfile_refusal(path, force, err, &rc)))
		return bb_fail(err, 0, "%s %s", path, why);
	if (rc < 0)
		return -1;
	if (!(f = outfile_open(path, tmp, sizeof(tmp), err)))
		return -1;
	outfile_abort(f, tmp);
	return 0;
}

void outfile_abort(FILE *f, const char *tmp)
{
	if (f)
		fclose(f);
	unlink(tmp);
}

int outfile_commit(FILE *f, const char *tmp, const char *path, bool force, struct bb_err *err)
{
	const char *why;
	int rc, e;

	if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) < 0) {
		e = errno ? errno : EIO;
		outfile_abort(f, tmp);
		return bb_fail(err, e, "write %s", path);
	}
	if (fclose(f) != 0) {
		e = errno;
		unlink(tmp);
		return bb_fail(err, e, "write %s", path);
	}
	/* Checked again: the target may have changed while the work ran. */
	if ((why = outfile_refusal(path, force, err, &rc)) || rc < 0) {
		unlink(tmp);
		return why ? bb_fail(err, 0, "%s %s", path, why) : -1;
	}
	/* link() fails with EEXIST when the target exists: an atomic "create, never replace". */
	if (force ? rename(tmp, path) < 0 : link(tmp, path) < 0) {
		e = errno;
		unlink(tmp);
		return e == EEXIST ? bb_fail(err, 0, "%s exists (use --force to replace it)", path)
		                   : bb_fail(err, e, "%s", path);
	}
	if (!force)
		unlink(tmp);
	return 0;
}
