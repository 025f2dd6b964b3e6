/* boxbench report FILE [-o DIR]: a result as report.md, index.html and charts. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "report.h"

#define REPORT_USAGE "boxbench report FILE [-o DIR]"

static const struct option longopts[] = { { "output", required_argument, NULL, 'o' },
	                                  { "help", no_argument, NULL, 'h' },
	                                  { NULL, 0, NULL, 0 } };

static int report_main(int argc, char **argv)
{
	struct report_opts o = { .dir = "report" };
	struct report_outcome out;
	struct bb_result res;
	struct bb_err err = { 0 };
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o.dir = optarg;
			break;
		case 'h':
			puts("usage: " REPORT_USAGE "\n"
			     "  -o, --output DIR  write report.md, index.html and charts/ there "
			     "(default: report)");
			return BB_EXIT_OK;
		default:
			return cli_bad_option("report", c, argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return cli_error("report", BB_EXIT_USAGE, "%s (usage: " REPORT_USAGE ")",
		                 argc - optind < 1 ? "missing FILE" : "expected exactly one FILE");
	if (!o.dir[0])
		return cli_error("report", BB_EXIT_USAGE, "-o: empty directory name");
	if (results_read(argv[optind], &res, &err) < 0)
		return cli_error("report", BB_EXIT_USAGE, "%s", err.msg);
	if (report_write(&res, &o, &out, &err) < 0) {
		results_free(&res);
		return cli_error("report", BB_EXIT_WRITE, "%s", err.msg);
	}
	results_free(&res);
	if (out.charts_ok < out.charts)
		fprintf(stderr, "boxbench: report: %zu of %zu charts not rendered: %s\n",
		        out.charts - out.charts_ok, out.charts, out.warning);
	printf("report: %s/index.html (also %s/report.md, %zu charts in %s/charts/)\n", o.dir,
	       o.dir, out.charts_ok, o.dir);
	return BB_EXIT_OK;
}

const struct command cmd_report = {
	.name = "report",
	.usage = "FILE [-o DIR]",
	.summary = "report.md, index.html and charts of a result",
	.main = report_main,
	.longopts = longopts,
};
