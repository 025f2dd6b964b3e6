/* boxbench export FILE --format csv|bmf|gab|gbench|hyperfine: a result for spreadsheets and CI
 * benchmark trackers (formats in export.h). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "cli.h"
#include "export.h"
#include "outfile.h"
#include "results_hosts.h"

enum { OPT_FORMAT = 256, OPT_ENV, OPT_HOST, OPT_BETTER, OPT_AGGREGATES, OPT_HELP };

static const struct option exp_longopts[] = {
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "output", required_argument, NULL, 'o' },
	{ "env", required_argument, NULL, OPT_ENV },
	{ "host", required_argument, NULL, OPT_HOST },
	{ "better", required_argument, NULL, OPT_BETTER },
	{ "aggregates-only", no_argument, NULL, OPT_AGGREGATES },
	{ "help", no_argument, NULL, OPT_HELP },
	{ 0 },
};

static const char exp_usage[] =
    "usage: boxbench export FILE --format csv|bmf|gab|gbench|hyperfine [-o OUT] [--env ENV]\n"
    "                       [--host NAME] [--better lower|higher] [--aggregates-only]\n"
    "  --format F        csv: one row per sample, failed ones too, values also in base units\n"
    "                    (s, bytes, ops/s, bytes/s); bmf: Bencher Metric Format (one\n"
    "                    environment = one testbed per document; latency in ns, throughput\n"
    "                    in ops/s, file-size in bytes); gab: github-action-benchmark custom\n"
    "                    format (one direction per document); gbench: Google Benchmark JSON\n"
    "                    (ns); hyperfine: hyperfine's --export-json (s)\n"
    "  -o, --output OUT  write OUT (replaced atomically) instead of stdout\n"
    "  --env ENV         only this environment (bmf needs one when the file holds several)\n"
    "  --host NAME       a merged result (boxbench merge): only this host; every format but\n"
    "                    csv needs one (csv: every host's rows, the host in its column)\n"
    "  --better DIR      gab: export the lower-is-better series (default; tool\n"
    "                    customSmallerIsBetter) or the higher-is-better ones\n"
    "                    (customBiggerIsBetter): two files, two action steps with different\n"
    "                    `name:` inputs\n"
    "  --aggregates-only gbench: mean, median, stddev, cv per series, not every repetition\n"
    "                    (like --benchmark_report_aggregates_only)\n";

struct exp_cli {
	struct export_opts opts;
	bool have_format, help;
	const char *file, *out, *host;
};

/* What is exported: one result, or (csv of a merged file) a set of hosts. */
struct exp_src {
	const struct bb_hostset *set; /* csv of every host (or cli->host) of a merged result */
	const struct bb_result *res;
};

static int exp_parse_opt(int c, const char *arg, struct exp_cli *cli, struct bb_err *err)
{
	switch (c) {
	case OPT_FORMAT:
		cli->have_format = true;
		return export_format_parse(arg, &cli->opts.format, err);
	case 'o':
		return cli->out = arg, 0;
	case OPT_ENV:
		return cli->opts.env = arg, 0;
	case OPT_HOST:
		return cli->host = arg, 0;
	case OPT_AGGREGATES:
		return cli->opts.aggregates_only = true, 0;
	case OPT_BETTER:
		if (strcmp(arg, "lower") && strcmp(arg, "higher"))
			return bb_fail(err, 0, "--better: expected lower or higher, got '%s'", arg);
		cli->opts.better = strcmp(arg, "lower") ? BB_HIGHER : BB_LOWER;
		return 0;
	}
	return bb_fail(err, 0, "internal: unhandled option %d", c);
}

/* 0 with the options (cli->help: print the usage and stop), or -1 with the usage error. */
static int exp_parse(int argc, char **argv, struct exp_cli *cli, struct bb_err *err)
{
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":o:", exp_longopts, NULL)) != -1) {
		if (c == OPT_HELP) {
			cli->help = true;
			return 0;
		}
		if (c == '?' || c == ':')
			return cli_option_error(c, argv[optind - 1], err);
		if (exp_parse_opt(c, optarg, cli, err) < 0)
			return -1;
	}
	if (argc - optind != 1)
		return bb_fail(err, 0,
		               "expected one FILE (usage: boxbench export FILE --format "
		               "csv|bmf|gab|gbench|hyperfine [-o OUT])");
	if (!cli->have_format)
		return bb_fail(err, 0, "missing --format csv|bmf|gab|gbench|hyperfine");
	if (cli->opts.aggregates_only && cli->opts.format != EXPORT_GBENCH)
		return bb_fail(err, 0, "--aggregates-only is for --format gbench");
	cli->file = argv[optind];
	return 0;
}

static bool exp_has_env(const struct bb_result *res, const char *env)
{
	for (size_t i = 0; i < res->nseries; i++)
		if (!strcmp(res->series[i].env, env))
			return true;
	return false;
}

static bool exp_src_has_env(const struct exp_src *src, const char *env)
{
	if (!src->set)
		return exp_has_env(src->res, env);
	for (size_t i = 0; i < src->set->n; i++)
		if (src->set->hosts[i].doc && exp_has_env(&src->set->hosts[i].res, env))
			return true;
	return false;
}

static int exp_write(const struct exp_src *src, const struct exp_cli *cli, FILE *f, size_t *left,
                     struct bb_err *err)
{
	*left = 0;
	if (src->set)
		return export_csv_hosts(src->set, cli->host, cli->opts.env, f, err);
	return export_write(src->res, &cli->opts, f, left, err);
}

/* Into a temporary file beside OUT, renamed over it once complete: a reader never sees half
 * a document, and only a regular file is ever replaced (outfile.h). */
static int exp_to_file(const struct exp_src *src, const struct exp_cli *cli, size_t *left,
                       struct bb_err *err)
{
	char tmp[PATH_MAX + 64];
	FILE *f = outfile_open(cli->out, tmp, sizeof(tmp), err);

	if (!f)
		return -1;
	if (exp_write(src, cli, f, left, err) < 0) {
		outfile_abort(f, tmp);
		return -1;
	}
	return outfile_commit(f, tmp, cli->out, true, err);
}

/* The host names of a set, "a, b, c" (cut short when long). */
static const char *exp_host_names(const struct bb_hostset *set, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < set->n && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? ", " : "", set->hosts[i].name);
	return buf;
}

/* What to export from the file read: a merged one needs --host for every format but csv. */
static int exp_source(const struct bb_hostset *set, const struct exp_cli *cli, struct exp_src *src,
                      struct bb_err *err)
{
	const struct bb_hostres *h = cli->host ? results_hosts_find(set, cli->host) : NULL;
	char names[256];

	if (!set->merged && cli->host && strcmp(cli->host, set->hosts[0].name))
		return bb_fail(err, 0, "--host: %s is one result, of host '%s'", cli->file,
		               set->hosts[0].name);
	if (!set->merged)
		return src->res = &set->hosts[0].res, 0;
	if (cli->host && !h)
		return bb_fail(err, 0, "--host: %s has no host '%s' (hosts: %s)", cli->file,
		               cli->host, exp_host_names(set, names, sizeof(names)));
	if (h && !h->doc)
		return bb_fail(err, 0, "--host: host '%s' has no result (%s%s%s)", h->name,
		               host_status_name(h->status), h->reason[0] ? ": " : "", h->reason);
	if (cli->opts.format == EXPORT_CSV)
		return src->set = set, 0;
	if (!h)
		return bb_fail(err, 0,
		               "%s is a merged result of %zu hosts (%s): this format takes one, "
		               "--host NAME (csv takes them all)",
		               cli->file, set->n, exp_host_names(set, names, sizeof(names)));
	return src->res = &h->res, 0;
}

static void exp_left_note(const struct exp_cli *cli, size_t left)
{
	if (left && cli->opts.format == EXPORT_GAB)
		fprintf(stderr,
		        "boxbench: export: %zu %s-is-better series left out (export them "
		        "with --better %s)\n",
		        left, cli->opts.better == BB_LOWER ? "higher" : "lower",
		        cli->opts.better == BB_LOWER ? "higher" : "lower");
	else if (left)
		fprintf(stderr,
		        "boxbench: export: %zu series not in a time unit left out (%s holds "
		        "times; use csv or bmf for them)\n",
		        left,
		        cli->opts.format == EXPORT_GBENCH ? "Google Benchmark JSON"
		                                          : "hyperfine JSON");
}

static int export_main(int argc, char **argv)
{
	struct exp_cli cli = { .opts = { .better = BB_LOWER } };
	struct exp_src src = { 0 };
	struct bb_hostset set;
	struct bb_err err = { 0 };
	size_t left = 0;
	int rc;

	if (exp_parse(argc, argv, &cli, &err) < 0)
		return cli_error("export", BB_EXIT_USAGE, "%s", err.msg);
	if (cli.help)
		return fputs(exp_usage, stdout), BB_EXIT_OK;
	if (cli.out && outfile_check(cli.out, true, &err) < 0)
		return cli_error("export", BB_EXIT_USAGE, "%s", err.msg);
	if (results_hosts_read(cli.file, &set, &err) < 0)
		return cli_error("export", BB_EXIT_USAGE, "%s", err.msg);
	if (exp_source(&set, &cli, &src, &err) < 0) {
		rc = cli_error("export", BB_EXIT_USAGE, "%s", err.msg);
		goto out;
	}
	if (cli.opts.env && !exp_src_has_env(&src, cli.opts.env)) {
		rc = cli_error("export", BB_EXIT_USAGE, "--env: %s has no series for '%s'",
		               cli.file, cli.opts.env);
		goto out;
	}
	rc = cli.out ? exp_to_file(&src, &cli, &left, &err)
	             : exp_write(&src, &cli, stdout, &left, &err);
	if (rc < 0) {
		rc = cli_error("export", BB_EXIT_WRITE, "%s",
		               strncmp(err.msg, "export: ", 8) ? err.msg : err.msg + 8);
		goto out;
	}
	exp_left_note(&cli, left);
	rc = BB_EXIT_OK;
out:
	results_hosts_free(&set);
	return rc;
}

const struct command cmd_export = {
	.name = "export",
	.usage = "FILE --format csv|bmf|gab|gbench|hyperfine [-o OUT] [--env ENV] [--host NAME] "
	         "[--better lower|higher] [--aggregates-only]",
	.summary = "a result as CSV, Bencher BMF, github-action-benchmark, Google Benchmark or "
	           "hyperfine JSON",
	.main = export_main,
	.longopts = exp_longopts,
};
