/* footprint: size accounting (apparent vs allocated, hard links once, trees like du -x), the
 * smaps_rollup and maps parsers on fixture text, process trees and PSS of live processes, the
 * density arithmetic and the --budget parser. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "footprint.h"
#include "launcher.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	/* /var/tmp: a disk file system on Debian (sparse files, real blocks), never tmpfs. */
	snprintf(dir, sizeof(dir), "/var/tmp/bb-test-fp-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static off_t fp_dir_size(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

static void path_in(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

static void write_file(const char *path, size_t bytes)
{
	char *buf = malloc(bytes ? bytes : 1);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_non_null(buf);
	assert_true(fd >= 0);
	memset(buf, 'x', bytes);
	assert_int_equal(write(fd, buf, bytes), (ssize_t)bytes);
	close(fd);
	free(buf);
}

/* A 64 MiB file with one written 4 KiB block: 64 MiB apparent, a few KiB allocated. */
static void test_sparse_apparent_vs_allocated(void **state)
{
	char p[PATH_MAX], block[4096];
	struct fp_files s;
	struct fp_disk d;
	struct bb_err err = { 0 };
	int fd;

	(void)state;
	path_in(p, sizeof(p), "sparse");
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	memset(block, 'y', sizeof(block));
	assert_int_equal(pwrite(fd, block, sizeof(block), 0), (ssize_t)sizeof(block));
	assert_int_equal(ftruncate(fd, 64 << 20), 0);
	assert_int_equal(fsync(fd), 0);
	close(fd);
	fp_files_init(&s);
	assert_int_equal(fp_files_add_path(&s, p, "data", false, &err), 1);
	fp_files_total(&s, &d);
	assert_int_equal(d.files, 1);
	assert_int_equal(d.apparent, 64 << 20);
	assert_true(d.allocated >= 4096);
	assert_true(d.allocated < 1 << 20);
	assert_int_equal(d.shared_apparent, d.apparent);
	assert_int_equal(d.inst_apparent, 0);
	fp_files_free(&s);
}

/* A hard link is the same inode: counted once, however it is reached; a copy is another file. */
static void test_hard_link_counted_once(void **state)
{
	char a[PATH_MAX], b[PATH_MAX], c[PATH_MAX];
	struct fp_files s;
	struct fp_disk d;
	struct bb_err err = { 0 };

	(void)state;
	path_in(a, sizeof(a), "a");
	path_in(b, sizeof(b), "b-link");
	path_in(c, sizeof(c), "c-copy");
	write_file(a, 10000);
	assert_int_equal(link(a, b), 0);
	write_file(c, 10000);
	fp_files_init(&s);
	assert_int_equal(fp_files_add_path(&s, a, "data", false, &err), 1);
	assert_int_equal(fp_files_add_path(&s, b, "data", false, &err), 0);
	fp_files_total(&s, &d);
	assert_int_equal(d.files, 1);
	assert_int_equal(d.apparent, 10000);
	assert_int_equal(fp_files_add_path(&s, c, "data", false, &err), 1);
	fp_files_total(&s, &d);
	assert_int_equal(d.files, 2);
	assert_int_equal(d.apparent, 20000);
	fp_files_free(&s);
	unlink(a);
	unlink(b);
	unlink(c);
}

/* Seen again as written by the instance, a shared file becomes per instance. */
static void test_per_instance_split(void **state)
{
	char a[PATH_MAX], b[PATH_MAX];
	struct fp_files s;
	struct fp_disk d;
	struct bb_err err = { 0 };
	long long ap, al;

	(void)state;
	path_in(a, sizeof(a), "shared");
	path_in(b, sizeof(b), "disk.img");
	write_file(a, 3000);
	write_file(b, 5000);
	fp_files_init(&s);
	assert_int_equal(fp_files_add_path(&s, a, "binary", false, &err), 1);
	assert_int_equal(fp_files_add_path(&s, b, "data", false, &err), 1);
	assert_int_equal(fp_files_add_path(&s, b, "disk image", true, &err), 0);
	fp_files_total(&s, &d);
	assert_int_equal(d.shared_apparent, 3000);
	assert_int_equal(d.inst_apparent, 5000);
	assert_int_equal(d.apparent, 8000);
	/* the first role found stays */
	assert_int_equal(fp_files_role(&s, "data", &ap, &al), 1);
	assert_int_equal(ap, 5000);
	assert_int_equal(fp_files_role(&s, "disk image", &ap, &al), 0);
	fp_files_free(&s);
	unlink(a);
	unlink(b);
}

/* A tree like du -x: root and subdirectories counted, symlinks as themselves (not their
 * target), a hard-linked pair once. */
static void test_tree(void **state)
{
	char root[PATH_MAX], p[PATH_MAX + 32], q[PATH_MAX + 32];
	struct fp_files s;
	struct fp_disk d;
	struct bb_err err = { 0 };
	struct stat st;
	long long want = 0;

	(void)state;
	path_in(root, sizeof(root), "tree");
	assert_int_equal(mkdir(root, 0755), 0);
	snprintf(p, sizeof(p), "%s/bin", root);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/bin/load", root);
	write_file(p, 7000);
	snprintf(q, sizeof(q), "%s/bin/load-link", root);
	assert_int_equal(link(p, q), 0);
	snprintf(q, sizeof(q), "%s/load-symlink", root);
	assert_int_equal(symlink("bin/load", q), 0);
	fp_files_init(&s);
	/* root, bin, load (+ its link), the symlink */
	assert_int_equal(fp_files_add_tree(&s, root, "rootfs", &err), 4);
	fp_files_total(&s, &d);
	assert_int_equal(d.files, 4);
	const char *each[] = { "", "/bin", "/bin/load", "/load-symlink" };
	for (size_t i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s%s", root, each[i]);
		assert_int_equal(lstat(p, &st), 0);
		want += st.st_size;
	}
	assert_int_equal(d.apparent, want);
	assert_int_equal(fp_files_role(&s, "rootfs", &want, &d.allocated), 4);
	fp_files_free(&s);
	fp_files_init(&s);
	assert_int_equal(fp_files_add_tree(&s, "/nonexistent-bb", "rootfs", &err), -1);
	assert_non_null(strstr(err.msg, "/nonexistent-bb"));
	fp_files_free(&s);
}

static const char smaps_fixture[] =
    "559ee4167000-7fff22e05000 ---p 00000000 00:00 0                          [rollup]\n"
    "Rss:                1700 kB\n"
    "Pss:                 387 kB\n"
    "Pss_Dirty:           116 kB\n"
    "Pss_Anon:            116 kB\n"
    "Pss_File:            271 kB\n"
    "Pss_Shmem:             0 kB\n"
    "Shared_Clean:       1544 kB\n"
    "Private_Dirty:       116 kB\n"
    "Swap:                  0 kB\n"
    "SwapPss:              12 kB\n"
    "Locked:                0 kB\n";

static void test_smaps_parse(void **state)
{
	struct fp_mem m;
	struct bb_err err = { 0 };

	(void)state;
	assert_int_equal(fp_smaps_parse(smaps_fixture, &m, &err), 0);
	assert_int_equal(m.rss, 1700 * 1024LL);
	assert_int_equal(m.pss, 387 * 1024LL);
	assert_int_equal(m.pss_anon, 116 * 1024LL);
	assert_int_equal(m.pss_file, 271 * 1024LL);
	assert_int_equal(m.pss_shmem, 0);
	assert_int_equal(m.swap_pss, 12 * 1024LL);
	/* Pss_Dirty must not be taken for Pss */
	assert_int_equal(fp_smaps_parse("Rss: 8 kB\nPss_Dirty: 4 kB\n", &m, &err), -1);
	assert_non_null(strstr(err.msg, "no Pss"));
	/* a zombie's rollup is empty */
	assert_int_equal(fp_smaps_parse("", &m, &err), -1);
}

static void test_maps_parse(void **state)
{
	char l1[] = "7f1c2a000000-7f1c2a028000 r--p 00000000 fe:01 1835054                    "
	            "/usr/lib/x86_64-linux-gnu/libc.so.6";
	char l2[] =
	    "55d0c0a3f000-55d0c0a60000 rw-p 00000000 00:00 0                          [heap]";
	char l3[] = "7f1c2a400000-7f1c2a500000 rw-s 00000000 00:01 4242 /memfd:x (deleted)";
	char l4[] = "00400000-00401000 r-xp 00000000 08:02 77 /work/a file (deleted)";
	char l5[] = "7ffd1c5e0000-7ffd1c5e2000 r-xp 00000000 00:00 0";
	char l6[] = "garbage line";
	struct fp_map m;

	(void)state;
	assert_int_equal(fp_maps_parse_line(l1, &m), 1);
	assert_true(m.start == 0x7f1c2a000000ULL && m.end == 0x7f1c2a028000ULL);
	assert_string_equal(m.perms, "r--p");
	assert_true(m.inode == 1835054);
	assert_string_equal(m.path, "/usr/lib/x86_64-linux-gnu/libc.so.6");
	assert_int_equal(fp_maps_parse_line(l2, &m), 0);
	assert_int_equal(fp_maps_parse_line(l3, &m), 0); /* not an absolute path: a memfd */
	assert_int_equal(fp_maps_parse_line(l4, &m), 1);
	assert_true(m.start == 0x400000);
	assert_string_equal(m.path, "/work/a file (deleted)");
	assert_int_equal(fp_maps_parse_line(l5, &m), 0);
	assert_int_equal(fp_maps_parse_line(l6, &m), -1);
}

/* This test program maps itself (the binary) and libc (a library). */
static void test_maps_of_self(void **state)
{
	struct fp_files s;
	struct bb_err err = { 0 };
	struct stat self;
	long long ap, al;

	(void)state;
	fp_files_init(&s);
	assert_int_equal(fp_files_add_maps(&s, getpid(), &err), 0);
	assert_int_equal(stat("/proc/self/exe", &self), 0);
	assert_int_equal(fp_files_role(&s, "binary", &ap, &al), 1);
	assert_int_equal(ap, self.st_size);
	assert_true(fp_files_role(&s, "library", &ap, &al) >= 1); /* cmocka, jansson */
	/* libc and ld.so: the host's C runtime, listed apart from the program's own libraries */
	assert_true(fp_files_role(&s, "host library", &ap, &al) >= 2);
	bool libc = false;
	for (size_t i = 0; i < s.n; i++)
		if (strstr(s.v[i].path, "/libc.so")) {
			libc = true;
			assert_string_equal(s.v[i].role, "host library");
			assert_true(s.v[i].apart);
		}
	assert_true(libc);
	fp_files_free(&s);
}

/* A file held open for writing is per instance; one open read-only is not counted. */
static void test_writable_fds(void **state)
{
	char a[PATH_MAX], b[PATH_MAX];
	struct fp_files s;
	struct fp_disk d;
	struct bb_err err = { 0 };
	int fa, fb;

	(void)state;
	path_in(a, sizeof(a), "rw.img");
	path_in(b, sizeof(b), "ro.img");
	write_file(a, 6000);
	write_file(b, 9000);
	fa = open(a, O_RDWR);
	fb = open(b, O_RDONLY);
	assert_true(fa >= 0 && fb >= 0);
	fp_files_init(&s);
	assert_int_equal(fp_files_add_writable_fds(&s, getpid(), &err), 0);
	/* (the test's own stdout may be a log file: look for the two files only) */
	const struct fp_file *fa_seen = NULL, *fb_seen = NULL;
	for (size_t i = 0; i < s.n; i++) {
		fa_seen = strcmp(s.v[i].path, a) ? fa_seen : &s.v[i];
		fb_seen = strcmp(s.v[i].path, b) ? fb_seen : &s.v[i];
	}
	assert_non_null(fa_seen);
	assert_null(fb_seen);
	assert_true(fa_seen->per_instance);
	assert_int_equal(fa_seen->apparent, 6000);
	assert_string_equal(fa_seen->role, "disk image");
	fp_files_total(&s, &d);
	assert_true(d.inst_apparent >= 6000);
	fp_files_free(&s);
	close(fa);
	close(fb);
}

/* A forked child (and its own child) belong to the tree of this process. */
static void test_proc_tree_and_pss(void **state)
{
	pid_t pids[16], child;
	int sync[2];
	size_t n = 0;
	struct fp_mem m;
	struct bb_err err = { 0 };
	char c;

	(void)state;
	assert_int_equal(pipe(sync), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		if (fork() == 0) {
			close(sync[0]);
			pause();
			_exit(0);
		}
		close(sync[0]);
		assert_int_equal(write(sync[1], "x", 1), 1);
		pause();
		_exit(0);
	}
	close(sync[1]);
	assert_int_equal(read(sync[0], &c, 1), 1);
	usleep(20000); /* the grandchild exists once the child wrote; let it settle */
	assert_int_equal(fp_proc_tree(getpid(), pids, 16, &n, &err), 0);
	assert_true(n >= 3);
	assert_int_equal(pids[0], getpid());
	assert_int_equal(pids[1], child);
	pid_t grandchild = pids[2];
	assert_int_equal(fp_pss_sum(pids, 1, &m, &err), 0);
	assert_true(m.pss > 0 && m.pss <= m.rss);
	assert_int_equal(m.procs, 1);
	assert_int_equal(fp_proc_tree(getpid(), pids, 1, &n, &err), -1);
	kill(grandchild, SIGKILL);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	close(sync[0]);
	/* gone: its tree is itself alone, and it holds no memory */
	assert_int_equal(fp_proc_tree(child, pids, 16, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(fp_pss_sum(pids, 1, &m, &err), -1);
}

/* The test runs in its own (the shell's) cgroup, never a box's. */
static void test_cgroup_of_self(void **state)
{
	char d[PATH_MAX];
	bool v2;
	struct bb_err err = { 0 };

	(void)state;
	assert_int_equal(fp_cgroup_of(getpid(), d, sizeof(d), &v2, &err), 0);
}

/* A /proc/meminfo as Linux 6.1 writes it (fields the footprint does not read left in). */
static const char meminfo_fixture[] = "MemTotal:       24589412 kB\n"
                                      "MemFree:        22797080 kB\n"
                                      "MemAvailable:   24219764 kB\n"
                                      "Buffers:           98304 kB\n"
                                      "Slab:             154076 kB\n"
                                      "SReclaimable:     123236 kB\n"
                                      "SUnreclaim:        30840 kB\n"
                                      "KernelStack:        1712 kB\n"
                                      "PageTables:         2344 kB\n"
                                      "SecPageTables:         0 kB\n"
                                      "Percpu:              984 kB\n"
                                      "HugePages_Total:       0\n";

static void test_meminfo_parse(void **state)
{
	struct fp_meminfo m;
	struct bb_err err = { 0 };
	char text[sizeof(meminfo_fixture)], *p;

	(void)state;
	assert_int_equal(fp_meminfo_parse(meminfo_fixture, &m, &err), 0);
	assert_true(m.v[FP_MI_MEMTOTAL] == 24589412LL * 1024);
	assert_true(m.v[FP_MI_MEMAVAIL] == 24219764LL * 1024);
	assert_true(m.v[FP_MI_SUNRECLAIM] == 30840LL * 1024);
	assert_true(m.v[FP_MI_PERCPU] == 984LL * 1024);
	/* the kernel's own: slab + page tables + stacks + percpu, not SecPageTables */
	assert_true(m.v[FP_MI_KERNEL] == (154076LL + 2344 + 1712 + 984) * 1024);
	/* before Linux 4.16 there is no Percpu line: 0, not a failure */
	memcpy(text, meminfo_fixture, sizeof(text));
	p = strstr(text, "Percpu:");
	memcpy(p, "Xercpu:", 7);
	assert_int_equal(fp_meminfo_parse(text, &m, &err), 0);
	assert_true(m.v[FP_MI_PERCPU] == 0);
	assert_true(m.v[FP_MI_KERNEL] == (154076LL + 2344 + 1712) * 1024);
	/* a field it needs is missing: named */
	p = strstr(text, "PageTables:");
	memcpy(p, "PageTableX:", 11);
	assert_int_equal(fp_meminfo_parse(text, &m, &err), -1);
	assert_non_null(strstr(err.msg, "no PageTables line"));
	/* this host's own */
	assert_int_equal(fp_meminfo_read(&m, &err), 0);
	assert_true(m.v[FP_MI_MEMTOTAL] > 0 && m.v[FP_MI_MEMAVAIL] <= m.v[FP_MI_MEMTOTAL]);
}

/* Several readings: each field's median and its spread (the noise floor at that count). */
static void test_kread_median_spread(void **state)
{
	struct fp_meminfo r[4] = { 0 };
	struct fp_kread k;
	long long v[] = { 5, 1, 4 }, w[] = { 6, 2 };
	struct bb_err err = { 0 };

	(void)state;
	assert_true(fp_median_ll(v, 3) == 4);
	assert_true(fp_median_ll(w, 2) == 4); /* an even count: the mean of the middle two */
	assert_true(fp_median_ll(v, 0) == 0);
	r[0].v[FP_MI_SLAB] = 100;
	r[1].v[FP_MI_SLAB] = 130;
	r[2].v[FP_MI_SLAB] = 90;
	r[3].v[FP_MI_SLAB] = 110;
	fp_kread_from(r, 4, &k);
	assert_int_equal(k.n, 4);
	assert_true(k.median.v[FP_MI_SLAB] == 105);
	assert_true(k.spread[FP_MI_SLAB] == 40);
	assert_true(k.spread[FP_MI_MEMFREE] == 0);
	assert_int_equal(fp_kread(3, 1, &k, &err), 0);
	assert_int_equal(k.n, 3);
	assert_true(k.median.v[FP_MI_MEMTOTAL] > 0 && k.spread[FP_MI_MEMTOTAL] == 0);
}

/* The least-squares line on known points: slope, its standard error and 95% CI (Student t with
 * 3 degrees of freedom: 3.1824), computed by hand. */
static void test_fit_line(void **state)
{
	const double x[] = { 1, 2, 3, 4, 5 }, y[] = { 2.1, 3.9, 6.2, 7.8, 10.1 };
	const double ex[] = { 1, 2, 4 }, ey[] = { 13, 23, 43 }, same[] = { 2, 2, 2 };
	struct fp_fit f;
	struct bb_err err = { 0 };

	(void)state;
	assert_int_equal(fp_fit_line(x, y, 5, &f, &err), 0);
	assert_int_equal(f.n, 5);
	assert_float_equal(f.slope, 1.99, 1e-9);
	assert_float_equal(f.intercept, 0.05, 1e-9);
	assert_float_equal(f.se, 0.0597215762, 1e-8);
	assert_float_equal(f.resid_sd, 0.1888562063, 1e-8);
	assert_float_equal(f.lo, 1.99 - 3.182446305 * 0.0597215762, 1e-6);
	assert_float_equal(f.hi, 1.99 + 3.182446305 * 0.0597215762, 1e-6);
	/* points on a line: no error at all */
	assert_int_equal(fp_fit_line(ex, ey, 3, &f, &err), 0);
	assert_float_equal(f.slope, 10, 1e-9);
	assert_float_equal(f.intercept, 3, 1e-9);
	assert_float_equal(f.se, 0, 1e-9);
	/* two points have no error; one count says nothing about a slope */
	assert_int_equal(fp_fit_line(x, y, 2, &f, &err), -1);
	assert_non_null(strstr(err.msg, "at least 3"));
	assert_int_equal(fp_fit_line(same, y, 3, &f, &err), -1);
}

static void test_fit_capacity(void **state)
{
	const double x[] = { 1, 2, 3, 4, 5 }, y[] = { 2.1, 3.9, 6.2, 7.8, 10.1 };
	const double fx[] = { 1, 2, 3 }, fy[] = { 5, 5, 5 }, wy[] = { 1, 9, 1.5 };
	struct fp_fit f;
	struct bb_err err = { 0 };
	double fit, lo, hi;

	(void)state;
	assert_int_equal(fp_fit_line(x, y, 5, &f, &err), 0);
	/* 0.05 + 1.99 N <= 100: N = 50; from the CI's ends (1.800, 2.180): 55 and 45 */
	assert_int_equal(fp_fit_capacity(&f, 100, &fit, &lo, &hi, &err), 0);
	assert_true(fit == 50 && lo == 45 && hi == 55);
	/* a budget below the intercept: none fits */
	assert_int_equal(fp_fit_capacity(&f, 0.01, &fit, &lo, &hi, &err), 0);
	assert_true(fit == 0 && lo == 0);
	/* a flat line: nothing to extrapolate from */
	assert_int_equal(fp_fit_line(fx, fy, 3, &f, &err), 0);
	assert_int_equal(fp_fit_capacity(&f, 100, &fit, &lo, &hi, &err), -1);
	assert_non_null(strstr(err.msg, "nothing to extrapolate"));
	/* a positive slope whose CI reaches 0: no upper bound */
	assert_int_equal(fp_fit_line(fx, wy, 3, &f, &err), 0);
	assert_true(f.slope > 0 && f.lo < 0);
	assert_int_equal(fp_fit_capacity(&f, 100, &fit, &lo, &hi, &err), 0);
	assert_true(hi == -1 && lo <= fit);
}

/* The steps (1, 2, 3, 4, 6, 9, ...) and each reason to stop. */
static void test_next_batch(void **state)
{
	const double gib = 1024.0 * 1048576;
	struct fp_plan p = { .kmax = 12, .share = 1 * gib, .time_s = 60, .floor = 2 * gib };
	struct fp_grow_state g = { .per_inst = 1048576, .avail = 20 * gib, .s_per_inst = 0.1 };
	const unsigned steps[] = { 1, 2, 3, 4, 6, 9, 12 };
	char why[256];

	(void)state;
	for (size_t i = 0; i + 1 < sizeof(steps) / sizeof(steps[0]); i++) {
		g.n = steps[i];
		assert_int_equal(fp_next_batch(&p, &g, why, sizeof(why)), steps[i + 1] - steps[i]);
		assert_string_equal(why, "");
	}
	g.n = 12;
	assert_int_equal(fp_next_batch(&p, &g, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "--density 12"));
	/* the share of the budget reached; nearly reached: one more */
	p.kmax = 100;
	g.n = 8;
	g.measured = 1 * gib;
	assert_int_equal(fp_next_batch(&p, &g, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "share of the budget"));
	g.measured = 1 * gib - 2.5 * 1048576;
	assert_int_equal(fp_next_batch(&p, &g, why, sizeof(why)), 2);
	g.measured = 1 * gib - 0.5 * 1048576;
	assert_int_equal(fp_next_batch(&p, &g, why, sizeof(why)), 1);
	/* the time budget: 2 s left at 0.5 s each: 4 of the 4 wanted; 0.4 s left: none */
	g.measured = 0;
	g.s_per_inst = 0.5;
	g.elapsed_s = 58;
	assert_int_equal(fp_next_batch(&p, &g, why, sizeof(why)), 4);
	g.elapsed_s = 59.6;
	assert_int_equal(fp_next_batch(&p, &g, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "time budget"));
	/* below 3 instances neither time nor share stops it ... */
	g.n = 2;
	g.measured = 5 * gib;
	assert_int_equal(fp_next_batch(&p, &g, why, sizeof(why)), 1);
	/* ... but the host's floor does, always */
	g.avail = 2 * gib + 0.5 * 1048576;
	assert_int_equal(fp_next_batch(&p, &g, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "floor"));
}

/* PSS of file mappings split: the host's C runtime apart from a VMM's own files. */
static void test_smaps_libs(void **state)
{
	static const char smaps[] =
	    "55d0c0000000-55d0c0400000 r-xp 00000000 fe:00 1234    /usr/bin/qemu-system-x86_64\n"
	    "Size:               4096 kB\n"
	    "Rss:                2048 kB\n"
	    "Pss:                1024 kB\n"
	    "Pss_Dirty:             0 kB\n"
	    "7f0000000000-7f0000100000 r-xp 00000000 fe:00 99      "
	    "/usr/lib/x86_64-linux-gnu/libc.so.6\n"
	    "Pss:                  12 kB\n"
	    "7f0000200000-7f0000300000 r-xp 00000000 fe:00 98      "
	    "/usr/lib/x86_64-linux-gnu/libglib-2.0.so.0\n"
	    "Pss:                 100 kB\n"
	    "7f0000400000-7f0000500000 rw-p 00000000 00:00 0 \n"
	    "Pss:                5000 kB\n"
	    "7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0       [stack]\n"
	    "Pss:                 132 kB\n"
	    "7f0000600000-7f0000601000 r--p 00000000 fe:00 97      "
	    "/usr/lib64/ld-linux-x86-64.so.2\n"
	    "Pss:                   4 kB\n";
	struct fp_libs l = { 0 };
	struct bb_err err = { 0 };
	pid_t self = getpid();
	FILE *f = fmemopen((void *)smaps, sizeof(smaps) - 1, "r");

	(void)state;
	assert_non_null(f);
	fp_smaps_libs_stream(f, &l);
	fclose(f);
	assert_true(l.runtime == 16 * 1024);         /* libc + ld.so */
	assert_true(l.other == (1024 + 100) * 1024); /* qemu + glib; anonymous memory is not */
	/* this process maps libc */
	assert_int_equal(fp_libs_sum(&self, 1, &l, &err), 0);
	assert_true(l.runtime > 0 && l.other > 0);
}

/* What is counted: the host's C runtime and an engine's daemons are listed apart. */
static void test_counted_apart(void **state)
{
	struct fp_files s;
	struct fp_disk d;
	struct stat st = { .st_dev = 1, .st_size = 1000, .st_blocks = 8 };
	struct bb_err err = { 0 };

	(void)state;
	assert_true(fp_host_runtime_lib("/usr/lib/x86_64-linux-gnu/libc.so.6"));
	assert_true(fp_host_runtime_lib("/lib64/ld-linux-x86-64.so.2"));
	assert_true(fp_host_runtime_lib("/usr/lib/x86_64-linux-gnu/libm.so.6"));
	assert_false(fp_host_runtime_lib("/usr/lib/x86_64-linux-gnu/libglib-2.0.so.0"));
	assert_false(fp_host_runtime_lib("/usr/lib/x86_64-linux-gnu/libcap.so.2"));
	assert_true(fp_role_apart("host library") && fp_role_apart("engine daemon") &&
	            fp_role_apart("booted kernel"));
	assert_false(fp_role_apart("library") || fp_role_apart("engine") ||
	             fp_role_apart("kernel"));
	fp_files_init(&s);
	st.st_ino = 1;
	assert_int_equal(fp_files_add_stat(&s, "/qemu", &st, "binary", false, &err), 1);
	st.st_ino = 2;
	assert_int_equal(fp_files_add_stat(&s, "/libc.so.6", &st, "host library", false, &err), 1);
	st.st_ino = 3;
	assert_int_equal(fp_files_add_stat(&s, "/vmlinux", &st, "booted kernel", false, &err), 1);
	fp_files_total(&s, &d);
	assert_int_equal(d.files, 1);
	assert_true(d.apparent == 1000 && d.allocated == 4096);
	assert_int_equal(d.apart_files, 2);
	assert_true(d.apart_apparent == 2000);
	fp_files_free(&s);
}

/* fanotify sees what a watched process opened, not what others did (root only). */
static void test_opens(void **state)
{
	char a[PATH_MAX], b[PATH_MAX];
	const char *marks[] = { dir, NULL };
	struct fp_opens w;
	struct fp_files s;
	struct bb_err err = { 0 };
	pid_t child;
	int st;

	(void)state;
	path_in(a, sizeof(a), "opened-by-child");
	path_in(b, sizeof(b), "opened-by-parent");
	write_file(a, 100);
	write_file(b, 200);
	fp_opens_start(&w, marks);
	if (w.fd < 0)
		skip(); /* not root: the disk accounting then says files read at start are missing
		         */
	child = fork();
	if (child == 0) {
		int fd = open(a, O_RDONLY);
		_exit(fd < 0);
	}
	assert_true(child > 0);
	waitpid(child, &st, 0);
	assert_int_equal(st, 0);
	close(open(b, O_RDONLY));
	fp_files_init(&s);
	assert_int_equal(fp_opens_collect(&w, &child, 1, &s, &err), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.v[0].path, a);
	assert_string_equal(s.v[0].role, "data");
	fp_files_free(&s);
	fp_opens_stop(&w);
}

/* An engine's disk: the store counted once without the other live instances' state, this
 * instance's state per instance (also inside the store), the runtime's binary with the engine. */
static void test_engine_disk(void **state)
{
	char store[PATH_MAX], mine[PATH_MAX], other[PATH_MAX], p[PATH_MAX + 16], rt[PATH_MAX];
	struct bb_members m, others[2];
	struct bb_envdesc d;
	struct fp_files s;
	struct bb_err err = { 0 };
	long long ap, al;

	(void)state;
	path_in(store, sizeof(store), "store");
	path_in(rt, sizeof(rt), "runtime");
	assert_int_equal(mkdir(store, 0755), 0);
	snprintf(mine, sizeof(mine), "%s/c1", store);
	snprintf(other, sizeof(other), "%s/c2", store);
	assert_int_equal(mkdir(mine, 0755), 0);
	assert_int_equal(mkdir(other, 0755), 0);
	snprintf(p, sizeof(p), "%s/layer", store);
	write_file(p, 100000);
	snprintf(p, sizeof(p), "%s/rw", mine);
	write_file(p, 3000);
	snprintf(p, sizeof(p), "%s/rw", other);
	write_file(p, 5000);
	write_file(rt, 7000);
	memset(&m, 0, sizeof(m));
	memset(others, 0, sizeof(others));
	snprintf(m.state[m.nstate++], PATH_MAX, "%s", mine);
	snprintf(m.state[m.nstate++], PATH_MAX, "%s/absent-init", store); /* not made: skipped */
	snprintf(others[0].state[others[0].nstate++], PATH_MAX, "%s", other);
	envdesc_init(&d, "e");
	snprintf(d.engine.store, sizeof(d.engine.store), "%s", store);
	snprintf(d.engine.runtime, sizeof(d.engine.runtime), "%s", rt);
	fp_files_init(&s);
	assert_int_equal(fp_engine_disk(&d, &m, others, 2, &s, &err), 0);
	assert_int_equal(fp_files_role(&s, "instance state", &ap, &al), 2); /* c1, c1/rw */
	assert_int_equal(ap, 3000 + (long long)fp_dir_size(mine));
	assert_int_equal(fp_files_role(&s, "image store", &ap, &al), 2); /* store, layer */
	assert_int_equal(fp_files_role(&s, "engine", &ap, &al), 1);
	assert_int_equal(ap, 7000);
	assert_int_equal(fp_files_role(&s, "other", &ap, &al), 0);
	struct fp_disk t;
	fp_files_total(&s, &t);
	assert_true(t.inst_apparent == 3000 + (long long)fp_dir_size(mine));
	assert_int_equal(t.apart_files, 0);
	/* a shared daemon (this process, as dockerd): its files listed apart, not counted; the
	 * host's C runtime stays a host library */
	m.engine[m.nengine++] = getpid();
	fp_files_free(&s);
	fp_files_init(&s);
	assert_int_equal(fp_engine_disk(&d, &m, others, 2, &s, &err), 0);
	assert_true(fp_files_role(&s, "engine daemon", &ap, &al) >= 1);
	assert_true(fp_files_role(&s, "host library", &ap, &al) >= 1);
	struct fp_disk t2;
	fp_files_total(&s, &t2);
	assert_true(t2.apart_files >= 2);
	assert_true(t2.apparent == t.apparent); /* the daemon added nothing counted */
	fp_files_free(&s);
	envdesc_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sparse_apparent_vs_allocated),
		cmocka_unit_test(test_hard_link_counted_once),
		cmocka_unit_test(test_per_instance_split),
		cmocka_unit_test(test_tree),
		cmocka_unit_test(test_smaps_parse),
		cmocka_unit_test(test_maps_parse),
		cmocka_unit_test(test_maps_of_self),
		cmocka_unit_test(test_writable_fds),
		cmocka_unit_test(test_proc_tree_and_pss),
		cmocka_unit_test(test_cgroup_of_self),
		cmocka_unit_test(test_meminfo_parse),
		cmocka_unit_test(test_kread_median_spread),
		cmocka_unit_test(test_fit_line),
		cmocka_unit_test(test_fit_capacity),
		cmocka_unit_test(test_next_batch),
		cmocka_unit_test(test_smaps_libs),
		cmocka_unit_test(test_counted_apart),
		cmocka_unit_test(test_opens),
		cmocka_unit_test(test_engine_disk),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
