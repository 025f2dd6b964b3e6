/* syscall: the cost of entering the kernel and of the common kernel paths (lmbench's lat_syscall,
 * lat_pagefault, lat_proc, lat_pipe), plus cpuid, which a VM always traps to its hypervisor: the
 * direct measure of "the hypervisor steps in". Every metric is ns per operation, lower is better.
 */
#include "measure.h"
#include "record.h"
#include "suite.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SC_SUITE "syscall"
/* Exists in every box (host, container's minimal /dev, guest's devtmpfs). */
#define SC_PATH "/dev/null"
/* page_fault, mmap and munmap work on anonymous ranges of this many pages (1 MiB of 4 KiB
 * pages): the clock is paused and resumed once per range, not once per page, and the memory
 * held at once stays small enough for a guest with little RAM. Each range is unmapped before
 * the next, so its pages come back warm from the allocator: page_fault is the fault's own
 * cost (perf stat agreed within 10% on the same 1 MiB ranges); faulting in 64 MiB of cold
 * pages cost about twice as much per page on the development machine. */
#define SC_RANGE_PAGES 256u

struct sc_ctx {
	int fd;      /* /dev/zero, /dev/null, or the parent's pipe write end */
	int rfd;     /* the parent's pipe read end */
	pid_t child; /* the pipe echo process */
	int sigpipe_saved;
	struct sigaction sigpipe_old;
	long page;              /* page size */
	struct bb_pausable *pc; /* the timed clock, for the bodies that leave setup out */
	int err;                /* errno of the first failure inside a body; bodies stop at it */
	uint64_t sink;          /* results the compiler must not drop */
};

struct sc_bench {
	const char *metric;
	void (*op)(void *ctx, uint64_t iters);
	int (*setup)(struct sc_ctx *c, struct bb_err *err);
	int pauses; /* the body pauses the clock around its untimed setup */
};

static void sc_fail(struct sc_ctx *c)
{
	c->err = errno ? errno : EIO;
}

static void sc_null(void *ctx, uint64_t n)
{
	(void)ctx;
	/* syscall(2), not getppid(): no libc may ever cache the answer. */
	for (uint64_t i = 0; i < n; i++)
		syscall(SYS_getppid);
}

static void sc_read(void *ctx, uint64_t n)
{
	struct sc_ctx *c = ctx;
	char b;

	for (uint64_t i = 0; i < n; i++)
		if (read(c->fd, &b, 1) != 1) {
			sc_fail(c);
			return;
		}
}

static void sc_write(void *ctx, uint64_t n)
{
	struct sc_ctx *c = ctx;
	char b = 'x';

	for (uint64_t i = 0; i < n; i++)
		if (write(c->fd, &b, 1) != 1) {
			sc_fail(c);
			return;
		}
}

static void sc_open_close(void *ctx, uint64_t n)
{
	struct sc_ctx *c = ctx;

	for (uint64_t i = 0; i < n; i++) {
		int fd = open(SC_PATH, O_RDONLY | O_CLOEXEC);

		if (fd < 0) {
			sc_fail(c);
			return;
		}
		close(fd);
	}
}

static void sc_stat(void *ctx, uint64_t n)
{
	struct sc_ctx *c = ctx;
	struct stat st;

	for (uint64_t i = 0; i < n; i++)
		if (stat(SC_PATH, &st) < 0) {
			sc_fail(c);
			return;
		}
}

/* An anonymous range of `pages` pages, with transparent huge pages off for it, so that every
 * first touch is one 4 KiB fault (a THP fault would fill 512 pages at once). EINVAL from
 * madvise: a kernel without THP, where every fault is 4 KiB anyway. NULL on failure (errno). */
static char *sc_map(const struct sc_ctx *c, uint64_t pages)
{
	size_t len = (size_t)pages * (size_t)c->page;
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (madvise(p, len, MADV_NOHUGEPAGE) < 0 && errno != EINVAL) {
		int e = errno;

		munmap(p, len);
		errno = e;
		return NULL;
	}
	return p;
}

/* The first write to each page: the fault allocates and zeroes it. */
static void sc_touch(volatile char *p, uint64_t pages, long page)
{
	for (uint64_t i = 0; i < pages; i++)
		p[i * (uint64_t)page] = 1;
}

/* Every page of the range written, in one call where the kernel can (MADV_POPULATE_WRITE,
 * Linux 5.14: no fault per page), which keeps munmap's untimed setup from eating the budget. */
static void sc_populate(char *p, uint64_t pages, long page)
{
#ifdef MADV_POPULATE_WRITE
	if (madvise(p, (size_t)pages * (size_t)page, MADV_POPULATE_WRITE) == 0)
		return;
#endif
	sc_touch(p, pages, page);
}

static uint64_t sc_chunk(uint64_t left)
{
	return left < SC_RANGE_PAGES ? left : SC_RANGE_PAGES;
}

/* page_fault: ns per first touch of a page of a range mapped beforehand; the mmap before and
 * the munmap after each range run with the clock paused (they are the next two metrics). */
static void sc_page_fault(void *ctx, uint64_t n)
{
	struct sc_ctx *c = ctx;

	for (uint64_t done = 0, k; done < n; done += k) {
		char *p;

		k = sc_chunk(n - done);
		measure_pause(c->pc);
		p = sc_map(c, k);
		measure_resume(c->pc);
		if (!p) {
			sc_fail(c);
			return;
		}
		sc_touch(p, k, c->page);
		measure_pause(c->pc);
		munmap(p, (size_t)k * (size_t)c->page);
		measure_resume(c->pc);
	}
}

/* mmap: ns per mmap(2) of a SC_RANGE_PAGES range (a new VMA; no page is touched, so no page
 * table is written); the munmap after it is paused. */
static void sc_mmap(void *ctx, uint64_t n)
{
	struct sc_ctx *c = ctx;
	size_t len = SC_RANGE_PAGES * (size_t)c->page;

	for (uint64_t i = 0; i < n; i++) {
		void *p =
		    mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			sc_fail(c);
			return;
		}
		measure_pause(c->pc);
		munmap(p, len);
		measure_resume(c->pc);
	}
}

/* munmap: ns per munmap(2) of a SC_RANGE_PAGES range whose every page was touched (its page
 * tables cleared, its pages freed, the TLB flushed); mapping and touching it are paused. */
static void sc_munmap(void *ctx, uint64_t n)
{
	struct sc_ctx *c = ctx;

	for (uint64_t i = 0; i < n; i++) {
		char *p;

		measure_pause(c->pc);
		p = sc_map(c, SC_RANGE_PAGES);
		if (p)
			sc_populate(p, SC_RANGE_PAGES, c->page);
		measure_resume(c->pc);
		if (!p) {
			sc_fail(c);
			return;
		}
		munmap(p, SC_RANGE_PAGES * (size_t)c->page);
	}
}

static void sc_fork(void *ctx, uint64_t n)
{
	struct sc_ctx *c = ctx;
	int st;

	for (uint64_t i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			sc_fail(c);
			return;
		}
		if (pid == 0)
			_exit(0);
		while (waitpid(pid, &st, 0) < 0)
			if (errno != EINTR) {
				sc_fail(c);
				return;
			}
	}
}

static void sc_pipe(void *ctx, uint64_t n)
{
	struct sc_ctx *c = ctx;
	char b = 'x';

	for (uint64_t i = 0; i < n; i++) {
		ssize_t r = write(c->fd, &b, 1) == 1 ? read(c->rfd, &b, 1) : -1;

		if (r != 1) {
			/* end of file: the echo child is gone */
			if (r == 0)
				errno = EPIPE;
			sc_fail(c);
			return;
		}
	}
}

static void sc_clock(void *ctx, uint64_t n)
{
	struct sc_ctx *c = ctx;
	struct timespec ts;

	for (uint64_t i = 0; i < n; i++) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		c->sink += (uint64_t)ts.tv_nsec;
	}
}

#if defined(__x86_64__) || defined(__i386__)
static void sc_cpuid(void *ctx, uint64_t n)
{
	struct sc_ctx *c = ctx;

	for (uint64_t i = 0; i < n; i++) {
		uint32_t a = 0, b, cx = 0, d;

		__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(cx), "=d"(d));
		c->sink += b ^ d;
	}
}
#endif

static int sc_open_dev(struct sc_ctx *c, const char *path, int flags, struct bb_err *err)
{
	c->fd = open(path, flags | O_CLOEXEC);
	if (c->fd < 0)
		return bb_fail(err, errno, "open %s", path);
	return 0;
}

static int sc_setup_zero(struct sc_ctx *c, struct bb_err *err)
{
	return sc_open_dev(c, "/dev/zero", O_RDONLY, err);
}

static int sc_setup_null(struct sc_ctx *c, struct bb_err *err)
{
	return sc_open_dev(c, "/dev/null", O_WRONLY, err);
}

static int sc_setup_cpuid(struct sc_ctx *c, struct bb_err *err)
{
	(void)c;
#if defined(__x86_64__) || defined(__i386__)
	(void)err;
	return 0;
#else
	return bb_fail(err, 0, "cpuid: not an x86 cpu");
#endif
}

/* The echo child: answers every byte until the parent closes its end. PR_SET_PDEATHSIG makes
 * it die with the suite even if the suite is killed; the getppid() check closes the race of a
 * parent that died before the prctl. */
static void sc_echo_child(pid_t parent, int rfd, int wfd)
{
	char b;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(1);
	while (read(rfd, &b, 1) == 1)
		if (write(wfd, &b, 1) != 1)
			_exit(1);
	_exit(0);
}

static int sc_setup_pipe(struct sc_ctx *c, struct bb_err *err)
{
	int p2c[2], c2p[2];
	pid_t parent = getpid();

	if (pipe2(p2c, O_CLOEXEC) < 0)
		return bb_fail(err, errno, "pipe");
	if (pipe2(c2p, O_CLOEXEC) < 0) {
		bb_fail(err, errno, "pipe");
		goto close_p2c;
	}
	c->child = fork();
	if (c->child < 0) {
		bb_fail(err, errno, "fork");
		goto close_c2p;
	}
	if (c->child == 0) {
		close(p2c[1]);
		close(c2p[0]);
		sc_echo_child(parent, p2c[0], c2p[1]);
	}
	close(p2c[0]);
	close(c2p[1]);
	/* A dead echo child must give EPIPE (an error record), not kill the suite silently. */
	c->sigpipe_saved =
	    sigaction(SIGPIPE, &(struct sigaction){ .sa_handler = SIG_IGN }, &c->sigpipe_old) == 0;
	c->fd = p2c[1];
	c->rfd = c2p[0];
	return 0;
close_c2p:
	close(c2p[0]);
	close(c2p[1]);
close_p2c:
	close(p2c[0]);
	close(p2c[1]);
	return -1;
}

/* Closing the write end ends the echo child's loop; it is always waited for. */
static void sc_teardown(struct sc_ctx *c)
{
	if (c->fd >= 0)
		close(c->fd);
	if (c->rfd >= 0)
		close(c->rfd);
	if (c->child > 0)
		while (waitpid(c->child, NULL, 0) < 0 && errno == EINTR)
			;
	if (c->sigpipe_saved)
		sigaction(SIGPIPE, &c->sigpipe_old, NULL);
	c->fd = c->rfd = -1;
	c->child = 0;
	c->sigpipe_saved = 0;
}

static const struct sc_bench sc_benches[] = {
	{ "null", sc_null, NULL, 0 },
	{ "read_devzero", sc_read, sc_setup_zero, 0 },
	{ "write_devnull", sc_write, sc_setup_null, 0 },
	{ "open_close", sc_open_close, NULL, 0 },
	{ "stat", sc_stat, NULL, 0 },
	{ "page_fault", sc_page_fault, NULL, 1 },
	{ "mmap", sc_mmap, NULL, 1 },
	{ "munmap", sc_munmap, NULL, 1 },
	{ "fork_exit_wait", sc_fork, NULL, 0 },
	{ "pipe_roundtrip", sc_pipe, sc_setup_pipe, 0 },
	{ "clock_gettime", sc_clock, NULL, 0 },
#if defined(__x86_64__) || defined(__i386__)
	{ "cpuid", sc_cpuid, sc_setup_cpuid, 0 },
#else
	{ "cpuid", NULL, sc_setup_cpuid, 0 },
#endif
};

/* Setup, one untimed call as a check (a failing body would otherwise be timed as a fast one),
 * the measurement, teardown. A failure is an error record for this metric only. */
static void sc_measure(const struct sc_bench *sb, const struct bb_measure_opts *o)
{
	struct bb_pausable pc;
	struct sc_ctx c = { .fd = -1, .rfd = -1, .page = sysconf(_SC_PAGESIZE), .pc = &pc };
	struct bb_bench b = { .op = sb->op, .ctx = &c };
	struct bb_measure_result r;
	struct bb_err err = { 0 };
	/* The other bodies keep the plain clock: their samples mean what they always meant. */
	const struct bb_clock *clk = sb->pauses ? &pc.clock : &measure_clock_monotonic;

	measure_pausable_init(&pc, &measure_clock_monotonic);

	if (sb->setup && sb->setup(&c, &err) < 0) {
		rec_error(SC_SUITE, sb->metric, err.msg);
		goto out;
	}
	sb->op(&c, 1);
	if (!c.err && measure_run(clk, o, &b, &r, &err) < 0) {
		rec_error(SC_SUITE, sb->metric, err.msg);
		goto out;
	}
	if (c.err) {
		bb_fail(&err, c.err, "failed in the measured loop");
		rec_error(SC_SUITE, sb->metric, err.msg);
		goto out;
	}
	measure_report(SC_SUITE, sb->metric, r.ns_per_op, &r);
out:
	sc_teardown(&c);
}

static int syscall_run(int argc, char **argv)
{
	static const struct option longopts[] = { MEASURE_LONG_OPTIONS, { 0 } };
	struct bb_measure_opts o;
	struct bb_err err = { 0 };

	measure_defaults(&o);
	if (measure_parse_args(argc, argv, longopts, &o, NULL, NULL, &err) < 0) {
		rec_error(SC_SUITE, "options", err.msg);
		return 2;
	}
	for (size_t i = 0; i < sizeof(sc_benches) / sizeof(sc_benches[0]); i++)
		sc_measure(&sc_benches[i], &o);
	return 0;
}

const struct suite suite_syscall = {
	.name = "syscall",
	.summary = "ns per null syscall, read, write, open, stat, page fault (first touch), mmap, "
	           "munmap, fork, pipe, cpuid",
	.settles = "C7, C8",
	.run = syscall_run,
	.measure_opts = 1,
};
