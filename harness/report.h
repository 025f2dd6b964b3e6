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
#include "report_data.h"
#include "results.h"

struct report_opts {
	const char *dir;       /* output directory, created if missing */
	const char *gnuplot;   /* the gnuplot program, NULL: "gnuplot" from PATH */
	const char *templates; /* directory of the .gp templates, NULL: gnuplot_templates_dir() */
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

/* For the report of a merged result (report_hosts.h): the page's CSS, a verdict's CSS class
 * (v-holds, v-caveat, v-fails, v-inconclusive, v-none), mkdir -p. */
struct doc;
struct chart;
/* A rendered chart as a figure of d: the image (SVG, else PNG) from charts_dir, or why there
 * is none, and links to its files (relative: charts/STEM.EXT). */
void report_figure(struct doc *d, const char *charts_dir, const struct chart *c);
/* Count n rendered charts into out (all of them, those with both SVG and PNG) and keep the
 * first one's reason for not being rendered as out's warning. */
void report_outcome_add(const struct chart *charts, size_t n, struct report_outcome *out);

const char *report_html_style(void);
const char *report_verdict_class(enum claim_verdict v);
/* Make dir (and its parents) and dir/charts; real gets dir's absolute path (PATH_MAX bytes),
 * charts the charts directory's. */
int report_dirs(const char *dir, char *real, char *charts, size_t charts_len, struct bb_err *err);

#endif
