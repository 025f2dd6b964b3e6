/* Root file system images: names, and the checks image_open makes before a box may use one
 * (complete, of this schema and name, mount points real directories, no /bin symlink out of
 * the tree, the current workload, a disk), each failure naming the image and how to build it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "image.h"
#include "rootfs.h"

struct fixture {
	char dir[64];   /* the images directory */
	char img[128];  /* dir/tiny */
	char root[160]; /* dir/tiny/root */
	char load[128]; /* the "workload" */
	char info[160]; /* dir/tiny/image.json */
	char disk[160]; /* dir/tiny/disk.ext4 */
};

static void write_file(const char *path, const char *content)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	close(fd);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct bb_err err = { 0 };

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/bb-test-image-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->img, sizeof(f->img), "%s/tiny", f->dir);
	snprintf(f->root, sizeof(f->root), "%s/root", f->img);
	snprintf(f->load, sizeof(f->load), "%s/boxbench-load", f->dir);
	snprintf(f->info, sizeof(f->info), "%s/image.json", f->img);
	snprintf(f->disk, sizeof(f->disk), "%s/disk.ext4", f->img);
	write_file(f->load, "a workload, v1\n");
	if (mkdir(f->img, 0755) < 0 || rootfs_build(f->root, f->load, &err) < 0)
		return -1;
	write_file(f->info,
	           "{\"schema\":\"boxbench-image/1\",\"name\":\"tiny\",\"source\":\"a test\"}");
	write_file(f->disk, "not really ext4, but a file with bytes");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	remove_tree(f->dir);
	free(f);
	return 0;
}

/* image_open on the fixture must fail with a message holding every string of want. */
static void expect_fail(const struct fixture *f, const char *name, const char *want)
{
	struct bb_image img;
	struct bb_err err = { 0 };

	assert_int_equal(image_open(f->dir, name, f->load, &img, &err), -1);
	if (!strstr(err.msg, want))
		fail_msg("\"%s\" not in \"%s\"", want, err.msg);
	assert_non_null(strstr(err.msg, "make image-debian"));
}

static void test_names(void **state)
{
	(void)state;
	assert_true(image_name_valid("debian"));
	assert_true(image_name_valid("minimal"));
	assert_true(image_name_valid("alpine_3"));
	assert_true(image_name_valid("abcdefghijklmnop")); /* 16 */
	assert_false(image_name_valid("abcdefghijklmnopq"));
	assert_false(image_name_valid(""));
	assert_false(image_name_valid(NULL));
	assert_false(image_name_valid("Debian"));
	assert_false(image_name_valid("3debian"));
	assert_false(image_name_valid("../x"));
	assert_false(image_name_valid("a-b")); /* '-' separates the env name from the image */
}

static void test_open_good(void **state)
{
	struct fixture *f = *state;
	struct bb_image img;
	struct bb_err err = { 0 };

	assert_int_equal(image_open(f->dir, "tiny", f->load, &img, &err), 0);
	assert_string_equal(img.name, "tiny");
	assert_string_equal(img.source, "a test");
	assert_non_null(strstr(img.root, "/tiny/root"));
	assert_non_null(strstr(img.disk, "/tiny/disk.ext4"));
	assert_int_equal(img.root[0], '/'); /* absolute: the container bind-mounts it */
}

static void test_open_not_built(void **state)
{
	struct fixture *f = *state;
	struct bb_image img;
	struct bb_err err = { 0 };

	expect_fail(f, "nosuch", "not built");
	expect_fail(f, "nosuch", "image nosuch");
	/* minimal is the built-in root, never an image directory */
	assert_int_equal(image_open(f->dir, "minimal", f->load, &img, &err), -1);
	assert_non_null(strstr(err.msg, "other than \"minimal\""));
	assert_int_equal(image_open("/nonexistent/images", "tiny", f->load, &img, &err), -1);
	assert_non_null(strstr(err.msg, "images directory /nonexistent/images"));
}

static void test_open_bad_info(void **state)
{
	struct fixture *f = *state;

	write_file(f->info, "{\"schema\":\"boxbench/1\",\"name\":\"tiny\",\"source\":\"x\"}");
	expect_fail(f, "tiny", "not a \"boxbench-image/1\" description");
	write_file(f->info,
	           "{\"schema\":\"boxbench-image/1\",\"name\":\"other\",\"source\":\"x\"}");
	expect_fail(f, "tiny", "describes image \"other\"");
	write_file(f->info, "{\"schema\":\"boxbench-image/1\",\"name\":\"tiny\"}");
	expect_fail(f, "tiny", "no \"source\"");
	write_file(f->info, "{\"schema\":");
	expect_fail(f, "tiny", "not JSON");
}

static void test_open_bad_root(void **state)
{
	struct fixture *f = *state;
	char path[256], bin[256], usrbin[256];

	/* a mount point replaced by a symlink could lead a mount out of the tree */
	snprintf(path, sizeof(path), "%s/proc", f->root);
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(symlink("/proc", path), 0);
	expect_fail(f, "tiny", "/tiny/root/proc is not a directory");
	assert_int_equal(unlink(path), 0);
	expect_fail(f, "tiny", "/tiny/root/proc: No such file");
	assert_int_equal(mkdir(path, 0555), 0);
	/* merged /usr: a relative /bin -> usr/bin is taken, an absolute one is not */
	snprintf(bin, sizeof(bin), "%s/bin", f->root);
	snprintf(usrbin, sizeof(usrbin), "%s/usr", f->root);
	assert_int_equal(mkdir(usrbin, 0755), 0);
	snprintf(usrbin, sizeof(usrbin), "%s/usr/bin", f->root);
	assert_int_equal(rename(bin, usrbin), 0);
	assert_int_equal(symlink("usr/bin", bin), 0);
	assert_int_equal(
	    image_open(f->dir, "tiny", f->load, &(struct bb_image){ 0 }, &(struct bb_err){ 0 }), 0);
	assert_int_equal(unlink(bin), 0);
	assert_int_equal(symlink("/usr/bin", bin), 0);
	expect_fail(f, "tiny", "-> /usr/bin leads out of the image");
}

static void test_open_stale_or_no_disk(void **state)
{
	struct fixture *f = *state;
	/* the workload was rebuilt (a new file, as the linker writes) after the image */
	assert_int_equal(unlink(f->load), 0);
	write_file(f->load, "a workload, v2, longer\n");
	expect_fail(f, "tiny", "is not the current");
	expect_fail(f, "tiny", "rebuild the image");
	struct bb_err err = { 0 };
	assert_int_equal(rootfs_build(f->root, f->load, &err), 0);
	assert_int_equal(unlink(f->disk), 0);
	expect_fail(f, "tiny", "disk.ext4: No such file");
	write_file(f->disk, "");
	expect_fail(f, "tiny", "is not a disk image");
}

static void test_open_opts(void **state)
{
	struct fixture *f = *state;
	struct bb_env_opts o = { .build_dir = "/nonexistent", .load_path = f->load };
	struct bb_image img;
	struct bb_err err = { 0 };

	/* no image: the minimal root, nothing to open */
	assert_int_equal(image_open_opts(&o, &img, &err), 0);
	assert_string_equal(img.name, "");
	o.image = "tiny";
	assert_int_equal(image_open_opts(&o, &img, &err), -1);
	assert_non_null(strstr(err.msg, "/nonexistent/images"));
	o.images_dir = f->dir;
	assert_int_equal(image_open_opts(&o, &img, &err), 0);
	assert_string_equal(img.name, "tiny");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test_setup_teardown(test_open_good, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_not_built, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_bad_info, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_bad_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_stale_or_no_disk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_opts, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
