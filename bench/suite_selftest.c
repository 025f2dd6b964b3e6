/* selftest: a misbehaving workload on demand, so the harness's defences can be tested
 * against the real thing: `boxbench-load selftest --mode MODE`. */
#include "record.h"
#include "suite.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

/* The shortest valid record, so that a flood reaches the harness's record cap soon even over
 * a guest's serial line (about 9 KB/s under TCG here). */
static void selftest_flood(void)
{
	for (int i = 0; i < 100000; i++)
		rec_info_num("selftest", "f", (double)i);
}

/* Killed by a signal. SIGKILL first (the harness reports "killed by signal 9"); as PID 1 of
 * a PID namespace (a container) the kernel ignores a signal the process sends itself, even
 * SIGKILL, so then a trap: a fault's signal is forced and kills a namespace's init too. Not
 * dumpable, so that no core is written. */
static void selftest_die(void)
{
	prctl(PR_SET_DUMPABLE, 0);
	raise(SIGKILL);
	__builtin_trap();
}

static void selftest_long_line(void)
{
	static char line[3 * BB_LINE_MAX];

	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\n';
	fwrite(line, 1, sizeof(line), stdout);
	fflush(stdout);
}

/* Who the workload is in its box: what the container tests check from inside. */
static void selftest_whoami(void)
{
	char host[256] = "";
	FILE *f = fopen("/proc/self/mounts", "re");
	int mounts = 0, c;

	while (f && (c = fgetc(f)) != EOF)
		mounts += c == '\n';
	if (f)
		fclose(f);
	gethostname(host, sizeof(host) - 1);
	rec_info_num("selftest", "pid", (double)getpid());
	rec_info("selftest", "hostname", host);
	rec_info_num("selftest", "mounts", (double)mounts);
}

static int selftest_run(int argc, char **argv)
{
	const char *mode = argc >= 3 && !strcmp(argv[1], "--mode") ? argv[2] : "ok";

	if (!strcmp(mode, "ok")) {
		rec_metric("selftest", "value", "ns", 42.0, 1);
		selftest_whoami();
	} else if (!strcmp(mode, "hang")) {
		for (;;)
			pause();
	} else if (!strcmp(mode, "garbage")) {
		puts("@bb {this is not json");
		fflush(stdout);
	} else if (!strcmp(mode, "die")) {
		selftest_die();
	} else if (!strcmp(mode, "no-end")) {
		_exit(0);
	} else if (!strcmp(mode, "flood")) {
		selftest_flood();
	} else if (!strcmp(mode, "long-line")) {
		selftest_long_line();
	} else if (!strcmp(mode, "fail")) {
		return 3;
	} else {
		rec_error("selftest", "options",
		          "--mode: ok|hang|garbage|die|no-end|flood|long-line|fail");
		return 2;
	}
	return 0;
}

const struct suite suite_selftest = {
	.name = "selftest",
	.summary = "misbehave on purpose (--mode hang|garbage|die|...), to test the harness",
	.run = selftest_run,
	.internal = 1,
};
