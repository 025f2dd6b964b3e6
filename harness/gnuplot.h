/* Running gnuplot: where its templates are, and one bounded run of `gnuplot -c TEMPLATE ...`.
 *
 * gnuplot is a child started with an argv (never through a shell) on top of proc_spawn: its
 * output goes to a private log whose `"FILE" line N: message` line becomes the error, and a
 * run that outlives its timeout is killed with its process group and reaped, so a template
 * bug or a stuck terminal cannot hang `report` or `history`. */
#ifndef BB_GNUPLOT_H
#define BB_GNUPLOT_H

#include <stddef.h>

#include "err.h"

/* How long one chart may take before gnuplot is killed. */
#define GNUPLOT_TIMEOUT_S 60.0

/* What a failed run returns (err says why): GNUPLOT_MISSING when the program is not there,
 * so that a caller can stop trying after the first chart. */
enum gnuplot_failure {
	GNUPLOT_FAILED = -1,
	GNUPLOT_MISSING = -2,
};

/* The directory of the templates: $BOXBENCH_GNUPLOT_DIR when set, else ../scripts (build tree)
 * or ../share/boxbench/gnuplot (installed) beside the running binary, whichever holds `probe`,
 * else "scripts". The string stays valid until the next call. */
const char *gnuplot_templates_dir(const char *probe);

/* DIR/name of gnuplot_templates_dir(name) into path; -1 (with err) when it is not readable. */
int gnuplot_template(const char *name, char *path, size_t len, struct bb_err *err);

/* Run `program args...` (args NULL-terminated; program "gnuplot" or a path, looked up in PATH
 * when it has no '/'), with stdin from /dev/null and the caller's environment. 0 when it exited
 * 0; GNUPLOT_MISSING, or GNUPLOT_FAILED when it failed, was killed after timeout_s or the run
 * was interrupted. */
int gnuplot_run(const char *program, char *const args[], double timeout_s, struct bb_err *err);

/* Put a chart gnuplot wrote to tmp in place at path once it is whole: a regular file that is
 * not empty and ends as its format ends (a PNG with its IEND chunk, an SVG with "</svg>"), so a
 * write error gnuplot let pass (a full disk) never leaves a truncated chart. tmp is gone
 * afterwards on every path. */
int gnuplot_output_commit(const char *tmp, const char *path, struct bb_err *err);

#endif
