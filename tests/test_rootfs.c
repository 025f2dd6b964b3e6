/* The container's root file system: the manifest, a build into a temporary directory (tree,
 * modes, the workload present and executable), idempotent and self-repairing rebuilds, the
 * static-binary check. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <elf.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootfs.h"

struct fixture {
	char dir[64];
	char root[128];
	char load[128];
};

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void write_file(const char *path, const char *content, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/bb-test-rootfs-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->root, sizeof(f->root), "%s/rootfs", f->dir);
	snprintf(f->load, sizeof(f->load), "%s/boxbench-load", f->dir);
	write_file(f->load, "not really a workload, v1\n", 0755);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	int r = nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);

	free(f);
	return r;
}

static const struct rootfs_entry *manifest_find(const char *path)
{
	for (const struct rootfs_entry *e = rootfs_manifest; e->path; e++)
		if (strcmp(e->path, path) == 0)
			return e;
	return NULL;
}

static void test_manifest(void **state)
{
	const struct rootfs_entry *e;
	int loads = 0;

	(void)state;
	assert_string_equal(rootfs_manifest[0].path, "/");
	for (e = rootfs_manifest; e->path; e++) {
		char parent[PATH_MAX];
		const struct rootfs_entry *p;
		assert_int_equal(e->path[0], '/');
		loads += e->type == ROOTFS_LOAD;
		if (e == rootfs_manifest)
			continue;
		/* each entry's parent is a directory listed before it, each path once */
		snprintf(parent, sizeof(parent), "%s", e->path);
		*strrchr(parent, '/') = '\0';
		p = manifest_find(parent[0] ? parent : "/");
		assert_non_null(p);
		assert_true(p < e);
		assert_int_equal(p->type, ROOTFS_DIR);
		assert_ptr_equal(manifest_find(e->path), e);
	}
	assert_int_equal(loads, 1);
	assert_int_equal(manifest_find(ROOTFS_LOAD_PATH)->type, ROOTFS_LOAD);
	const char *mounts[] = { "/proc", "/dev", "/tmp", "/scratch", "/sys/fs/cgroup/memory" };
	for (size_t i = 0; i < sizeof(mounts) / sizeof(mounts[0]); i++)
		assert_int_equal(manifest_find(mounts[i])->type, ROOTFS_DIR);
	assert_int_equal(manifest_find("/tmp")->mode, 01777);
	assert_string_equal(manifest_find("/etc/hostname")->content, ROOTFS_HOSTNAME "\n");
}

static mode_t mode_of(const char *root, const char *path, struct stat *st)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s%s", root, path);
	assert_int_equal(lstat(p, st), 0);
	return st->st_mode & 07777;
}

static void test_build_tree(void **state)
{
	struct fixture *f = *state;
	struct bb_err err = { 0 };
	struct stat st, load_st;
	char p[PATH_MAX], buf[64];

	assert_int_equal(rootfs_build(f->root, f->load, &err), 0);
	assert_int_equal(rootfs_verify(f->root, f->load, &err), 0);
	for (const struct rootfs_entry *e = rootfs_manifest; e->path; e++) {
		mode_t m = mode_of(f->root, e->path, &st);
		assert_true(e->type == ROOTFS_DIR ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode));
		if (e->type != ROOTFS_LOAD)
			assert_int_equal(m, e->mode);
	}
	/* the workload: executable, the very same bytes as the original */
	assert_true(mode_of(f->root, ROOTFS_LOAD_PATH, &st) & S_IXUSR);
	assert_int_equal(stat(f->load, &load_st), 0);
	assert_int_equal(st.st_ino, load_st.st_ino);
	snprintf(p, sizeof(p), "%s/etc/hostname", f->root);
	FILE *h = fopen(p, "r");
	assert_non_null(h);
	assert_non_null(fgets(buf, sizeof(buf), h));
	fclose(h);
	assert_string_equal(buf, "boxbench\n");
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static void test_rebuild_idempotent(void **state)
{
	struct fixture *f = *state;
	struct bb_err err = { 0 };
	struct stat a, b;
	char bin[PATH_MAX];

	assert_int_equal(rootfs_build(f->root, f->load, &err), 0);
	mode_of(f->root, ROOTFS_LOAD_PATH, &a);
	mode_of(f->root, "/etc/hostname", &b);
	assert_int_equal(rootfs_build(f->root, f->load, &err), 0);
	assert_int_equal(rootfs_verify(f->root, f->load, &err), 0);
	struct stat a2, b2;
	mode_of(f->root, ROOTFS_LOAD_PATH, &a2);
	mode_of(f->root, "/etc/hostname", &b2);
	/* nothing was rewritten, and no temporary file stays behind */
	assert_int_equal(a.st_ino, a2.st_ino);
	assert_int_equal(b.st_ino, b2.st_ino);
	snprintf(bin, sizeof(bin), "%s/bin", f->root);
	assert_int_equal(count_entries(bin), 1);
	snprintf(bin, sizeof(bin), "%s/etc", f->root);
	assert_int_equal(count_entries(bin), 1);
}

static void test_rebuild_on_new_binary(void **state)
{
	struct fixture *f = *state;
	struct bb_err err = { 0 };
	char p[PATH_MAX], buf[64] = { 0 };

	assert_int_equal(rootfs_build(f->root, f->load, &err), 0);
	/* a relink writes a new file (a new inode), as the linker does */
	assert_int_equal(unlink(f->load), 0);
	write_file(f->load, "the workload, v2\n", 0755);
	assert_false(rootfs_load_current(f->root, f->load));
	assert_int_equal(rootfs_verify(f->root, f->load, &err), -1);
	assert_non_null(strstr(err.msg, "differs"));
	assert_int_equal(rootfs_build(f->root, f->load, &err), 0);
	assert_true(rootfs_load_current(f->root, f->load));
	snprintf(p, sizeof(p), "%s%s", f->root, ROOTFS_LOAD_PATH);
	int fd = open(p, O_RDONLY);
	assert_true(fd >= 0);
	assert_true(read(fd, buf, sizeof(buf) - 1) > 0);
	close(fd);
	assert_string_equal(buf, "the workload, v2\n");
}

static void test_repairs_modes(void **state)
{
	struct fixture *f = *state;
	struct bb_err err = { 0 };
	char p[PATH_MAX];
	struct stat st;

	assert_int_equal(rootfs_build(f->root, f->load, &err), 0);
	snprintf(p, sizeof(p), "%s/tmp", f->root);
	assert_int_equal(chmod(p, 0700), 0);
	assert_int_equal(rootfs_verify(f->root, f->load, &err), -1);
	assert_non_null(strstr(err.msg, "/tmp"));
	snprintf(p, sizeof(p), "%s/etc/hostname", f->root);
	write_file(p, "somewhere-else\n", 0644);
	assert_int_equal(rootfs_build(f->root, f->load, &err), 0);
	assert_int_equal(rootfs_verify(f->root, f->load, &err), 0);
	assert_int_equal(mode_of(f->root, "/tmp", &st), 01777);
}

static void test_refuses_file_in_place_of_dir(void **state)
{
	struct fixture *f = *state;
	struct bb_err err = { 0 };
	char p[PATH_MAX];

	assert_int_equal(mkdir(f->root, 0755), 0);
	snprintf(p, sizeof(p), "%s/proc", f->root);
	write_file(p, "x", 0644);
	assert_int_equal(rootfs_build(f->root, f->load, &err), -1);
	assert_non_null(strstr(err.msg, "not a directory"));
	assert_int_equal(unlink(p), 0);
}

static void test_size(void **state)
{
	struct fixture *f = *state;
	struct bb_err err = { 0 };
	long long bytes;
	int entries, n = 0;

	assert_int_equal(rootfs_build(f->root, f->load, &err), 0);
	assert_int_equal(rootfs_size(f->root, &bytes, &entries, &err), 0);
	for (const struct rootfs_entry *e = rootfs_manifest; e->path; e++)
		n++;
	assert_int_equal(entries, n);
	assert_int_equal(bytes, (long long)(strlen("not really a workload, v1\n") +
	                                    strlen(ROOTFS_HOSTNAME "\n")));
}

/* An ELF64 file with one program header of the given type. */
static void write_elf(const char *path, uint32_t ptype)
{
	struct {
		Elf64_Ehdr eh;
		Elf64_Phdr ph;
	} img = { 0 };
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);

	memcpy(img.eh.e_ident, ELFMAG, SELFMAG);
	img.eh.e_ident[EI_CLASS] = ELFCLASS64;
	img.eh.e_type = ET_EXEC;
	img.eh.e_phoff = sizeof(Elf64_Ehdr);
	img.eh.e_phentsize = sizeof(Elf64_Phdr);
	img.eh.e_phnum = 1;
	img.ph.p_type = ptype;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, &img, sizeof(img)), (ssize_t)sizeof(img));
	close(fd);
}

static void test_check_static(void **state)
{
	struct fixture *f = *state;
	struct bb_err err = { 0 };
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/static.elf", f->dir);
	write_elf(p, PT_LOAD);
	assert_int_equal(rootfs_check_static(p, &err), 0);
	write_elf(p, PT_INTERP);
	assert_int_equal(rootfs_check_static(p, &err), -1);
	assert_non_null(strstr(err.msg, "dynamically linked"));
	assert_int_equal(rootfs_check_static(f->load, &err), -1);
	assert_non_null(strstr(err.msg, "not a 64-bit ELF"));
	snprintf(p, sizeof(p), "%s/absent", f->dir);
	assert_int_equal(rootfs_check_static(p, &err), -1);
	assert_non_null(strstr(err.msg, "No such file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manifest),
		cmocka_unit_test_setup_teardown(test_build_tree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rebuild_idempotent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rebuild_on_new_binary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_repairs_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuses_file_in_place_of_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_size, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_static, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
