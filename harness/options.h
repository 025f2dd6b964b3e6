/* Defaults for the environment options, and where boxbench's own programs live. */
#ifndef BB_OPTIONS_H
#define BB_OPTIONS_H

#include "launcher.h"

/* Fill opts with defaults: the workload next to the boxbench binary (build tree) or in
 * ../libexec/boxbench (installed), or $BOXBENCH_LIBEXEC; all namespaces; cgroup limits of one
 * CPU, 512 MiB and 256 pids; a 512 MiB, 1-vCPU guest. */
void options_defaults(struct bb_env_opts *opts);

/* The directory of the running boxbench binary (from /proc/self/exe), NULL when unknown:
 * the workload, the guest pieces and the gnuplot templates are found relative to it. */
const char *options_self_dir(void);

#endif
