#include "vm_disk.h"
#include "mountinfo.h"
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define VM_DISK_MKFS_TIMEOUT_S 120.0

unsigned long long vm_disk_bytes(unsigned data_mib)
{
	unsigned long long mib = data_mib + data_mib / 4ull + VM_DISK_MIN_MIB;

	return mib << 20;
}

int vm_disk_describe_dir(const char *dir, struct bb_envdesc_storage *s, struct bb_err *err)
{
	struct bb_mount m;

	memset(s, 0, sizeof(*s));
	if (mountinfo_of(dir, &m, err) < 0)
		return bb_wrap(err, "storage under %s", dir);
	s->on = true;
	snprintf(s->path, sizeof(s->path), "%s", dir);
	snprintf(s->host_fs, sizeof(s->host_fs), "%s", m.fstype);
	snprintf(s->host_device, sizeof(s->host_device), "%s", m.source);
	snprintf(s->host_options, sizeof(s->host_options), "%s", m.options);
	return 0;
}

/* mkfs.ext4 from e2fsprogs (in /sbin, which a user's PATH may lack). */
static int vm_disk_mkfs_path(char *buf, size_t len, struct bb_err *err)
{
	static const char *const dirs[] = { "/usr/sbin", "/sbin", "/usr/bin", "/bin" };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(buf, len, "%s/mkfs.ext4", dirs[i]);
		if (access(buf, X_OK) == 0)
			return 0;
	}
	return bb_fail(err, ENOENT, "mkfs.ext4 (Debian package e2fsprogs)");
}

/* 4 KiB blocks as the host's ext4 (mke2fs would pick 1 KiB for a small file system); no
 * discard (on a file it punches holes: the preallocation would be lost); inode tables and
 * journal written now, not by the guest's ext4lazyinit thread while it is being measured. */
static int vm_disk_mkfs(const char *path, struct bb_err *err)
{
	char mkfs[64], out[512], st[64];
	char *argv[] = { mkfs,         "-F",   "-q",
		         "-b",         "4096", "-L",
		         "bbscratch",  "-E",   "nodiscard,lazy_itable_init=0,lazy_journal_init=0",
		         (char *)path, NULL };
	int status = 0, r;

	if (vm_disk_mkfs_path(mkfs, sizeof(mkfs), err) < 0)
		return -1;
	r = proc_run(argv, NULL, VM_DISK_MKFS_TIMEOUT_S, out, sizeof(out), &status, err);
	if (r < 0)
		return bb_wrap(err, "mkfs.ext4");
	if (r > 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		out[strcspn(out, "\n")] = '\0';
		return bb_fail(err, 0, "mkfs.ext4 %s: %s%s%s", path,
		               r > 0 ? "timed out" : proc_status_str(status, st, sizeof(st)),
		               out[0] ? ": " : "", out);
	}
	return 0;
}

/* Every block allocated now, so the guest's first writes do not measure the host allocating
 * them (fallocate; posix_fallocate writes zeros where the file system lacks it). */
static int vm_disk_alloc(const char *path, unsigned long long bytes, struct bb_err *err)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600), rc = 0;

	if (fd < 0)
		return bb_fail(err, errno, "create %s", path);
	if (fallocate(fd, 0, 0, (off_t)bytes) < 0) {
		rc = errno == EOPNOTSUPP ? posix_fallocate(fd, 0, (off_t)bytes) : errno;
		if (rc)
			bb_fail(err, rc, "allocate %llu MiB for %s", bytes >> 20, path);
	}
	close(fd);
	return rc ? -1 : 0;
}

/* cache=none needs O_DIRECT on the image: tmpfs (before Linux 6.6) and some FUSE file systems
 * refuse it, and QEMU would then refuse to start. */
static void vm_disk_cache(struct vm_disk *d)
{
	int fd = open(d->path, O_RDWR | O_DIRECT | O_CLOEXEC), e = fd < 0 ? errno : 0;

	d->direct = fd >= 0;
	if (fd >= 0)
		close(fd);
	snprintf(d->desc.cache, sizeof(d->desc.cache), "%s", d->direct ? "none" : "writeback");
	if (!d->direct)
		snprintf(d->desc.cache_note, sizeof(d->desc.cache_note),
		         "the host's %s refuses O_DIRECT (%s): the host's page cache may serve "
		         "the guest's reads",
		         d->desc.host_fs, strerror(e));
}

int vm_disk_create(const char *dir, const char *name, unsigned data_mib, struct vm_disk *d,
                   struct bb_err *err)
{
	unsigned long long bytes = vm_disk_bytes(data_mib);

	memset(d, 0, sizeof(*d));
	if (vm_disk_describe_dir(dir, &d->desc, err) < 0)
		return -1;
	snprintf(d->path, sizeof(d->path), "%s/" VM_DISK_FILE, dir, name);
	if (vm_disk_alloc(d->path, bytes, err) < 0) {
		d->path[0] = '\0';
		return -1;
	}
	if (vm_disk_mkfs(d->path, err) < 0) {
		vm_disk_remove(d);
		return -1;
	}
	vm_disk_cache(d);
	snprintf(d->desc.path, sizeof(d->desc.path), "%s", d->path);
	snprintf(d->desc.device, sizeof(d->desc.device), "virtio-blk");
	snprintf(d->desc.format, sizeof(d->desc.format), "raw");
	snprintf(d->desc.guest_fs, sizeof(d->desc.guest_fs), "ext4");
	mount_guest_options(d->desc.host_fs, d->desc.host_options, d->desc.guest_options,
	                    sizeof(d->desc.guest_options));
	d->desc.bytes = (long long)bytes;
	return 0;
}

void vm_disk_remove(struct vm_disk *d)
{
	if (d->path[0] && unlink(d->path) < 0 && errno != ENOENT)
		fprintf(stderr, "boxbench: disk image %s not removed: %s\n", d->path,
		        strerror(errno));
	d->path[0] = '\0';
}
