#include "guest.h"
#include "cmdline.h"
#include "cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

static int guest_path(char *out, size_t len, const char *override, const char *build_dir,
                      const char *file)
{
	int n = override ? snprintf(out, len, "%s", override)
	                 : snprintf(out, len, "%s/%s", build_dir ? build_dir : "build", file);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* Does path start with the ELF magic? */
static bool guest_is_elf(const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	char magic[4];

	return fd >= 0 && pread(fd, magic, 4, 0) == 4 && !memcmp(magic, "\177ELF", 4);
}

int guest_files_find(struct guest_files *f, const char *build_dir, const char *kernel,
                     const char *initrd, struct bb_err *err)
{
	f->kernel_version[0] = '\0';
	f->kernel_image[0] = '\0';
	if (guest_path(f->kernel, sizeof(f->kernel), kernel, build_dir, GUEST_KERNEL_FILE) < 0 ||
	    guest_path(f->initrd, sizeof(f->initrd), initrd, build_dir, GUEST_INITRD_FILE) < 0)
		return bb_fail(err, ENAMETOOLONG, "guest kernel or initramfs path");
	if (access(f->kernel, R_OK) < 0)
		return bb_fail(err, errno, "guest kernel %s", f->kernel);
	if (access(f->initrd, R_OK) < 0)
		return bb_fail(err, errno, "guest initramfs %s", f->initrd);
	if (!kernel && guest_is_elf(f->kernel) &&
	    (guest_path(f->kernel_image, sizeof(f->kernel_image), NULL, build_dir,
	                GUEST_KERNEL_IMAGE_FILE) < 0 ||
	     access(f->kernel_image, R_OK) < 0))
		f->kernel_image[0] = '\0';
	return 0;
}

/* Bytes that pass the kernel's parser untouched and need no escape in any shell or log. */
static bool guest_pct_safe(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("-._~/:+@", c));
}

/* Append s percent-encoded at buf[*o]; false when it does not fit. */
static bool guest_pct_append(const char *s, char *buf, size_t len, size_t *o)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		size_t need = guest_pct_safe(*p) ? 1 : 3;
		if (*o + need >= len)
			return false;
		if (need == 1) {
			buf[(*o)++] = (char)*p;
			continue;
		}
		buf[(*o)++] = '%';
		buf[(*o)++] = hex[*p >> 4];
		buf[(*o)++] = hex[*p & 15];
	}
	return true;
}

long guest_encode_argv(const char *suite, char *const *args, char *buf, size_t len)
{
	size_t o = strlen(BB_KCMD_ARGV "=");

	if (len <= o)
		goto too_big;
	memcpy(buf, BB_KCMD_ARGV "=", o);
	if (!guest_pct_append(suite ? suite : "", buf, len, &o))
		goto too_big;
	for (size_t i = 0; args && args[i]; i++) {
		if (o + 1 >= len)
			goto too_big;
		buf[o++] = ',';
		if (!guest_pct_append(args[i], buf, len, &o))
			goto too_big;
	}
	buf[o] = '\0';
	return (long)o;
too_big:
	if (len)
		buf[0] = '\0';
	errno = E2BIG;
	return -1;
}

/* Every option is here for a measured reason (see the launcher's notes in vm.c):
 * - console=DEVICE quiet: records travel on the one serial port; quiet keeps boot chatter (and
 *   its cost: every byte is a port write the VMM emulates) off it.
 * - panic=-1: a guest that panics (init died) "reboots", and every VMM here is told to exit on
 *   a reboot (QEMU's -no-reboot) instead of hanging until the harness's timeout.
 * - nokaslr: skips the decompressor's relocation pass; cryptomgr.notests: skips the crypto
 *   self-tests (about 0.3 s of a TCG boot).
 * - An emulated CPU only: tsc_early_khz (the emulated TSC runs at the host's rate): without it
 *   the kernel calibrates the TSC against the emulated PIT, which under TCG fails about half
 *   the time ("tsc: Unable to calibrate against PIT"), and the boot then hangs for good.
 *   tsc=reliable then spares the clocksource watchdog and the refinement work. */
long guest_cmdline_base(const struct guest *g, char *buf, size_t len, struct bb_err *err)
{
	const struct guest_console *c = g->console;
	int n;

	if (!c || !c->device)
		return bb_fail(err, 0, "kernel command line: the VMM names no serial console");
	n = snprintf(buf, len, "console=%s quiet panic=-1 nokaslr cryptomgr.notests%s%s", c->device,
	             c->params ? " " : "", c->params ? c->params : "");
	if (n >= 0 && (size_t)n < len && g->tsc_khz)
		n += snprintf(buf + n, len - (size_t)n, " tsc_early_khz=%lu tsc=reliable",
		              g->tsc_khz);
	if (n < 0 || (size_t)n >= len)
		return bb_fail(err, 0, "kernel command line: buffer of %zu bytes too small", len);
	return n;
}

const char *guest_disk_cache(const struct guest *g)
{
	return g->disk_cache && g->disk_cache[0] ? g->disk_cache : "none";
}

long guest_cmdline(const struct guest *g, const char *suite, char *const *args, char *buf,
                   size_t len, struct bb_err *err)
{
	char enc[BB_KCMD_SIZE * 4];
	long base, e;
	size_t total;

	base = guest_cmdline_base(g, buf, len, err);
	if (base < 0)
		return -1;
	e = guest_encode_argv(suite, args, enc, sizeof(enc));
	if (e < 0)
		return bb_fail(err, 0,
		               "kernel command line: the workload's arguments encode to over %zu "
		               "bytes, more than the guest's limit of %d",
		               sizeof(enc), GUEST_CMDLINE_MAX);
	char disks[640];
	bool opts = g->disk && g->disk_options && g->disk_options[0];
	snprintf(disks, sizeof(disks), "%s%s%.256s%s%s%.256s",
	         g->disk ? " " BB_KCMD_DISK "=" BB_DISK_SCRATCH : "",
	         opts ? " " BB_KCMD_DISKOPTS "=" : "", opts ? g->disk_options : "",
	         g->root_disk ? " " BB_KCMD_ROOT "=" BB_DISK_ROOT : "",
	         g->box ? " " BB_KCMD_BOX "=" : "", g->box ? g->box : "");
	total = (size_t)base + strlen(disks) + 1 + (size_t)e;
	if (total > GUEST_CMDLINE_MAX || total >= len)
		return bb_fail(err, 0,
		               "kernel command line of %zu bytes exceeds the guest's limit of %d "
		               "(COMMAND_LINE_SIZE): shorten the workload's arguments",
		               total, GUEST_CMDLINE_MAX);
	snprintf(buf + base, len - (size_t)base, "%s %s", disks, enc);
	return (long)total;
}

/* Linux boot protocol (Documentation/x86/boot.rst): "HdrS" at 0x202, and at 0x20e the offset
 * (minus 0x200) of a NUL-terminated version string. */
static int guest_bzimage_version(int fd, const unsigned char *hdr, const char *path, char *buf,
                                 size_t len, struct bb_err *err)
{
	unsigned off = (unsigned)hdr[0x20e] | (unsigned)hdr[0x20f] << 8;
	char ver[256];
	ssize_t n;

	if (off == 0)
		return bb_fail(err, 0, "guest kernel %s: no version string", path);
	n = pread(fd, ver, sizeof(ver) - 1, (off_t)off + 0x200);
	if (n <= 0)
		return bb_fail(err, n < 0 ? errno : 0, "guest kernel %s: version string", path);
	ver[n] = '\0';
	if (!memchr(ver, '\0', (size_t)n) || !ver[0])
		return bb_fail(err, 0, "guest kernel %s: unterminated version string", path);
	snprintf(buf, len, "%s", ver);
	return 0;
}

/* An ELF vmlinux has no header field: take the last linux_banner ("Linux version 6.1.0-...
 * (...) #1 SMP ...\n") in its data (since 6.1, init/version.c keeps a first copy with the build
 * number left out, and the one linked from version-timestamp.c comes later). Chunks overlap by
 * the longest banner kept. */
static int guest_elf_version(int fd, const char *path, char *buf, size_t len, struct bb_err *err)
{
	static const char tag[] = "Linux version ";
	enum { CHUNK = 1 << 20, KEEP = 256 };
	_cleanup_free_ char *chunk = malloc(CHUNK + 1);
	off_t off = 0, seen = -1;
	ssize_t n;

	if (!chunk)
		return bb_fail(err, ENOMEM, "guest kernel %s", path);
	while ((n = pread(fd, chunk, CHUNK, off)) > 0) {
		chunk[n] = '\0';
		for (char *p = chunk;
		     (p = memmem(p, (size_t)(chunk + n - p), tag, sizeof(tag) - 1)); p++) {
			char *v = p + sizeof(tag) - 1;
			if (p + KEEP > chunk + n && n == CHUNK)
				break; /* may be cut: the next chunk starts before it */
			if (*v < '0' || *v > '9' || off + (p - chunk) <= seen)
				continue; /* a format string, or seen in the previous chunk */
			seen = off + (p - chunk);
			snprintf(buf, len, "%.*s", (int)strcspn(v, "\n"), v);
		}
		if (n < CHUNK)
			break;
		off += CHUNK - KEEP;
	}
	if (n < 0)
		return bb_fail(err, errno, "guest kernel %s", path);
	if (seen < 0)
		return bb_fail(err, 0, "guest kernel %s: no Linux version banner", path);
	return 0;
}

int guest_kernel_version(const char *path, char *buf, size_t len, struct bb_err *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	unsigned char hdr[0x210];
	ssize_t n;

	if (fd < 0)
		return bb_fail(err, errno, "guest kernel %s", path);
	n = pread(fd, hdr, sizeof(hdr), 0);
	if (n < 0)
		return bb_fail(err, errno, "guest kernel %s", path);
	if (n >= 4 && memcmp(hdr, "\177ELF", 4) == 0)
		return guest_elf_version(fd, path, buf, len, err);
	if (n < (ssize_t)sizeof(hdr) || memcmp(hdr + 0x202, "HdrS", 4) != 0)
		return bb_fail(err, 0, "guest kernel %s: neither a bzImage nor an ELF vmlinux",
		               path);
	return guest_bzimage_version(fd, hdr, path, buf, len, err);
}

#if defined(__x86_64__) || defined(__i386__)
static uint64_t guest_raw_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The host TSC rate in kHz, which is the guest's under TCG (QEMU's rdtsc returns the host's
 * counter). Three 20 ms windows against CLOCK_MONOTONIC_RAW, the median kept: a window cut by
 * preemption between the two reads is the outlier, and 20 ms puts the read jitter (< 1 us)
 * below 50 ppm. */
unsigned long guest_tsc_khz(void)
{
	double khz[3];

	for (int i = 0; i < 3; i++) {
		struct timespec d = { 0, 20000000 };
		uint64_t n0 = guest_raw_ns(), c0 = __rdtsc();
		nanosleep(&d, NULL);
		uint64_t n1 = guest_raw_ns(), c1 = __rdtsc();
		khz[i] = n1 > n0 ? (double)(c1 - c0) * 1e6 / (double)(n1 - n0) : 0;
	}
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2 - i; j++)
			if (khz[j] > khz[j + 1]) {
				double t = khz[j];
				khz[j] = khz[j + 1];
				khz[j + 1] = t;
			}
	return (unsigned long)(khz[1] + 0.5);
}
#else
unsigned long guest_tsc_khz(void)
{
	return 0; /* TCG's x86 TSC runs at the host's counter rate, which is no TSC here */
}
#endif
