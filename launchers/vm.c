/* vm: the workload in a Linux guest under QEMU's microvm machine. Direct boot of Debian's cloud
 * kernel (scripts/guest.mk) with an initramfs whose PID 1, boxbench-init, runs boxbench-load
 * with the argv from the kernel command line (bench/cmdline.h), prints the records on the one
 * serial port, and powers off. QEMU's stdout is that serial port: the harness reads the records
 * from the pipe, skipping the kernel's lines by their lack of the `@bb` marker.
 *
 * Accelerator: KVM only when the probe finds it hardware assisted; otherwise TCG, and every
 * figure is then labelled emulated (env->emulated), never read as the cost of KVM.
 *
 * Choices measured under TCG on the 2-core development VM (QEMU 7.2, Debian 6.1 cloud kernel,
 * interleaved runs, medians of launch to QEMU's exit): the ELF vmlinux through PVH instead of
 * the bzImage (2.20 s vs 2.71 s), an uncompressed initramfs instead of gzip (2.20 s vs 2.32 s;
 * it is 2 MiB and TCG decompresses slowly), -cpu qemu64 instead of max (1.97 s vs 2.28 s),
 * tsc_early_khz (without it half the boots hang: see qemu.c), cryptomgr.notests (~0.3 s).
 * The disk modules are loaded only when a disk is attached (bb.disk): they cost ~0.1 s. */
#include "launcher.h"
#include "cleanup.h"
#include "cmdline.h"
#include "image.h"
#include "kvm.h"
#include "proc.h"
#include "qemu.h"

#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

/* The uncompressed ELF kernel, booted through its PVH entry: it skips the firmware's bzImage
 * loader and the decompressor, about 0.3-0.5 s of a TCG boot here (guest.mk makes both). */
#define VM_KERNEL_FILE     "guest/vmlinux"
#define VM_INITRD_FILE     "guest/initramfs.cpio"
#define VM_VERSION_TIMEOUT 10.0

/* The io suite's disk: a raw image in the run's scratch directory, so the guest's storage
 * ends on the same host file system as the native and container runs' files. Preallocated so
 * the guest's reads hit real blocks, not holes. */
#define VM_DISK_FILE "boxbench-%s-disk.img" /* the environment's name: one per VM environment */
#define VM_DISK_MIB  64

struct vm_env {
	char disk[PATH_MAX]; /* "" until a suite needs storage */
	char qemu[PATH_MAX];
	char kernel[PATH_MAX];
	char initrd[PATH_MAX];
	char version[256];        /* QEMU's */
	char kernel_version[256]; /* the guest kernel's */
	const char *kvm_kind;     /* the probe's verdict, NULL when --vm-accel chose */
	double kvm_ratio;
	struct bb_image img; /* the root disk's image, img.name "" = the initramfs alone */
	struct qemu_guest guest;
};

struct vm_inst {
	int err_fd; /* memfd holding QEMU's stderr, for the message of a failed start */
};

static int vm_find_qemu(char *out, size_t len)
{
	const char *path = getenv("PATH");
	_cleanup_free_ char *copy = strdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	char *save = NULL;

	if (!copy)
		return -1;
	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		int n = snprintf(out, len, "%s/%s", *dir ? dir : ".", QEMU_BINARY);
		if (n > 0 && (size_t)n < len && access(out, X_OK) == 0)
			return 0;
	}
	out[0] = '\0';
	return -1;
}

static int vm_path(char *out, size_t len, const char *override, const char *build_dir,
                   const char *file)
{
	int n = override ? snprintf(out, len, "%s", override)
	                 : snprintf(out, len, "%s/%s", build_dir ? build_dir : "build", file);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static int vm_paths(const struct bb_env_opts *opts, struct vm_env *v, struct bb_err *err)
{
	if (vm_path(v->kernel, sizeof(v->kernel), opts->vm_kernel, opts->build_dir,
	            VM_KERNEL_FILE) < 0 ||
	    vm_path(v->initrd, sizeof(v->initrd), opts->vm_initrd, opts->build_dir,
	            VM_INITRD_FILE) < 0)
		return bb_fail(err, ENAMETOOLONG, "guest kernel or initramfs path");
	if (access(v->kernel, R_OK) < 0)
		return bb_fail(err, errno, "guest kernel %s", v->kernel);
	if (access(v->initrd, R_OK) < 0)
		return bb_fail(err, errno, "guest initramfs %s", v->initrd);
	return 0;
}

static void vm_probe(const struct bb_env_opts *opts, struct bb_probe *out)
{
	struct vm_env v = { 0 };
	struct bb_err err = { 0 };

	out->available = false;
	if (vm_find_qemu(v.qemu, sizeof(v.qemu)) < 0) {
		snprintf(out->reason, sizeof(out->reason),
		         "%s not found in PATH (Debian package qemu-system-x86)", QEMU_BINARY);
		return;
	}
	if (vm_paths(opts, &v, &err) < 0) {
		snprintf(out->reason, sizeof(out->reason), "%.400s (make guest builds it)",
		         err.msg);
		return;
	}
	if (image_open_opts(opts, &v.img, &err) < 0) {
		snprintf(out->reason, sizeof(out->reason), "%.500s", err.msg);
		return;
	}
	out->available = true;
	snprintf(out->reason, sizeof(out->reason), "qemu %s, guest kernel %.300s; accel %s",
	         QEMU_MACHINE, v.kernel,
	         opts->vm_accel ? opts->vm_accel
	                        : "kvm when hardware assisted, else tcg (emulated)");
}

/* --vm-accel wins; otherwise measure (harness/kvm.h): /dev/kvm existing says nothing about
 * speed, and a software KVM runs a guest hundreds of times slower than TCG's translation. */
static int vm_choose_accel(const struct bb_env_opts *opts, struct vm_env *v, struct bb_err *err)
{
	struct bb_kvm_probe p;

	if (opts->vm_accel) {
		if (strcmp(opts->vm_accel, "kvm") == 0) {
			if (access("/dev/kvm", R_OK | W_OK) < 0)
				return bb_fail(err, errno, "accelerator kvm: /dev/kvm");
			v->guest.accel = "kvm";
		} else if (strcmp(opts->vm_accel, "tcg") == 0) {
			v->guest.accel = "tcg";
		} else {
			return bb_fail(err, 0, "unknown accelerator \"%s\" (expected kvm or tcg)",
			               opts->vm_accel);
		}
		return 0;
	}
	memset(&p, 0, sizeof(p));
	if (kvm_probe(&p, err) < 0)
		return bb_wrap(err, "kvm probe");
	v->kvm_kind = kvm_kind_name(p.kind);
	v->kvm_ratio = p.ratio;
	v->guest.accel = p.kind == BB_KVM_HARDWARE ? "kvm" : "tcg";
	return 0;
}

#if defined(__x86_64__) || defined(__i386__)
static uint64_t vm_raw_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The host TSC rate in kHz, which is the guest's under TCG (QEMU's rdtsc returns the host's
 * counter). Three 20 ms windows against CLOCK_MONOTONIC_RAW, the median kept: a window cut by
 * preemption between the two reads is the outlier, and 20 ms puts the read jitter (< 1 us)
 * below 50 ppm. */
static unsigned long vm_tsc_khz(void)
{
	double khz[3];

	for (int i = 0; i < 3; i++) {
		struct timespec d = { 0, 20000000 };
		uint64_t n0 = vm_raw_ns(), c0 = __rdtsc();
		nanosleep(&d, NULL);
		uint64_t n1 = vm_raw_ns(), c1 = __rdtsc();
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
static unsigned long vm_tsc_khz(void)
{
	return 0; /* TCG's x86 TSC runs at the host's counter rate, which is no TSC here */
}
#endif

/* Read all of a memfd/file from the start into buf (NUL-terminated, cut to fit). */
static void vm_read_fd(int fd, char *buf, size_t len)
{
	ssize_t n = pread(fd, buf, len - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
}

static int vm_qemu_version(struct vm_env *v, struct bb_err *err)
{
	char *argv[] = { v->qemu, "-version", NULL };
	_cleanup_close_ int out = memfd_create("boxbench-qemu-version", MFD_CLOEXEC);
	struct bb_exec ex = {
		.path = v->qemu, .argv = argv, .stdin_fd = -1, .stderr_fd = -1, .pu = -1
	};
	char text[1024], st[64];
	int pidfd, status = 0, w;
	pid_t pid;

	if (out < 0)
		return bb_fail(err, errno, "memfd");
	ex.stdout_fd = out;
	if (proc_spawn(&ex, &pid, &pidfd, err) < 0)
		return -1;
	w = proc_wait(pid, pidfd, VM_VERSION_TIMEOUT, &status, err);
	if (w != 0)
		proc_kill_reap(pid, pidfd, false, &status);
	if (pidfd >= 0)
		close(pidfd);
	if (w < 0)
		return -1;
	vm_read_fd(out, text, sizeof(text));
	if (w == 1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    qemu_parse_version(text, v->version, sizeof(v->version)) < 0)
		return bb_fail(err, 0, "%s -version: %s", v->qemu,
		               w == 1 ? "no answer" : proc_status_str(status, st, sizeof(st)));
	return 0;
}

static void vm_describe(const struct bb_env_opts *opts, const struct vm_env *v, const char *cmdline,
                        struct bb_envdesc *d)
{
	json_t *x = d->extra;

	snprintf(d->kind, sizeof(d->kind), "vm");
	snprintf(d->vmm, sizeof(d->vmm), "%s", QEMU_BINARY);
	snprintf(d->vmm_version, sizeof(d->vmm_version), "%s", v->version);
	snprintf(d->machine, sizeof(d->machine), "%s", QEMU_MACHINE);
	snprintf(d->accel, sizeof(d->accel), "%s", v->guest.accel);
	d->emulated = strcmp(v->guest.accel, "tcg") == 0;
	snprintf(d->guest_kernel, sizeof(d->guest_kernel), "%s", v->kernel);
	snprintf(d->guest_kernel_version, sizeof(d->guest_kernel_version), "%s", v->kernel_version);
	snprintf(d->initramfs, sizeof(d->initramfs), "%s", v->initrd);
	d->mem_mib = v->guest.mem_mib;
	d->vcpus = v->guest.vcpus;
	d->pu = opts->pu;
	snprintf(d->image, sizeof(d->image), "%s", v->img.name[0] ? v->img.name : IMAGE_MINIMAL);
	json_object_set_new(
	    x, "cpu_model",
	    json_string(strcmp(v->guest.accel, "kvm") == 0 ? "host" : QEMU_TCG_CPU));
	json_object_set_new(x, "kernel_cmdline", json_string(cmdline));
	json_object_set_new(x, "kvm_kind", v->kvm_kind ? json_string(v->kvm_kind) : json_null());
	if (v->kvm_kind && v->kvm_ratio > 0)
		json_object_set_new(x, "kvm_guest_speed_ratio", json_real(v->kvm_ratio));
	if (v->guest.tsc_khz)
		json_object_set_new(x, "guest_tsc_khz", json_integer((json_int_t)v->guest.tsc_khz));
	if (v->img.name[0]) {
		snprintf(d->root_disk, sizeof(d->root_disk), "%s", v->img.disk);
		snprintf(d->image_source, sizeof(d->image_source), "%s", v->img.source);
		json_object_set_new(x, "root",
		                    json_string("the image's ext4 disk, read-only (virtio-blk), "
		                                "switched to by the initramfs's init"));
	}
}

static int vm_setup(struct bb_env *env, struct vm_env *v, char *base, size_t len,
                    struct bb_err *err)
{
	const struct bb_env_opts *opts = env->opts;
	char **argv = NULL;

	if (vm_find_qemu(v->qemu, sizeof(v->qemu)) < 0)
		return bb_fail(err, 0, "%s not found in PATH (Debian package qemu-system-x86)",
		               QEMU_BINARY);
	if (vm_paths(opts, v, err) < 0 || image_open_opts(opts, &v->img, err) < 0)
		return -1;
	if (vm_choose_accel(opts, v, err) < 0)
		return -1;
	v->guest.qemu = v->qemu;
	v->guest.kernel = v->kernel;
	v->guest.initrd = v->initrd;
	v->guest.root_disk = v->img.name[0] ? v->img.disk : NULL;
	v->guest.mem_mib = opts->vm_mem_mib ? opts->vm_mem_mib : QEMU_DEFAULT_MEM_MIB;
	v->guest.vcpus = opts->vm_vcpus ? opts->vm_vcpus : QEMU_DEFAULT_VCPUS;
	if (strcmp(v->guest.accel, "tcg") == 0)
		v->guest.tsc_khz = vm_tsc_khz();
	if (qemu_cmdline_base(&v->guest, base, len, err) < 0)
		return -1;
	/* Build one argv now so that bad memory or vCPU settings fail here, not per sample. */
	if (qemu_argv_build(&v->guest, base, &argv, err) < 0)
		return -1;
	qemu_argv_free(argv);
	if (qemu_kernel_version(v->kernel, v->kernel_version, sizeof(v->kernel_version), err) < 0)
		return -1;
	return vm_qemu_version(v, err);
}

static int vm_prepare(struct bb_env *env, struct bb_err *err)
{
	struct vm_env *v = calloc(1, sizeof(*v));
	char base[QEMU_CMDLINE_MAX + 1];

	if (!v)
		return bb_fail(err, ENOMEM, "vm state");
	if (vm_setup(env, v, base, sizeof(base), err) < 0) {
		free(v);
		return -1;
	}
	if (!(env->desc.extra = json_object())) {
		free(v);
		return bb_fail(err, ENOMEM, "describe");
	}
	vm_describe(env->opts, v, base, &env->desc);
	env->priv = v;
	return 0;
}

/* QEMU runs pinned as a whole (proc_spawn's pu): its vCPU thread, which runs the workload,
 * inherits the affinity, and so do the main loop and helper threads, which would otherwise
 * compete on other processing units and make the box cheaper than it is. */
static int vm_start(struct vm_env *v, struct bb_env *env, char **argv, int out_w, int err_fd,
                    struct bb_instance *inst, struct bb_err *err)
{
	struct bb_exec ex = {
		.path = v->qemu,
		.argv = argv,
		.envp = NULL,
		.stdin_fd = -1,
		.stdout_fd = out_w,
		.stderr_fd = err_fd,
		.pu = env->opts->pu,
		.new_pgrp = true,
	};

	return proc_spawn(&ex, &inst->pid, &inst->pidfd, err);
}

static int vm_disk(struct vm_env *v, const struct bb_env *env, struct bb_err *err)
{
	const struct bb_env_opts *opts = env->opts;
	int fd, rc;

	if (v->disk[0])
		return 0;
	if (!opts->scratch_dir)
		return bb_fail(err, 0,
		               "vm: the suite needs storage but no scratch directory is set");
	snprintf(v->disk, sizeof(v->disk), "%s/" VM_DISK_FILE, opts->scratch_dir, env->name);
	fd = open(v->disk, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = bb_fail(err, errno, "vm: disk image %s", v->disk);
		v->disk[0] = '\0';
		return rc;
	}
	rc = posix_fallocate(fd, 0, (off_t)VM_DISK_MIB << 20);
	close(fd);
	if (rc != 0) {
		unlink(v->disk);
		v->disk[0] = '\0';
		return bb_fail(err, rc, "vm: allocate disk image");
	}
	return 0;
}

/* The job's arguments, plus `--device /dev/bbscratch` when it needs storage (the guest's init
 * links that name to the disk with the scratch serial). */
static int vm_job_args(const struct bb_job *job, char **args, size_t max, struct bb_err *err)
{
	size_t n = 0;

	for (size_t i = 0; job->args && job->args[i]; i++) {
		if (n + 3 >= max)
			return bb_fail(err, E2BIG, "vm: too many workload arguments");
		args[n++] = job->args[i];
	}
	if (job->storage) {
		args[n++] = "--device";
		args[n++] = "/dev/" BB_DISK_SCRATCH;
	}
	args[n] = NULL;
	return 0;
}

static int vm_spawn(struct bb_env *env, const struct bb_job *job, struct bb_instance *inst,
                    struct bb_err *err)
{
	char *args[64];
	struct vm_env *v = env->priv;
	char cmdline[QEMU_CMDLINE_MAX + 1];
	_cleanup_close_ int err_fd = -1;
	struct vm_inst *vi = NULL;
	char **argv = NULL;
	int pipefd[2] = { -1, -1 }, rc = -1;

	inst->pid = inst->pidfd = inst->out_fd = -1;
	inst->priv = NULL;
	if ((job->storage && vm_disk(v, env, err) < 0) ||
	    vm_job_args(job, args, sizeof(args) / sizeof(args[0]), err) < 0)
		return -1;
	v->guest.disk = job->storage ? v->disk : NULL;
	if (qemu_cmdline(&v->guest, job->suite, args, cmdline, sizeof(cmdline), err) < 0 ||
	    qemu_argv_build(&v->guest, cmdline, &argv, err) < 0)
		return bb_wrap(err, "vm: spawn");
	err_fd = memfd_create("boxbench-qemu-stderr", MFD_CLOEXEC);
	vi = calloc(1, sizeof(*vi));
	if (err_fd < 0 || !vi) {
		bb_fail(err, err_fd < 0 ? errno : ENOMEM, "vm: spawn: qemu stderr");
		goto out;
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		bb_fail(err, errno, "vm: spawn: pipe");
		goto out;
	}
	rc = vm_start(v, env, argv, pipefd[1], err_fd, inst, err);
	close(pipefd[1]);
	if (rc < 0) {
		close(pipefd[0]);
		bb_wrap(err, "vm: spawn");
		goto out;
	}
	vi->err_fd = BB_STEAL_FD(err_fd);
	inst->out_fd = pipefd[0];
	inst->priv = BB_STEAL(vi);
out:
	free(vi);
	qemu_argv_free(argv);
	return rc;
}

/* The last non-empty line QEMU wrote to stderr ("qemu-system-x86_64: -kernel ...: ..."). */
static void vm_last_err_line(int fd, char *out, size_t len)
{
	char text[8192];
	char *end, *start;

	out[0] = '\0';
	if (fd < 0)
		return;
	struct stat st;
	off_t from = fstat(fd, &st) == 0 && st.st_size > (off_t)sizeof(text) - 1
	                 ? st.st_size - (off_t)sizeof(text) + 1
	                 : 0;
	ssize_t n = pread(fd, text, sizeof(text) - 1, from);
	if (n <= 0)
		return;
	text[n] = '\0';
	end = text + n;
	while (end > text && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
		*--end = '\0';
	start = strrchr(text, '\n');
	snprintf(out, len, "%.400s", start ? start + 1 : text);
}

static int vm_reap(struct bb_env *env, struct bb_instance *inst, double timeout_s,
                   struct bb_err *err)
{
	struct vm_inst *vi = inst->priv;
	char last[512], st[96];
	int rc = 0, w;

	(void)env;
	w = proc_wait(inst->pid, inst->pidfd, timeout_s, &inst->status, err);
	if (w != 0) {
		proc_kill_reap(inst->pid, inst->pidfd, true, &inst->status);
		inst->timed_out = (w == 1);
		rc = w == 1 ? bb_fail(err, 0, "vm: qemu killed after %.1f s", timeout_s)
		            : bb_wrap(err, "vm: reap");
	} else {
		kill(-inst->pid, SIGKILL); /* QEMU forks nothing; should a helper remain, it dies */
		if (!WIFEXITED(inst->status) || WEXITSTATUS(inst->status) != 0) {
			vm_last_err_line(vi ? vi->err_fd : -1, last, sizeof(last));
			rc = bb_fail(err, 0, "vm: qemu %s: %s",
			             proc_status_str(inst->status, st, sizeof(st)),
			             last[0] ? last : "no message on its stderr");
		}
	}
	if (inst->pidfd >= 0)
		close(inst->pidfd);
	if (inst->out_fd >= 0)
		close(inst->out_fd);
	if (vi && vi->err_fd >= 0)
		close(vi->err_fd);
	free(vi);
	inst->priv = NULL;
	inst->pidfd = inst->out_fd = -1;
	return rc;
}

static void vm_cleanup(struct bb_env *env)
{
	struct vm_env *v = env->priv;

	if (v && v->disk[0])
		unlink(v->disk);
	free(env->priv);
	env->priv = NULL;
}

#define VM_OPT(f) offsetof(struct bb_env_opts, f)

static const struct bb_option vm_options[] = {
	{ .name = "vm-accel",
	  .type = BB_OPT_CHOICE,
	  .field = VM_OPT(vm_accel),
	  .choices = "kvm|tcg",
	  .arg = "kvm|tcg",
	  .help = "override the measured choice (kvm only when hardware assisted)" },
	{ .name = "vm-kernel",
	  .type = BB_OPT_STRING,
	  .field = VM_OPT(vm_kernel),
	  .arg = "FILE",
	  .help = "guest kernel (default: the one built from Debian's cloud kernel)" },
	{ .name = "vm-initrd",
	  .type = BB_OPT_STRING,
	  .field = VM_OPT(vm_initrd),
	  .arg = "FILE",
	  .help = "guest initramfs (default: the built one)" },
	{ .name = "vm-mem",
	  .type = BB_OPT_UINT,
	  .field = VM_OPT(vm_mem_mib),
	  .min = 64,
	  .max = 65536,
	  .arg = "MIB",
	  .help = "guest memory (default 512 MiB)" },
	{ .name = "vm-vcpus",
	  .type = BB_OPT_UINT,
	  .field = VM_OPT(vm_vcpus),
	  .min = 1,
	  .max = 64,
	  .arg = "N",
	  .help = "guest vCPUs (default 1)" },
	BB_OPTIONS_END,
};

const struct launcher launcher_vm = {
	.name = "vm",
	.summary = "a Linux guest under QEMU microvm (KVM when hardware assisted, else TCG)",
	.class = BB_CLASS_VM,
	.caps = BB_CAP_IMAGE | BB_CAP_GUEST_CLOCK | BB_CAP_LIMITS | BB_CAP_OWN_KERNEL,
	.options = vm_options,
	.probe = vm_probe,
	.prepare = vm_prepare,
	.spawn = vm_spawn,
	.reap = vm_reap,
	.cleanup = vm_cleanup,
};
