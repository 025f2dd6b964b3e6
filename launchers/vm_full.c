/* vm-full: a VM as people boot it. QEMU's q35 machine (vmm_qemu_q35.c), SeaBIOS, extlinux from
 * the disk's MBR and partition, Debian's cloud kernel with its initramfs (initramfs-tools),
 * systemd, and a service that runs the workload (boxbench-init --unit): a Debian disk built
 * from Debian packages by `make image-full` (scripts/mkimage-full.sh) and shared read-only by
 * every instance. The workload's argv travels on a small config disk, the records on the
 * serial port, as for the microVM (vm.c), whose code it shares (vm.h).
 *
 * The start in phases, each its own startup metric (harness/run.c):
 *   boot_to_kernel  host - guest clock: launch request -> the guest kernel's clock starts
 *                   (QEMU, SeaBIOS, extlinux reading the kernel and initramfs through BIOS
 *                   calls): the ready record's arrival (host) minus its t_mono_ns (guest)
 *   boot_kernel     guest clock (systemd's UserspaceTimestampMonotonic): kernel and initramfs
 *                   until systemd runs
 *   boot_init       guest clock (systemd): systemd until the workload's unit starts
 *   ready           host clock: launch -> the workload's ready record arrives
 * Under TCG a boot takes a minute or more: vm-full has its own per-sample timeout. */
#include "vm.h"
#include "cleanup.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define VM_FULL_DIR  "full"
#define VM_FULL_HINT "make image-full builds it (debootstrap: a few minutes, once)"

/* A disk older than the programs it carries would run yesterday's workload. */
static int vm_full_fresh(const char *disk, const char *prog, struct bb_err *err)
{
	struct stat d, p;

	if (stat(prog, &p) < 0)
		return 0; /* nothing to compare with: the workload's own check reports it */
	if (stat(disk, &d) < 0)
		return bb_fail(err, errno, "%s", disk);
	if (p.st_mtime > d.st_mtime)
		return bb_fail(err, 0, "%s is older than %s: make (or make image-full) renews it",
		               disk, prog);
	return 0;
}

static int vm_full_find(const struct bb_env_opts *opts, struct vm_env *v, struct bb_err *err)
{
	const char *build = opts->build_dir ? opts->build_dir : "build";
	char info[PATH_MAX], init[PATH_MAX];
	json_error_t jerr;
	json_t *j, *k;

	snprintf(info, sizeof(info), "%s/" VM_FULL_DIR "/full.json", build);
	snprintf(v->root_disk, sizeof(v->root_disk), "%s/" VM_FULL_DIR "/disk.img", build);
	snprintf(init, sizeof(init), "%s/boxbench-init", build);
	if (access(v->root_disk, R_OK) < 0 || access(info, R_OK) < 0)
		return bb_fail(err, errno, "full-OS disk %s: " VM_FULL_HINT, v->root_disk);
	if ((opts->load_path && vm_full_fresh(v->root_disk, opts->load_path, err) < 0) ||
	    vm_full_fresh(v->root_disk, init, err) < 0)
		return -1;
	j = json_load_file(info, 0, &jerr);
	k = json_object_get(j, "kernel");
	if (!json_is_string(k)) {
		json_decref(j);
		return bb_fail(err, 0, "%s: no \"kernel\" (%s): " VM_FULL_HINT, info, jerr.text);
	}
	snprintf(v->files.kernel_version, sizeof(v->files.kernel_version),
	         "%s (the disk's /boot/vmlinuz-%s)", json_string_value(k), json_string_value(k));
	json_decref(j);
	return 0;
}

static double vm_full_timeout(const struct bb_env_opts *opts)
{
	return opts->vm_full_timeout_s;
}

static const struct vm_flavour vm_full = {
	.machine = "q35",
	.find = vm_full_find,
	.timeout = vm_full_timeout,
};

static void vm_full_probe(const struct bb_env_opts *opts, struct bb_probe *out)
{
	vm_probe_with(&vm_full, opts, out);
}

static int vm_full_prepare(struct bb_env *env, struct bb_err *err)
{
	return vm_prepare_with(&vm_full, env, err);
}

static const struct bb_option vm_full_options[] = {
	{ .name = "vm-full-timeout",
	  .type = BB_OPT_DOUBLE,
	  .field = offsetof(struct bb_env_opts, vm_full_timeout_s),
	  .min = 1,
	  .max = 3600,
	  .arg = "S",
	  .help = "per-sample timeout of vm-full, when longer than --timeout (default 300: a "
	          "firmware + systemd boot under TCG takes a minute or more); --vm-accel, "
	          "--vm-mem and --vm-vcpus apply as to vm" },
	BB_OPTIONS_END,
};

const struct launcher launcher_vm_full = {
	.name = "vm-full",
	.summary = "a full Debian OS under QEMU q35: SeaBIOS, extlinux, kernel + initramfs, "
	           "systemd, the workload as a service",
	.settles = "C5",
	.class = BB_CLASS_VM,
	.caps = BB_CAP_GUEST_CLOCK | BB_CAP_OWN_KERNEL,
	.options = vm_full_options,
	.probe = vm_full_probe,
	.prepare = vm_full_prepare,
	.spawn = vm_spawn,
	.reap = vm_reap,
	.cleanup = vm_cleanup,
};
