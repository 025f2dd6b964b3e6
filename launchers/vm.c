/* vm: the workload in a Linux guest under a VMM (vmm.h; the default row: QEMU's microvm
 * machine). Direct boot of Debian's cloud kernel (guest.h, scripts/guest.mk) with an initramfs
 * whose PID 1, boxbench-init, runs boxbench-load with the argv from the kernel command line
 * (bench/cmdline.h), prints the records on the one serial port, and powers off. The VMM's
 * stdout is that serial port: the harness reads the records from the pipe, skipping the
 * kernel's lines by their lack of the `@bb` marker.
 *
 * Accelerator: KVM only when the probe finds it hardware assisted; otherwise TCG, and every
 * figure is then labelled emulated (env->emulated), never read as the cost of KVM.
 *
 * Choices measured under TCG on the 2-core development VM (QEMU 7.2, Debian 6.1 cloud kernel,
 * interleaved runs, medians of launch to QEMU's exit): the ELF vmlinux through PVH instead of
 * the bzImage (2.20 s vs 2.71 s), an uncompressed initramfs instead of gzip (2.20 s vs 2.32 s;
 * it is 2 MiB and TCG decompresses slowly), -cpu qemu64 instead of max (1.97 s vs 2.28 s),
 * tsc_early_khz (without it half the boots hang: see guest.c), cryptomgr.notests (~0.3 s).
 * The disk modules are loaded only when a disk is attached (bb.disk): they cost ~0.1 s. */
#include "sweep.h"
#include "vm.h"
#include "vm_disk.h"
#include "cleanup.h"
#include "cmdline.h"
#include "kvm.h"
#include "proc.h"

#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* A firmware-booted guest's config disk (vmm.h): the command line, padded to whole sectors. */
#define VM_ARGS_BYTES 4096

struct vm_inst {
	int err_fd; /* memfd holding the VMM's stderr, for the message of a failed start */
};

/* The microVM's guest: the build tree's kernel and initramfs, and the --image root disk. */
int vm_find_direct(const struct bb_env_opts *opts, struct vm_env *v, struct bb_err *err)
{
	if (guest_files_find(&v->files, opts->build_dir, opts->vm_kernel, opts->vm_initrd, err) < 0)
		return bb_wrap(err, "make guest builds it");
	return image_open_opts(opts, &v->img, err);
}

static const struct vm_flavour vm_direct = { .machine = "microvm", .find = vm_find_direct };

/* The VMM row, its binary and its firmware, then the guest's files. */
static int vm_find(const struct vm_flavour *fl, const struct bb_env_opts *opts, struct vm_env *v,
                   struct bb_err *err)
{
	v->fl = fl;
	v->vmm = vmm_find("qemu", fl->machine);
	if (!v->vmm)
		return bb_fail(err, 0, "internal: no VMM row for machine %s", fl->machine);
	if (vmm_locate(v->vmm, v->binary, sizeof(v->binary), err) < 0)
		return -1;
	if (v->vmm->firmware && access(v->vmm->firmware, R_OK) < 0)
		return bb_fail(err, errno, "firmware %s (Debian package %s)", v->vmm->firmware,
		               v->vmm->firmware_package);
	return fl->find(opts, v, err);
}

void vm_probe_with(const struct vm_flavour *fl, const struct bb_env_opts *opts,
                   struct bb_probe *out)
{
	struct vm_env v = { 0 };
	struct bb_err err = { 0 };

	out->available = false;
	if (vm_find(fl, opts, &v, &err) < 0) {
		snprintf(out->reason, sizeof(out->reason), "%.500s", err.msg);
		return;
	}
	out->available = true;
	snprintf(out->reason, sizeof(out->reason), "%s %s%s, guest %.300s; accel %s", v.vmm->name,
	         v.vmm->machine, v.vmm->firmware ? " (firmware boot)" : "",
	         v.root_disk[0] ? v.root_disk : v.files.kernel,
	         opts->vm_accel ? opts->vm_accel
	                        : "kvm when hardware assisted, else tcg (emulated)");
}

static void vm_probe(const struct bb_env_opts *opts, struct bb_probe *out)
{
	vm_probe_with(&vm_direct, opts, out);
}

/* --vm-accel wins; otherwise measure (harness/kvm.h): /dev/kvm existing says nothing about
 * speed, and a software KVM runs a guest hundreds of times slower than TCG's translation. */
static int vm_choose_accel(const struct bb_env_opts *opts, struct vm_env *v, struct bb_err *err)
{
	const char *name = opts->vm_accel;
	struct bb_kvm_probe p;

	if (!name) {
		memset(&p, 0, sizeof(p));
		if (kvm_probe(&p, err) < 0)
			return bb_wrap(err, "kvm probe");
		v->kvm_kind = kvm_kind_name(p.kind);
		v->kvm_ratio = p.ratio;
		name = p.kind == BB_KVM_HARDWARE ? "kvm" : "tcg";
	}
	v->accel = vmm_accel(v->vmm, name, err);
	if (!v->accel)
		return bb_wrap(err, "%s", v->vmm->name);
	if (opts->vm_accel && !v->accel->emulated && access("/dev/kvm", R_OK | W_OK) < 0)
		return bb_fail(err, errno, "accelerator %s: /dev/kvm", name);
	return 0;
}

static void vm_describe(const struct bb_env_opts *opts, const struct vm_env *v, const char *cmdline,
                        struct bb_envdesc *d)
{
	json_t *x = d->extra;

	snprintf(d->kind, sizeof(d->kind), "vm");
	snprintf(d->vmm, sizeof(d->vmm), "%s", v->vmm->binary);
	snprintf(d->vmm_version, sizeof(d->vmm_version), "%s", v->version);
	snprintf(d->machine, sizeof(d->machine), "%s", v->vmm->machine);
	snprintf(d->accel, sizeof(d->accel), "%s", v->accel->name);
	d->emulated = v->accel->emulated;
	snprintf(d->guest_kernel, sizeof(d->guest_kernel), "%s", v->files.kernel);
	snprintf(d->guest_kernel_image, sizeof(d->guest_kernel_image), "%s", v->files.kernel_image);
	snprintf(d->guest_kernel_version, sizeof(d->guest_kernel_version), "%s",
	         v->files.kernel_version);
	snprintf(d->initramfs, sizeof(d->initramfs), "%s", v->files.initrd);
	snprintf(d->boot, sizeof(d->boot), "%s",
	         v->vmm->firmware ? ENVDESC_BOOT_FIRMWARE : ENVDESC_BOOT_DIRECT);
	if (v->vmm->firmware)
		json_object_set_new(x, "firmware", json_string(v->vmm->firmware));
	if (v->root_disk[0])
		snprintf(d->root_disk, sizeof(d->root_disk), "%s", v->root_disk);
	d->mem_mib = v->guest.mem_mib;
	d->vcpus = v->guest.vcpus;
	d->pu = opts->pu;
	if (!v->root_disk[0])
		snprintf(d->image, sizeof(d->image), "%s",
		         v->img.name[0] ? v->img.name : IMAGE_MINIMAL);
	json_object_set_new(x, "cpu_model", json_string(v->accel->cpu));
	json_object_set_new(x, v->vmm->firmware ? "config_disk_cmdline" : "kernel_cmdline",
	                    json_string(cmdline));
	json_object_set_new(x, "kvm_kind", v->kvm_kind ? json_string(v->kvm_kind) : json_null());
	if (v->kvm_kind && v->kvm_ratio > 0)
		json_object_set_new(x, "kvm_guest_speed_ratio", json_real(v->kvm_ratio));
	if (v->guest.tsc_khz)
		json_object_set_new(x, "guest_tsc_khz", json_integer((json_int_t)v->guest.tsc_khz));
	if (v->disk.path[0])
		d->storage = v->disk.desc;
	if (v->img.name[0]) {
		snprintf(d->root_disk, sizeof(d->root_disk), "%s", v->img.disk);
		snprintf(d->image_source, sizeof(d->image_source), "%s", v->img.source);
		json_object_set_new(x, "root",
		                    json_string("the image's ext4 disk, read-only (virtio-blk), "
		                                "switched to by the initramfs's init"));
	}
}

/* The guest every instance boots; only the scratch disk differs from one job to the next. */
static void vm_guest_init(struct vm_env *v, const struct bb_env_opts *opts)
{
	v->guest = (struct guest){
		.kernel = v->files.kernel[0] ? v->files.kernel : NULL,
		.initrd = v->files.initrd[0] ? v->files.initrd : NULL,
		.args_disk = v->args[0] ? v->args : NULL,
		.box = v->box[0] ? v->box : NULL,
		.accel = v->accel->name,
		.mem_mib = opts->vm_mem_mib ? opts->vm_mem_mib : GUEST_DEFAULT_MEM_MIB,
		.vcpus = opts->vm_vcpus ? opts->vm_vcpus : GUEST_DEFAULT_VCPUS,
		.root_disk = v->root_disk[0]  ? v->root_disk
		             : v->img.name[0] ? v->img.disk
		                              : NULL,
		.console = &v->vmm->console,
		.tsc_khz = v->accel->emulated ? guest_tsc_khz() : 0,
	};
}

/* A firmware-booted guest's config disk: a private file, rewritten per sample, in a directory
 * named for its owner so that what a killed harness leaves is swept (sweeper_vm_args). */
static int vm_args_create(struct vm_env *v, struct bb_err *err)
{
	int fd;

	if (sweep_mkdtemp(VM_ARGS_DIR, VM_ARGS_PREFIX, v->args_dir, sizeof(v->args_dir), err) < 0) {
		v->args_dir[0] = '\0';
		return bb_wrap(err, "config disk");
	}
	snprintf(v->args, sizeof(v->args), "%s/args.img", v->args_dir);
	fd = open(v->args, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		v->args[0] = '\0';
		return bb_fail(err, errno, "config disk in %s", v->args_dir);
	}
	close(fd);
	return 0;
}

const struct bb_sweeper sweeper_vm_args = {
	.kind = "guest config disk",
	.list = sweep_dir_list,
	.remove = sweep_dir_remove,
	.dir = VM_ARGS_DIR,
	.prefix = VM_ARGS_PREFIX,
};

static int vm_setup(const struct vm_flavour *fl, struct bb_env *env, struct vm_env *v, char *base,
                    size_t len, struct bb_err *err)
{
	const struct bb_env_opts *opts = env->opts;
	char **argv = NULL;

	if (vm_find(fl, opts, v, err) < 0 || vm_choose_accel(opts, v, err) < 0 ||
	    (v->vmm->firmware && vm_args_create(v, err) < 0))
		return -1;
	if (fl->box)
		fl->box(opts, v->box, sizeof(v->box));
	vm_guest_init(v, opts);
	if (guest_cmdline_base(&v->guest, base, len, err) < 0)
		return -1;
	/* Build one argv now so that bad memory or vCPU settings fail here, not per sample. */
	if (v->vmm->argv(v->binary, &v->guest, base, &argv, err) < 0)
		return bb_wrap(err, "%s", v->vmm->name);
	vmm_argv_free(argv);
	if (!v->files.kernel_version[0] &&
	    guest_kernel_version(v->files.kernel, v->files.kernel_version,
	                         sizeof(v->files.kernel_version), err) < 0)
		return -1;
	if (vmm_version(v->vmm, v->binary, v->version, sizeof(v->version), err) < 0)
		return bb_wrap(err, "%s", v->vmm->name);
	return 0;
}

/* The io suite's ext4 image (vm_disk.h), once per box and run, in the run's scratch
 * directory; the guest mounts it with the host's options, QEMU opens it with cache=none
 * where the host allows O_DIRECT. */
static int vm_disk_make(const struct bb_env *env, struct vm_env *v, struct bb_err *err)
{
	const struct bb_env_opts *opts = env->opts;

	if (vm_disk_create(opts->scratch_dir, env->name, opts->scratch_mib, &v->disk, err) < 0)
		return bb_wrap(err, "scratch disk");
	v->guest.disk_options = v->disk.desc.guest_options;
	v->guest.disk_cache = v->disk.desc.cache;
	return 0;
}

int vm_prepare_with(const struct vm_flavour *fl, struct bb_env *env, struct bb_err *err)
{
	struct vm_env *v = calloc(1, sizeof(*v));
	char base[GUEST_CMDLINE_MAX + 1];

	if (!v)
		return bb_fail(err, ENOMEM, "vm state");
	env->priv = v; /* vm_cleanup releases it on every path */
	if (vm_setup(fl, env, v, base, sizeof(base), err) < 0 ||
	    (env->opts->scratch_dir && vm_disk_make(env, v, err) < 0)) {
		vm_cleanup(env);
		return -1;
	}
	if (!(env->desc.extra = json_object())) {
		vm_cleanup(env);
		return bb_fail(err, ENOMEM, "describe");
	}
	vm_describe(env->opts, v, base, &env->desc);
	env->timeout_s = fl->timeout ? fl->timeout(env->opts) : 0;
	return 0;
}

static int vm_prepare(struct bb_env *env, struct bb_err *err)
{
	return vm_prepare_with(&vm_direct, env, err);
}

/* The VMM runs pinned as a whole (proc_spawn's pu): its vCPU thread, which runs the workload,
 * inherits the affinity, and so do the main loop and helper threads, which would otherwise
 * compete on other processing units and make the box cheaper than it is. */
static int vm_start(struct vm_env *v, struct bb_env *env, char **argv, int out_w, int err_fd,
                    struct bb_instance *inst, struct bb_err *err)
{
	struct bb_exec ex = {
		.path = v->binary,
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

/* The job's arguments, plus `--dir /scratch` when it needs storage (the guest's init mounts
 * the scratch disk there). */
static int vm_job_args(const struct bb_job *job, char **args, size_t max, struct bb_err *err)
{
	size_t n = 0;

	for (size_t i = 0; job->args && job->args[i]; i++) {
		if (n + 3 >= max)
			return bb_fail(err, E2BIG, "vm: too many workload arguments");
		args[n++] = job->args[i];
	}
	if (job->storage) {
		args[n++] = "--dir";
		args[n++] = BB_GUEST_SCRATCH;
	}
	args[n] = NULL;
	return 0;
}

/* The command line as the config disk's content: one line, zero-padded to whole sectors. */
static int vm_args_write(const struct vm_env *v, const char *cmdline, struct bb_err *err)
{
	char buf[VM_ARGS_BYTES] = { 0 };
	size_t n = strlen(cmdline);
	int fd, rc = 0;

	if (n + 2 > sizeof(buf))
		return bb_fail(err, E2BIG, "command line of %zu bytes", n);
	memcpy(buf, cmdline, n);
	buf[n] = '\n';
	fd = open(v->args, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || pwrite(fd, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf))
		rc = bb_fail(err, errno, "config disk %s", v->args);
	if (fd >= 0)
		close(fd);
	return rc;
}

int vm_spawn(struct bb_env *env, const struct bb_job *job, struct bb_instance *inst,
             struct bb_err *err)
{
	char *args[64];
	struct vm_env *v = env->priv;
	char cmdline[GUEST_CMDLINE_MAX + 1];
	_cleanup_close_ int err_fd = -1;
	struct vm_inst *vi = NULL;
	char **argv = NULL;
	int pipefd[2] = { -1, -1 }, rc = -1;

	inst->pid = inst->pidfd = inst->out_fd = -1;
	inst->priv = NULL;
	if (job->storage && !v->disk.path[0])
		return bb_fail(err, 0,
		               "vm: the suite needs storage but no scratch directory is set");
	if (vm_job_args(job, args, sizeof(args) / sizeof(args[0]), err) < 0)
		return -1;
	v->guest.disk = job->storage ? v->disk.path : NULL;
	if (guest_cmdline(&v->guest, job->suite, args, cmdline, sizeof(cmdline), err) < 0 ||
	    (v->args[0] && vm_args_write(v, cmdline, err) < 0))
		return bb_wrap(err, "vm: spawn");
	if (v->vmm->argv(v->binary, &v->guest, cmdline, &argv, err) < 0)
		return bb_wrap(err, "vm: spawn: %s", v->vmm->name);
	err_fd = memfd_create("boxbench-vmm-stderr", MFD_CLOEXEC);
	vi = calloc(1, sizeof(*vi));
	if (err_fd < 0 || !vi) {
		bb_fail(err, err_fd < 0 ? errno : ENOMEM, "vm: spawn: %s stderr", v->vmm->name);
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
	vmm_argv_free(argv);
	return rc;
}

/* The last non-empty line the VMM wrote to stderr ("qemu-system-x86_64: -kernel ...: ..."). */
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

int vm_reap(struct bb_env *env, struct bb_instance *inst, double timeout_s, struct bb_err *err)
{
	struct vm_env *v = env->priv;
	struct vm_inst *vi = inst->priv;
	char last[512], st[96];
	int rc = 0, w;

	w = proc_wait(inst->pid, inst->pidfd, timeout_s, &inst->status, err);
	if (w != 0) {
		proc_kill_reap(inst->pid, inst->pidfd, true, &inst->status);
		inst->timed_out = w == PROC_TIMEOUT;
		rc = w == PROC_TIMEOUT
		         ? bb_fail(err, 0, "vm: %s killed after %.1f s", v->vmm->name, timeout_s)
		     : w == PROC_INTERRUPTED
		         ? bb_fail(err, 0, "vm: interrupted, %s killed", v->vmm->name)
		         : bb_wrap(err, "vm: reap");
	} else {
		kill(-inst->pid,
		     SIGKILL); /* the VMM forks nothing; should a helper remain, it dies */
		if (!WIFEXITED(inst->status) || WEXITSTATUS(inst->status) != 0) {
			vm_last_err_line(vi ? vi->err_fd : -1, last, sizeof(last));
			rc = bb_fail(err, 0, "vm: %s %s: %s", v->vmm->name,
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

void vm_cleanup(struct bb_env *env)
{
	struct vm_env *v = env->priv;

	if (v)
		vm_disk_remove(&v->disk);
	if (v && v->args[0])
		unlink(v->args);
	if (v && v->args_dir[0])
		rmdir(v->args_dir);
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
	.settles = "C4, C5, C6, C7, C8, C9",
	.class = BB_CLASS_VM,
	.caps = BB_CAP_IMAGE | BB_CAP_GUEST_CLOCK | BB_CAP_LIMITS | BB_CAP_OWN_KERNEL,
	.options = vm_options,
	.probe = vm_probe,
	.prepare = vm_prepare,
	.spawn = vm_spawn,
	.reap = vm_reap,
	.cleanup = vm_cleanup,
};
