#include "cgroup.h"
#include "engine.h"
#include "vm.h"
#include "sweep.h"

/* Every kind of state a run leaves on the machine, for the sweep of stale state (sweep.h): a
 * launcher with state of its own (a daemon's data root, bundles, guest disks outside the
 * scratch directory) adds its sweeper here. */
const struct bb_sweeper *const sweepers[] = {
	&sweeper_cgroup, &sweeper_scratch, &sweeper_docker,  &sweeper_podman,
	&sweeper_runc,   &sweeper_crun,    &sweeper_vm_args, NULL,
};
