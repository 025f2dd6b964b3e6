/* crun: the OCI runtime in C (podman's default on Fedora), driven directly (ocirt.c): an OCI bundle
 * of the same minimal root, namespaces and limits as `container`, `crun run` per instance. */
#include "launcher.h"
#include "oci.h"

static void crun_probe(const struct bb_env_opts *opts, struct bb_probe *out)
{
	oci_rt_probe("crun", opts, out);
}

static int crun_prepare(struct bb_env *env, struct bb_err *err)
{
	return oci_rt_prepare("crun", env, err);
}

/* The same fields as `container`'s options: one limit for every box. */
static const struct bb_option crun_options[] = {
	BB_LIMIT_OPTIONS,
	BB_OPTIONS_END,
};

const struct launcher launcher_crun = {
	.name = "crun",
	.summary = "crun run of an OCI bundle: the container's root, namespaces and limits",
	.settles = "C2, C3, C5, C6, C10",
	.class = BB_CLASS_CONTAINER,
	.caps = BB_CAP_IMAGE | BB_CAP_LIMITS,
	.options = crun_options,
	.probe = crun_probe,
	.prepare = crun_prepare,
	.spawn = oci_rt_spawn,
	.reap = oci_rt_reap,
	.members = oci_rt_members,
	.cleanup = oci_rt_cleanup,
};
