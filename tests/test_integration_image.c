/* Integration: root file system images (--image) end to end, without debootstrap: a small
 * merged-/usr base tree made here goes through the real scripts/mkimage.sh, then the container
 * runs from its root and the VM boots from its ext4 disk (found by serial beside the io suite's
 * scratch disk), and the footprint counts each image's files. Bad image flags and an image not
 * built are refused with one line; nothing is left running. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sys/stat.h>

#include "helpers.h"

#define BLOB_BYTES (3 << 20)

static char dir[64];
static char bin[256];
static char images[128];
static char tiny[160];

static void put(const char *rel, const char *content)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tiny, rel);
	assert_non_null(f = fopen(path, "w"));
	fputs(content, f);
	fclose(f);
}

/* base/: merged /usr (bin -> usr/bin, lib -> usr/lib), an os-release, a 3 MiB file and a hard
 * link to it; ktree/: a stand-in kernel package with lib/modules, which must land under the
 * base's usr/lib through its symlink. */
static int make_tiny(void)
{
	char blob[512], cmd[1024];

	snprintf(cmd, sizeof(cmd),
	         "mkdir -p %1$s/base/usr/bin %1$s/base/usr/lib %1$s/base/usr/share/tiny "
	         "%1$s/base/etc %1$s/ktree/boot %1$s/ktree/lib/modules/0.0-test && "
	         "ln -s usr/bin %1$s/base/bin && ln -s usr/lib %1$s/base/lib && "
	         "echo vmlinuz >%1$s/ktree/boot/vmlinuz-0.0-test && "
	         "echo dep >%1$s/ktree/lib/modules/0.0-test/modules.dep && "
	         "echo 'a test tree' >%1$s/base.info",
	         tiny);
	if (system(cmd) != 0)
		return -1;
	put("base/etc/os-release", "ID=boxbench-tiny\n");
	snprintf(blob, sizeof(blob), "%s/base/usr/share/tiny/blob", tiny);
	int fd = open(blob, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || posix_fallocate(fd, 0, BLOB_BYTES) != 0)
		return -1;
	close(fd);
	snprintf(cmd, sizeof(cmd), "ln %s %s-link", blob, blob);
	if (system(cmd) != 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "scripts/mkimage.sh %s %s/boxbench-load %s/ktree 2>/dev/null",
	         tiny, build_dir(), tiny);
	return system(cmd) == 0 ? 0 : -1;
}

static int setup(void **state)
{
	(void)state;
	if (integration_setup("img", dir, sizeof(dir), bin, sizeof(bin)) < 0)
		return -1;
	snprintf(images, sizeof(images), "%s/images", dir);
	snprintf(tiny, sizeof(tiny), "%s/tiny", images);
	return make_tiny();
}

static int teardown(void **state)
{
	(void)state;
	return remove_tree(dir);
}

static long long apparent(const char *rel)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", tiny, rel);
	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* What the script made: the overlay in root/ only (the base it shares by hard link keeps no
 * trace of it), image.json, and a disk holding the tree and the kernel package. */
static void test_script(void **state)
{
	char out[4096];
	FILE *p;

	(void)state;
	assert_true(apparent("image.json") > 0);
	assert_true(apparent("root/usr/bin/boxbench-load") > 0); /* through bin -> usr/bin */
	assert_int_equal(apparent("base/usr/bin/boxbench-load"), -1);
	assert_int_equal(apparent("base/etc/hostname"), -1);
	assert_int_equal(apparent("root/etc/hostname"), 9); /* "boxbench\n" */
	assert_true(apparent("root/scratch") > 0 && apparent("root/sys/fs/cgroup/pids") > 0);
	snprintf(out, sizeof(out),
	         "debugfs -R 'ls -p /usr/lib/modules/0.0-test' %s/disk.ext4 2>/dev/null; "
	         "debugfs -R 'cat /etc/os-release' %s/disk.ext4 2>/dev/null",
	         tiny, tiny);
	assert_non_null(p = popen(out, "r"));
	size_t n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	pclose(p);
	assert_non_null(strstr(out, "/modules.dep/"));
	assert_non_null(strstr(out, "ID=boxbench-tiny"));
}

static struct bb_result *run_images(char *envs)
{
	static struct bb_result res;
	char outp[128];
	struct cmd_out *r = malloc(sizeof(*r));
	struct bb_err e = { 0 };

	snprintf(outp, sizeof(outp), "%s/%s.json", dir, envs);
	char *argv[] = { bin,
		         "run",
		         "--envs",
		         envs,
		         "--image",
		         "minimal,tiny",
		         "--images-dir",
		         images,
		         "--suites",
		         "footprint,io",
		         "--quick",
		         "--reps",
		         "1",
		         "--warmup",
		         "0",
		         "--density", /* the fewest counts a line with an error needs */
		         "3",
		         "-o",
		         outp,
		         NULL };
	assert_int_equal(run_cmd(argv, r), 0);
	if (r->code != 0)
		fail_msg("exit %d: %s", r->code, r->err);
	free(r);
	assert_int_equal(leftover_children(), 0);
	assert_int_equal(results_read(outp, &res, &e), 0);
	return &res;
}

static double median(struct bb_result *res, const char *suite, const char *metric, const char *env)
{
	struct bb_series *s = results_series(res, suite, metric, env, false);

	if (!s)
		fail_msg("%s: no %s/%s", env, suite, metric);
	if (s->nerr)
		fail_msg("%s/%s: %s", env, metric, s->errors[0].reason);
	return s->summary.median;
}

/* The report's context says which root each box ran on, and C6 pairs the image's boxes. */
static void report_names_image(const char *envs)
{
	char in[128], out[128], md[160], text[65536];
	struct cmd_out *r = malloc(sizeof(*r));
	FILE *f;

	snprintf(in, sizeof(in), "%s/%s.json", dir, envs);
	snprintf(out, sizeof(out), "%s/report-%s", dir, envs);
	snprintf(md, sizeof(md), "%s/report.md", out);
	char *argv[] = { bin, "report", in, "-o", out, NULL };
	assert_int_equal(run_cmd(argv, r), 0);
	assert_int_equal(r->code, 0);
	free(r);
	assert_non_null(f = fopen(md, "r"));
	text[fread(text, 1, sizeof(text) - 1, f)] = '\0';
	fclose(f);
	if (!strcmp(envs, "vm"))
		assert_non_null(
		    strstr(text, "root: image tiny on an ext4 disk, read-only (a test tree)"));
	else
		assert_non_null(strstr(text, "root image tiny, read-only (a test tree)"));
}

static void test_container(void **state)
{
	(void)state;
	skip_unless_available(bin, "container");
	struct bb_result *res = run_images("container");
	const struct bb_envdesc *e = results_env(res, "container-tiny");
	assert_non_null(e);
	assert_true(e->rootfs.on);
	assert_string_equal(e->image, "tiny");
	assert_string_equal(e->image_source, "a test tree");
	/* the tree is on disk once (the hard link counts once), the minimal root beside it */
	double mini = median(res, "footprint", "disk_apparent", "container");
	double img = median(res, "footprint", "disk_apparent", "container-tiny");
	assert_true((img - mini) * 1048576 > BLOB_BYTES * 0.99);
	assert_true((img - mini) * 1048576 < BLOB_BYTES * 1.5);
	const char *files = result_fact(res, "footprint", "container-tiny", "disk_files");
	assert_non_null(strstr(files, "/tiny/root/usr/share/tiny/blob (rootfs"));
	/* the running program is the image's copy: no file outside the tree is mapped */
	assert_null(strstr(files, "(binary"));
	assert_true(median(res, "io", "rand_read_4k", "container-tiny") > 0);
	results_free(res);
	report_names_image("container");
}

static void test_vm(void **state)
{
	(void)state;
	skip_unless_available(bin, "vm");
	struct bb_result *res = run_images("vm");
	const struct bb_envdesc *env = results_env(res, "vm-tiny");
	assert_non_null(env);
	assert_string_equal(env->image, "tiny");
	assert_non_null(strstr(env->root_disk, "/tiny/disk.ext4"));
	/* init switched to the image's disk, found by its serial beside the scratch disk */
	const char *root = result_fact(res, "footprint", "vm-tiny", "guest_root");
	assert_non_null(root);
	assert_non_null(strstr(root, "/dev/vd"));
	assert_null(result_fact(res, "footprint", "vm", "guest_root"));
	assert_true(median(res, "io", "seq_write_fsync", "vm-tiny") > 0);
	const char *files = result_fact(res, "footprint", "vm-tiny", "disk_files");
	const char *disk = strstr(files, "/tiny/disk.ext4 (root disk");
	assert_non_null(disk);
	/* read-only: one file shared by every instance, not one per instance */
	assert_null(memmem(disk, strcspn(disk, ")"), "per instance", 12));
	double mini = median(res, "footprint", "disk_apparent", "vm");
	double img = median(res, "footprint", "disk_apparent", "vm-tiny");
	assert_true((img - mini) * 1048576 >= (double)apparent("disk.ext4") * 0.99);
	results_free(res);
	report_names_image("vm");
}

/* Exit `code` with one error line of boxbench's holding `want` (a sanitizer build's runtime
 * may add its own warnings from a probe's child: those are not boxbench's lines). */
static void expect_refused(char **argv, int code, const char *want)
{
	struct cmd_out *r = malloc(sizeof(*r));
	char err[sizeof(r->err)];
	int ours = 0;

	assert_int_equal(run_cmd(argv, r), 0);
	int got = r->code;
	snprintf(err, sizeof(err), "%s", r->err);
	free(r);
	for (const char *l = err; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		ours += !strncmp(l, "boxbench", 8);
	if (got != code || !strstr(err, want) || ours != 1)
		fail_msg("exit %d (want %d), stderr: %s", got, code, err);
	assert_int_equal(leftover_children(), 0);
}

static void test_refused(void **state)
{
	char out[128];

	(void)state;
	snprintf(out, sizeof(out), "%s/never.json", dir);
	char *nosuch[] = {
		bin, "run", "--image", "nosuch", "--images-dir", images, "-o", out, NULL
	};
	expect_refused(nosuch, 3, "make image-debian");
	char *bad[] = { bin, "run", "--image", "Debian", "-o", out, NULL };
	expect_refused(bad, 2, "--image: 'Debian' is not an image name");
	char *twice[] = { bin, "run", "--image", "tiny,tiny", "-o", out, NULL };
	expect_refused(twice, 2, "given twice");
	char *decompose[] = { bin, "run", "--image", "tiny", "--decompose", "-o", out, NULL };
	expect_refused(decompose, 2, "add minimal to --image");
	char *norootfs[] = {
		bin, "run", "--image", "tiny", "--container-no-rootfs", "-o", out, NULL
	};
	expect_refused(norootfs, 2, "--container-no-rootfs");
	assert_int_equal(access(out, F_OK), -1);
}

/* doctor lists the images run --image can take, and how to build the Debian one. */
static void test_doctor_lists_images(void **state)
{
	(void)state;
	json_t *doc = doctor_json(bin), *list = json_object_get(doc, "images");
	assert_non_null(list);
	assert_true(json_is_true(json_object_get(json_object_get(list, "minimal"), "available")));
	json_t *debian = json_object_get(list, "debian");
	assert_non_null(debian);
	if (!json_is_true(json_object_get(debian, "available")))
		assert_non_null(strstr(json_string_value(json_object_get(debian, "reason")),
		                       "make image-debian"));
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_script),
		cmocka_unit_test(test_container),
		cmocka_unit_test(test_vm),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_doctor_lists_images),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
