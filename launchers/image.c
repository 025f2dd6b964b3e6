#include "image.h"
#include "rootfs.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool image_name_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n > IMAGE_NAME_MAX || name[0] < 'a' || name[0] > 'z')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		      name[i] == '_'))
			return false;
	return true;
}

static int image_how(struct bb_err *err, const struct bb_image *img)
{
	return bb_wrap(err, "image %s (%s; `make image-debian` builds the Debian one)", img->name,
	               img->dir);
}

static int image_read_info(struct bb_image *img, struct bb_err *err)
{
	char path[PATH_MAX + 16];
	json_error_t je;
	json_t *doc;
	const char *schema, *name, *source;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/" IMAGE_INFO, img->dir);
	if (access(path, F_OK) < 0)
		return bb_fail(err, errno, "not built, or its build did not finish: %s", path);
	doc = json_load_file(path, 0, &je);
	if (!doc)
		return bb_fail(err, 0, "%s: not JSON: %s (line %d)", path, je.text, je.line);
	schema = json_string_value(json_object_get(doc, "schema"));
	name = json_string_value(json_object_get(doc, "name"));
	source = json_string_value(json_object_get(doc, "source"));
	if (!schema || strcmp(schema, IMAGE_SCHEMA) != 0)
		rc = bb_fail(err, 0, "%s: not a \"%s\" description", path, IMAGE_SCHEMA);
	else if (!name || strcmp(name, img->name) != 0)
		rc = bb_fail(err, 0, "%s describes image \"%s\"", path, name ? name : "(none)");
	else if (!source)
		rc = bb_fail(err, 0, "%s: no \"source\"", path);
	else
		snprintf(img->source, sizeof(img->source), "%s", source);
	json_decref(doc);
	return rc;
}

/* A symlink /bin (merged /usr) is followed by the host when the harness checks the workload
 * below it: only a relative one that stays inside the tree is taken. */
static int image_check_bin(const struct bb_image *img, struct bb_err *err)
{
	char path[PATH_MAX + 8], target[PATH_MAX];
	struct stat st;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/bin", img->root);
	if (lstat(path, &st) < 0)
		return bb_fail(err, errno, "%s", path);
	if (S_ISDIR(st.st_mode))
		return 0;
	if (!S_ISLNK(st.st_mode) || (n = readlink(path, target, sizeof(target) - 1)) <= 0)
		return bb_fail(err, 0, "%s: neither a directory nor a symlink", path);
	target[n] = '\0';
	if (target[0] == '/' || strstr(target, ".."))
		return bb_fail(err, 0, "%s -> %s leads out of the image", path, target);
	return 0;
}

/* The boxes mount on the manifest's directories (but /bin, which no one mounts on): each must
 * be a real directory, or a mount could be led out of the tree. */
static int image_check_root(const struct bb_image *img, const char *load_path, struct bb_err *err)
{
	char path[PATH_MAX + 64];
	struct stat st;

	for (const struct rootfs_entry *e = rootfs_manifest; e->path; e++) {
		if (e->type != ROOTFS_DIR || strcmp(e->path, "/bin") == 0)
			continue;
		snprintf(path, sizeof(path), "%s%s", img->root,
		         strcmp(e->path, "/") ? e->path : "");
		if (lstat(path, &st) < 0)
			return bb_fail(err, errno, "%s", path);
		if (!S_ISDIR(st.st_mode))
			return bb_fail(err, 0, "%s is not a directory", path);
	}
	if (image_check_bin(img, err) < 0)
		return -1;
	if (!rootfs_load_current(img->root, load_path))
		return bb_fail(err, 0,
		               "%s" ROOTFS_LOAD_PATH " is not the current %s: rebuild the image",
		               img->root, load_path);
	return 0;
}

static int image_check_disk(const struct bb_image *img, struct bb_err *err)
{
	struct stat st;

	if (stat(img->disk, &st) < 0)
		return bb_fail(err, errno, "%s", img->disk);
	if (!S_ISREG(st.st_mode) || st.st_size == 0)
		return bb_fail(err, 0, "%s is not a disk image", img->disk);
	return 0;
}

int image_open(const char *images_dir, const char *name, const char *load_path,
               struct bb_image *img, struct bb_err *err)
{
	memset(img, 0, sizeof(*img));
	if (!image_name_valid(name) || strcmp(name, IMAGE_MINIMAL) == 0)
		return bb_fail(err, 0,
		               "image \"%s\": expected a name of 1..%d letters, digits or '_' "
		               "other than \"" IMAGE_MINIMAL "\"",
		               name ? name : "", IMAGE_NAME_MAX);
	snprintf(img->name, sizeof(img->name), "%s", name);
	if (!images_dir || !realpath(images_dir, img->dir)) {
		snprintf(img->dir, sizeof(img->dir), "%s/%s", images_dir ? images_dir : "?", name);
		bb_fail(err, images_dir ? errno : EINVAL, "images directory %s",
		        images_dir ? images_dir : "(unset)");
		return image_how(err, img);
	}
	size_t len = strlen(img->dir);
	if ((size_t)snprintf(img->dir + len, sizeof(img->dir) - len, "/%s", name) >=
	        sizeof(img->dir) - len ||
	    (size_t)snprintf(img->root, sizeof(img->root), "%s/" IMAGE_ROOT, img->dir) >=
	        sizeof(img->root) ||
	    (size_t)snprintf(img->disk, sizeof(img->disk), "%s/" IMAGE_DISK, img->dir) >=
	        sizeof(img->disk))
		return bb_fail(err, ENAMETOOLONG, "image %s", name);
	if (image_read_info(img, err) < 0 || image_check_root(img, load_path, err) < 0 ||
	    image_check_disk(img, err) < 0)
		return image_how(err, img);
	return 0;
}

int image_open_opts(const struct bb_env_opts *opts, struct bb_image *img, struct bb_err *err)
{
	char images[PATH_MAX + 16];

	memset(img, 0, sizeof(*img));
	if (!opts->image)
		return 0;
	if (!opts->images_dir)
		snprintf(images, sizeof(images), "%s/" IMAGE_DIRNAME,
		         opts->build_dir ? opts->build_dir : "build");
	return image_open(opts->images_dir ? opts->images_dir : images, opts->image,
	                  opts->load_path, img, err);
}
