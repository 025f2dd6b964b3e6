#include "vmm.h"
#include "cleanup.h"
#include "proc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define VMM_VERSION_TIMEOUT 10.0

const struct vmm_ops *vmm_find(const char *name, const char *machine)
{
	for (size_t i = 0; name && vmms[i]; i++)
		if (strcmp(vmms[i]->name, name) == 0 &&
		    (!machine || strcmp(vmms[i]->machine, machine) == 0))
			return vmms[i];
	return NULL;
}

const struct vmm_accel *vmm_accel(const struct vmm_ops *vmm, const char *name, struct bb_err *err)
{
	char list[128] = "";
	size_t o = 0;

	for (const struct vmm_accel *a = vmm->accels; name && a->name; a++)
		if (strcmp(a->name, name) == 0)
			return a;
	/* "kvm or tcg", "a, b or c" */
	for (const struct vmm_accel *a = vmm->accels; a->name && o < sizeof(list); a++)
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s",
		                      a == vmm->accels ? ""
		                      : a[1].name      ? ", "
		                                       : " or ",
		                      a->name);
	bb_fail(err, 0, "unknown accelerator \"%s\" (expected %s)", name ? name : "(null)", list);
	return NULL;
}

int vmm_locate(const struct vmm_ops *vmm, char *out, size_t len, struct bb_err *err)
{
	const char *path = getenv("PATH");
	_cleanup_free_ char *copy = strdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	char *save = NULL;

	if (!copy)
		return bb_fail(err, ENOMEM, "PATH");
	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		int n = snprintf(out, len, "%s/%s", *dir ? dir : ".", vmm->binary);
		if (n > 0 && (size_t)n < len && access(out, X_OK) == 0)
			return 0;
	}
	out[0] = '\0';
	return bb_fail(err, 0, "%s not found in PATH (Debian package %s)", vmm->binary,
	               vmm->package);
}

/* Run argv with stdout into the memfd out; 0 when it exited by itself, status set. */
static int vmm_run(char **argv, int out, int *status, struct bb_err *err)
{
	struct bb_exec ex = { .path = argv[0],
		              .argv = argv,
		              .stdin_fd = -1,
		              .stdout_fd = out,
		              .stderr_fd = -1,
		              .pu = -1 };
	int pidfd, w;
	pid_t pid;

	if (proc_spawn(&ex, &pid, &pidfd, err) < 0)
		return -1;
	w = proc_wait(pid, pidfd, VMM_VERSION_TIMEOUT, status, err);
	if (w != 0)
		proc_kill_reap(pid, pidfd, false, status);
	if (pidfd >= 0)
		close(pidfd);
	return w;
}

int vmm_version(const struct vmm_ops *vmm, const char *path, char *buf, size_t len,
                struct bb_err *err)
{
	char *argv[] = { (char *)path, (char *)vmm->version_arg, NULL };
	_cleanup_close_ int out = memfd_create("boxbench-vmm-version", MFD_CLOEXEC);
	char text[1024], st[64];
	int status = 0, w;
	ssize_t n;

	if (out < 0)
		return bb_fail(err, errno, "memfd");
	w = vmm_run(argv, out, &status, err);
	if (w < 0)
		return -1;
	n = pread(out, text, sizeof(text) - 1, 0);
	text[n > 0 ? n : 0] = '\0';
	if (w == PROC_INTERRUPTED)
		return bb_fail(err, 0, "%s %s: interrupted", path, vmm->version_arg);
	if (w == PROC_TIMEOUT || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    vmm->parse_version(text, buf, len) < 0)
		return bb_fail(err, 0, "%s %s: %s", path, vmm->version_arg,
		               w == PROC_TIMEOUT ? "no answer"
		                                 : proc_status_str(status, st, sizeof(st)));
	return 0;
}

void vmm_argv_add(struct vmm_argv *a, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (a->failed)
		return;
	if (a->n + 2 > a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 32;
		char **v = realloc(a->v, cap * sizeof(*v));
		if (!v) {
			a->failed = true;
			return;
		}
		a->v = v;
		a->cap = cap;
	}
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0) {
		a->failed = true;
		s = NULL;
	}
	va_end(ap);
	a->v[a->n] = s;
	if (s)
		a->n++;
	a->v[a->n] = NULL;
}

int vmm_argv_finish(struct vmm_argv *a, char ***argv, struct bb_err *err)
{
	if (a->failed) {
		vmm_argv_free(a->v);
		*argv = NULL;
		return bb_fail(err, ENOMEM, "argv");
	}
	*argv = a->v;
	return 0;
}

void vmm_argv_free(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}
