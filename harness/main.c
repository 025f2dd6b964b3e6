/* boxbench: measure what a box costs, natively, in a container and in a VM. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

extern const struct command cmd_doctor, cmd_run, cmd_show;
extern const struct command cmd_report;
extern const struct command cmd_compare;
extern const struct command cmd_history;
extern const struct command cmd_export;
extern const struct command cmd_merge;
extern const struct command cmd_completion;

/* The subcommand table: adding a subcommand is adding its file and one line here. */
/* clang-format off */
const struct command *const commands[] = {
	&cmd_doctor,
	&cmd_run,
	&cmd_show,
	&cmd_report,
	&cmd_compare,
	&cmd_history,
	&cmd_export,
	&cmd_merge,
	&cmd_completion,
	NULL,
};
/* clang-format on */

static void usage(FILE *f)
{
	fputs("usage: boxbench COMMAND [options]\n\ncommands:\n", f);
	for (size_t i = 0; commands[i]; i++)
		if (!commands[i]->hidden)
			fprintf(f, "  %-8s %s\n", commands[i]->name, commands[i]->summary);
	fputs("\n`boxbench COMMAND --help` for a command's options.\n"
	      "exit codes: 0 ok, 1 samples failed / regression, 2 bad usage or input,\n"
	      "            3 environment unavailable, 130 interrupted\n",
	      f);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr), BB_EXIT_USAGE;
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))
		return usage(stdout), BB_EXIT_OK;
	if (!strcmp(argv[1], "--version")) {
		printf("boxbench %s (%s)\n", BB_VERSION, BB_GIT_COMMIT);
		return BB_EXIT_OK;
	}
	for (size_t i = 0; commands[i]; i++)
		if (!strcmp(argv[1], commands[i]->name))
			return commands[i]->main(argc - 1, argv + 1);
	return cli_error(NULL, BB_EXIT_USAGE, "unknown command '%s' (try boxbench --help)",
	                 argv[1]);
}
