#include "qemu.h"
#include "cmdline.h"
#include "cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Bytes that pass the kernel's parser untouched and need no escape in any shell or log. */
static bool qemu_pct_safe(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("-._~/:+@", c));
}

/* Append s percent-encoded at buf[*o]; false when it does not fit. */
static bool qemu_pct_append(const char *s, char *buf, size_t len, size_t *o)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		size_t need = qemu_pct_safe(*p) ? 1 : 3;
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

long qemu_encode_argv(const char *suite, char *const *args, char *buf, size_t len)
{
	size_t o = strlen(BB_KCMD_ARGV "=");

	if (len <= o)
		goto too_big;
	memcpy(buf, BB_KCMD_ARGV "=", o);
	if (!qemu_pct_append(suite ? suite : "", buf, len, &o))
		goto too_big;
	for (size_t i = 0; args && args[i]; i++) {
		if (o + 1 >= len)
			goto too_big;
		buf[o++] = ',';
		if (!qemu_pct_append(args[i], buf, len, &o))
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
 * - console=ttyS0 quiet: records travel on the one serial port; quiet keeps boot chatter (and
 *   its cost: every byte is a port write the VMM emulates) off it.
 * - panic=-1 with QEMU's -no-reboot: a guest that panics (init died) "reboots", which makes QEMU
 *   exit at once instead of hanging until the harness's timeout.
 * - nokaslr: skips the decompressor's relocation pass; cryptomgr.notests: skips the crypto
 *   self-tests (about 0.3 s of a TCG boot); 8250.nr_uarts=1: microvm has one UART.
 * - TCG only: tsc_early_khz (the emulated TSC runs at the host's rate): without it the kernel
 *   calibrates the TSC against the emulated PIT, which under TCG fails about half the time
 *   ("tsc: Unable to calibrate against PIT"), and the boot then hangs for good. tsc=reliable
 *   then spares the clocksource watchdog and the refinement work. */
long qemu_cmdline_base(const struct qemu_guest *g, char *buf, size_t len, struct bb_err *err)
{
	bool tcg = g->accel && strcmp(g->accel, "tcg") == 0;
	int n;

	if (!tcg && !(g->accel && strcmp(g->accel, "kvm") == 0))
		return bb_fail(err, 0, "unknown accelerator \"%s\" (expected kvm or tcg)",
		               g->accel ? g->accel : "(null)");
	n = snprintf(buf, len,
	             "console=ttyS0 quiet panic=-1 nokaslr cryptomgr.notests 8250.nr_uarts=1");
	if (n >= 0 && (size_t)n < len && tcg && g->tsc_khz)
		n += snprintf(buf + n, len - (size_t)n, " tsc_early_khz=%lu tsc=reliable",
		              g->tsc_khz);
	if (n < 0 || (size_t)n >= len)
		return bb_fail(err, 0, "kernel command line: buffer of %zu bytes too small", len);
	return n;
}

long qemu_cmdline(const struct qemu_guest *g, const char *suite, char *const *args, char *buf,
                  size_t len, struct bb_err *err)
{
	char enc[BB_KCMD_SIZE * 4];
	long base, e;
	size_t total;

	base = qemu_cmdline_base(g, buf, len, err);
	if (base < 0)
		return -1;
	e = qemu_encode_argv(suite, args, enc, sizeof(enc));
	if (e < 0)
		return bb_fail(err, 0,
		               "kernel command line: the workload's arguments encode to over %zu "
		               "bytes, more than the guest's limit of %d",
		               sizeof(enc), QEMU_CMDLINE_MAX);
	char disks[64];
	snprintf(disks, sizeof(disks), "%s%s", g->disk ? " " BB_KCMD_DISK "=" BB_DISK_SCRATCH : "",
	         g->root_disk ? " " BB_KCMD_ROOT "=" BB_DISK_ROOT : "");
	total = (size_t)base + strlen(disks) + 1 + (size_t)e;
	if (total > QEMU_CMDLINE_MAX || total >= len)
		return bb_fail(err, 0,
		               "kernel command line of %zu bytes exceeds the guest's limit of %d "
		               "(COMMAND_LINE_SIZE): shorten the workload's arguments",
		               total, QEMU_CMDLINE_MAX);
	snprintf(buf + base, len - (size_t)base, "%s %s", disks, enc);
	return (long)total;
}

struct qemu_strv {
	char **v;
	size_t n, cap;
	bool failed;
};

static void qemu_strv_add(struct qemu_strv *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void qemu_strv_add(struct qemu_strv *a, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (a->failed)
		return;
	if (a->n + 2 > a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 32;
		char **v = realloc(a->v, cap * sizeof(*v));
		if (!v) {
			a->failed = true;
			return;
		}
		a->v = v;
		a->cap = cap;
	}
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0) {
		a->failed = true;
		s = NULL;
	}
	va_end(ap);
	a->v[a->n] = s;
	if (s)
		a->n++;
	a->v[a->n] = NULL;
}

/* QEMU's option parser splits -drive values on ',' and takes ",," as a literal comma. */
static char *qemu_opt_escape(const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(2 * n + 1), *o = out;

	if (!out)
		return NULL;
	for (; *s; s++) {
		*o++ = *s;
		if (*s == ',')
			*o++ = ',';
	}
	*o = '\0';
	return out;
}

/* One virtio-blk disk with the serial the guest finds it by (bench/cmdline.h). */
static void qemu_argv_disk(struct qemu_strv *a, const char *disk, const char *serial, bool readonly)
{
	_cleanup_free_ char *file = qemu_opt_escape(disk);

	if (!file) {
		a->failed = true;
		return;
	}
	/* The scratch disk: cache=none, so the guest's O_DIRECT reaches the host file with
	 * O_DIRECT too and the host page cache does not flatter the VM's I/O figures. The root
	 * disk: read-only and cached by the host, one copy of its pages shared by every
	 * instance, as a container's root is. */
	qemu_strv_add(a, "-drive");
	qemu_strv_add(a, "id=%s,file=%s,format=raw,if=none,%s", serial, file,
	              readonly ? "readonly=on" : "cache=none");
	qemu_strv_add(a, "-device");
	qemu_strv_add(a, "virtio-blk-device,drive=%s,serial=%s", serial, serial);
}

int qemu_argv_build(const struct qemu_guest *g, const char *cmdline, char ***argv,
                    struct bb_err *err)
{
	struct qemu_strv a = { 0 };
	bool kvm = g->accel && strcmp(g->accel, "kvm") == 0;
	unsigned mem = g->mem_mib ? g->mem_mib : QEMU_DEFAULT_MEM_MIB;
	unsigned vcpus = g->vcpus ? g->vcpus : QEMU_DEFAULT_VCPUS;

	*argv = NULL;
	if (!kvm && !(g->accel && strcmp(g->accel, "tcg") == 0))
		return bb_fail(err, 0, "unknown accelerator \"%s\" (expected kvm or tcg)",
		               g->accel ? g->accel : "(null)");
	if (mem < 16 || mem > QEMU_MAX_MEM_MIB)
		return bb_fail(err, 0, "guest memory of %u MiB out of range 16..%u", mem,
		               QEMU_MAX_MEM_MIB);
	if (vcpus > QEMU_MAX_VCPUS)
		return bb_fail(err, 0, "%u vcpus: more than %d", vcpus, QEMU_MAX_VCPUS);
	if (!g->qemu || !g->kernel || !g->initrd || !cmdline)
		return bb_fail(err, 0, "qemu, kernel, initrd and command line are required");
	qemu_strv_add(&a, "%s", g->qemu);
	/* microvm keeps its default ACPI and RTC: the cloud kernel has no MPPARSE and finds the
	 * CPUs and the virtio-mmio devices through microvm's ACPI tables (rtc=off hangs it). */
	qemu_strv_add(&a, "-M");
	qemu_strv_add(&a, QEMU_MACHINE);
	qemu_strv_add(&a, "-accel");
	qemu_strv_add(&a, "%s", kvm ? "kvm" : "tcg");
	qemu_strv_add(&a, "-cpu");
	qemu_strv_add(&a, "%s", kvm ? "host" : QEMU_TCG_CPU);
	qemu_strv_add(&a, "-m");
	qemu_strv_add(&a, "%u", mem);
	qemu_strv_add(&a, "-smp");
	qemu_strv_add(&a, "%u", vcpus);
	/* No default devices, no config files, no display, no network, no shared host files:
	 * one serial port (the records) on QEMU's stdout. */
	qemu_strv_add(&a, "-nodefaults");
	qemu_strv_add(&a, "-no-user-config");
	qemu_strv_add(&a, "-display");
	qemu_strv_add(&a, "none");
	qemu_strv_add(&a, "-serial");
	qemu_strv_add(&a, "stdio");
	qemu_strv_add(&a, "-no-reboot");
	qemu_strv_add(&a, "-kernel");
	qemu_strv_add(&a, "%s", g->kernel);
	qemu_strv_add(&a, "-initrd");
	qemu_strv_add(&a, "%s", g->initrd);
	qemu_strv_add(&a, "-append");
	qemu_strv_add(&a, "%s", cmdline);
	if (g->root_disk)
		qemu_argv_disk(&a, g->root_disk, BB_DISK_ROOT, true);
	if (g->disk)
		qemu_argv_disk(&a, g->disk, BB_DISK_SCRATCH, false);
	/* Modern virtio-mmio (not microvm's legacy default): the same virtio-blk driver paths a
	 * PCI guest would use. */
	if (g->disk || g->root_disk) {
		qemu_strv_add(&a, "-global");
		qemu_strv_add(&a, "virtio-mmio.force-legacy=false");
	}
	if (a.failed) {
		qemu_argv_free(a.v);
		return bb_fail(err, ENOMEM, "qemu argv");
	}
	*argv = a.v;
	return 0;
}

void qemu_argv_free(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

/* Linux boot protocol (Documentation/x86/boot.rst): "HdrS" at 0x202, and at 0x20e the offset
 * (minus 0x200) of a NUL-terminated version string. */
static int qemu_bzimage_version(int fd, const unsigned char *hdr, const char *path, char *buf,
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
static int qemu_elf_version(int fd, const char *path, char *buf, size_t len, struct bb_err *err)
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

int qemu_kernel_version(const char *path, char *buf, size_t len, struct bb_err *err)
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
		return qemu_elf_version(fd, path, buf, len, err);
	if (n < (ssize_t)sizeof(hdr) || memcmp(hdr + 0x202, "HdrS", 4) != 0)
		return bb_fail(err, 0, "guest kernel %s: neither a bzImage nor an ELF vmlinux",
		               path);
	return qemu_bzimage_version(fd, hdr, path, buf, len, err);
}

int qemu_parse_version(const char *text, char *buf, size_t len)
{
	static const char banner[] = "QEMU emulator version ";
	const char *s = strstr(text, banner), *e;

	if (!s || !len)
		return -1;
	s += strlen(banner);
	e = s + strcspn(s, "\r\n");
	if (e == s)
		return -1;
	snprintf(buf, len, "%.*s", (int)(e - s), s);
	return 0;
}
