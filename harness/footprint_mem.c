/* The memory of a live instance (footprint.h, "memory"): PSS from smaps_rollup over its
 * process tree and its cgroup's members, the cgroup's own accounting, and the split of its file
 * mappings between the host's C runtime and the rest. */
#include "footprint.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"

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

void fp_smaps_libs_stream(FILE *f, struct fp_libs *out)
{
	char *line = NULL;
	size_t cap = 0;
	long long *cur = NULL, kib;
	struct fp_map m;

	while (getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "Pss: %lld kB", &kib) == 1) {
			if (cur && kib > 0)
				*cur += kib * 1024;
			continue;
		}
		int r = fp_maps_parse_line(line, &m);
		if (r == 1)
			cur = fp_host_runtime_lib(m.path) ? &out->runtime : &out->other;
		else if (r == 0)
			cur = NULL; /* anonymous, heap, stack, vdso: not a file */
	}
	free(line);
}

int fp_libs_sum(const pid_t *pids, size_t n, struct fp_libs *out, struct bb_err *err)
{
	char path[64];

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pids[i]);
		FILE *f = fopen(path, "re");
		if (!f) {
			if (errno == ENOENT || errno == ESRCH)
				continue;
			return bb_fail(err, errno, "footprint: open %s", path);
		}
		fp_smaps_libs_stream(f, out);
		fclose(f);
	}
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
