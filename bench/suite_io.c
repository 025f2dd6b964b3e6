/* io: storage as the box presents it (claim C9: a VM's I/O is emulated through files on the
 * host). Every box does the same thing on an ext4 file system whose blocks end on the same
 * host file system: a fresh file written in 1 MiB blocks and fsynced (seq_write_fsync, MB/s),
 * then --reads random 4 KiB O_DIRECT reads of it, each timed on its own (rand_read_4k: their
 * mean latency; rand_read_4k_p50, _p90, _p99: percentiles). The file system is the host's
 * scratch directory natively and in containers (bind-mounted), and in a VM an ext4 image on
 * that directory attached as a virtio-blk disk with cache=none and mounted by the guest's init
 * at /scratch (launchers/vm_disk.c). O_DIRECT keeps the guest's page cache out of the reads,
 * cache=none the host's. One write and one read series per instance: the harness's samples
 * are fresh instances, as for startup. */
#include "measure.h"
#include "mountinfo.h"
#include "record.h"
#include "suite.h"
#include "suite_io.h"

#include <errno.h>
#include <fcntl.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#define IO_SUITE         "io"
#define IO_MIB           (1024ull * 1024)
#define IO_BLOCK         IO_MIB
#define IO_READ_SIZE     4096
#define IO_DEFAULT_MIB   128 /* the harness passes its own (--io-mib) */
#define IO_DEFAULT_READS 2000
#define IO_MAX_MIB       65536
#define IO_MAX_READS     10000000

enum { IO_OPT_DIR = 1, IO_OPT_SIZE_MIB, IO_OPT_READS };

static const char *const io_metrics[] = { "seq_write_fsync", "rand_read_4k", "rand_read_4k_p50",
	                                  "rand_read_4k_p90", "rand_read_4k_p99" };

struct io_args {
	const char *dir;
	uint64_t size_mib, reads;
};

struct io_ctx {
	int fd;
	uint64_t size;
	char fs[48];  /* file system name */
	char *block;  /* IO_BLOCK bytes, page aligned (O_DIRECT needs aligned buffers) */
	uint64_t rng; /* offsets of the random reads */
};

static const char *io_fs_name(long type, char *buf, size_t len)
{
	static const struct {
		long magic;
		const char *name;
	} names[] = {
		{ 0xef53, "ext2/3/4" },  { 0x58465342, "xfs" },   { 0x9123683e, "btrfs" },
		{ 0x01021994, "tmpfs" }, { 0x858458f6, "ramfs" }, { 0x794c7630, "overlayfs" },
		{ 0x6969, "nfs" },       { 0xf2f52010, "f2fs" },  { 0x2fc12fc1, "zfs" },
		{ 0x65735546, "fuse" },  { 0x01021997, "9p" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].magic == type) {
			snprintf(buf, len, "%s", names[i].name);
			return buf;
		}
	snprintf(buf, len, "fs type 0x%lx", type);
	return buf;
}

/* The file never has a name that could outlive the suite: O_TMPFILE, or (file systems without
 * it) a name unlinked right after creation. A suite killed at any point leaves nothing behind:
 * the kernel frees the blocks when the last descriptor closes. */
static int io_open_dir(struct io_ctx *c, const char *dir, struct bb_err *err)
{
	struct statfs sf;
	char path[4096];

	if (statfs(dir, &sf) < 0)
		return bb_fail(err, errno, "statfs %s", dir);
	io_fs_name((long)sf.f_type, c->fs, sizeof(c->fs));
	/* tmpfs accepts O_DIRECT since Linux 6.6 and ignores fsync: it would report memory
	 * speed as disk speed. */
	if (sf.f_type == 0x01021994 || sf.f_type == 0x858458f6)
		return bb_fail(err, 0, "%s is on %s: memory, not storage", dir, c->fs);
	c->fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (c->fd >= 0)
		return 0;
	snprintf(path, sizeof(path), "%s/.boxbench-io.%ld", dir, (long)getpid());
	c->fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (c->fd < 0)
		return bb_fail(err, errno, "create %s", path);
	unlink(path);
	return 0;
}

/* The storage as this box sees it: the file system, and the mount under the directory (in a
 * VM: the guest's ext4 on its virtio disk; in a container: the bind of the host's). */
static void io_storage_facts(const struct io_ctx *c, const char *dir)
{
	struct bb_mount m;
	struct bb_err err = { 0 };
	char text[1024];

	rec_info(IO_SUITE, "storage", c->fs);
	if (mountinfo_of(dir, &m, &err) < 0) {
		rec_info(IO_SUITE, "storage_mount", err.msg);
		return;
	}
	snprintf(text, sizeof(text), "%s on %s type %s (%s)", m.source, m.target, m.fstype,
	         m.options);
	rec_info(IO_SUITE, "storage_mount", text);
}

/* The whole file in IO_BLOCK writes, then fsync: decimal MB/s, the fsync included. */
static int io_seq_write(struct io_ctx *c, double *mbps, struct bb_err *err)
{
	uint64_t t0 = rec_now_ns(), ns;

	for (uint64_t off = 0; off < c->size; off += IO_BLOCK)
		if (pwrite(c->fd, c->block, IO_BLOCK, (off_t)off) != (ssize_t)IO_BLOCK)
			return bb_fail(err, errno ? errno : EIO, "write at %llu MiB on %s",
			               (unsigned long long)(off / IO_MIB), c->fs);
	if (fsync(c->fd) < 0)
		return bb_fail(err, errno, "fsync on %s", c->fs);
	ns = rec_now_ns() - t0;
	*mbps = ns ? (double)c->size * 1000.0 / (double)ns : NAN;
	return 0;
}

int io_latency_summary(double *lat, size_t n, struct io_lat *out)
{
	if (!n)
		return -1;
	gsl_sort(lat, 1, n);
	out->mean = gsl_stats_mean(lat, 1, n);
	out->p50 = gsl_stats_quantile_from_sorted_data(lat, 1, n, 0.50);
	out->p90 = gsl_stats_quantile_from_sorted_data(lat, 1, n, 0.90);
	out->p99 = gsl_stats_quantile_from_sorted_data(lat, 1, n, 0.99);
	return 0;
}

/* n reads at xorshift64 offsets (the same sequence in every box), each timed alone, in us. */
static int io_rand_reads(struct io_ctx *c, double *lat, uint64_t n, struct bb_err *err)
{
	uint64_t blocks = c->size / IO_READ_SIZE, t0;
	int flags = fcntl(c->fd, F_GETFL);

	if (flags < 0 || fcntl(c->fd, F_SETFL, flags | O_DIRECT) < 0)
		return bb_fail(err, errno, "O_DIRECT not supported on %s", c->fs);
	c->rng = 0x2545f4914f6cdd1dull;
	for (uint64_t i = 0; i < n; i++) {
		c->rng ^= c->rng << 13;
		c->rng ^= c->rng >> 7;
		c->rng ^= c->rng << 17;
		t0 = rec_now_ns();
		if (pread(c->fd, c->block, IO_READ_SIZE,
		          (off_t)((c->rng % blocks) * IO_READ_SIZE)) != IO_READ_SIZE)
			return bb_fail(err, errno ? errno : EIO, "O_DIRECT read of 4 KiB on %s",
			               c->fs);
		lat[i] = (double)(rec_now_ns() - t0) / 1000.0;
	}
	return 0;
}

static void io_measure_rand(struct io_ctx *c, uint64_t n)
{
	struct bb_err err = { 0 };
	struct io_lat l;
	double *lat = calloc(n, sizeof(*lat));

	if (!lat)
		bb_fail(&err, ENOMEM, "%llu latencies", (unsigned long long)n);
	if (!lat || io_rand_reads(c, lat, n, &err) < 0 || io_latency_summary(lat, n, &l) < 0) {
		for (size_t i = 1; i < sizeof(io_metrics) / sizeof(io_metrics[0]); i++)
			rec_error(IO_SUITE, io_metrics[i], err.msg[0] ? err.msg : "no reads");
		free(lat);
		return;
	}
	free(lat);
	measure_emit(IO_SUITE, "rand_read_4k", l.mean, n);
	measure_emit(IO_SUITE, "rand_read_4k_p50", l.p50, n);
	measure_emit(IO_SUITE, "rand_read_4k_p90", l.p90, n);
	measure_emit(IO_SUITE, "rand_read_4k_p99", l.p99, n);
}

/* The write must succeed for the reads to mean anything: they read what it wrote. */
static void io_measure(struct io_ctx *c, uint64_t reads)
{
	struct bb_err err = { 0 };
	double mbps = NAN;

	if (io_seq_write(c, &mbps, &err) < 0) {
		for (size_t i = 0; i < sizeof(io_metrics) / sizeof(io_metrics[0]); i++)
			rec_error(IO_SUITE, io_metrics[i], err.msg);
		return;
	}
	measure_emit(IO_SUITE, "seq_write_fsync", mbps, 1);
	io_measure_rand(c, reads);
}

static int io_option(void *ctx, int code, const char *arg, struct bb_err *err)
{
	struct io_args *a = ctx;

	if (code == IO_OPT_DIR)
		a->dir = arg;
	else if (code == IO_OPT_SIZE_MIB)
		return measure_parse_u64(arg, 1, IO_MAX_MIB, "--size-mib", &a->size_mib, err);
	else if (code == IO_OPT_READS)
		return measure_parse_u64(arg, 1, IO_MAX_READS, "--reads", &a->reads, err);
	else
		return bb_fail(err, 0, "unhandled option");
	return 0;
}

/* Non-zero, incompressible content: no file system, image format or host may shortcut it. */
static int io_alloc_block(struct io_ctx *c, struct bb_err *err)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;
	int e = posix_memalign((void **)&c->block, 4096, IO_BLOCK);

	if (e)
		return bb_fail(err, e, "allocate a %llu KiB buffer",
		               (unsigned long long)(IO_BLOCK / 1024));
	for (size_t i = 0; i < IO_BLOCK / sizeof(uint64_t); i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(c->block + i * sizeof(x), &x, sizeof(x));
	}
	return 0;
}

static void io_error_all(const char *msg)
{
	for (size_t i = 0; i < sizeof(io_metrics) / sizeof(io_metrics[0]); i++)
		rec_error(IO_SUITE, io_metrics[i], msg);
}

static int io_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, IO_OPT_DIR },
		{ "size-mib", required_argument, NULL, IO_OPT_SIZE_MIB },
		{ "reads", required_argument, NULL, IO_OPT_READS },
		{ 0 },
	};
	struct io_args a = { .size_mib = IO_DEFAULT_MIB, .reads = IO_DEFAULT_READS };
	struct io_ctx c = { .fd = -1 };
	struct bb_measure_opts o;
	struct bb_err err = { 0 };
	int r;

	measure_defaults(&o);
	if (measure_parse_args(argc, argv, longopts, &o, io_option, &a, &err) < 0) {
		rec_error(IO_SUITE, "options", err.msg);
		return 2;
	}
	if (!a.dir) {
		io_error_all("no storage given: pass --dir PATH");
		return 0;
	}
	c.size = a.size_mib * IO_MIB;
	r = io_alloc_block(&c, &err);
	if (r == 0)
		r = io_open_dir(&c, a.dir, &err);
	if (r < 0) {
		io_error_all(err.msg);
	} else {
		io_storage_facts(&c, a.dir);
		io_measure(&c, a.reads);
	}
	if (c.fd >= 0)
		close(c.fd);
	free(c.block);
	return 0;
}

const struct suite suite_io = {
	.name = "io",
	.summary = "fresh file written + fsync (MB/s); random 4 KiB O_DIRECT reads (latency)",
	.settles = "C9",
	.run = io_run,
	.needs_storage = 1,
};
