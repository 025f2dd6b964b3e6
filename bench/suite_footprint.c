/* footprint: the workload idles while the harness measures the box around it from outside
 * (files on disk, PSS of its processes, its cgroup's accounting, K instances at once: see
 * harness/footprint.h). From inside it reports only what its own kernel says about memory (in a
 * VM that is the guest's view; a container sees the host's), then says `idle` and waits for
 * SIGTERM or the --hold-ms deadline. Its stdin is /dev/null in every box, so a signal is the one
 * way to say "stop" that works for all of them (a VM's QEMU ends on it instead). */
#include "measure.h"
#include "record.h"
#include "suite.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define FOOTPRINT_HOLD_MS_DEFAULT 120000ull /* a bound, should nobody say stop */
#define FOOTPRINT_HOLD_MS_MAX     86400000ull

static volatile sig_atomic_t footprint_stop;

static void footprint_on_signal(int sig)
{
	(void)sig;
	footprint_stop = 1;
}

static int footprint_option(void *ctx, int code, const char *arg, struct bb_err *err)
{
	uint64_t *hold_ms = ctx;

	if (code != 'h')
		return bb_fail(err, 0, "unknown option");
	return measure_parse_u64(arg, 1, FOOTPRINT_HOLD_MS_MAX, "--hold-ms", hold_ms, err);
}

/* "MemTotal:  1234 kB" -> bytes; -1 when the key is absent. */
static long long footprint_meminfo_value(const char *text, const char *key)
{
	const char *p = strstr(text, key);
	long long kib;

	if (!p || sscanf(p + strlen(key), " %lld", &kib) != 1)
		return -1;
	return kib * 1024;
}

/* What this kernel says of its memory: in a guest, the guest's own view of what it uses. */
static void footprint_view(void)
{
	char text[4096];
	FILE *f = fopen("/proc/meminfo", "re");
	size_t n = f ? fread(text, 1, sizeof(text) - 1, f) : 0;
	long long total, avail;

	if (f)
		fclose(f);
	text[n] = '\0';
	total = footprint_meminfo_value(text, "MemTotal:");
	avail = footprint_meminfo_value(text, "MemAvailable:");
	if (total < 0 || avail < 0) {
		rec_info("footprint", "view_mem",
		         "unreadable: no MemTotal/MemAvailable in /proc/meminfo");
		return;
	}
	rec_info_num("footprint", "view_mem_total", (double)total);
	rec_info_num("footprint", "view_mem_used", (double)(total - avail));
}

static uint64_t footprint_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void footprint_hold(uint64_t hold_ms)
{
	uint64_t deadline = footprint_now_ns() + hold_ms * 1000000ull;

	while (!footprint_stop) {
		uint64_t now = footprint_now_ns();
		if (now >= deadline)
			break;
		uint64_t left = deadline - now;
		struct timespec ts = { .tv_sec = (time_t)(left / 1000000000ull),
			               .tv_nsec = (long)(left % 1000000000ull) };
		/* No SA_RESTART: the signal cuts the sleep short with EINTR. */
		nanosleep(&ts, NULL);
	}
}

static int footprint_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		MEASURE_LONG_OPTIONS,
		{ "hold-ms", required_argument, NULL, 'h' },
		{ 0 },
	};
	struct sigaction sa = { .sa_handler = footprint_on_signal };
	struct bb_measure_opts mo;
	struct bb_err err = { 0 };
	uint64_t hold_ms = FOOTPRINT_HOLD_MS_DEFAULT;

	measure_defaults(&mo);
	if (measure_parse_args(argc, argv, longopts, &mo, footprint_option, &hold_ms, &err) < 0) {
		rec_error("footprint", "options", err.msg);
		return 2;
	}
	/* Before `idle`: a stop that comes right after it must find the handler in place (a
	 * container's PID 1 ignores a signal it has no handler for). */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	footprint_view();
	rec_info("footprint", "idle", "waiting for SIGTERM or --hold-ms");
	footprint_hold(hold_ms);
	return 0;
}

const struct suite suite_footprint = {
	.name = "footprint",
	.summary = "idle while the harness measures disk, memory (PSS) and density from outside",
	.settles = "C6",
	.run = footprint_run,
	.measure_opts = 1,
};
