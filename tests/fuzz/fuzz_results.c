/* libFuzzer target (make fuzz): any bytes as a result file, through the one validating reader
 * (results_from_json, what results_read runs) and, when it accepts them, through every
 * consumer: show's table, every export format, the report's chart data, claims and
 * decomposition, the whole report document (report_write without gnuplot) and compare (the
 * file against itself and against a fixture). Whatever the reader accepts must be safe for all
 * of them: a crash here is a reader that trusted too much. Seeds: tests/fixtures and results/. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "claims.h"
#include "cli.h"
#include "decomp.h"
#include "export.h"
#include "report.h"
#include "report_charts.h"
#include "report_data.h"
#include "results.h"
#include "show.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static FILE *devnull;
static char file[64], outdir[64];
extern const struct command cmd_compare;
static const struct command *compare = &cmd_compare;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	devnull = fopen("/dev/null", "w");
	snprintf(file, sizeof(file), "/dev/shm/bb-fuzz-%d.json", (int)getpid());
	snprintf(outdir, sizeof(outdir), "/dev/shm/bb-fuzz-report-%d", (int)getpid());
	/* compare prints its table on stdout: not what is tested here. */
	freopen("/dev/null", "w", stdout);
	return 0;
}

static void consume_exports(const struct bb_result *res)
{
	const enum export_format fmts[] = { EXPORT_CSV, EXPORT_BMF, EXPORT_GAB, EXPORT_GBENCH };
	struct bb_err err = { 0 };
	size_t left;

	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		struct export_opts o = { .format = fmts[i], .better = BB_LOWER };
		export_write(res, &o, devnull, &left, &err);
		o.better = BB_HIGHER;
		o.env = res->nseries ? res->series[0].env : NULL;
		export_write(res, &o, devnull, &left, &err);
	}
}

static void consume_report(const struct bb_result *res)
{
	struct claim_eval claims[CLAIMS_N];
	struct report_opts o = { .dir = outdir,
		                 .gnuplot = "/nonexistent/gnuplot",
		                 .templates = "/nonexistent" };
	struct report_outcome out;
	struct chart_axis axis;
	struct bb_err err = { 0 };
	struct decomp d;

	report_startup_data(res, devnull);
	for (size_t i = 0; i < res->nseries; i++)
		report_overhead_data(res, res->series[i].suite, devnull, &axis);
	report_footprint_data(res, "MiB", devnull, &axis);
	claims_evaluate(res, claims);
	decomp_compute(res, &d);
	report_decomp_data(&d, devnull);
	report_write(res, &o, &out, &err);
}

static void consume_compare(void)
{
	char *self[] = { "compare", file, file, NULL };
	char *fix[] = { "compare", "tests/fixtures/fake-small.json", file, NULL };

	if (!compare)
		return;
	compare->main(3, self);
	compare->main(3, fix);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	struct bb_result res;
	struct bb_err err = { 0 };
	FILE *f;

	if (!doc)
		return 0;
	if (results_from_json(doc, &res, &err) < 0) {
		json_decref(doc);
		return 0;
	}
	json_decref(doc);
	show_table(&res, devnull);
	consume_exports(&res);
	consume_report(&res);
	if ((f = fopen(file, "w"))) {
		fwrite(data, 1, size, f);
		fclose(f);
		consume_compare();
		unlink(file);
	}
	results_free(&res);
	return 0;
}
