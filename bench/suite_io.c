/* io: storage as the box presents it (claim C9: a VM's I/O is emulated through files on the
 * host). The storage must end on the same host file system in every box: a host directory
 * (--dir) natively, a bind-mounted scratch directory in the container, a raw image file that the
 * guest sees as a virtio-blk disk (--device /dev/bbscratch) in the VM. */
#include "measure.h"
#include "record.h"
#include "suite.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#define IO_SUITE       "io"
#define IO_MIB         (1024ull * 1024)
#define IO_BLOCK       IO_MIB
#define IO_READ_SIZE   4096
#define IO_DEFAULT_MIB 16 /* small on purpose: a benchmark must not wear out a shared disk */
#define IO_MAX_MIB     4096

enum { IO_OPT_DIR = 1, IO_OPT_DEVICE, IO_OPT_SIZE_MIB };

static const char *const io_metrics[] = { "seq_write_fsync", "rand_read_4k" };

struct io_args {
	const char *dir, *device;
	uint64_t size_mib;
};

struct io_ctx {
	int fd;
	uint64_t size;
	char fs[48];  /* file system name, or "block device" */
	char *block;  /* IO_BLOCK bytes, page aligned (O_DIRECT needs aligned buffers) */
	uint64_t rng; /* offsets of the random reads */
	int err;      /* errno of the first failure inside a body */
	int filled;   /* the whole size has been written and synced */
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

/* O_EXCL on a block device claims it: EBUSY if it or one of its partitions is mounted, which
 * keeps a mistyped --device from overwriting a file system in use. */
static int io_open_device(struct io_ctx *c, const char *dev, struct bb_err *err)
{
	struct stat st;
	uint64_t bytes = 0;

	snprintf(c->fs, sizeof(c->fs), "block device");
	if (stat(dev, &st) < 0)
		return bb_fail(err, errno, "stat %s", dev);
	if (!S_ISBLK(st.st_mode))
		return bb_fail(err, 0, "%s is not a block device", dev);
	c->fd = open(dev, O_RDWR | O_EXCL | O_CLOEXEC);
	if (c->fd < 0)
		return bb_fail(err, errno, "open %s exclusively", dev);
	if (ioctl(c->fd, BLKGETSIZE64, &bytes) < 0)
		return bb_fail(err, errno, "%s: size", dev);
	if (bytes < c->size)
		return bb_fail(err, 0, "%s: %llu MiB, smaller than --size-mib %llu", dev,
		               (unsigned long long)(bytes / IO_MIB),
		               (unsigned long long)(c->size / IO_MIB));
	return 0;
}

static void io_fail(struct io_ctx *c)
{
	c->err = errno ? errno : EIO;
}

/* Every try writes the same fresh file: drop the previous try's blocks, untimed. */
static void io_seq_prepare(void *ctx)
{
	struct io_ctx *c = ctx;
	struct stat st;

	if (fstat(c->fd, &st) == 0 && S_ISREG(st.st_mode) && ftruncate(c->fd, 0) < 0)
		io_fail(c);
}

static void io_seq_op(void *ctx, uint64_t iters)
{
	struct io_ctx *c = ctx;

	for (uint64_t k = 0; k < iters && !c->err; k++) {
		for (uint64_t off = 0; off < c->size; off += IO_BLOCK)
			if (pwrite(c->fd, c->block, IO_BLOCK, (off_t)off) != (ssize_t)IO_BLOCK) {
				io_fail(c);
				return;
			}
		if (fsync(c->fd) < 0)
			io_fail(c);
	}
	c->filled = !c->err;
}

static void io_rand_op(void *ctx, uint64_t iters)
{
	struct io_ctx *c = ctx;
	uint64_t blocks = c->size / IO_READ_SIZE;

	for (uint64_t i = 0; i < iters; i++) {
		/* xorshift64: cheap next to a disk read, and the same sequence in every box. */
		c->rng ^= c->rng << 13;
		c->rng ^= c->rng >> 7;
		c->rng ^= c->rng << 17;
		if (pread(c->fd, c->block, IO_READ_SIZE,
		          (off_t)((c->rng % blocks) * IO_READ_SIZE)) != IO_READ_SIZE) {
			io_fail(c);
			return;
		}
	}
}

/* Writes with fsync are counted in decimal MB/s, the time includes the fsync. */
static void io_measure_seq(struct io_ctx *c, const struct bb_measure_opts *o)
{
	struct bb_measure_opts wo = *o;
	struct bb_bench b = { .op = io_seq_op, .prepare = io_seq_prepare, .ctx = c };
	struct bb_measure_result r;
	struct bb_err err = { 0 };

	wo.fixed_iters = 1; /* one whole file per try: already far above the 10 ms target */
	c->err = 0;
	if (measure_run(&measure_clock_monotonic, &wo, &b, &r, &err) < 0) {
		rec_error(IO_SUITE, "seq_write_fsync", err.msg);
		return;
	}
	if (c->err) {
		bb_fail(&err, c->err, "write %llu MiB on %s",
		        (unsigned long long)(c->size / IO_MIB), c->fs);
		rec_error(IO_SUITE, "seq_write_fsync", err.msg);
		return;
	}
	measure_report(IO_SUITE, "seq_write_fsync",
	               r.ns_per_op > 0 ? (double)c->size * 1000.0 / r.ns_per_op : NAN, &r);
}

/* Pre-filled (by seq_write_fsync, or here if that failed), then read with O_DIRECT so that
 * every read reaches the box's storage stack instead of the page cache. */
static int io_rand_setup(struct io_ctx *c, struct bb_err *err)
{
	int flags;

	if (!c->filled) {
		c->err = 0;
		io_seq_op(c, 1);
		if (c->err)
			return bb_fail(err, c->err, "pre-fill %llu MiB on %s",
			               (unsigned long long)(c->size / IO_MIB), c->fs);
	}
	flags = fcntl(c->fd, F_GETFL);
	if (flags < 0 || fcntl(c->fd, F_SETFL, flags | O_DIRECT) < 0)
		return bb_fail(err, errno, "O_DIRECT not supported on %s", c->fs);
	c->err = 0;
	io_rand_op(c, 1);
	if (c->err)
		return bb_fail(err, c->err, "O_DIRECT read of 4 KiB on %s", c->fs);
	return 0;
}

static void io_measure_rand(struct io_ctx *c, const struct bb_measure_opts *o)
{
	struct bb_bench b = { .op = io_rand_op, .ctx = c };
	struct bb_measure_result r;
	struct bb_err err = { 0 };

	c->rng = 0x2545f4914f6cdd1dull;
	if (io_rand_setup(c, &err) < 0 ||
	    measure_run(&measure_clock_monotonic, o, &b, &r, &err) < 0) {
		rec_error(IO_SUITE, "rand_read_4k", err.msg);
		return;
	}
	if (c->err) {
		bb_fail(&err, c->err, "O_DIRECT read of 4 KiB on %s", c->fs);
		rec_error(IO_SUITE, "rand_read_4k", err.msg);
		return;
	}
	measure_report(IO_SUITE, "rand_read_4k", r.ns_per_op / 1000.0, &r);
}

static int io_option(void *ctx, int code, const char *arg, struct bb_err *err)
{
	struct io_args *a = ctx;

	if (code == IO_OPT_DIR)
		a->dir = arg;
	else if (code == IO_OPT_DEVICE)
		a->device = arg;
	else if (code == IO_OPT_SIZE_MIB)
		return measure_parse_u64(arg, 1, IO_MAX_MIB, "--size-mib", &a->size_mib, err);
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
		MEASURE_LONG_OPTIONS,
		{ "dir", required_argument, NULL, IO_OPT_DIR },
		{ "device", required_argument, NULL, IO_OPT_DEVICE },
		{ "size-mib", required_argument, NULL, IO_OPT_SIZE_MIB },
		{ 0 },
	};
	struct io_args a = { .size_mib = IO_DEFAULT_MIB };
	struct io_ctx c = { .fd = -1 };
	struct bb_measure_opts o;
	struct bb_err err = { 0 };
	int r;

	measure_defaults(&o);
	if (measure_parse_args(argc, argv, longopts, &o, io_option, &a, &err) < 0 ||
	    (a.dir && a.device && bb_fail(&err, 0, "give --dir or --device, not both"))) {
		rec_error(IO_SUITE, "options", err.msg);
		return 2;
	}
	if (!a.dir && !a.device) {
		io_error_all("no storage given: pass --dir PATH or --device PATH");
		return 0;
	}
	c.size = a.size_mib * IO_MIB;
	r = io_alloc_block(&c, &err);
	if (r == 0)
		r = a.device ? io_open_device(&c, a.device, &err) : io_open_dir(&c, a.dir, &err);
	if (r < 0) {
		io_error_all(err.msg);
	} else {
		rec_info(IO_SUITE, "storage", c.fs);
		io_measure_seq(&c, &o);
		io_measure_rand(&c, &o);
	}
	if (c.fd >= 0)
		close(c.fd);
	free(c.block);
	return 0;
}

const struct suite suite_io = {
	.name = "io",
	.summary = "MB/s of a sequential write with fsync, us per random 4 KiB O_DIRECT read",
	.settles = "C9",
	.run = io_run,
	.needs_storage = 1,
	.measure_opts = 1,
};
