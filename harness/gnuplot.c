#include "gnuplot.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "options.h"
#include "proc.h"

#define GNUPLOT_MAX_ARGS 32

extern char **environ;

const char *gnuplot_templates_dir(const char *probe)
{
	static char dir[PATH_MAX];
	static const char *const rel[] = { "../scripts", "../share/boxbench/gnuplot", NULL };
	const char *env = getenv("BOXBENCH_GNUPLOT_DIR"), *self = options_self_dir();
	char path[PATH_MAX + 64];

	if (env && *env)
		return env;
	for (size_t i = 0; self && rel[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s/%s", self, rel[i], probe);
		if (access(path, R_OK) == 0) {
			snprintf(dir, sizeof(dir), "%s/%s", self, rel[i]);
			return dir;
		}
	}
	return "scripts";
}

int gnuplot_template(const char *name, char *path, size_t len, struct bb_err *err)
{
	snprintf(path, len, "%s/%s", gnuplot_templates_dir(name), name);
	if (access(path, R_OK) < 0)
		return bb_fail(err, 0,
		               "%s not found (looked in $BOXBENCH_GNUPLOT_DIR, beside the binary "
		               "and in ./scripts)",
		               name);
	return 0;
}

/* execvp's look-up, done here because proc_spawn takes a path. */
static int gnuplot_resolve(const char *program, char *path, size_t len)
{
	const char *dirs = getenv("PATH");
	_cleanup_free_ char *copy = NULL;
	char *save = NULL;

	if (strchr(program, '/')) {
		snprintf(path, len, "%s", program);
		return access(path, X_OK);
	}
	copy = strdup(dirs && *dirs ? dirs : "/usr/local/bin:/usr/bin:/bin");
	for (char *d = copy ? strtok_r(copy, ":", &save) : NULL; d;
	     d = strtok_r(NULL, ":", &save)) {
		snprintf(path, len, "%s/%s", *d ? d : ".", program);
		if (access(path, X_OK) == 0)
			return 0;
	}
	return -1;
}

/* The message of a failed gnuplot: its `"FILE" line N: message` line, directory dropped. */
static void gnuplot_message(int fd, char *buf, size_t len)
{
	char out[4096], *p = out, *line, *at, *slash;
	ssize_t n = pread(fd, out, sizeof(out) - 1, 0);

	buf[0] = '\0';
	if (n <= 0)
		return;
	out[n] = '\0';
	while ((line = strsep(&p, "\n"))) {
		line += strspn(line, " \t^");
		if (!*line)
			continue;
		if (!buf[0])
			snprintf(buf, len, "%s", line);
		at = strstr(line, "\" line ");
		if (!at)
			continue;
		*at = '\0';
		slash = strrchr(line, '/');
		snprintf(buf, len, "%s line %s", slash ? slash + 1 : line + 1, at + 7);
		return;
	}
}

/* Wait for the child; one that outlives the timeout is killed with its group and reaped. */
static int gnuplot_wait(pid_t pid, int pidfd, double timeout_s, int log, struct bb_err *err)
{
	char line[256];
	int status = 0, w = proc_wait(pid, pidfd, timeout_s, &status, err);

	if (w != 0)
		proc_kill_reap(pid, pidfd, true, &status);
	if (w < 0)
		return bb_wrap(err, "gnuplot");
	if (w == PROC_INTERRUPTED)
		return bb_fail(err, 0, "gnuplot interrupted");
	if (w == PROC_TIMEOUT)
		return bb_fail(err, 0, "gnuplot took over %g s and was killed", timeout_s);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		gnuplot_message(log, line, sizeof(line));
		return bb_fail(err, 0, "gnuplot failed: %s", line[0] ? line : "no message");
	}
	return 0;
}

int gnuplot_run(const char *program, char *const args[], double timeout_s, struct bb_err *err)
{
	_cleanup_close_ int log = memfd_create("boxbench-gnuplot", MFD_CLOEXEC);
	_cleanup_close_ int pidfd = -1;
	char path[PATH_MAX], *argv[GNUPLOT_MAX_ARGS + 2] = { (char *)program };
	size_t n = 1;
	pid_t pid;

	if (log < 0)
		return bb_fail(err, errno, "gnuplot: memfd_create");
	if (gnuplot_resolve(program, path, sizeof(path)) < 0) {
		bb_fail(err, 0, "%s not found (install gnuplot-nox)", program);
		return GNUPLOT_MISSING;
	}
	for (; args[n - 1] && n <= GNUPLOT_MAX_ARGS; n++)
		argv[n] = args[n - 1];
	if (args[n - 1])
		return bb_fail(err, E2BIG, "gnuplot: over %d arguments", GNUPLOT_MAX_ARGS);
	argv[n] = NULL;
	const struct bb_exec ex = { .path = path,
		                    .argv = argv,
		                    .envp = environ,
		                    .stdin_fd = -1,
		                    .stdout_fd = log,
		                    .stderr_fd = log,
		                    .pu = -1,
		                    .new_pgrp = true };
	if (proc_spawn(&ex, &pid, &pidfd, err) < 0)
		return bb_wrap(err, "gnuplot");
	return gnuplot_wait(pid, pidfd, timeout_s, log, err);
}

/* The last bytes of a whole file of this kind. */
static bool gnuplot_output_whole(const char *path)
{
	static const unsigned char png_end[12] = { 0,   0,   0,    0,    'I',  'E',
		                                   'N', 'D', 0xae, 0x42, 0x60, 0x82 };
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t n = strlen(path);
	unsigned char tail[64];
	struct stat st;
	ssize_t got;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < 12)
		return false;
	got = pread(fd, tail, sizeof(tail),
	            st.st_size > (off_t)sizeof(tail) ? st.st_size - (off_t)sizeof(tail) : 0);
	if (got < 12)
		return false;
	if (strstr(path, ".png") && n >= 4)
		return !memcmp(tail + got - 12, png_end, 12);
	return memmem(tail, (size_t)got, "</svg>", 6) != NULL;
}

int gnuplot_output_commit(const char *tmp, const char *path, struct bb_err *err)
{
	if (!gnuplot_output_whole(tmp)) {
		unlink(tmp);
		return bb_fail(err, 0, "gnuplot wrote no whole %s (a full disk?)", path);
	}
	if (rename(tmp, path) < 0) {
		int e = errno;
		unlink(tmp);
		return bb_fail(err, e, "%s", path);
	}
	return 0;
}
