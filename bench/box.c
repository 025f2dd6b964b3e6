/* boxbench-box: the container launcher (launchers/container.c) run inside a guest, for the
 * container-in-vm box (launchers/container_in_vm.c). The guest's init (bench/init.c) execs it
 * instead of the workload when the kernel command line says bb.box=OPTS:
 *
 *   boxbench-box OPTS SUITE [ARGS...]
 *   OPTS = ns=MASK,cgroup=0|1,cpu=CPUS,mem=BYTES,pids=N[,scratch=1]
 *          (the host's container options; scratch: the guest's init mounted the io suite's
 *          disk at /scratch, which the container binds to its own /scratch)
 *
 * It is the same code as the host's `container` box, linked statically: prepare (the minimal
 * root under /rootfs of the initramfs, a cgroup v2 where the guest's init mounted one), spawn,
 * reap, cleanup. The records of the workload are forwarded to the serial console unchanged;
 * on the way, the guest's own clock around the container start is reported as the startup
 * phase `container_start` (this program's start -> the workload's ready record, both on the
 * guest's CLOCK_MONOTONIC): an in-guest measure of what the container adds, independent of
 * the host's clock and of the guest's boot. Exits with the workload's exit code (128 + signal
 * when killed), so init's init_exit_status is the workload's. */
#include "cgroup.h"
#include "cmdline.h"
#include "launcher.h"
#include "record.h"
#include "rootfs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern const struct launcher launcher_container;

#define BOX_TIMEOUT_S 86400.0 /* the host's per-sample timeout ends the whole VM first */

static const char *box_suite = "";
static bool box_scratch; /* scratch=1 */

static void box_fail(const char *step, const struct bb_err *err)
{
	char msg[600];

	snprintf(msg, sizeof(msg), "container-in-vm: %s: %s", step, err->msg);
	rec_error(box_suite, "box", msg);
	exit(1);
}

/* "ns=63,cgroup=1,cpu=1,mem=536870912,pids=256" into opts; unknown keys are an error. */
static int box_parse(const char *spec, struct bb_env_opts *o)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", spec);
	for (char *kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *v = strchr(kv, '=');
		if (!v)
			return -1;
		*v++ = '\0';
		if (!strcmp(kv, "ns"))
			o->container_ns = (unsigned)strtoul(v, NULL, 10) & BB_NS_ALL;
		else if (!strcmp(kv, "cgroup"))
			o->container_cgroup = *v == '1';
		else if (!strcmp(kv, "cpu"))
			o->cpu_quota = strtod(v, NULL);
		else if (!strcmp(kv, "mem"))
			o->mem_limit = strtoll(v, NULL, 10);
		else if (!strcmp(kv, "pids"))
			o->pids_limit = strtol(v, NULL, 10);
		else if (!strcmp(kv, "scratch"))
			box_scratch = *v == '1';
		else
			return -1;
	}
	return 0;
}

/* The guest's init mounts cgroup2 where its kernel has it: without one (or without the CPU,
 * memory and pids controllers), the container runs without a cgroup and says why. */
static void box_cgroup(struct bb_env_opts *o)
{
	struct cg_probe p;

	if (!o->container_cgroup)
		return;
	cg_probe(&p);
	if (p.mode == CG_MODE_NONE || p.missing[0] || !p.writable) {
		o->container_cgroup = false;
		rec_info(box_suite, "guest_cgroup", p.reason);
		return;
	}
	rec_info(box_suite, "guest_cgroup", cg_mode_name(p.mode));
}

/* The ready record's t_mono_ns (guest clock), 0 when the line is not the ready record. */
static unsigned long long box_ready_ns(const char *line)
{
	const char *t = strstr(line, "\"t_mono_ns\":");

	if (!strstr(line, "\"metric\":\"ready\"") || !t)
		return 0;
	return strtoull(t + strlen("\"t_mono_ns\":"), NULL, 10);
}

/* All of p, across short writes (a tty may take part of a buffer). */
static bool box_write_all(const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(STDOUT_FILENO, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* The end of the ready line in buf[0..n) (the index after its '\n'), 0 when not in it. The
 * line may have begun in an earlier read: `line` carries it across reads. */
static size_t box_find_ready(const char *buf, size_t n, char *line, size_t *ll, uint64_t t0,
                             unsigned long long *t)
{
	for (size_t i = 0; i < n; i++) {
		if (buf[i] != '\n') {
			if (*ll < BB_LINE_MAX)
				line[(*ll)++] = buf[i];
			continue;
		}
		line[*ll] = '\0';
		*ll = 0;
		if ((*t = box_ready_ns(line)) > t0)
			return i + 1;
	}
	return 0;
}

/* Forward the workload's bytes as they come. Our own record (container_start) goes right
 * after the ready line, never inside a line: a read ends anywhere, and a flood's next record
 * is often half in the same read. */
static void box_forward(int fd, uint64_t t0)
{
	char buf[BB_LINE_MAX * 2], line[BB_LINE_MAX + 1];
	size_t ll = 0, cut = 0;
	unsigned long long t = 0;
	bool seen = false;
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return;
		cut = seen ? 0 : box_find_ready(buf, (size_t)n, line, &ll, t0, &t);
		if (cut) {
			if (!box_write_all(buf, cut))
				return;
			rec_info_num(box_suite, "container_start_ns", (double)(t - t0));
			seen = true;
		}
		if (!box_write_all(buf + cut, (size_t)n - cut))
			return;
	}
}

static int box_code(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	uint64_t t0 = rec_now_ns();
	struct bb_env_opts o = {
		.build_dir = "/", .load_path = ROOTFS_LOAD_PATH, .pu = -1, .container_rootfs = true
	};
	struct bb_env env = { .launcher = &launcher_container, .opts = &o };
	struct bb_job job = { .timeout_s = BOX_TIMEOUT_S };
	struct bb_instance inst = { .pid = -1, .pidfd = -1, .out_fd = -1 };
	struct bb_err err = { 0 };

	if (argc < 3 || box_parse(argv[1], &o) < 0) {
		fprintf(stderr,
		        "usage: boxbench-box ns=M,cgroup=0|1,cpu=C,mem=B,pids=N SUITE ...\n");
		rec_error(argc > 2 ? argv[2] : "", "box", "boxbench-box: bad usage");
		return 2;
	}
	box_suite = job.suite = argv[2];
	job.args = argv + 3;
	snprintf(env.name, sizeof(env.name), "container-in-vm");
	box_cgroup(&o);
	/* The same ext4 on the same disk as `vm`'s workload writes to, at the same path: the
	 * workload's --dir /scratch is the container's bind of the guest's mount. */
	if (box_scratch)
		o.scratch_dir = BB_GUEST_SCRATCH;
	/* jansson seeds its hash from /dev/urandom at the first object (the launcher's
	 * description); in a fresh guest whose RNG is not yet initialised that read makes the
	 * kernel gather jitter entropy, ~1 s under TCG, a cost no container start has. Nothing
	 * here hashes untrusted keys: a fixed seed. */
	json_object_seed(1);
	if (launcher_container.prepare(&env, &err) < 0)
		box_fail("prepare", &err);
	/* The host's container prepares once per run, outside every sample; here it is part of
	 * each start (a fresh guest per sample), so it is reported apart. */
	rec_info_num(box_suite, "container_prepare_ns", (double)(rec_now_ns() - t0));
	if (launcher_container.spawn(&env, &job, &inst, &err) < 0)
		box_fail("spawn", &err);
	box_forward(inst.out_fd, t0);
	int rc = launcher_container.reap(&env, &inst, BOX_TIMEOUT_S, &err);
	launcher_container.cleanup(&env);
	json_decref(env.desc.extra);
	if (rc < 0)
		box_fail("reap", &err);
	return box_code(inst.status);
}
