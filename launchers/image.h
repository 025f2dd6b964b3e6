/* Root file system images beyond the built-in minimal one (rootfs.h), so that a run can compare
 * "minimal" and "distribution" boxes (claim C6). An image is a directory under the images
 * directory (`<build>/images/NAME/`, made by scripts/mkimage.sh; `make image-debian` makes the
 * Debian one with debootstrap):
 *
 *   root/        the container's root: a distribution tree plus what the boxes need of it
 *                (/bin/boxbench-load, the mount points of rootfs.h); mounted read-only
 *   disk.ext4    the VM's root disk: the same tree plus Debian's kernel package (its /boot and
 *                modules, as a distribution's VM disk holds them), attached read-only
 *   image.json   {"schema":"boxbench-image/1","name":NAME,"source":"how the base was made"},
 *                written last: an image without it is incomplete
 *
 * Images are built once and cached; the harness never builds one, it checks that the image is
 * complete and holds the current workload, and says how to (re)build it when not. */
#ifndef BB_IMAGE_H
#define BB_IMAGE_H

#include <limits.h>
#include <stdbool.h>

#include "err.h"
#include "launcher.h"

#define IMAGE_MINIMAL    "minimal" /* the built-in root of rootfs.h and the initramfs-only VM */
#define IMAGE_NAME_MAX   16
#define IMAGE_DIRNAME    "images" /* under the build directory */
#define IMAGE_ROOT       "root"
#define IMAGE_DISK       "disk.ext4"
#define IMAGE_INFO       "image.json"
#define IMAGE_SCHEMA     "boxbench-image/1"
#define IMAGE_SOURCE_MAX 512

struct bb_image {
	char name[IMAGE_NAME_MAX + 1];
	char dir[PATH_MAX];  /* absolute */
	char root[PATH_MAX]; /* dir/root */
	char disk[PATH_MAX]; /* dir/disk.ext4 */
	char source[IMAGE_SOURCE_MAX];
};

/* A name that can be a directory and a suffix of an environment's name: 1..16 of [a-z0-9_],
 * starting with a letter. "minimal" is valid (and means the built-in root). */
bool image_name_valid(const char *name);

/* Open image `name` in images_dir and check it: complete (image.json of this schema and name),
 * the root's mount points real directories (no symlink may lead a mount out of the tree), its
 * workload the same as load_path, the disk a non-empty file made after that workload. Every
 * failure names the image and how to build it. */
int image_open(const char *images_dir, const char *name, const char *load_path,
               struct bb_image *img, struct bb_err *err);

/* The image the options name (opts->image in opts->images_dir, by default
 * <build_dir>/images), checked against opts->load_path. With no image named (the minimal one)
 * it returns 0 and leaves img->name empty. */
int image_open_opts(const struct bb_env_opts *opts, struct bb_image *img, struct bb_err *err);

#endif
