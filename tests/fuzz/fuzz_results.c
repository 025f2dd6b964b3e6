/* libFuzzer target (make fuzz): any bytes as a result file, through the one validating reader
 * (results_from_json, what results_read runs) and, when it accepts them, through every
 * consumer: show's table, every export format, the report's chart data, claims and
 * decomposition, the whole report document (report_write without gnuplot) and compare (the
 * file against itself and against a fixture). A merged result (boxbench merge) goes through
 * the hosts' reader (results_hosts_from_json, each host's view validated as a single result)
 * and every consumer of a set of hosts: show's tables, the csv of every host, the hosts'
 * report (with each host's own), and each host's result through the consumers above. Whatever the
 * reader accepts must be safe for all of them: a crash here is a reader that trusted too much.
 * Seeds: tests/fixtures and results/. */
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
#include "report_hosts.h"
#include "results.h"
#include "results_hosts.h"
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

static void consume_result(const struct bb_result *res)
{
	show_table(res, devnull);
	consume_exports(res);
	consume_report(res);
}

/* A merged result: the set of hosts and each host's own result. */
static void consume_hosts(json_t *doc)
{
	struct report_opts o = { .dir = outdir,
		                 .gnuplot = "/nonexistent/gnuplot",
		                 .templates = "/nonexistent" };
	struct report_outcome out;
	struct bb_err err = { 0 };
	struct bb_hostset set;
	struct bb_result view;

	if (results_hosts_from_json(doc, &set, &err) < 0)
		return;
	show_hosts_table(&set, devnull);
	json_decref(show_hosts_json(&set));
	export_csv_hosts(&set, NULL, NULL, devnull, &err);
	for (size_t i = 0; i < set.n; i++) {
		if (!set.hosts[i].doc)
			continue;
		consume_result(&set.hosts[i].res);
		if (results_host_view(doc, set.hosts[i].name, &view, &err) == 0)
			results_free(&view);
	}
	report_hosts_write(&set, &o, &out, &err);
	results_hosts_free(&set);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	struct bb_result res;
	struct bb_err err = { 0 };
	bool merged;
	FILE *f;

	if (!doc)
		return 0;
	merged = json_is_object(doc) && results_is_merged(doc);
	if (merged) {
		consume_hosts(doc);
	} else if (results_from_json(doc, &res, &err) == 0) {
		consume_result(&res);
		results_free(&res);
	} else {
		json_decref(doc);
		return 0;
	}
	json_decref(doc);
	if ((f = fopen(file, "w"))) {
		fwrite(data, 1, size, f);
		fclose(f);
		consume_compare();
		unlink(file);
	}
	return 0;
}
