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
	assert_true(fp_files_role(&s, "library", &ap, &al) >= 1);
	bool libc = false;
	for (size_t i = 0; i < s.n; i++)
		libc |= strstr(s.v[i].path, "/libc.so") != NULL;
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

static void test_density_fit(void **state)
{
	double inc, fit;
	struct bb_err err = { 0 };

	(void)state;
	/* one alone 10, three together 30: 10 more each; 1 + (100 - 10) / 10 = 10 fit */
	assert_int_equal(fp_density_fit(100, 10, 30, 3, &inc, &fit, &err), 0);
	assert_true(inc == 10 && fit == 10);
	/* shared pages: one alone 10, two together 14: 4 more; 1 + floor(90 / 4) = 23 */
	assert_int_equal(fp_density_fit(100, 10, 14, 2, &inc, &fit, &err), 0);
	assert_true(inc == 4 && fit == 23);
	assert_int_equal(fp_density_fit(5, 10, 14, 2, &inc, &fit, &err), 0);
	assert_true(fit == 0);
	assert_int_equal(fp_density_fit(100, 10, 10, 2, &inc, &fit, &err), -1);
	assert_non_null(strstr(err.msg, "no more than one"));
	assert_int_equal(fp_density_fit(100, 10, 30, 1, &inc, &fit, &err), -1);
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
		cmocka_unit_test(test_density_fit),
		cmocka_unit_test(test_opens),
		cmocka_unit_test(test_engine_disk),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
