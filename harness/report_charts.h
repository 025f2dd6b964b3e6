/* Chart planning for the report: the charts a result gets (startup, decomposition, one per
 * overhead suite, one per footprint unit), each with its data file, title, note and caption,
 * rendered by gnuplot into SVG and PNG. The document (report.c) places them. */
#ifndef BB_REPORT_CHARTS_H
#define BB_REPORT_CHARTS_H

#include <limits.h>
#include <stdbool.h>

#include "claims.h"
#include "report_data.h"

#define MAX_CHARTS 32
#define MAX_SUITES 32

struct chart {
	char stem[80];    /* file name without extension */
	const char *tmpl; /* template file name */
	const char *section;
	char title[160];
	char note[512];     /* what the chart shows, for the documents only */
	char caption[1024]; /* n, host, caveats: in the image and the documents */
	char args[4][128];  /* ARG6.. */
	size_t nargs;
	bool svg, png;
	char why[320]; /* why it was not rendered */
};

/* Where charts are rendered: the directory holding the templates and data files, the gnuplot
 * program, and the reason gnuplot cannot run at all once a first chart found it (then no
 * other is tried). */
struct chart_place {
	const char *charts_dir, *gnuplot;
	char *gnuplot_missing; /* CHART_MISSING_LEN bytes */
};
#define CHART_MISSING_LEN 320

/* Render c into SVG and PNG (pngcairo, else png) at p; why it was not, in c->why. */
void chart_render_at(const struct chart_place *p, struct chart *c);

/* One report being written: its result, where it goes, the verdicts and the charts. */
struct report {
	const struct bb_result *res;
	char dir[PATH_MAX], charts_dir[PATH_MAX + 16];
	const char *tmpl_dir, *gnuplot;
	struct claim_eval claims[CLAIMS_N];
	struct decomp decomp;
	struct chart charts[MAX_CHARTS];
	size_t ncharts;
	char gnuplot_missing[CHART_MISSING_LEN]; /* set once gnuplot cannot run at all */
	char host[512];
};

/* r->host: "host NAME: CPU, N cores / M PUs, kernel K, bare metal". */
void report_host_line(struct report *r);

/* Copy the templates next to the charts: what renders them is what the report ships. */
int report_copy_templates(struct report *r, struct bb_err *err);
/* The same for any set of templates (names NULL-terminated), from tmpl_dir to charts_dir. */
int chart_copy_templates(const char *tmpl_dir, const char *charts_dir, const char *const *names,
                         struct bb_err *err);

/* Plan every chart, write its data file and render it. -1 only when a data file cannot be
 * written; a chart gnuplot fails on keeps the reason in its `why`. */
int report_charts(struct report *r, struct bb_err *err);

const struct chart *report_chart_of(const struct report *r, const char *stem);
/* The next chart of a section from *from on (advancing it), NULL when there is none. */
const struct chart *report_chart_in(const struct report *r, const char *section, size_t *from);

/* The suites of a result (series first, then facts), in order. */
size_t report_suites(const struct bb_result *res, const char **names, size_t max);
/* Suites with their own section and chart (or none): the rest are overhead suites. */
bool report_suite_special(const char *suite);

#endif
