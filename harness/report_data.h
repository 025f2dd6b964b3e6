/* The report's chart data: what each chart draws, as the data files handed to gnuplot, and the
 * look-ups over a result that the chart planning and the document share. */
#ifndef BB_REPORT_DATA_H
#define BB_REPORT_DATA_H

#include <stdbool.h>
#include <stdio.h>

#include "decomp.h"
#include "format.h"
#include "results.h"

#define MAX_ENVS    32
#define MAX_METRICS 64

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
/* Metrics of suite "footprint" in `unit`, one panel each (their number in axis->colors), the
 * environments in the stack ladder's order; bytes are charted as MiB. */
int report_footprint_data(const struct bb_result *res, const char *unit, FILE *f,
                          struct chart_axis *axis);
/* The density_fit facts (footprint): one block per environment, each instance count measured
 * with its total PSS, the fitted line there, the host kernel's growth since the first count and
 * its line. Returns the blocks (environments). */
int report_density_data(const struct bb_result *res, FILE *f);
/* Returns the number of segment columns (0 when there is no decomposition). */
int report_decomp_data(const struct decomp *d, FILE *f);

/* Distinct environment names of a suite's summarised series (metric NULL: any; need_vs: only
 * those with a ratio to native), in result order. */
size_t report_suite_envs(const struct bb_result *res, const char *suite, const char *metric,
                         bool need_vs, const char **names, size_t max);

/* The scale a footprint unit is charted in (bytes: MiB), its name in *shown. */
double report_fp_scale(const char *unit, const char **shown);

#endif
