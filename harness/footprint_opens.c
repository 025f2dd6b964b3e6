/* Files the instances open while they start (footprint.h, fp_opens): fanotify on the file
 * systems where the box's files may live, so that files read and closed at start (firmware,
 * option ROMs) count too. */
#include "footprint.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <unistd.h>

void fp_opens_start(struct fp_opens *w, const char *const *paths)
{
	int marked = 0, e = 0;

	memset(w, 0, sizeof(*w));
	/* Each event comes with the file opened for us: O_NONBLOCK so that a FIFO someone else
	 * opened on a watched file system cannot block that open. */
	w->fd = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK | FAN_UNLIMITED_QUEUE,
	                      O_RDONLY | O_LARGEFILE | O_CLOEXEC | O_NONBLOCK);
	if (w->fd < 0) {
		snprintf(w->why, sizeof(w->why), "fanotify: %s", strerror(errno));
		return;
	}
	for (size_t i = 0; paths && paths[i]; i++) {
		/* A file system mark sees every mount of it (a container's bind mounts too); a
		 * mount mark is the fallback where the former is refused (btrfs subvolumes). */
		if (fanotify_mark(w->fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, FAN_OPEN, AT_FDCWD,
		                  paths[i]) == 0 ||
		    fanotify_mark(w->fd, FAN_MARK_ADD | FAN_MARK_MOUNT, FAN_OPEN, AT_FDCWD,
		                  paths[i]) == 0)
			marked++;
		else
			e = errno;
	}
	if (!marked) {
		snprintf(w->why, sizeof(w->why), "fanotify_mark: %s", strerror(e ? e : ENOENT));
		close(w->fd);
		w->fd = -1;
	}
}

void fp_opens_stop(struct fp_opens *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}

/* Host configuration and pseudo files: read at start by any program, not the box's own
 * (zoneinfo: what /etc/localtime links to, and fanotify reports the link's target). */
static bool fp_host_file(const char *path)
{
	static const char *const skip[] = { "/etc/", "/proc/", "/sys/",
		                            "/dev/", "/run/",  "/usr/share/zoneinfo/",
		                            NULL };

	for (size_t i = 0; skip[i]; i++)
		if (!strncmp(path, skip[i], strlen(skip[i])))
			return true;
	return path[0] != '/';
}

static int fp_opens_event(int fd, struct fp_files *s, struct bb_err *err)
{
	char link[64], path[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0)
		return 0;
	path[n] = '\0';
	if (fp_host_file(path))
		return 0;
	return fp_files_add_stat(s, path, &st, "data", false, err) < 0 ? -1 : 0;
}

int fp_opens_collect(struct fp_opens *w, const pid_t *pids, size_t n, struct fp_files *s,
                     struct bb_err *err)
{
	char buf[16384] __attribute__((aligned(8)));
	int rc = 0;
	ssize_t len;

	if (w->fd < 0)
		return 0;
	/* Every event holds an open descriptor: all must be read and closed, error or not. */
	while ((len = read(w->fd, buf, sizeof(buf))) > 0) {
		struct fanotify_event_metadata *m = (struct fanotify_event_metadata *)buf;
		for (; FAN_EVENT_OK(m, len); m = FAN_EVENT_NEXT(m, len)) {
			if (m->mask & FAN_Q_OVERFLOW)
				w->overflow = true;
			if (m->fd < 0)
				continue;
			if (rc == 0 && fp_pid_in(m->pid, pids, n) &&
			    fp_opens_event(m->fd, s, err) < 0)
				rc = -1;
			close(m->fd);
		}
	}
	if (len < 0 && errno != EAGAIN && errno != EINTR && rc == 0)
		rc = bb_fail(err, errno, "footprint: read fanotify events");
	return rc;
}
