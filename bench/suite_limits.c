/* limits: are the box's resource limits enforced, and what can the workload see of them (C2)?
 *
 * The limits come from the options the harness passes (--cpu-quota CPUS, --mem-limit BYTES,
 * --pids-limit N) or else from what the workload reads of its own cgroup (the container binds
 * its instance cgroup to /sys/fs/cgroup), or, in a guest (bb.argv on the kernel command line),
 * from the machine itself: its CPUs and MemTotal. Each limit is then pushed against in a child:
 * - cpu: N busy threads on every CPU the child may use; CPU time over wall time, measured over
 *   a whole number of CFS periods after one period of warm-up, against the quota;
 * - mem: allocate and touch in 4 MiB steps up to twice the limit: refused or killed by the OOM
 *   killer near the limit = enforced (MAP_POPULATE: the kernel faults each step in itself, far
 *   cheaper than one fault per page under an emulator, and charged the same way). "Near" is a
 *   window on both sides: from what the box had left under the limit (the limit less its usage
 *   before the test, memory.current / memory.usage_in_bytes) down 10% and one step, up to the
 *   limit + 10% and one step. Stopped well below it, something else stopped the child (the
 *   host's memory, another limit): that is "not tested", never "enforced";
 * - pids: fork until fork fails: EAGAIN within the limit = enforced.
 * In a guest the "limits" are the machine itself (its CPUs, its RAM): no thread can get more
 * CPUs than the guest has and nothing can touch more memory than it has, so those checks cannot
 * fail; they are reported as "not applicable" with what they showed (how much of its vCPUs the
 * guest obtained, where an allocation stopped), never as "enforced".
 * Only limits set for this box are pushed against: a limit seen on the harness's own cgroup
 * (natively) is reported, not tested. The children die with the suite (PR_SET_PDEATHSIG), the
 * memory child offers itself to the OOM killer first (oom_score_adj 1000), allocation stops at
 * twice the limit and at a quarter of MemTotal (a cgroup's limit), forks at the limit + 32. */
#include "isolation.h"
#include "measure.h"
#include "record.h"
#include "suite.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmdline.h"

#define LIM_SUITE        "limits"
#define LIM_MIB          (1024.0 * 1024.0)
#define LIM_CHUNK        (4ll << 20)
#define LIM_MAX_THREADS  64
#define LIM_FORK_SLACK   32
#define LIM_FORK_MAX     4096
#define LIM_CPU_TOL      0.10 /* relative, plus LIM_CPU_TOL_ABS CPUs: scheduler granularity */
#define LIM_CPU_TOL_ABS  0.03
#define LIM_MEM_TOL      0.10 /* killed or refused within 10% (+ one chunk) of the limit */
#define LIM_CPU_TIMEOUT  10.0
#define LIM_MEM_TIMEOUT  40.0
#define LIM_PIDS_TIMEOUT 20.0
#define LIM_BIG          (1ll << 62)

/* One limit: what is pushed against, and what the workload saw of it. */
struct lim_ctl {
	double limit;       /* < 0: none */
	bool ours;          /* set for this box: safe to push against */
	const char *origin; /* "--cpu-quota", "cgroup v1", "machine", ... */
	bool seen_num;      /* the workload read a limit: seen_v */
	double seen_v;
	char seen[160]; /* otherwise: "no limit set", "hidden: why", "unreadable: why" */
};

struct lim_ctx {
	struct lim_ctl cpu, mem, pids;
	double opt_cpu; /* options, <= 0 = not given */
	long long opt_mem, opt_pids;
	bool quick, machine;
	long cpus;              /* online CPUs */
	long long mem_total;    /* MemTotal, bytes */
	long long mem_used;     /* the box's memory usage before the test, bytes; -1 unknown */
	long long period_us;    /* CFS period of the quota */
	long long pids_current; /* tasks in the pids cgroup before the test, -1 unknown */
	char *proc_cgroup, *mountinfo; /* NULL: unreadable */
};

enum { LIM_OPT_CPU = 0x2000, LIM_OPT_MEM, LIM_OPT_PIDS };

static int lim_option(void *vctx, int code, const char *arg, struct bb_err *err)
{
	struct lim_ctx *c = vctx;
	uint64_t v;
	char *end;

	if (code == LIM_OPT_CPU) {
		errno = 0;
		c->opt_cpu = strtod(arg, &end);
		if (errno || end == arg || *end || c->opt_cpu <= 0 || c->opt_cpu > 4096)
			return bb_fail(err, 0, "--cpu-quota: expected CPUs in (0, 4096]");
		return 0;
	}
	if (measure_parse_u64(arg, 1, (uint64_t)LIM_BIG,
	                      code == LIM_OPT_MEM ? "--mem-limit" : "--pids-limit", &v, err) < 0)
		return -1;
	*(code == LIM_OPT_MEM ? &c->opt_mem : &c->opt_pids) = (long long)v;
	return 0;
}

/* A guest started by boxbench: the kernel command line carries the workload's argv. */
static bool lim_in_guest(void)
{
	char *cmd = iso_slurp("/proc/cmdline", 1 << 16), val[BB_KCMD_SIZE];
	bool yes = cmd && cmdline_param(cmd, BB_KCMD_ARGV, val, sizeof(val)) != 0;

	free(cmd);
	return yes;
}

/* The directory of this process's cgroup for a controller. Sets origin and ours: the cgroup was
 * made for this box (the root of a cgroup namespace, which only a box has a limit on, or an
 * instance cgroup of boxbench's container). -1: none mounted (c->seen says so). */
static int lim_cg_dir(const struct lim_ctx *x, struct lim_ctl *c, const char *ctrl, char *dir,
                      size_t len, int *version)
{
	char cgpath[4096];
	const char *leaf;

	if (!x->proc_cgroup || !x->mountinfo ||
	    iso_cgroup_dir(x->proc_cgroup, x->mountinfo, ctrl, dir, len, version) < 0) {
		snprintf(c->seen, sizeof(c->seen), "hidden: no %s cgroup mounted here", ctrl);
		return -1;
	}
	c->origin = *version == 1 ? "cgroup v1" : "cgroup v2";
	if (iso_cgroup_path(x->proc_cgroup, *version == 1 ? ctrl : NULL, cgpath, sizeof(cgpath)) ==
	    0) {
		leaf = strrchr(cgpath, '/');
		c->ours = !strcmp(cgpath, "/") || (leaf && !strncmp(leaf + 1, "boxbench-", 9));
	}
	return 0;
}

/* 1: read into buf; 0: no such file (no limit can be set here: the root, or the controller is
 * not enabled); -1: unreadable (c->seen says why). */
static int lim_cg_file(struct lim_ctl *c, const char *dir, const char *file, char *buf, size_t len)
{
	char path[4200];
	char *t;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	t = iso_slurp(path, 4096);
	if (!t && errno == ENOENT) {
		snprintf(c->seen, sizeof(c->seen), "no limit set");
		return 0;
	}
	if (!t) {
		snprintf(c->seen, sizeof(c->seen), "unreadable: %.100s: %s", path, strerror(errno));
		return -1;
	}
	snprintf(buf, len, "%s", t);
	free(t);
	return 1;
}

static void lim_seen(struct lim_ctl *c, double v)
{
	if (v < 0) {
		snprintf(c->seen, sizeof(c->seen), "no limit set");
		return;
	}
	c->seen_num = true;
	c->seen_v = v;
}

static void lim_see_cpu(struct lim_ctx *x)
{
	struct lim_ctl *c = &x->cpu;
	char dir[4096], q[64], p[64];
	long long qv, pv;
	double cpus;
	int ver;

	if (lim_cg_dir(x, c, "cpu", dir, sizeof(dir), &ver) < 0)
		return;
	if (ver == 2) {
		if (lim_cg_file(c, dir, "cpu.max", q, sizeof(q)) <= 0)
			return;
		if (iso_parse_cpu_max(q, &cpus) < 0 || !strchr(q, ' ')) {
			snprintf(c->seen, sizeof(c->seen), "unreadable: cpu.max: %.60s", q);
			return;
		}
		x->period_us = strtoll(strchr(q, ' ') + 1, NULL, 10);
		lim_seen(c, cpus);
		return;
	}
	if (lim_cg_file(c, dir, "cpu.cfs_quota_us", q, sizeof(q)) <= 0 ||
	    lim_cg_file(c, dir, "cpu.cfs_period_us", p, sizeof(p)) <= 0)
		return;
	if (iso_parse_limit(q, &qv) < 0 || iso_parse_limit(p, &pv) < 0 || pv <= 0) {
		snprintf(c->seen, sizeof(c->seen), "unreadable: cfs quota %.30s period %.30s", q,
		         p);
		return;
	}
	x->period_us = pv;
	lim_seen(c, qv < 0 ? -1 : (double)qv / (double)pv);
}

/* memory and pids: one file each (v1 name, v2 name). */
static void lim_see_one(struct lim_ctx *x, struct lim_ctl *c, const char *ctrl, const char *v1file,
                        const char *v2file)
{
	char dir[4096], t[64];
	long long v;
	int ver;

	if (lim_cg_dir(x, c, ctrl, dir, sizeof(dir), &ver) < 0 ||
	    lim_cg_file(c, dir, ver == 1 ? v1file : v2file, t, sizeof(t)) <= 0)
		return;
	if (iso_parse_limit(t, &v) < 0) {
		snprintf(c->seen, sizeof(c->seen), "unreadable: %s: %.60s", v1file, t);
		return;
	}
	lim_seen(c, (double)v);
	if (c == &x->mem &&
	    lim_cg_file(&(struct lim_ctl){ 0 }, dir,
	                ver == 1 ? "memory.usage_in_bytes" : "memory.current", t, sizeof(t)) > 0)
		x->mem_used = strtoll(t, NULL, 10);
	if (c == &x->pids &&
	    lim_cg_file(&(struct lim_ctl){ 0 }, dir, "pids.current", t, sizeof(t)) > 0)
		x->pids_current = strtoll(t, NULL, 10);
}

/* What is pushed against: the harness's word first, then the cgroup, then the machine. */
static void lim_pick(struct lim_ctl *c, double opt, const char *optname, double machine,
                     const char *machine_origin)
{
	c->limit = -1;
	if (opt > 0) {
		c->limit = opt;
		c->ours = true;
		c->origin = optname;
	} else if (c->seen_num) {
		c->limit = c->seen_v;
	} else if (machine > 0) {
		c->limit = machine;
		c->ours = true;
		c->origin = machine_origin;
	}
}

static void lim_see(struct lim_ctx *x)
{
	char *mi = iso_slurp("/proc/meminfo", 1 << 20);
	long long total = 0, avail = 0;

	x->cpus = sysconf(_SC_NPROCESSORS_ONLN);
	x->machine = lim_in_guest();
	x->mem_used = -1;
	if (mi && iso_meminfo_bytes(mi, "MemTotal", &total) == 0)
		x->mem_total = total;
	if (x->machine && mi && iso_meminfo_bytes(mi, "MemAvailable", &avail) == 0)
		x->mem_used = total - avail; /* a guest's "limit" is its RAM: the rest is in use */
	free(mi);
	x->period_us = 100000;
	x->pids_current = -1;
	x->proc_cgroup = iso_slurp("/proc/self/cgroup", 1 << 20);
	x->mountinfo = iso_slurp("/proc/self/mountinfo", 4 << 20);
	lim_see_cpu(x);
	lim_see_one(x, &x->mem, "memory", "memory.limit_in_bytes", "memory.max");
	lim_see_one(x, &x->pids, "pids", "pids.max", "pids.max");
	lim_pick(&x->cpu, x->opt_cpu, "--cpu-quota", x->machine ? (double)x->cpus : -1,
	         "the guest's CPUs");
	lim_pick(&x->mem, (double)x->opt_mem, "--mem-limit", x->machine ? (double)x->mem_total : -1,
	         "the guest's MemTotal");
	lim_pick(&x->pids, (double)x->opt_pids, "--pids-limit", -1, NULL);
}

/* Children */

/* A child that dies with the suite: PR_SET_PDEATHSIG, and the getppid() check closes the race
 * of a parent that died before the prctl. Returns 0 in the child. */
static pid_t lim_fork(void)
{
	pid_t parent = getpid(), pid = fork();

	if (pid == 0 && (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent))
		_exit(1);
	return pid;
}

/* Wait for pid, killing it after timeout_s. Returns 1 when it had to be killed. */
static int lim_wait(pid_t pid, double timeout_s, int *status)
{
	uint64_t deadline = rec_now_ns() + (uint64_t)(timeout_s * 1e9);
	struct timespec ms = { 0, 2000000 };
	pid_t r;

	while ((r = waitpid(pid, status, WNOHANG)) == 0 && rec_now_ns() < deadline)
		nanosleep(&ms, NULL);
	if (r == pid)
		return 0;
	kill(pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	return 1;
}

static void *lim_shared(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static double lim_clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void lim_sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* cpu */

struct lim_cpu_res {
	double share, wall_s;
	int threads;
};

static int lim_stop;

static void *lim_spin(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&lim_stop, __ATOMIC_RELAXED))
		;
	return NULL;
}

/* Every CPU the cpuset allows, not just the PU the harness pinned the workload to: a quota of
 * one CPU cannot bind a process that can only use one. threads <= 0: one per usable CPU. */
static void lim_cpu_child(struct lim_cpu_res *r, int threads, double period_s, int periods)
{
	pthread_t t[LIM_MAX_THREADS];
	cpu_set_t all;
	int n = 0;

	CPU_ZERO(&all);
	for (int i = 0; i < CPU_SETSIZE; i++)
		CPU_SET(i, &all);
	sched_setaffinity(0, sizeof(all), &all);
	if (threads <= 0 && sched_getaffinity(0, sizeof(all), &all) == 0)
		threads = CPU_COUNT(&all);
	threads = threads < 1 ? 1 : threads > LIM_MAX_THREADS ? LIM_MAX_THREADS : threads;
	while (n < threads && pthread_create(&t[n], NULL, lim_spin, NULL) == 0)
		n++;
	/* One period of warm-up spends any runtime the group had banked, then a whole number of
	 * periods: throttled runs sit at the start of each period, so any window of whole periods
	 * sees the same share whatever its phase. */
	lim_sleep_s(period_s);
	double c0 = lim_clock_s(CLOCK_PROCESS_CPUTIME_ID), w0 = lim_clock_s(CLOCK_MONOTONIC);
	lim_sleep_s(period_s * periods);
	double c1 = lim_clock_s(CLOCK_PROCESS_CPUTIME_ID), w1 = lim_clock_s(CLOCK_MONOTONIC);
	__atomic_store_n(&lim_stop, 1, __ATOMIC_RELAXED);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	r->threads = n;
	r->wall_s = w1 - w0;
	r->share = w1 > w0 ? (c1 - c0) / (w1 - w0) : 0;
	_exit(n ? 0 : 2);
}

static int lim_cpu_measure(const struct lim_ctx *x, int threads, struct lim_cpu_res *out, char *why,
                           size_t len)
{
	struct lim_cpu_res *r = lim_shared(sizeof(*r));
	double period_s = (double)x->period_us / 1e6;
	int periods = x->quick ? 3 : 5, st = 0, rc = -1;
	pid_t pid;

	if (period_s < 0.01 || period_s > 0.2) /* odd periods: a fixed, bounded window */
		period_s = 0.1;
	if (!r)
		return snprintf(why, len, "mmap: %s", strerror(errno)), -1;
	pid = lim_fork();
	if (pid == 0)
		lim_cpu_child(r, threads, period_s, periods);
	if (pid < 0) {
		snprintf(why, len, "fork: %s", strerror(errno));
	} else if (lim_wait(pid, LIM_CPU_TIMEOUT, &st) || !WIFEXITED(st) || WEXITSTATUS(st)) {
		snprintf(why, len, "the measuring child failed (status 0x%x)", st);
	} else {
		*out = *r;
		rc = 0;
	}
	munmap(r, sizeof(*r));
	return rc;
}

static void lim_fact(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void lim_fact(const char *key, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	rec_info(LIM_SUITE, key, buf);
}

static void lim_cpu(const struct lim_ctx *x)
{
	const struct lim_ctl *c = &x->cpu;
	struct lim_cpu_res r;
	char why[256];
	/* A machine's limit is its CPU count: ask for more threads than it has. */
	int threads = x->machine ? 2 * (int)x->cpus : 0;

	if (lim_cpu_measure(x, threads, &r, why, sizeof(why)) < 0) {
		rec_error(LIM_SUITE, "cpu_share", why);
		lim_fact("cpu_enforced", "not tested: %s", why);
		return;
	}
	measure_emit(LIM_SUITE, "cpu_share", r.share, (uint64_t)r.threads);
	if (c->limit < 0) {
		lim_fact("cpu_enforced", "no limit set");
		lim_fact("cpu_detail", "%d busy threads obtained %.3f CPUs over %.2f s; no quota",
		         r.threads, r.share, r.wall_s);
		return;
	}
	if (x->machine) {
		lim_fact(
		    "cpu_enforced",
		    "not applicable: a guest's CPU limit is its %ld vCPU%s, which no thread can "
		    "exceed; %d busy threads obtained %.3f of them",
		    x->cpus, x->cpus == 1 ? "" : "s", r.threads, r.share);
		lim_fact("cpu_detail",
		         "%d busy threads obtained %.3f CPUs over %.2f s in a guest of %ld "
		         "vCPUs",
		         r.threads, r.share, r.wall_s, x->cpus);
		return;
	}
	if (c->limit >= 0.95 * r.threads) {
		lim_fact("cpu_enforced", "not tested: a limit of %.3g CPUs cannot bind %d threads",
		         c->limit, r.threads);
		return;
	}
	bool ok = r.share <= c->limit * (1 + LIM_CPU_TOL) + LIM_CPU_TOL_ABS;
	lim_fact("cpu_enforced", ok ? "yes" : "no");
	lim_fact("cpu_detail",
	         "%d busy threads obtained %.3f CPUs over %.2f s against a limit of %.3g CPUs "
	         "(%s): %.0f%% of it",
	         r.threads, r.share, r.wall_s, c->limit, c->origin, 100 * r.share / c->limit);
}

/* mem */

struct lim_mem_res {
	long long touched, rss;
	int err;
};

static void lim_mem_child(struct lim_mem_res *r, long long cap)
{
	long page = sysconf(_SC_PAGESIZE);
	int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	char *status;

	/* The OOM killer must pick this child, never the suite or anything else in the box. */
	if (fd >= 0 && write(fd, "1000", 4) < 0)
		r->err = errno;
	if (fd >= 0)
		close(fd);
	while (r->touched < cap) {
		long long chunk = cap - r->touched < LIM_CHUNK ? cap - r->touched : LIM_CHUNK;
		volatile char *p = mmap(NULL, (size_t)chunk, PROT_READ | PROT_WRITE,
		                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (p == MAP_FAILED) {
			r->err = errno;
			_exit(3);
		}
		for (long long o = 0; o < chunk; o += page)
			p[o] = 1;
		__atomic_store_n(&r->touched, r->touched + chunk, __ATOMIC_RELAXED);
	}
	status = iso_slurp("/proc/self/status", 1 << 16);
	if (!status || iso_meminfo_bytes(status, "VmRSS", &r->rss) < 0)
		r->rss = -1;
	_exit(0);
}

/* The limit to push against, or why not (in why): 0 = go, with *cap. */
static int lim_mem_cap(const struct lim_ctx *x, long long *cap, char *why, size_t len)
{
	const struct lim_ctl *c = &x->mem;

	if (c->limit < 0)
		return snprintf(why, len, "no limit set"), -1;
	if (!c->ours)
		return snprintf(why, len,
		                "not tested: the limit seen (%.0f MiB) is on a cgroup not made for "
		                "this box",
		                c->limit / LIM_MIB),
		       -1;
	*cap = (long long)(2 * c->limit);
	if (!x->machine && x->mem_total > 0 && *cap > x->mem_total / 4)
		*cap = x->mem_total / 4;
	if ((double)*cap < 1.25 * c->limit)
		return snprintf(why, len,
		                "not tested: a limit of %.0f MiB is beyond a safe allocation (a "
		                "quarter of MemTotal: %.0f MiB)",
		                c->limit / LIM_MIB, (double)*cap / LIM_MIB),
		       -1;
	return 0;
}

/* "yes" when stopped inside the window, "not tested: ..." below it, "no" above it; a guest's
 * RAM is no limit that could fail: "not applicable". */
static void lim_mem_stopped(const struct lim_ctx *x, double got, const char *how)
{
	double lim = x->mem.limit;

	switch (iso_mem_outcome(lim, (double)x->mem_used, got, (double)LIM_CHUNK, LIM_MEM_TOL,
	                        x->machine)) {
	case ISO_MEM_MACHINE:
		lim_fact("mem_enforced",
		         "not applicable: a guest's memory is its RAM (MemTotal %.0f MiB), which "
		         "nothing in it can exceed; the allocation stopped (%s) at %.0f MiB",
		         lim / LIM_MIB, how, got / LIM_MIB);
		break;
	case ISO_MEM_BEYOND:
		lim_fact("mem_enforced", "no");
		break;
	case ISO_MEM_BELOW:
		lim_fact(
		    "mem_enforced",
		    "not tested: %s after %.0f MiB, well below the limit of %.0f MiB (%.0f MiB "
		    "in use before): something other than the limit stopped it",
		    how, got / LIM_MIB, lim / LIM_MIB,
		    x->mem_used > 0 ? (double)x->mem_used / LIM_MIB : 0.0);
		break;
	case ISO_MEM_ENFORCED:
		lim_fact("mem_enforced", "yes");
		break;
	}
}

static void lim_mem_verdict(const struct lim_ctx *x, const struct lim_mem_res *r, int st)
{
	double lim = x->mem.limit, got = (double)r->touched;
	const char *how = x->mem.origin;
	char stop[96];

	measure_emit(LIM_SUITE, "mem_reached", got / LIM_MIB, 1);
	if (WIFSIGNALED(st)) {
		snprintf(stop, sizeof(stop), "killed by signal %d", WTERMSIG(st));
		lim_mem_stopped(x, got, stop);
		lim_fact("mem_detail",
		         "killed by signal %d (the OOM killer) after %.0f MiB touched; limit %.0f "
		         "MiB (%s)",
		         WTERMSIG(st), got / LIM_MIB, lim / LIM_MIB, how);
	} else if (WIFEXITED(st) && WEXITSTATUS(st) == 3) {
		snprintf(stop, sizeof(stop), "allocation refused (%s)", strerror(r->err));
		lim_mem_stopped(x, got, stop);
		lim_fact("mem_detail",
		         "allocation refused (%s) after %.0f MiB touched; limit %.0f MiB (%s)",
		         strerror(r->err), got / LIM_MIB, lim / LIM_MIB, how);
	} else if (r->rss >= 0 && (double)r->rss <= lim * (1 + LIM_MEM_TOL) + LIM_CHUNK) {
		snprintf(stop, sizeof(stop), "not: the rest swapped out");
		if (x->machine)
			lim_mem_stopped(x, (double)r->rss, stop);
		else
			lim_fact("mem_enforced", "yes");
		lim_fact("mem_detail",
		         "%.0f MiB touched but only %.0f MiB resident (the rest swapped out); "
		         "limit %.0f MiB (%s)",
		         got / LIM_MIB, (double)r->rss / LIM_MIB, lim / LIM_MIB, how);
	} else {
		lim_fact("mem_enforced", "no");
		lim_fact("mem_detail",
		         "%.0f MiB allocated and touched, %.1fx the limit of %.0f MiB (%s)",
		         got / LIM_MIB, got / lim, lim / LIM_MIB, how);
	}
}

static void lim_mem(const struct lim_ctx *x)
{
	struct lim_mem_res *r;
	long long cap = 0;
	char why[256];
	int st = 0;
	pid_t pid;

	if (lim_mem_cap(x, &cap, why, sizeof(why)) < 0) {
		lim_fact("mem_enforced", "%s", why);
		return;
	}
	r = lim_shared(sizeof(*r));
	if (!r) {
		lim_fact("mem_enforced", "not tested: mmap: %s", strerror(errno));
		return;
	}
	pid = lim_fork();
	if (pid == 0)
		lim_mem_child(r, cap);
	if (pid < 0)
		lim_fact("mem_enforced", "not tested: fork: %s", strerror(errno));
	else if (lim_wait(pid, LIM_MEM_TIMEOUT, &st))
		lim_fact("mem_enforced", "not tested: no outcome within %.0f s (%.0f MiB touched)",
		         LIM_MEM_TIMEOUT, (double)r->touched / LIM_MIB);
	else
		lim_mem_verdict(x, r, st);
	munmap(r, sizeof(*r));
}

/* pids */

struct lim_pids_res {
	long forks;
	int err;
};

/* Fork until fork fails or cap; every grandchild waits on a pipe whose write end only this
 * child holds, so they all end when it closes it, or dies. */
static void lim_pids_child(struct lim_pids_res *r, long cap)
{
	int p[2];
	char b;

	if (pipe(p) < 0) {
		r->err = errno;
		_exit(2);
	}
	for (r->forks = 0; r->forks < cap; r->forks++) {
		pid_t g = fork();
		if (g < 0) {
			r->err = errno;
			break;
		}
		if (g == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			close(p[1]);
			while (read(p[0], &b, 1) < 0 && errno == EINTR)
				;
			_exit(0);
		}
	}
	close(p[1]);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	_exit(0);
}

static void lim_pids_verdict(const struct lim_ctx *x, const struct lim_pids_res *r)
{
	double lim = x->pids.limit;
	bool ok = r->err == EAGAIN && (double)r->forks <= lim;
	char before[64] = "";

	if (x->pids_current >= 0)
		snprintf(before, sizeof(before), ", %lld tasks in the cgroup before",
		         x->pids_current);
	measure_emit(LIM_SUITE, "forks", (double)r->forks, 1);
	lim_fact("pids_enforced", ok ? "yes" : "no");
	if (r->err)
		lim_fact("pids_detail", "fork failed (%s) after %ld forks; limit %.0f (%s)%s",
		         strerror(r->err), r->forks, lim, x->pids.origin, before);
	else
		lim_fact("pids_detail", "%ld forks succeeded; limit %.0f (%s)%s", r->forks, lim,
		         x->pids.origin, before);
}

static void lim_pids(const struct lim_ctx *x)
{
	const struct lim_ctl *c = &x->pids;
	struct lim_pids_res *r;
	int st = 0;
	pid_t pid;

	if (c->limit < 0) {
		lim_fact("pids_enforced", "no limit set");
		return;
	}
	if (!c->ours || c->limit > LIM_FORK_MAX) {
		lim_fact("pids_enforced", "not tested: %s",
		         c->ours ? "a limit above the forks this suite allows itself"
		                 : "the limit seen is on a cgroup not made for this box");
		return;
	}
	r = lim_shared(sizeof(*r));
	if (!r) {
		lim_fact("pids_enforced", "not tested: mmap: %s", strerror(errno));
		return;
	}
	pid = lim_fork();
	if (pid == 0)
		lim_pids_child(r, (long)c->limit + LIM_FORK_SLACK);
	if (pid < 0)
		lim_fact("pids_enforced", "not tested: fork: %s", strerror(errno));
	else if (lim_wait(pid, LIM_PIDS_TIMEOUT, &st) || !WIFEXITED(st) || WEXITSTATUS(st))
		lim_fact("pids_enforced", "not tested: the forking child failed (status 0x%x)", st);
	else
		lim_pids_verdict(x, r);
	munmap(r, sizeof(*r));
}

static void lim_seen_fact(const char *key, const struct lim_ctl *c)
{
	if (c->seen_num)
		rec_info_num(LIM_SUITE, key, c->seen_v);
	else
		rec_info(LIM_SUITE, key, c->seen[0] ? c->seen : "no limit set");
}

static int limits_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		MEASURE_LONG_OPTIONS,
		{ "cpu-quota", required_argument, NULL, LIM_OPT_CPU },
		{ "mem-limit", required_argument, NULL, LIM_OPT_MEM },
		{ "pids-limit", required_argument, NULL, LIM_OPT_PIDS },
		{ 0 },
	};
	struct bb_measure_opts mo, quick;
	struct lim_ctx x = { 0 };
	struct bb_err err = { 0 };

	measure_defaults(&mo);
	measure_quick(&quick);
	if (measure_parse_args(argc, argv, longopts, &mo, lim_option, &x, &err) < 0) {
		rec_error(LIM_SUITE, "options", err.msg);
		return 2;
	}
	x.quick = mo.target_ns == quick.target_ns;
	lim_see(&x);
	rec_info_num(LIM_SUITE, "cpus_seen", (double)x.cpus);
	rec_info_num(LIM_SUITE, "mem_total_seen", (double)x.mem_total);
	lim_seen_fact("cpu_quota_seen", &x.cpu);
	lim_seen_fact("mem_limit_seen", &x.mem);
	lim_seen_fact("pids_limit_seen", &x.pids);
	lim_cpu(&x);
	lim_mem(&x);
	lim_pids(&x);
	while (waitpid(-1, NULL, WNOHANG) > 0) /* orphans adopted as a PID namespace's init */
		;
	free(x.proc_cgroup);
	free(x.mountinfo);
	return 0;
}

const struct suite suite_limits = {
	.name = "limits",
	.summary = "cpu quota, memory and pids limits: enforced? visible inside?",
	.settles = "C2",
	.run = limits_run,
	.measure_opts = 1,
};
