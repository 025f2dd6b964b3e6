/* boxbench merge [NAME=]FILE... -o OUT [--missing NAME=STATUS:REASON]... [--force]: results
 * from several machines in one file, the host a dimension (results_hosts.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "merge.h"
#include "outfile.h"

#define MERGE_USAGE                                                                                \
	"boxbench merge [NAME=]FILE... -o OUT [--missing NAME=STATUS:REASON]... [--force]"

enum { OPT_MISSING = 256, OPT_FORCE, OPT_HELP };

static const struct option merge_longopts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "missing", required_argument, NULL, OPT_MISSING },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ 0 },
};

static const char merge_help[] =
    "usage: " MERGE_USAGE "\n"
    "  FILE              a boxbench/1 result, named by its host name (host.hostname), or\n"
    "                    a merged one (its hosts are added as they are); NAME=FILE names it\n"
    "                    (NAME: letters, digits, '.', '_', '-'); two hosts with one name are\n"
    "                    an error\n"
    "  -o, --output OUT  the merged result (boxbench/1 with a `hosts` array), written\n"
    "                    atomically\n"
    "  --missing NAME=STATUS:REASON\n"
    "                    a host without a result: STATUS unreachable, failed or timeout\n"
    "                    (repeatable; with no FILE at all the merge holds only such hosts)\n"
    "  --force           replace OUT if it exists\n";

struct merge_cli {
	const char *out;
	const char **missing;
	size_t nmissing;
	bool force, help;
};

static int merge_parse(int argc, char **argv, struct merge_cli *cli, struct bb_err *err)
{
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":o:", merge_longopts, NULL)) != -1) {
		if (c == '?' || c == ':')
			return cli_option_error(c, argv[optind - 1], err);
		if (c == OPT_HELP)
			return cli->help = true, 0;
		if (c == 'o')
			cli->out = optarg;
		else if (c == OPT_FORCE)
			cli->force = true;
		else
			cli->missing[cli->nmissing++] = optarg;
	}
	if (!cli->out || !cli->out[0])
		return bb_fail(err, 0, "missing -o OUT (usage: %s)", MERGE_USAGE);
	if (optind >= argc && !cli->nmissing)
		return bb_fail(err, 0, "no FILE and no --missing host (usage: %s)", MERGE_USAGE);
	return 0;
}

static int merge_inputs(int argc, char **argv, const struct merge_cli *cli, struct bb_hostset *set,
                        struct bb_err *err)
{
	char name[BB_HOST_NAME_MAX];
	const char *path;

	for (int i = optind; i < argc; i++)
		if (merge_parse_input(argv[i], name, &path, err) < 0 ||
		    merge_add_file(set, name, path, err) < 0)
			return -1;
	for (size_t i = 0; i < cli->nmissing; i++)
		if (merge_add_missing(set, cli->missing[i], err) < 0)
			return -1;
	return 0;
}

static int merge_main(int argc, char **argv)
{
	struct merge_cli cli = { .missing = calloc((size_t)argc + 1, sizeof(char *)) };
	struct bb_hostset set;
	struct bb_err err = { 0 };
	char *command = NULL;
	int rc = BB_EXIT_OK;

	results_hosts_init(&set);
	if (!cli.missing)
		return cli_error("merge", BB_EXIT_FAIL, "out of memory");
	if (merge_parse(argc, argv, &cli, &err) < 0) {
		rc = cli_error("merge", BB_EXIT_USAGE, "%s", err.msg);
		goto out;
	}
	if (cli.help) {
		fputs(merge_help, stdout);
		goto out;
	}
	if (outfile_check(cli.out, cli.force, &err) < 0 ||
	    merge_inputs(argc, argv, &cli, &set, &err) < 0) {
		rc = cli_error("merge", BB_EXIT_USAGE, "%s", err.msg);
		goto out;
	}
	if (!(command = cli_command_line(argc, argv)) ||
	    results_hosts_write(&set, command, cli.out, cli.force, &err) < 0) {
		rc = cli_error("merge", BB_EXIT_WRITE, "%s", command ? err.msg : "out of memory");
		goto out;
	}
	printf("merge: %s (%zu hosts, %zu with a result)\n", cli.out, set.n,
	       results_hosts_with_data(&set));
out:
	free(command);
	free(cli.missing);
	results_hosts_free(&set);
	return rc;
}

const struct command cmd_merge = {
	.name = "merge",
	.usage = "[NAME=]FILE... -o OUT [--missing NAME=STATUS:REASON]... [--force]",
	.summary = "results from several machines in one file, the host a dimension",
	.main = merge_main,
	.longopts = merge_longopts,
};
