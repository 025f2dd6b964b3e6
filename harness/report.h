/* `boxbench report`: a result as report.md, a self-contained index.html and charts.
 *
 * The harness writes every chart's data file itself; gnuplot (a child run with an argv, never
 * through a shell) turns each into SVG and PNG with a template from scripts/ (startup.gp,
 * overhead.gp, decomposition.gp, footprint.gp, sharing common.gp). Titles, captions and paths
 * reach gnuplot as `-c` arguments, i.e. as strings it never evaluates; paths are absolute so
 * that none can start with gnuplot's pipe characters '<' or '|'. The templates and data files
 * are copied next to the charts, so `gnuplot -c` can render them again by hand. */
#ifndef BB_REPORT_H
#define BB_REPORT_H

#include <stdio.h>

#include "claims.h"
#include "decomp.h"
#include "err.h"
#include "results.h"

struct report_opts {
	const char *dir;       /* output directory, created if missing */
	const char *gnuplot;   /* the gnuplot program, NULL: "gnuplot" from PATH */
	const char *templates; /* directory of the .gp templates, NULL: report_templates_dir() */
};

struct report_outcome {
	size_t charts;     /* charts attempted */
	size_t charts_ok;  /* rendered as SVG and PNG */
	char warning[512]; /* why some were not rendered ("" when all were) */
};

/* Write DIR/report.md, DIR/index.html and DIR/charts/. Charts gnuplot cannot render are
 * reported in the outcome and in the report itself, not as an error; -1 only when the report
 * cannot be written at all. */
int report_write(const struct bb_result *res, const struct report_opts *o,
                 struct report_outcome *out, struct bb_err *err);

/* Where the templates are: $BOXBENCH_GNUPLOT_DIR, else ../scripts or ../share/boxbench/gnuplot
 * next to the running binary (the build tree or an installation). */
const char *report_templates_dir(void);

/* What a chart needs besides its data file: the y range of a log axis holding every interval
 * (and, for ratios, the line at 1), and each data block's colour ("2 3"): an environment has
 * the same colour in every chart (its position in the result, native first). */
struct chart_axis {
	double ymin, ymax;
	char colors[128];
};

/* The data files handed to gnuplot (formats in the templates' headers). Each returns how many
 * environments it wrote (0: nothing to chart). Write errors show in ferror(f). */
int report_startup_data(const struct bb_result *res, FILE *f);
int report_overhead_data(const struct bb_result *res, const char *suite, FILE *f,
                         struct chart_axis *axis);
/* Metrics of suite "footprint" in `unit`; bytes are charted as MiB. */
int report_footprint_data(const struct bb_result *res, const char *unit, FILE *f,
                          struct chart_axis *axis);
/* Returns the number of segment columns (0 when there is no decomposition). */
int report_decomp_data(const struct decomp *d, FILE *f);

#endif
