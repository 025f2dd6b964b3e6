/* runc: the OCI runtime under Docker and containerd, driven directly (ocirt.c): an OCI bundle of
 * the same minimal root, namespaces and limits as `container`, `runc run` per instance. */
#include "launcher.h"
#include "oci.h"

static void runc_probe(const struct bb_env_opts *opts, struct bb_probe *out)
{
	oci_rt_probe("runc", opts, out);
}

static int runc_prepare(struct bb_env *env, struct bb_err *err)
{
	return oci_rt_prepare("runc", env, err);
}

/* The same fields as `container`'s options: one limit for every box. */
static const struct bb_option runc_options[] = {
	BB_LIMIT_OPTIONS,
	BB_OPTIONS_END,
};

const struct launcher launcher_runc = {
	.name = "runc",
	.summary = "runc run of an OCI bundle: the container's root, namespaces and limits",
	.settles = "C2, C3, C5, C6, C10",
	.class = BB_CLASS_CONTAINER,
	.caps = BB_CAP_IMAGE | BB_CAP_LIMITS,
	.options = runc_options,
	.probe = runc_probe,
	.prepare = runc_prepare,
	.spawn = oci_rt_spawn,
	.reap = oci_rt_reap,
	.members = oci_rt_members,
	.cleanup = oci_rt_cleanup,
};
