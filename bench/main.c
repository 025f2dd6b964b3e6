/* boxbench-load: the workload, one static multi-call binary. `boxbench-load SUITE [options]`
 * prints `@bb {json}` records on stdout; the ready record comes first, before any parsing, so
 * that startup latency measures the box and not the workload. */
#include "record.h"
#include "suite.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void usage(void)
{
	fputs("usage: boxbench-load SUITE [--inject-delay-us N] [suite options]\nsuites:", stderr);
	for (size_t i = 0; suites[i]; i++)
		fprintf(stderr, "\n  %-10s %s", suites[i]->name, suites[i]->summary);
	fputc('\n', stderr);
}

/* --inject-delay-us N: an artificial slowdown between ready and the suite, for testing the
 * regression pipeline end to end (boxbench compare must flag it). Removed from argv. */
static int take_inject_delay(int *argc, char **argv, long *delay_us)
{
	for (int i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--inject-delay-us") != 0)
			continue;
		char *end;
		errno = 0;
		if (i + 1 >= *argc)
			return -1;
		*delay_us = strtol(argv[i + 1], &end, 10);
		if (errno || *end || end == argv[i + 1] || *delay_us < 0 || *delay_us > 60000000)
			return -1;
		memmove(&argv[i], &argv[i + 2], (size_t)(*argc - i - 1) * sizeof(char *));
		*argc -= 2;
		return 0;
	}
	return 0;
}

static void sleep_us(long us)
{
	struct timespec ts = { .tv_sec = us / 1000000, .tv_nsec = (us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "";
	const struct suite *suite;
	long delay_us = 0;
	int status;

	rec_ready(name);
	suite = suite_find(name);
	if (!suite) {
		usage();
		rec_error(name, "suite", "unknown suite");
		rec_end(2);
		return 2;
	}
	if (take_inject_delay(&argc, argv, &delay_us) < 0) {
		rec_error(name, "suite", "--inject-delay-us: expected microseconds 0..60000000");
		rec_end(2);
		return 2;
	}
	if (delay_us)
		sleep_us(delay_us);
	status = suite->run(argc - 1, argv + 1);
	rec_end(status);
	return status;
}
