/* container-in-vm: the workload in boxbench's namespace container inside the microVM guest, as
 * clouds run containers (claim C1). The same guest as `vm` (vm.c: QEMU microvm, the build
 * tree's kernel and initramfs, booted directly), so that container-in-vm / vm is the container's
 * cost inside one guest, set against container / native on the host. The guest's init sees
 * bb.box on the kernel command line, mounts cgroup2 and runs boxbench-box (bench/box.c): the
 * host's container launcher (container.c) linked statically, which makes the namespaces, a
 * cgroup v2 with the same CPU, memory and pids limits (the guest kernel has them), pivot_root
 * into the minimal root in the initramfs, drops capabilities and execs the workload.
 *
 * The startup suite also gets `container_start` on the guest's own clock (boxbench-box's start
 * -> the workload's ready record): the container's part of the start, measured inside the
 * guest, independently of the host's clock and of the boot.
 *
 * Storage (the io suite) is the vm's: the ext4 image in the run's scratch directory on the
 * host (vm_disk.h), a virtio disk that the guest's init mounts at /scratch and boxbench-box
 * binds to the container's /scratch (a directory of the guest's initramfs would be guest
 * memory, not the host's file system every other box writes to). */
#include "vm.h"
#include "cgroup.h"
#include "cmdline.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* bench/box.c's options: the host container's, and scratch=1 when the job needs storage
 * (the container then binds the guest's /scratch mount). */
static void civ_box_opts(const struct bb_env_opts *o, bool storage, char *buf, size_t len)
{
	snprintf(buf, len, "ns=%u,cgroup=%d,cpu=%g,mem=%lld,pids=%ld%s",
	         o->container_ns & BB_NS_ALL, o->container_cgroup ? 1 : 0, o->cpu_quota,
	         o->mem_limit, o->pids_limit, storage ? ",scratch=1" : "");
}

static void civ_box(const struct bb_env_opts *o, char *buf, size_t len)
{
	civ_box_opts(o, false, buf, len);
}

static const struct vm_flavour civ_flavour = {
	.machine = "microvm",
	.find = vm_find_direct,
	.box = civ_box,
};

static void civ_probe(const struct bb_env_opts *opts, struct bb_probe *out)
{
	vm_probe_with(&civ_flavour, opts, out);
	if (out->available)
		snprintf(out->reason + strlen(out->reason),
		         sizeof(out->reason) - strlen(out->reason),
		         "; the container made in the guest by boxbench-box");
}

/* The description is the VM's (vm.c) plus the container its init makes: the namespaces,
 * the cgroup and the root the guest's boxbench-box sets up from these options. */
static void civ_describe(const struct bb_env_opts *o, struct bb_envdesc *d)
{
	snprintf(d->kind, sizeof(d->kind), "nested");
	snprintf(d->nested_in, sizeof(d->nested_in), "vm");
	d->has_namespaces = true;
	d->namespaces = o->container_ns & BB_NS_ALL;
	d->cgroup = (struct bb_envdesc_cgroup){
		.on = o->container_cgroup,
		.mode = "v2",
		.cpu_quota = o->cpu_quota,
		.cpu_period_us = CG_CPU_PERIOD_US,
		.mem_limit = o->mem_limit,
		.pids_limit = o->pids_limit,
	};
	d->rootfs.on = true;
	d->rootfs.bytes = -1;
	snprintf(d->rootfs.path, sizeof(d->rootfs.path), "/rootfs in the guest's initramfs");
	json_object_set_new(d->extra, "container",
	                    json_string("boxbench's container launcher, run in the guest by its "
	                                "init (boxbench-box); cgroup v2 of the guest kernel when "
	                                "it has cpu, memory and pids (the guest_cgroup fact)"));
}

static int civ_prepare(struct bb_env *env, struct bb_err *err)
{
	if (vm_prepare_with(&civ_flavour, env, err) < 0)
		return -1;
	civ_describe(env->opts, &env->desc);
	return 0;
}

/* Only the scratch disk differs from one job to the next (vm.c's guest points at v->box). */
static int civ_spawn(struct bb_env *env, const struct bb_job *job, struct bb_instance *inst,
                     struct bb_err *err)
{
	struct vm_env *v = env->priv;

	civ_box_opts(env->opts, job->storage, v->box, sizeof(v->box));
	return vm_spawn(env, job, inst, err);
}

const struct launcher launcher_container_in_vm = {
	.name = "container-in-vm",
	.summary = "the container (--container-ns, the limits) inside vm's guest (--vm-*)",
	.settles = "C1",
	.class = BB_CLASS_NESTED,
	.caps = BB_CAP_GUEST_CLOCK | BB_CAP_LIMITS | BB_CAP_OWN_KERNEL,
	.probe = civ_probe,
	.prepare = civ_prepare,
	.spawn = civ_spawn,
	.reap = vm_reap,
	.cleanup = vm_cleanup,
};
