/* boxbench report FILE [-o DIR]: a result as report.md, index.html and charts. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "report.h"
#include "report_hosts.h"
#include "results_hosts.h"

#define REPORT_USAGE "boxbench report FILE [-o DIR]"

static const struct option longopts[] = { { "output", required_argument, NULL, 'o' },
	                                  { "help", no_argument, NULL, 'h' },
	                                  { NULL, 0, NULL, 0 } };

static int report_print(const struct bb_hostset *set, const struct report_opts *o,
                        const struct report_outcome *out)
{
	size_t ok = results_hosts_with_data(set);

	if (out->charts_ok < out->charts)
		fprintf(stderr, "boxbench: report: %zu of %zu charts not rendered: %s\n",
		        out->charts - out->charts_ok, out->charts, out->warning);
	if (set->merged && !ok)
		fprintf(stderr, "boxbench: report: ALL %zu HOSTS FAILED: no host has a result\n",
		        set->n);
	if (set->merged)
		printf("report: %s/index.html (%zu hosts, %zu with a result; each one's report "
		       "in %s/hosts/NAME/)\n",
		       o->dir, set->n, ok, o->dir);
	else
		printf("report: %s/index.html (also %s/report.md, %zu charts in %s/charts/)\n",
		       o->dir, o->dir, out->charts_ok, o->dir);
	return BB_EXIT_OK;
}

static int report_main(int argc, char **argv)
{
	struct report_opts o = { .dir = "report" };
	struct report_outcome out;
	struct bb_hostset set;
	struct bb_err err = { 0 };
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o.dir = optarg;
			break;
		case 'h':
			puts("usage: " REPORT_USAGE "\n"
			     "  -o, --output DIR  write report.md, index.html and charts/ there "
			     "(default: report)\n"
			     "A merged result (boxbench merge): the hosts side by side (a Hosts "
			     "table, "
			     "the claims\nper host, one chart per suite with the hosts as groups) "
			     "and "
			     "each host's own\nreport in DIR/hosts/NAME/.");
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
	if (results_hosts_read(argv[optind], &set, &err) < 0)
		return cli_error("report", BB_EXIT_USAGE, "%s", err.msg);
	rc = set.merged ? report_hosts_write(&set, &o, &out, &err)
	                : report_write(&set.hosts[0].res, &o, &out, &err);
	rc = rc < 0 ? cli_error("report", BB_EXIT_WRITE, "%s", err.msg)
	            : report_print(&set, &o, &out);
	results_hosts_free(&set);
	return rc;
}

const struct command cmd_report = {
	.name = "report",
	.usage = "FILE [-o DIR]",
	.summary = "report.md, index.html and charts of a result",
	.main = report_main,
	.longopts = longopts,
};
