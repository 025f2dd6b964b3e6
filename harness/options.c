#include "options.h"

#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char libexec_dir[PATH_MAX];
static char load_path[PATH_MAX];

const char *options_self_dir(void)
{
	static char dir[PATH_MAX];
	char exe[PATH_MAX];
	ssize_t n;

	if (dir[0])
		return dir;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return NULL;
	exe[n] = '\0';
	snprintf(dir, sizeof(dir), "%s", dirname(exe));
	return dir;
}

static void options_find_libexec(void)
{
	char candidate[PATH_MAX + 64];
	const char *env = getenv("BOXBENCH_LIBEXEC"), *dir;

	if (env && *env) {
		snprintf(libexec_dir, sizeof(libexec_dir), "%s", env);
		return;
	}
	dir = options_self_dir();
	if (!dir) {
		snprintf(libexec_dir, sizeof(libexec_dir), "build");
		return;
	}
	snprintf(candidate, sizeof(candidate), "%s/boxbench-load", dir);
	if (access(candidate, X_OK) == 0) {
		snprintf(libexec_dir, sizeof(libexec_dir), "%s", dir);
		return;
	}
	snprintf(libexec_dir, sizeof(libexec_dir), "%s/../libexec/boxbench", dir);
}

void options_defaults(struct bb_env_opts *opts)
{
	if (!libexec_dir[0]) {
		options_find_libexec();
		snprintf(load_path, sizeof(load_path), "%s/boxbench-load", libexec_dir);
	}
	memset(opts, 0, sizeof(*opts));
	opts->build_dir = libexec_dir;
	opts->load_path = load_path;
	opts->pu = -1;
	opts->container_ns = BB_NS_ALL;
	opts->container_cgroup = true;
	opts->container_rootfs = true;
	opts->cpu_quota = 1.0;
	opts->mem_limit = 512ll << 20;
	opts->pids_limit = 256;
	/* 512 MiB: room for the mem suite's arrays (up to 256 MiB) beside the guest kernel. */
	opts->vm_mem_mib = 512;
	opts->vm_vcpus = 1;
	opts->vm_full_timeout_s = 300;
}
