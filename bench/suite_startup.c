/* startup: nothing but the ready record (printed by main) and the end record. What is measured
 * is the box around it: launch request to ready, launch request to torn down. */
#include "suite.h"

static int startup_run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

const struct suite suite_startup = {
	.name = "startup",
	.summary = "start, report ready, exit (the harness times the box around it)",
	.settles = "C5, C10",
	.run = startup_run,
};
